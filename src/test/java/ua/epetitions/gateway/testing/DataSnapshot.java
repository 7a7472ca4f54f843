package ua.epetitions.gateway.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamInfo;

/**
 * What a request could have changed, read straight from the servers: every Redis key with its
 * content (hashes in full, sets and strings, streams by length and last generated id) and the
 * PostgreSQL row counts and persisted counts. Two snapshots are equal when nothing changed.
 */
public record DataSnapshot(Map<String, String> redis, Map<String, Long> postgres) {

  public static DataSnapshot of(TestGateway gw) {
    return new DataSnapshot(redisKeys(), postgresCounts(gw));
  }

  private static Map<String, String> redisKeys() {
    Map<String, String> keys = new TreeMap<>();
    try (Jedis jedis = TestServers.get().jedis()) {
      keys.put("(dbsize)", Long.toString(jedis.dbSize()));
      for (String key : new TreeSet<>(jedis.keys("*"))) {
        keys.put(key, content(jedis, key));
      }
    }
    return keys;
  }

  private static String content(Jedis jedis, String key) {
    String type = jedis.type(key);
    return switch (type) {
      case "hash" -> "hash " + new TreeMap<>(jedis.hgetAll(key));
      case "set" -> "set " + new TreeSet<>(jedis.smembers(key));
      case "string" -> "string " + jedis.get(key);
      case "stream" -> {
        StreamInfo info = jedis.xinfoStream(key);
        yield "stream length=" + info.getLength() + " last=" + info.getLastGeneratedId();
      }
      case "list" -> "list " + jedis.lrange(key, 0, -1);
      case "zset" -> "zset " + jedis.zrangeWithScores(key, 0, -1);
      default -> type;
    };
  }

  private static Map<String, Long> postgresCounts(TestGateway gw) {
    Map<String, Long> counts = new TreeMap<>();
    counts.put("communities", gw.count("SELECT count(*) FROM communities"));
    counts.put("petitions", gw.count("SELECT count(*) FROM petitions"));
    counts.put("signatures", gw.count("SELECT count(*) FROM signatures"));
    counts.put(
        "persisted counts", gw.count("SELECT coalesce(sum(persisted_count), 0) FROM petitions"));
    counts.put(
        "petition statuses",
        gw.count("SELECT coalesce(sum(hashtext(id || status::text)), 0) FROM petitions"));
    return counts;
  }
}

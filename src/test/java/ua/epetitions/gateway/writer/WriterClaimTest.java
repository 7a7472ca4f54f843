package ua.epetitions.gateway.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntry;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.StreamGroupInfo;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * A writer that read a batch and stopped before acknowledging it leaves the entries pending in the
 * group; another instance's writer must take them over and store each one once.
 */
@Tag("fault")
@DisplayName("Claiming the entries of a stopped writer")
class WriterClaimTest {
  private static final String TOWN = "claim-town";
  private static final int SIGNERS = 200;
  private static final String CRASHED_WRITER = "crashed-writer";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  @DisplayName(
      "a writer stopped after reading but before acknowledging: a fresh writer claims and"
          + " stores every entry once")
  void freshWriterClaimsAndStoresEveryEntryOnce() {
    try (TestGateway first = TestGateway.start(Map.of("GATEWAY_WRITER_ENABLED", "false"));
        Jedis redis = TestServers.get().jedis()) {
      Fixtures.createCommunity(first, TOWN, false);
      long petitionId = Fixtures.collectingPetition(first, TOWN, "Петиція, чий писар зупинився");
      SigningKeys keys = keysOf(first);
      String stream = keys.stream(keys.partitionOf(petitionId));
      Set<String> receipts = signByDistinctCitizens(first, petitionId, SIGNERS);

      List<String> readIds = readWithoutAcknowledging(redis, stream);
      String prefix = keys.receiptPrefix(keys.partitionOf(petitionId));
      assertThat(readIds).map(id -> prefix + id).containsExactlyInAnyOrderElementsOf(receipts);
      assertThat(
              redis
                  .xpending(stream, SigningKeys.WRITER_GROUP)
                  .getConsumerMessageCount()
                  .get(CRASHED_WRITER))
          .isEqualTo(SIGNERS);

      Map<String, String> quickClaims =
          Map.of(
              "GATEWAY_WRITER_CLAIM_MIN_IDLE_MS", "200", "GATEWAY_WRITER_CLAIM_INTERVAL_MS", "300");
      try (TestGateway second = TestGateway.startOn(first.databaseUrl(), quickClaims)) {
        Eventually.within(
            PATIENCE,
            () -> {
              assertThat(storedReceipts(second, petitionId))
                  .containsExactlyInAnyOrderElementsOf(receipts);
              assertThat(persistedCount(second, petitionId)).isEqualTo(SIGNERS);
              assertThat(redis.xlen(stream)).isZero();
              assertThat(pendingInGroup(redis, stream)).isZero();
            });
      }
    }
  }

  /** Reads every new entry as the crashed writer would have, and acknowledges none. */
  private static List<String> readWithoutAcknowledging(Jedis redis, String stream) {
    try {
      redis.xgroupCreate(stream, SigningKeys.WRITER_GROUP, new StreamEntryID(), true);
    } catch (JedisDataException e) {
      if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
        throw e;
      }
    }
    List<Map.Entry<String, List<StreamEntry>>> reply =
        redis.xreadGroup(
            SigningKeys.WRITER_GROUP,
            CRASHED_WRITER,
            XReadGroupParams.xReadGroupParams().count(1000),
            Map.of(stream, StreamEntryID.UNRECEIVED_ENTRY));
    List<String> ids = new ArrayList<>();
    reply.forEach(perStream -> perStream.getValue().forEach(e -> ids.add(e.getID().toString())));
    return ids;
  }

  /** XINFO GROUPS, since this Jedis cannot read the XPENDING summary of an empty group. */
  private static long pendingInGroup(Jedis redis, String stream) {
    return redis.xinfoGroup(stream).stream()
        .filter(group -> group.getName().equals(SigningKeys.WRITER_GROUP))
        .mapToLong(StreamGroupInfo::getPending)
        .sum();
  }

  private static Set<String> signByDistinctCitizens(TestGateway gw, long petitionId, int count) {
    Set<String> receipts = new HashSet<>();
    for (int i = 0; i < count; i++) {
      String token = gw.token("claim-citizen-" + i, "Громадянин " + i, Fixtures.TERRITORY);
      var response =
          gw.citizenPost(
              "/api/v1/petitions/" + petitionId + "/signatures",
              token,
              new JsonObject().put("consent", true));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
      receipts.add(response.bodyAsJsonObject().getString("receipt"));
    }
    assertThat(receipts).hasSize(count);
    return receipts;
  }

  private static List<String> storedReceipts(TestGateway gw, long petitionId) {
    List<String> receipts = new ArrayList<>();
    for (Row row : gw.sql("SELECT receipt FROM signatures WHERE petition_id = " + petitionId)) {
      receipts.add(row.getString("receipt"));
    }
    return receipts;
  }

  private static long persistedCount(TestGateway gw, long petitionId) {
    return gw.count("SELECT persisted_count FROM petitions WHERE id = " + petitionId);
  }

  private static SigningKeys keysOf(TestGateway gw) {
    return new SigningKeys(gw.gateway().services().config().signing().partitions());
  }
}

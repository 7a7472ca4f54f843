package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.testing.DedicatedRedis;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * The gateway's Redis, its own for this test and fsyncing its append-only file on every write
 * (appendfsync always), is killed with SIGKILL while signatures flow concurrently, then started
 * again on the same port and files while the gateway keeps running. A 202 is given only once Redis
 * has written the signature to its file, so none may be missing after the restart; signatures that
 * arrive while Redis is away are answered 503.
 */
@Tag("fault")
@DisplayName("Redis killed hard and restarted")
class RedisKilledTest {
  private static final Logger log = LoggerFactory.getLogger(RedisKilledTest.class);
  private static final String TOWN = "killed-redis-town";
  private static final int IN_FLIGHT = 16;
  private static final int KILL_AFTER_ACCEPTED = 120;
  private static final int MAX_SENT_BEFORE_KILL = 300;
  private static final int REFUSALS_BEFORE_RESTART = 20;
  private static final int MAX_SENT_WHILE_AWAY = 200;
  private static final int SENT_AFTER_RESTART = 150;
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final long ANSWER_WITHIN_SECONDS = 15;

  @Test
  @DisplayName(
      "Redis with appendfsync always killed with SIGKILL mid-flow and restarted: 503 while it is"
          + " away, and every 202 receipt is stored in PostgreSQL exactly once")
  void noAcknowledgedSignatureIsLostWhenRedisIsKilled() throws Exception {
    try (DedicatedRedis redis = DedicatedRedis.start("killed", "always");
        TestGateway gw =
            TestGateway.startOn(
                TestServers.get().freshDatabaseUrl(),
                Map.of(
                    "GATEWAY_REDIS_URL", redis.url(),
                    "GATEWAY_REDIS_COMMAND_TIMEOUT_MS", "1000",
                    "GATEWAY_WRITER_MAX_BACKOFF_MS", "500",
                    "GATEWAY_WRITER_CLAIM_MIN_IDLE_MS", "1000",
                    "GATEWAY_WRITER_CLAIM_INTERVAL_MS", "500"))) {
      Fixtures.createCommunity(gw, TOWN, false);
      long petitionId = Fixtures.collectingPetition(gw, TOWN, "Петиція, що переживе падіння Redis");
      Flow flow = new Flow(gw, petitionId);

      int sent = 0;
      while (flow.accepted() < KILL_AFTER_ACCEPTED && sent < MAX_SENT_BEFORE_KILL) {
        flow.send(sent++);
      }
      long pid = redis.process().pid();
      redis.killHard();
      int acceptedAtKill = flow.accepted();
      log.info("test: redis pid={} killed acceptedAtKill={} sent={}", pid, acceptedAtKill, sent);
      int sentAtKill = sent;
      while (flow.refused() < REFUSALS_BEFORE_RESTART && sent < sentAtKill + MAX_SENT_WHILE_AWAY) {
        flow.send(sent++);
      }
      int refusedBeforeRestart = flow.refused();
      redis.restart();
      log.info("test: redis restarted refused={} sent={}", refusedBeforeRestart, sent);
      for (int i = 0; i < SENT_AFTER_RESTART; i++) {
        flow.send(sent++);
      }
      flow.awaitAllAnswered();

      log.info(
          "test: accepted={} refused={} other={}",
          flow.accepted(),
          flow.refused(),
          flow.otherAnswers());
      assertThat(flow.otherAnswers()).as("answers other than 202 and 503").isEmpty();
      assertThat(acceptedAtKill).isGreaterThanOrEqualTo(KILL_AFTER_ACCEPTED);
      assertThat(refusedBeforeRestart)
          .as("signatures answered 503 while Redis was away")
          .isGreaterThanOrEqualTo(REFUSALS_BEFORE_RESTART);
      assertThat(flow.accepted())
          .as("signing resumed after the restart, without restarting the gateway")
          .isGreaterThan(acceptedAtKill);
      SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
      try (Jedis jedis = redis.jedis()) {
        Eventually.within(
            PATIENCE,
            () -> {
              Map<String, Long> stored = rowsPerReceipt(gw, petitionId);
              assertThat(stored.keySet()).containsAll(flow.receipts());
              assertThat(stored.values()).containsOnly(1L);
              assertThat(jedis.xlen(keys.stream(keys.partitionOf(petitionId)))).isZero();
              assertThat(jedis.hlen(keys.signers(petitionId))).isEqualTo(stored.size());
              assertThat(persistedCount(gw, petitionId)).isEqualTo(stored.size());
            });
      }
    }
  }

  /**
   * Signatures by distinct citizens, at most {@value #IN_FLIGHT} in flight; answers are sorted by
   * status on the gateway's event loop, read by the test thread.
   */
  private static final class Flow {
    private final TestGateway gw;
    private final String path;
    private final Semaphore permits = new Semaphore(IN_FLIGHT);
    private final Set<String> receipts = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<String> otherAnswers = new ArrayList<>();

    Flow(TestGateway gw, long petitionId) {
      this.gw = gw;
      this.path = "/api/v1/petitions/" + petitionId + "/signatures";
    }

    void send(int citizen) throws InterruptedException {
      String token = gw.token("killed-redis-" + citizen, "Громадянка " + citizen, null);
      assertThat(permits.tryAcquire(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS))
          .as("a request slot frees up")
          .isTrue();
      Future<HttpResponse<Buffer>> answer =
          gw.client()
              .post(path)
              .putHeader("Authorization", "Bearer " + token)
              .sendJsonObject(new JsonObject().put("consent", true))
              .timeout(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS);
      answer.onComplete(
          done -> {
            record(done.succeeded() ? done.result() : null, done.cause());
            permits.release();
          });
    }

    private void record(HttpResponse<Buffer> response, Throwable failure) {
      if (response != null && response.statusCode() == 202) {
        receipts.add(response.bodyAsJsonObject().getString("receipt"));
      } else if (response != null && response.statusCode() == 503) {
        refused.incrementAndGet();
      } else {
        synchronized (otherAnswers) {
          otherAnswers.add(response == null ? String.valueOf(failure) : response.bodyAsString());
        }
      }
    }

    void awaitAllAnswered() throws InterruptedException {
      assertThat(permits.tryAcquire(IN_FLIGHT, ANSWER_WITHIN_SECONDS * 2, TimeUnit.SECONDS))
          .as("every request answered")
          .isTrue();
      permits.release(IN_FLIGHT);
    }

    int accepted() {
      return receipts.size();
    }

    int refused() {
      return refused.get();
    }

    Set<String> receipts() {
      return receipts;
    }

    List<String> otherAnswers() {
      synchronized (otherAnswers) {
        return List.copyOf(otherAnswers);
      }
    }
  }

  private static Map<String, Long> rowsPerReceipt(TestGateway gw, long petitionId) {
    Map<String, Long> rows = new HashMap<>();
    for (Row row :
        gw.sql(
            "SELECT receipt, count(*) AS n FROM signatures WHERE petition_id = "
                + petitionId
                + " GROUP BY receipt")) {
      rows.put(row.getString("receipt"), row.getLong("n"));
    }
    return rows;
  }

  private static long persistedCount(TestGateway gw, long petitionId) {
    return gw.count("SELECT persisted_count FROM petitions WHERE id = " + petitionId);
  }
}

package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * Redis answers after the gateway's wait ran out (DEBUG SLEEP holds the shared test Redis): the
 * citizen got 503, yet the script, already on its way, took the signature. The gateway counts it,
 * it is stored once, and the citizen's retry gets 409 with its receipt: the one case where
 * PostgreSQL holds a signature that was not answered 202, and it is accounted for.
 */
@Tag("fault")
@DisplayName("A signature Redis takes after the gateway's wait ran out")
class StoredAfterTimeoutTest {
  private static final int COMMAND_TIMEOUT_MS = 100;
  private static final String REDIS_SLEEP_SECONDS = "0.8";
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @Test
  @DisplayName("is answered 503, counted, stored once, and a retry gets 409 with its receipt")
  void lateSignatureIsCountedAndStoredOnce() throws Exception {
    try (TestGateway gw =
        TestGateway.start(
            Map.of("GATEWAY_REDIS_COMMAND_TIMEOUT_MS", Integer.toString(COMMAND_TIMEOUT_MS)))) {
      Fixtures.createCommunity(gw, "late-town", false);
      long id = Fixtures.collectingPetition(gw, "late-town", "Петиція про пізню відповідь Redis");
      String token = gw.token("late-signer-1", "Марія Коваль", null);
      double before = gw.gateway().services().meters().storedAfterTimeout().count();

      CompletableFuture<Void> sleeping = holdRedis();
      var answer = sign(gw, id, token);
      sleeping.get();

      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(503);
      Eventually.within(
          PATIENCE,
          () -> {
            assertThat(gw.gateway().services().meters().storedAfterTimeout().count())
                .isEqualTo(before + 1);
            assertThat(gw.count("SELECT count(*) FROM signatures WHERE petition_id = " + id))
                .isEqualTo(1);
          });
      var retry = sign(gw, id, token);
      assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(409);
      String receipt = retry.bodyAsJsonObject().getString("receipt");
      assertThat(gw.count("SELECT count(*) FROM signatures WHERE receipt = '" + receipt + "'"))
          .isEqualTo(1);
    }
  }

  /** Blocks the shared test Redis for a while, from another thread; started when it returns. */
  private static CompletableFuture<Void> holdRedis() throws InterruptedException {
    CompletableFuture<Void> done =
        CompletableFuture.runAsync(
            () -> {
              try (Jedis jedis = TestServers.get().jedis()) {
                jedis.sendCommand(Protocol.Command.DEBUG, "SLEEP", REDIS_SLEEP_SECONDS);
              }
            });
    Thread.sleep(150);
    return done;
  }

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> sign(
      TestGateway gw, long id, String token) {
    return gw.citizenPost(
        "/api/v1/petitions/" + id + "/signatures", token, new JsonObject().put("consent", true));
  }
}

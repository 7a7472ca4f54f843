package ua.epetitions.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

@DisplayName("Readiness and the backlog limit")
class ReadinessTest {
  private static final int LIMIT = 2;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    gw =
        TestGateway.start(
            Map.of(
                "GATEWAY_WRITER_ENABLED",
                "false",
                "GATEWAY_SIGNING_MAX_BACKLOG_ENTRIES",
                Integer.toString(LIMIT)));
    Fixtures.createCommunity(gw, "ready-town", false);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @DisplayName("a partition at its backlog limit turns readiness 503, and draining turns it back")
  void backlogAtLimitIsNotReady() {
    long id = Fixtures.collectingPetition(gw, "ready-town", "Петиція для перевірки готовності");
    assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200);

    for (int i = 0; i < LIMIT; i++) {
      var signed =
          gw.citizenPost(
              "/api/v1/petitions/" + id + "/signatures",
              gw.token("ready-citizen-" + i, "Громадянка", null),
              new JsonObject().put("consent", true));
      assertThat(signed.statusCode()).isEqualTo(202);
    }

    var notReady = gw.get("/health/ready");
    assertThat(notReady.statusCode()).isEqualTo(503);
    JsonObject checks = notReady.bodyAsJsonObject().getJsonObject("checks");
    assertThat(checks.getString("backlog")).startsWith("DOWN: partition");
    assertThat(checks.getString("postgres")).isEqualTo("UP");

    String stream = new SigningKeys(4).stream(new SigningKeys(4).partitionOf(id));
    try (Jedis jedis = TestServers.get().jedis()) {
      jedis.del(stream);
    }
    Eventually.within(
        Duration.ofSeconds(5),
        () -> assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200));
  }
}

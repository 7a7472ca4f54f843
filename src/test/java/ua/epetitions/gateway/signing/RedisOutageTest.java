package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TcpProxy;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * The gateway reaches Redis through a proxy that the test cuts: nothing may be acknowledged while
 * Redis is away, every answer must come within the configured wait, and signing must come back by
 * itself when Redis does.
 */
@Tag("fault")
@DisplayName("Redis unreachable")
class RedisOutageTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final long REDIS_WAIT_MS = 500;

  @Test
  @DisplayName("signing and live counts answer 503 with Retry-After in bounded time, then recover")
  void redisOutageIsAFast503() {
    TestServers servers = TestServers.get();
    servers.flushRedis();
    URI redis = URI.create(servers.redisUrl());
    try (TcpProxy proxy = TcpProxy.to(redis.getHost(), redis.getPort());
        TestGateway gw =
            TestGateway.startOn(
                servers.freshDatabaseUrl(),
                Map.of(
                    "GATEWAY_REDIS_URL",
                    "redis://127.0.0.1:" + proxy.port(),
                    "GATEWAY_REDIS_COMMAND_TIMEOUT_MS",
                    Long.toString(REDIS_WAIT_MS)))) {
      Fixtures.createCommunity(gw, "redis-town", false);
      long id = Fixtures.collectingPetition(gw, "redis-town", "Петиція, що чекає на Redis");
      assertThat(sign(gw, id, "before-outage").statusCode()).isEqualTo(202);

      proxy.cut();
      long startedNs = System.nanoTime();
      var refused = sign(gw, id, "during-outage");
      long tookMs = (System.nanoTime() - startedNs) / 1_000_000;
      var count = gw.get("/api/v1/petitions/" + id + "/count");

      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
      assertThat(refused.bodyAsJsonObject().getString("type")).isEqualTo("/problems/overloaded");
      assertThat(refused.getHeader("Retry-After")).isNotBlank();
      assertThat(tookMs).isLessThan(REDIS_WAIT_MS + 4_000);
      assertThat(count.statusCode()).as(count.bodyAsString()).isEqualTo(503);
      assertThat(count.getHeader("Retry-After")).isNotBlank();

      proxy.restore();
      Eventually.within(
          PATIENCE, () -> assertThat(sign(gw, id, "after-outage").statusCode()).isEqualTo(202));
      Eventually.within(
          PATIENCE,
          () ->
              assertThat(gw.count("SELECT count(*) FROM signatures WHERE petition_id = " + id))
                  .isEqualTo(2));
      assertThat(
              gw.count(
                  "SELECT count(*) FROM signatures WHERE petition_id = "
                      + id
                      + " AND display_name = 'Під час збою'"))
          .isZero();
    }
  }

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> sign(
      TestGateway gw, long id, String subject) {
    String name = subject.equals("during-outage") ? "Під час збою" : "Громадянка";
    return gw.citizenPost(
        "/api/v1/petitions/" + id + "/signatures",
        gw.token(subject, name, null),
        new JsonObject().put("consent", true));
  }
}

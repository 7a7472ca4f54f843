package ua.epetitions.gateway.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TcpProxy;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * The gateway reaches PostgreSQL through a proxy that the test cuts: signing needs Redis only, so
 * it goes on, the stream buffers what the writer cannot store, and the writer drains it once
 * PostgreSQL is back.
 */
@Tag("fault")
@DisplayName("A PostgreSQL outage")
class PostgresOutageTest {
  private static final String TOWN = "outage-town";
  private static final int SIGNED_BEFORE = 100;
  private static final int SIGNED_DURING = 300;
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration BACKLOG_WATCH = Duration.ofSeconds(2);
  private static final long WATCH_PAUSE_MS = 50;

  @Test
  @DisplayName(
      "PostgreSQL stopped during signing: signing goes on, and every acknowledged signature is"
          + " stored after PostgreSQL returns")
  void acknowledgedSignaturesSurvivePostgresOutage() {
    TestServers servers = TestServers.get();
    servers.flushRedis();
    URI database = URI.create(servers.freshDatabaseUrl());
    try (TcpProxy proxy = TcpProxy.to(database.getHost(), database.getPort());
        TestGateway gw =
            TestGateway.startOn(
                throughProxy(database, proxy), Map.of("GATEWAY_WRITER_MAX_BACKOFF_MS", "500"));
        Jedis redis = servers.jedis()) {
      Fixtures.createCommunity(gw, TOWN, false);
      long petitionId = Fixtures.collectingPetition(gw, TOWN, "Петиція, що переживе збій бази");
      SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
      String stream = keys.stream(keys.partitionOf(petitionId));
      Set<String> acknowledged = new HashSet<>(sign(gw, petitionId, 0, SIGNED_BEFORE));
      Eventually.within(
          PATIENCE,
          () -> {
            assertThat(persistedCount(gw, petitionId)).isEqualTo(SIGNED_BEFORE);
            assertThat(redis.xlen(stream)).isZero();
          });

      proxy.cut();
      Eventually.within(PATIENCE, () -> assertNotReadyForPostgres(gw));
      acknowledged.addAll(sign(gw, petitionId, SIGNED_BEFORE, SIGNED_DURING));
      Eventually.within(PATIENCE, () -> assertThat(redis.xlen(stream)).isEqualTo(SIGNED_DURING));
      holdsThroughout(BACKLOG_WATCH, () -> assertThat(redis.xlen(stream)).isEqualTo(SIGNED_DURING));
      assertReadsAnswerUnavailable(gw, petitionId);

      proxy.restore();
      Eventually.within(
          PATIENCE,
          () -> {
            Map<String, Long> stored = rowsPerReceipt(gw, petitionId);
            assertThat(stored.keySet()).isEqualTo(acknowledged);
            assertThat(stored.values()).containsOnly(1L);
            assertThat(persistedCount(gw, petitionId)).isEqualTo(acknowledged.size());
            assertThat(redis.xlen(stream)).isZero();
          });
      Eventually.within(
          PATIENCE, () -> assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200));
    }
  }

  /** The database URL with the proxy in place of the server. */
  private static String throughProxy(URI database, TcpProxy proxy) {
    String user = database.getRawUserInfo() == null ? "" : database.getRawUserInfo() + "@";
    String query = database.getRawQuery() == null ? "" : "?" + database.getRawQuery();
    return database.getScheme()
        + "://"
        + user
        + "127.0.0.1:"
        + proxy.port()
        + database.getRawPath()
        + query;
  }

  /** A read that needs PostgreSQL gets 503 with Retry-After while it is away, not a 500. */
  private static void assertReadsAnswerUnavailable(TestGateway gw, long petitionId) {
    var response = gw.get("/api/v1/petitions/" + petitionId + "/signers");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isNotBlank();
    assertThat(response.bodyAsJsonObject().getString("type")).endsWith("/problems/unavailable");
  }

  private static void assertNotReadyForPostgres(TestGateway gw) {
    var response = gw.get("/health/ready");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("detail")).contains("postgres");
    assertThat(problem.getJsonObject("checks").getString("postgres")).startsWith("DOWN");
    assertThat(problem.getJsonObject("checks").getString("redis")).isEqualTo("UP");
  }

  /** Signs by citizens numbered {@code from} on, each answered 202; answers the receipts. */
  private static Set<String> sign(TestGateway gw, long petitionId, int from, int count) {
    Set<String> receipts = new HashSet<>();
    for (int i = from; i < from + count; i++) {
      String token = gw.token("outage-citizen-" + i, "Громадянка " + i, Fixtures.TERRITORY);
      var response =
          gw.citizenPost(
              "/api/v1/petitions/" + petitionId + "/signatures",
              token,
              new JsonObject().put("consent", true));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
      receipts.add(response.bodyAsJsonObject().getString("receipt"));
    }
    return receipts;
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

  /** Checks the assertion again and again for the whole period; the first failure ends it. */
  private static void holdsThroughout(Duration period, Runnable assertion) {
    long deadline = System.nanoTime() + period.toNanos();
    do {
      assertion.run();
      try {
        Thread.sleep(WATCH_PAUSE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while watching", e);
      }
    } while (System.nanoTime() < deadline);
  }
}

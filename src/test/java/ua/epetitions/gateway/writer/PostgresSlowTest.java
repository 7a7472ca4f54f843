package ua.epetitions.gateway.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.ops.GatewayMeters.Outcome;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.store.PostgresLocation;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * PostgreSQL answers the health check but cannot store a signature: another session holds an
 * exclusive lock on the signatures table, as a long migration or a stuck transaction would. The
 * writer's batches wait, the partition's stream fills up to its backlog limit, and only then does
 * signing turn to 503; when the lock goes, the writer drains the stream and 202 come back by
 * themselves.
 */
@Tag("fault")
@DisplayName("A slow PostgreSQL")
class PostgresSlowTest {
  private static final String TOWN = "slow-town";
  private static final int MAX_BACKLOG_ENTRIES = 40;
  private static final int SIGNED_BEFORE = 10;
  private static final int REFUSALS_TO_SEE = 5;
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final AtomicInteger CITIZENS = new AtomicInteger();

  @Test
  @DisplayName(
      "signatures table locked: 202 up to the backlog limit, then 503 and not ready; lock released:"
          + " the backlog drains, 202 return, and PostgreSQL holds each acknowledged signature once")
  void backlogLimitTurnsOnWhileTableIsLockedAndOffOnceDrained() throws Exception {
    try (TestGateway gw =
            TestGateway.start(
                Map.of(
                    "GATEWAY_SIGNING_MAX_BACKLOG_ENTRIES",
                    Integer.toString(MAX_BACKLOG_ENTRIES),
                    "GATEWAY_WRITER_MAX_BACKOFF_MS",
                    "500"));
        Jedis redis = TestServers.get().jedis();
        Connection locker = connect(gw.databaseUrl())) {
      Fixtures.createCommunity(gw, TOWN, false);
      long petitionId = Fixtures.collectingPetition(gw, TOWN, "Петиція, що чекає на базу");
      SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
      String stream = keys.stream(keys.partitionOf(petitionId));
      Set<String> acknowledged = new HashSet<>();
      for (int i = 0; i < SIGNED_BEFORE; i++) {
        acknowledged.add(receiptOf(sign(gw, petitionId, newCitizen())));
      }
      Eventually.within(PATIENCE, () -> assertThat(redis.xlen(stream)).isZero());

      lockSignaturesTable(locker);
      List<HttpResponse<Buffer>> refused = new ArrayList<>();
      List<String> refusedCitizens = new ArrayList<>();
      int acceptedWhileLocked = 0;
      while (refused.size() < REFUSALS_TO_SEE) {
        String citizen = newCitizen();
        HttpResponse<Buffer> response = sign(gw, petitionId, citizen);
        if (response.statusCode() == 202) {
          assertThat(refused).as("a 202 after the first 503").isEmpty();
          acknowledged.add(receiptOf(response));
          acceptedWhileLocked++;
        } else {
          refused.add(response);
          refusedCitizens.add(citizen);
        }
        assertThat(acceptedWhileLocked).isLessThanOrEqualTo(MAX_BACKLOG_ENTRIES);
      }

      assertThat(acceptedWhileLocked).isEqualTo(MAX_BACKLOG_ENTRIES);
      for (HttpResponse<Buffer> response : refused) {
        assertProblem(response, 503, "/problems/overloaded");
        assertThat(response.getHeader("Retry-After")).isNotBlank();
      }
      assertThat(gw.gateway().services().meters().signatures(Outcome.OVERLOADED))
          .isGreaterThanOrEqualTo(REFUSALS_TO_SEE);
      Eventually.within(PATIENCE, () -> assertNotReadyForBacklog(gw));

      locker.rollback();
      Eventually.within(PATIENCE, () -> assertThat(redis.xlen(stream)).isZero());
      Eventually.within(
          PATIENCE, () -> assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200));
      HttpResponse<Buffer> retried = sign(gw, petitionId, refusedCitizens.get(0));
      acknowledged.add(receiptOf(retried));
      acknowledged.add(receiptOf(sign(gw, petitionId, newCitizen())));

      Eventually.within(
          PATIENCE,
          () -> {
            Map<String, Long> stored = rowsPerReceipt(gw, petitionId);
            assertThat(stored.keySet()).isEqualTo(acknowledged);
            assertThat(stored.values()).containsOnly(1L);
            assertThat(persistedCount(gw, petitionId)).isEqualTo(acknowledged.size());
          });
    }
  }

  private static Connection connect(String databaseUrl) throws Exception {
    PostgresLocation location = new PostgresLocation(databaseUrl, 0);
    return DriverManager.getConnection(location.jdbcUrl(), location.jdbcProperties());
  }

  /** Holds an exclusive lock on the table in an open transaction, until rollback. */
  private static void lockSignaturesTable(Connection connection) throws Exception {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("LOCK TABLE signatures IN ACCESS EXCLUSIVE MODE");
    }
  }

  private static void assertNotReadyForBacklog(TestGateway gw) {
    HttpResponse<Buffer> response = gw.get("/health/ready");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("type")).isEqualTo("/problems/not-ready");
    JsonObject checks = problem.getJsonObject("checks");
    assertThat(problem.getString("detail")).contains("backlog");
    assertThat(checks.getString("backlog"))
        .startsWith("DOWN: partition")
        .contains("its limit is " + MAX_BACKLOG_ENTRIES);
    assertThat(checks.getString("postgres")).isEqualTo("UP");
    assertThat(checks.getString("redis")).isEqualTo("UP");
  }

  private static String newCitizen() {
    return "slow-citizen-" + CITIZENS.incrementAndGet();
  }

  private static HttpResponse<Buffer> sign(TestGateway gw, long petitionId, String citizen) {
    String token = gw.token(citizen, "Громадянин " + citizen, Fixtures.TERRITORY);
    return gw.citizenPost(
        "/api/v1/petitions/" + petitionId + "/signatures",
        token,
        new JsonObject().put("consent", true));
  }

  private static String receiptOf(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return response.bodyAsJsonObject().getString("receipt");
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

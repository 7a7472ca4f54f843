package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.ops.GatewayMeters;
import ua.epetitions.gateway.ops.GatewayMeters.Drift;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * Counts altered by hand in Redis and PostgreSQL are found by the reconciliation, repaired, and
 * reported in its answer and its metrics. Each test works on its own petition; each ends checking
 * that PostgreSQL holds exactly the acknowledged signatures.
 */
@DisplayName("Reconciliation of live and persisted counts")
class ReconciliationTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String TOWN = "reconcile-town";
  private static final String RECONCILE = "/api/v1/admin/signing/reconcile";
  private static final int SIGNED = 4;

  private static TestGateway gw;
  private static SigningRecords records;
  private static SigningKeys keys;
  private static int petitions;

  @BeforeAll
  static void start() {
    // The periodic sync would repair a vanished state before the reconciliation sees it.
    gw = TestGateway.start(Map.of("GATEWAY_SIGNING_STATE_SYNC_INTERVAL_MS", "3600000"));
    records = new SigningRecords(gw);
    keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
    Fixtures.createCommunity(gw, TOWN, false);
    Eventually.within(
        PATIENCE, () -> assertThat(gw.gateway().services().signingRecovery().running()).isEmpty());
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  @DisplayName("a live count altered by hand is set back to the number of signers and reported")
  void repairsAnAlteredLiveCount() {
    Acknowledged acknowledged = new Acknowledged();
    long id = storedPetition(acknowledged);
    double before = meters().reconcileDrift(Drift.LIVE_COUNT);
    try (Jedis jedis = TestServers.get().jedis()) {
      jedis.hset(keys.petition(id), "count", "1000");
    }

    JsonObject report = reconcile();

    assertThat(drift(report, "live_count").getLong("found")).isEqualTo(1);
    assertThat(drift(report, "live_count").getLong("repaired")).isEqualTo(1);
    assertThat(drift(report, "live_count").getLong("signatures")).isEqualTo(1000 - SIGNED);
    assertThat(records.liveCount(id)).isEqualTo(Integer.toString(SIGNED));
    assertThat(meters().reconcileDrift(Drift.LIVE_COUNT)).isEqualTo(before + 1);
    assertThat(count(id)).isEqualTo(SIGNED);
    acknowledged.assertStoredExactly(gw, id);
  }

  @Test
  @DisplayName(
      "a persisted count altered by hand is set back to the stored signatures and reported")
  void repairsAnAlteredPersistedCount() {
    Acknowledged acknowledged = new Acknowledged();
    long id = storedPetition(acknowledged);
    double before = meters().reconcileDrift(Drift.PERSISTED_COUNT);
    gw.sql("UPDATE petitions SET persisted_count = 1 WHERE id = " + id);

    JsonObject report = reconcile();

    assertThat(drift(report, "persisted_count").getLong("found")).isEqualTo(1);
    assertThat(drift(report, "persisted_count").getLong("signatures")).isEqualTo(SIGNED - 1);
    assertThat(records.persistedCount(id)).isEqualTo(SIGNED);
    assertThat(meters().reconcileDrift(Drift.PERSISTED_COUNT)).isEqualTo(before + 1);
    acknowledged.assertStoredExactly(gw, id);
  }

  @Test
  @DisplayName(
      "a signer stored in PostgreSQL but missing from Redis is added back, so a repeat is refused")
  void addsSignersMissingFromRedis() {
    Acknowledged acknowledged = new Acknowledged();
    long id = storedPetition(acknowledged);
    String lost = records.signerKeys(id).get(0);
    try (Jedis jedis = TestServers.get().jedis()) {
      jedis.hdel(keys.signers(id), lost);
    }

    JsonObject report = reconcile();

    assertThat(drift(report, "missing_signers").getLong("found")).isEqualTo(1);
    assertThat(drift(report, "missing_signers").getLong("signatures")).isEqualTo(1);
    assertThat(records.signers(id)).isEqualTo(SIGNED);
    assertThat(records.liveCount(id)).isEqualTo(Integer.toString(SIGNED));
    for (int i = 0; i < SIGNED; i++) {
      String subject = "reconcile-" + id + "-" + i;
      HttpResponse<Buffer> repeat = acknowledged.sign(gw, id, subject);
      assertThat(assertProblem(repeat, 409, "/problems/already-signed").getString("receipt"))
          .isEqualTo(acknowledged.receiptOf(subject));
    }
    acknowledged.assertStoredExactly(gw, id);
  }

  @Test
  @DisplayName("an open petition whose state vanished from Redis is rebuilt and reported")
  void rebuildsAMissingState() {
    Acknowledged acknowledged = new Acknowledged();
    long id = storedPetition(acknowledged);
    try (Jedis jedis = TestServers.get().jedis()) {
      jedis.del(keys.petition(id), keys.signers(id));
    }

    JsonObject report = reconcile();

    assertThat(drift(report, "missing_state").getLong("found")).isEqualTo(1);
    assertThat(drift(report, "missing_state").getLong("signatures")).isEqualTo(SIGNED);
    assertThat(records.liveCount(id)).isEqualTo(Integer.toString(SIGNED));
    String subject = "reconcile-" + id + "-0";
    assertThat(
            assertProblem(acknowledged.sign(gw, id, subject), 409, "/problems/already-signed")
                .getString("receipt"))
        .isEqualTo(acknowledged.receiptOf(subject));
    acknowledged.assertStoredExactly(gw, id);
  }

  @Test
  @DisplayName("a run with nothing wrong reports no drift, and its totals reach the metrics")
  void cleanRunReportsNothing() {
    Acknowledged acknowledged = new Acknowledged();
    long id = storedPetition(acknowledged);
    reconcile();

    JsonObject report = reconcile();

    for (Drift kind : Drift.values()) {
      assertThat(drift(report, kind.tag()).getLong("found")).as(kind.tag()).isZero();
    }
    assertThat(report.getInteger("petitionsChecked")).isEqualTo(petitions);
    assertThat(report.getLong("liveCountTotal")).isEqualTo(report.getLong("persistedCountTotal"));
    String metrics = gw.get("/metrics").bodyAsString();
    assertThat(metrics)
        .contains("gateway_reconcile_runs_total")
        .contains("gateway_reconcile_drift_total{kind=\"live_count\"}")
        .contains("gateway_reconcile_last_drift{kind=\"persisted_count\"} 0.0")
        .contains("gateway_reconcile_last_run_seconds");
    assertThat(gw.adminGet(RECONCILE).bodyAsJsonObject().getString("state")).isEqualTo("finished");
    acknowledged.assertStoredExactly(gw, id);
  }

  @Test
  @DisplayName("a reconciliation request with a body is refused and starts nothing")
  void requestWithBodyIsRefused() {
    HttpResponse<Buffer> refused = gw.adminPost(RECONCILE, new JsonObject().put("petitionId", 1));

    assertProblem(refused, 400, "/problems/invalid-request");
    assertThat(gw.gateway().services().signingRecovery().running()).isEmpty();
  }

  /** A new collecting petition with {@link #SIGNED} signatures, all stored. */
  private static long storedPetition(Acknowledged acknowledged) {
    long id = Fixtures.collectingPetition(gw, TOWN, "Звірка лічильників " + (++petitions));
    gw.sql("UPDATE petitions SET threshold = 1000 WHERE id = " + id);
    acknowledged.signAccepted(gw, id, "reconcile-" + id + "-", SIGNED);
    records.awaitDrained();
    return id;
  }

  private static JsonObject reconcile() {
    HttpResponse<Buffer> response = gw.adminPost(RECONCILE, null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject job = response.bodyAsJsonObject();
    assertThat(job.getString("kind")).isEqualTo("reconcile");
    assertThat(job.getString("state")).isEqualTo("finished");
    return job.getJsonObject("report");
  }

  private static JsonObject drift(JsonObject report, String kind) {
    return report.getJsonObject("drift").getJsonObject(kind);
  }

  private static long count(long id) {
    return gw.get("/api/v1/petitions/" + id + "/count").bodyAsJsonObject().getLong("count");
  }

  private static GatewayMeters meters() {
    return gw.gateway().services().meters();
  }
}

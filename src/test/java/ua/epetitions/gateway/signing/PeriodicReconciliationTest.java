package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.ops.GatewayMeters.Drift;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/** The reconciliation runs by itself every signing.reconcileIntervalMs. */
@DisplayName("Periodic reconciliation")
class PeriodicReconciliationTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final int SIGNED = 3;

  @Test
  @DisplayName("with signing.reconcileIntervalMs set, a drifted live count is repaired unasked")
  void periodicRunRepairsDrift() {
    try (TestGateway gw =
        TestGateway.start(Map.of("GATEWAY_SIGNING_RECONCILE_INTERVAL_MS", "1000"))) {
      SigningRecords records = new SigningRecords(gw);
      SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
      Acknowledged acknowledged = new Acknowledged();
      Fixtures.createCommunity(gw, "periodic-town", false);
      long id = Fixtures.collectingPetition(gw, "periodic-town", "Щохвилинна звірка");
      gw.sql("UPDATE petitions SET threshold = 1000 WHERE id = " + id);
      acknowledged.signAccepted(gw, id, "periodic-", SIGNED);
      records.awaitDrained();

      try (Jedis jedis = TestServers.get().jedis()) {
        jedis.hset(keys.petition(id), "count", "77");
      }

      Eventually.within(
          PATIENCE, () -> assertThat(records.liveCount(id)).isEqualTo(Integer.toString(SIGNED)));
      // The meters take a run's report once the whole run has ended.
      Eventually.within(
          PATIENCE,
          () ->
              assertThat(gw.gateway().services().meters().reconcileDrift(Drift.LIVE_COUNT))
                  .isEqualTo(1));
      assertThat(
              gw.adminGet("/api/v1/admin/signing/reconcile")
                  .bodyAsJsonObject()
                  .getString("trigger"))
          .isEqualTo("periodic");
      acknowledged.assertStoredExactly(gw);
    }
  }
}

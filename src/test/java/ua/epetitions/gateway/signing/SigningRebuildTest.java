package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * Redis loses its data (FLUSHALL on the shared test Redis while a gateway runs, or before one
 * starts): the signing state is rebuilt from PostgreSQL, so a citizen who signed before is still
 * refused with the receipt of the first signature, new citizens are accepted, and the writer goes
 * on storing. Each test ends checking that PostgreSQL holds exactly the acknowledged signatures.
 */
@Tag("fault")
@DisplayName("Rebuilding the signing state after Redis lost its data")
class SigningRebuildTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String TOWN = "rebuild-town";
  private static final String REBUILD = "/api/v1/admin/signing/rebuild";
  // Small pages, so that a rebuild of a few dozen signers reads several of them.
  private static final Map<String, String> SMALL_PAGES =
      Map.of(
          "GATEWAY_SIGNING_REBUILD_CHUNK_ROWS", "10",
          "GATEWAY_SIGNING_STATE_SYNC_INTERVAL_MS", "3600000");
  // Both gateways of the restart test derive the same signer keys from the same subjects.
  private static final Map<String, String> SHARED_PEPPER =
      Map.of(
          "GATEWAY_IDENTITY_SIGNER_PEPPER", "rebuild-test-pepper-0123456789abcdef",
          "GATEWAY_SIGNING_REBUILD_CHUNK_ROWS", "10");
  private static final int SIGNED_BEFORE = 25;

  @Test
  @DisplayName(
      "after a flush, a rebuild by request restores dedup: a repeat signer gets 409 with the"
          + " original receipt, a new one 202, and the writer keeps storing")
  void rebuildByRequestRestoresDedup() {
    try (TestGateway gw = TestGateway.start(SMALL_PAGES)) {
      SigningRecords records = new SigningRecords(gw);
      Acknowledged acknowledged = new Acknowledged();
      long id = petitionWithSigners(gw, acknowledged);
      Map<String, String> signersBefore = signersHash(gw, id);

      TestServers.get().flushRedis();
      HttpResponse<Buffer> beforeRebuild = acknowledged.sign(gw, id, "citizen-0");
      assertProblem(beforeRebuild, 503, "/problems/overloaded");

      HttpResponse<Buffer> started = gw.adminPost(REBUILD, null);
      assertThat(started.statusCode()).as(started.bodyAsString()).isIn(200, 202);
      assertThat(started.bodyAsJsonObject().getString("scope")).isEqualTo("all");
      JsonObject job = awaitFinished(gw, REBUILD);

      assertThat(job.getJsonObject("report").getLong("signersRestored")).isEqualTo(SIGNED_BEFORE);
      assertThat(signersHash(gw, id)).isEqualTo(signersBefore);
      assertRepeatRefusedWithOriginalReceipt(gw, acknowledged, id, "citizen-0");
      assertRepeatRefusedWithOriginalReceipt(gw, acknowledged, id, "citizen-24");
      HttpResponse<Buffer> fresh = acknowledged.sign(gw, id, "after-rebuild");
      assertThat(fresh.statusCode()).as(fresh.bodyAsString()).isEqualTo(202);
      assertThat(fresh.bodyAsJsonObject().getLong("count")).isEqualTo(SIGNED_BEFORE + 1);
      records.awaitDrained();
      assertThat(records.persistedCount(id)).isEqualTo(SIGNED_BEFORE + 1);
      assertThat(records.liveCount(id)).isEqualTo(Integer.toString(SIGNED_BEFORE + 1));
      acknowledged.assertStoredExactly(gw);
    }
  }

  @Test
  @DisplayName(
      "a flush at runtime removes the marker; the periodic sync rebuilds by itself and the writer"
          + " creates its consumer group again")
  void periodicSyncRebuildsWhenTheMarkerIsGone() {
    try (TestGateway gw =
        TestGateway.start(Map.of("GATEWAY_SIGNING_STATE_SYNC_INTERVAL_MS", "200"))) {
      SigningRecords records = new SigningRecords(gw);
      Acknowledged acknowledged = new Acknowledged();
      long id = petitionWithSigners(gw, acknowledged);

      TestServers.get().flushRedis();

      Eventually.within(
          PATIENCE,
          () -> assertRepeatRefusedWithOriginalReceipt(gw, acknowledged, id, "citizen-3"));
      // XPENDING answers NOGROUP until the writer has created its group again.
      Eventually.within(
          PATIENCE, () -> assertThat(records.pendingEntries(id)).isGreaterThanOrEqualTo(0));
      acknowledged.signAccepted(gw, id, "after-flush-", 3);
      records.awaitDrained();
      assertThat(records.persistedCount(id)).isEqualTo(SIGNED_BEFORE + 3);
      assertThat(records.liveCount(id)).isEqualTo(Integer.toString(SIGNED_BEFORE + 3));
      acknowledged.assertStoredExactly(gw);
    }
  }

  @Test
  @DisplayName("a gateway starting on an empty Redis rebuilds before it takes a repeat signer")
  void startUpOnAnEmptyRedisRebuilds() {
    Acknowledged acknowledged = new Acknowledged();
    String database;
    long id;
    try (TestGateway first = TestGateway.start(SHARED_PEPPER)) {
      id = petitionWithSigners(first, acknowledged);
      database = first.databaseUrl();
    }
    TestServers.get().flushRedis();

    try (TestGateway gw = TestGateway.startOn(database, SHARED_PEPPER)) {
      HttpResponse<Buffer> atOnce = acknowledged.sign(gw, id, "citizen-7");
      assertThat(atOnce.statusCode()).as(atOnce.bodyAsString()).isIn(409, 503);
      Eventually.within(
          PATIENCE,
          () -> assertRepeatRefusedWithOriginalReceipt(gw, acknowledged, id, "citizen-7"));
      assertThat(gw.adminGet(REBUILD).bodyAsJsonObject().getString("trigger"))
          .isEqualTo("start-up");
      acknowledged.signAccepted(gw, id, "after-restart-", 2);
      new SigningRecords(gw).awaitDrained();
      acknowledged.assertStoredExactly(gw);
    }
  }

  @Test
  @DisplayName(
      "a petition whose state and signers vanished while the marker stayed is rebuilt by the"
          + " periodic sync, never re-created with no signers")
  void periodicSyncNeverRecreatesAnEmptyState() {
    try (TestGateway gw =
        TestGateway.start(Map.of("GATEWAY_SIGNING_STATE_SYNC_INTERVAL_MS", "200"))) {
      Acknowledged acknowledged = new Acknowledged();
      long id = petitionWithSigners(gw, acknowledged);
      SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());

      try (Jedis jedis = TestServers.get().jedis()) {
        jedis.del(keys.petition(id), keys.signers(id));
      }

      Eventually.within(
          PATIENCE,
          () -> assertRepeatRefusedWithOriginalReceipt(gw, acknowledged, id, "citizen-1"));
      try (Jedis jedis = TestServers.get().jedis()) {
        assertThat(jedis.hlen(keys.signers(id))).isEqualTo(SIGNED_BEFORE);
        assertThat(jedis.hget(keys.petition(id), "count"))
            .isEqualTo(Integer.toString(SIGNED_BEFORE));
      }
      acknowledged.assertStoredExactly(gw);
    }
  }

  @Test
  @DisplayName(
      "while a petition is rebuilt its intake answers 503 with Retry-After, and opens again"
          + " after")
  void intakeAnswers503DuringTheRebuild() {
    try (TestGateway gw =
        TestGateway.start(Map.of("GATEWAY_POSTGRES_STATEMENT_TIMEOUT_MS", "60000"))) {
      Acknowledged acknowledged = new Acknowledged();
      long id = petitionWithSigners(gw, acknowledged);
      awaitIdle(gw);

      HttpResponse<Buffer> started;
      try (HeldSignatures held = HeldSignatures.lock(gw)) {
        started = gw.adminPost(REBUILD, new JsonObject().put("petitionId", id));
        HttpResponse<Buffer> refused = acknowledged.sign(gw, id, "during-rebuild");
        HttpResponse<Buffer> repeat = acknowledged.sign(gw, id, "citizen-0");
        JsonObject running = gw.adminGet(REBUILD).bodyAsJsonObject();

        assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(202);
        assertThat(started.getHeader("Location")).isEqualTo(REBUILD);
        assertThat(started.bodyAsJsonObject().getString("scope")).isEqualTo("[" + id + "]");
        JsonObject problem = assertProblem(refused, 503, "/problems/overloaded");
        assertThat(problem.getString("detail")).contains("reloaded");
        assertThat(refused.getHeader("Retry-After")).isNotBlank();
        assertProblem(repeat, 503, "/problems/overloaded");
        assertThat(running.getString("state")).isEqualTo("running");
      }

      awaitFinished(gw, REBUILD);
      HttpResponse<Buffer> after = acknowledged.sign(gw, id, "during-rebuild");
      assertThat(after.statusCode()).as(after.bodyAsString()).isEqualTo(202);
      assertRepeatRefusedWithOriginalReceipt(gw, acknowledged, id, "citizen-0");
      new SigningRecords(gw).awaitDrained();
      acknowledged.assertStoredExactly(gw);
    }
  }

  @Test
  @DisplayName("a second rebuild requested while one runs gets 409 naming the running job")
  void secondRebuildIsRefused() {
    try (TestGateway gw =
        TestGateway.start(Map.of("GATEWAY_POSTGRES_STATEMENT_TIMEOUT_MS", "60000"))) {
      Acknowledged acknowledged = new Acknowledged();
      long id = petitionWithSigners(gw, acknowledged);
      awaitIdle(gw);

      try (HeldSignatures held = HeldSignatures.lock(gw)) {
        HttpResponse<Buffer> first = gw.adminPost(REBUILD, null);
        HttpResponse<Buffer> second = gw.adminPost(REBUILD, new JsonObject().put("petitionId", id));
        HttpResponse<Buffer> reconcile = gw.adminPost("/api/v1/admin/signing/reconcile", null);

        assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(202);
        JsonObject problem = assertProblem(second, 409, "/problems/signing-job-running");
        assertThat(problem.getJsonObject("runningJob").getLong("id"))
            .isEqualTo(first.bodyAsJsonObject().getLong("id"));
        assertProblem(reconcile, 409, "/problems/signing-job-running");
      }

      awaitFinished(gw, REBUILD);
      acknowledged.assertStoredExactly(gw);
    }
  }

  @Test
  @DisplayName(
      "a rebuild of an unknown petition gets 404, a malformed body 400, and starts nothing")
  void badRebuildRequestsStartNothing() {
    try (TestGateway gw = TestGateway.start()) {
      awaitIdle(gw);
      long before = gw.adminGet(REBUILD).bodyAsJsonObject().getLong("id");

      assertProblem(
          gw.adminPost(REBUILD, new JsonObject().put("petitionId", 987654)),
          404,
          "/problems/petition-not-found");
      assertProblem(
          gw.adminPost(REBUILD, new JsonObject().put("petitionId", "seven")),
          400,
          "/problems/invalid-request");
      assertProblem(
          gw.adminPost(REBUILD, new JsonObject().put("petitionId", 0)),
          400,
          "/problems/invalid-request");
      assertProblem(
          gw.adminPost(REBUILD, new JsonObject().put("everything", true)),
          400,
          "/problems/invalid-request");

      assertThat(gw.adminGet(REBUILD).bodyAsJsonObject().getLong("id")).isEqualTo(before);
    }
  }

  /** A collecting petition signed by citizen-0 .. citizen-24, all of them stored. */
  private static long petitionWithSigners(TestGateway gw, Acknowledged acknowledged) {
    Fixtures.createCommunity(gw, TOWN, false);
    long id = Fixtures.collectingPetition(gw, TOWN, "Відновлення підписів після збою Redis");
    gw.sql("UPDATE petitions SET threshold = 1000 WHERE id = " + id);
    acknowledged.signAccepted(gw, id, "citizen-", SIGNED_BEFORE);
    new SigningRecords(gw).awaitDrained();
    assertThat(new SigningRecords(gw).storedRows(id)).isEqualTo(SIGNED_BEFORE);
    return id;
  }

  private static void assertRepeatRefusedWithOriginalReceipt(
      TestGateway gw, Acknowledged acknowledged, long id, String subject) {
    HttpResponse<Buffer> repeat = acknowledged.sign(gw, id, subject);
    JsonObject problem = assertProblem(repeat, 409, "/problems/already-signed");
    assertThat(problem.getString("receipt")).isEqualTo(acknowledged.receiptOf(subject));
  }

  private static Map<String, String> signersHash(TestGateway gw, long id) {
    SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
    try (Jedis jedis = TestServers.get().jedis()) {
      return new HashMap<>(jedis.hgetAll(keys.signers(id)));
    }
  }

  /** Waits until the latest job of {@code path} has finished; answers it. */
  private static JsonObject awaitFinished(TestGateway gw, String path) {
    JsonObject[] job = new JsonObject[1];
    Eventually.within(
        PATIENCE,
        () -> {
          job[0] = gw.adminGet(path).bodyAsJsonObject();
          assertThat(job[0].getString("state")).isEqualTo("finished");
        });
    return job[0];
  }

  /** Waits until the start-up rebuild of the gateway has finished. */
  private static void awaitIdle(TestGateway gw) {
    Eventually.within(
        PATIENCE, () -> assertThat(gw.gateway().services().signingRecovery().running()).isEmpty());
  }

  /**
   * Holds an exclusive lock on the signatures table in a transaction of the gateway's own pool, so
   * that anything reading signers (the rebuild's pages) waits for it: a slow PostgreSQL. Closing
   * ends the transaction.
   */
  private static final class HeldSignatures implements AutoCloseable {
    private final SqlConnection connection;
    private final Transaction transaction;

    private HeldSignatures(SqlConnection connection, Transaction transaction) {
      this.connection = connection;
      this.transaction = transaction;
    }

    static HeldSignatures lock(TestGateway gw) {
      SqlConnection connection = TestGateway.await(gw.gateway().services().pool().getConnection());
      Transaction transaction = TestGateway.await(connection.begin());
      TestGateway.await(
          connection.query("LOCK TABLE signatures IN ACCESS EXCLUSIVE MODE").execute());
      return new HeldSignatures(connection, transaction);
    }

    @Override
    public void close() {
      TestGateway.await(transaction.rollback());
      TestGateway.await(connection.close());
    }
  }
}

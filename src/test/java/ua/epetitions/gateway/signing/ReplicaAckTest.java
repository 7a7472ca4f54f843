package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
 * A gateway configured to wait for one replica (redis.replicaAcks 1) on a primary Redis of its own
 * with a second Redis as its replica: a 202 means the replica holds the signature; without the
 * replica the answer is 503 within the configured wait, and the signature, kept by the primary,
 * answers its retry with 409 and the receipt.
 */
@Tag("fault")
@DisplayName("Waiting for a Redis replica before answering 202")
class ReplicaAckTest {
  private static final Logger log = LoggerFactory.getLogger(ReplicaAckTest.class);
  private static final String TOWN = "replica-town";
  private static final long REPLICA_WAIT_MS = 500;
  private static final long ANSWER_MARGIN_MS = 2_500;
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int WAVES = 6;
  private static final int WAVE_SIZE = 32;
  private static final Pattern WAIT_CALLS = Pattern.compile("cmdstat_wait:calls=(\\d+)");
  private static final AtomicInteger CITIZENS = new AtomicInteger();
  private static DedicatedRedis primary;
  private static DedicatedRedis replica;
  private static TestGateway gw;
  private static long petitionId;

  @BeforeAll
  static void start() {
    primary = DedicatedRedis.start("primary", "everysec");
    replica = DedicatedRedis.start("replica", "everysec");
    gw =
        TestGateway.startOn(
            TestServers.get().freshDatabaseUrl(),
            Map.of(
                "GATEWAY_REDIS_URL", primary.url(),
                "GATEWAY_REDIS_REPLICA_ACKS", "1",
                "GATEWAY_REDIS_REPLICA_ACK_TIMEOUT_MS", Long.toString(REPLICA_WAIT_MS)));
    Fixtures.createCommunity(gw, TOWN, false);
    petitionId = Fixtures.collectingPetition(gw, TOWN, "Петиція, яку бережуть дві копії");
  }

  @AfterAll
  static void stop() {
    gw.close();
    replica.close();
    primary.close();
  }

  /** Each test starts with the replica running and linked to the primary. */
  @BeforeEach
  void linkReplica() {
    replica.restart();
    replica.replicate(primary);
  }

  @Test
  @DisplayName("with the replica linked, a signature is answered 202 and the replica holds it")
  void acknowledgedSignatureIsOnTheReplica() {
    SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
    long signersBefore = replicaSigners(keys);

    HttpResponse<Buffer> response = sign(newCitizen());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    assertThat(replicaSigners(keys)).isEqualTo(signersBefore + 1);
  }

  @Test
  @DisplayName(
      "concurrent signatures share their waits for the replica: every one is answered 202 and"
          + " held by the replica, with fewer WAITs than signatures")
  void concurrentSignaturesShareReplicaWaits() {
    SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
    long signersBefore = replicaSigners(keys);
    long waitsBefore = waitsOnPrimary();
    List<Integer> statuses = new ArrayList<>();

    for (int wave = 0; wave < WAVES; wave++) {
      List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
      for (int i = 0; i < WAVE_SIZE; i++) {
        answers.add(signAsync(newCitizen()));
      }
      TestGateway.await(Future.join(answers));
      answers.forEach(answer -> statuses.add(answer.result().statusCode()));
    }

    long waits = waitsOnPrimary() - waitsBefore;
    log.info("test: signatures={} replicaWaits={}", statuses.size(), waits);
    assertThat(statuses).hasSize(WAVES * WAVE_SIZE).containsOnly(202);
    assertThat(replicaSigners(keys)).isEqualTo(signersBefore + WAVES * WAVE_SIZE);
    assertThat(waits).isPositive().isLessThan(WAVES * WAVE_SIZE);
  }

  @Test
  @DisplayName(
      "with the replica stopped, a signature is answered 503 within the wait and counted in"
          + " metrics; its retry gets 409 with the receipt, which PostgreSQL then holds")
  void missingReplicaTurnsAcceptedSignatureInto503() {
    replica.stop();
    double missedBefore = gw.gateway().services().meters().replicaAcksMissed().count();
    String citizen = newCitizen();

    long startedNs = System.nanoTime();
    HttpResponse<Buffer> refused = sign(citizen);
    long tookMs = (System.nanoTime() - startedNs) / 1_000_000;
    HttpResponse<Buffer> retried = sign(citizen);

    JsonObject problem = assertProblem(refused, 503, "/problems/overloaded");
    assertThat(problem.getString("detail")).contains("replicas");
    assertThat(refused.getHeader("Retry-After")).isNotBlank();
    assertThat(tookMs).isBetween(REPLICA_WAIT_MS, REPLICA_WAIT_MS + ANSWER_MARGIN_MS);
    assertThat(gw.gateway().services().meters().replicaAcksMissed().count())
        .isEqualTo(missedBefore + 1);
    String receipt = assertProblem(retried, 409, "/problems/already-signed").getString("receipt");
    Eventually.within(
        PATIENCE,
        () ->
            assertThat(
                    gw.count("SELECT count(*) FROM signatures WHERE receipt = '" + receipt + "'"))
                .isEqualTo(1));
  }

  @Test
  @DisplayName("once the replica is back and linked, signatures are answered 202 again")
  void signingRecoversWhenReplicaReturns() {
    replica.stop();
    assertThat(sign(newCitizen()).statusCode()).isEqualTo(503);

    replica.restart();
    replica.replicate(primary);

    Eventually.within(PATIENCE, () -> assertThat(sign(newCitizen()).statusCode()).isEqualTo(202));
  }

  private static long replicaSigners(SigningKeys keys) {
    try (Jedis jedis = replica.jedis()) {
      return jedis.hlen(keys.signers(petitionId));
    }
  }

  /** WAIT commands the primary has run, from INFO commandstats. */
  private static long waitsOnPrimary() {
    try (Jedis jedis = primary.jedis()) {
      Matcher calls = WAIT_CALLS.matcher(jedis.info("commandstats"));
      return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
  }

  private static String newCitizen() {
    return "replica-citizen-" + CITIZENS.incrementAndGet();
  }

  private static Future<HttpResponse<Buffer>> signAsync(String citizen) {
    return gw.client()
        .post("/api/v1/petitions/" + petitionId + "/signatures")
        .putHeader("Authorization", "Bearer " + gw.token(citizen, "Громадянка " + citizen, null))
        .sendJsonObject(new JsonObject().put("consent", true));
  }

  private static HttpResponse<Buffer> sign(String citizen) {
    return gw.citizenPost(
        "/api/v1/petitions/" + petitionId + "/signatures",
        gw.token(citizen, "Громадянка " + citizen, null),
        new JsonObject().put("consent", true));
  }
}

package ua.epetitions.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.config.ConfigLoader;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.embedded.EmbeddedPostgresServer;
import ua.epetitions.gateway.embedded.FreePorts;
import ua.epetitions.gateway.identity.DevIdentityIssuer;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.testing.ChildGateway;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

/**
 * A gateway process in embedded mode is killed (SIGKILL) with signatures in flight and its writer
 * in the middle of a batch: the test holds a lock on the child's signatures table, so the batch the
 * writer read stays unacknowledged in the stream's group (checked with XPENDING at the kill). Its
 * Redis keeps running, so everything it acknowledged is in Redis; the next start stops the orphaned
 * servers (Redis writes its append-only file on SIGTERM), and its writer must store every
 * acknowledged signature, including the batch the killed writer had read and not acknowledged.
 */
@Tag("fault")
@DisplayName("A gateway killed while signing")
class KilledWhileSigningTest {
  private static final Logger log = LoggerFactory.getLogger(KilledWhileSigningTest.class);
  private static final String ADMIN_TOKEN = "killed-admin-token-0123456789abcdef";
  private static final String TOWN = "killed-town";
  private static final int MAX_SIGNATURES = 3000;
  private static final int IN_FLIGHT = 32;
  private static final int KILL_AFTER_ACCEPTED = 500;
  private static final int LOCK_AFTER_ACCEPTED = 200;
  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final long DRAIN_SECONDS = 30;

  @Test
  @DisplayName(
      "a gateway killed hard while signing: after restart, every signature that got a 202 is"
          + " stored once")
  void everyAcknowledgedSignatureIsStoredAfterHardKill() throws Exception {
    Path dataDir = ChildGateway.newDataDir("killed-tests");
    int port = FreePorts.any();
    int postgresPort = FreePorts.any();
    int redisPort = FreePorts.any();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger unanswered = new AtomicInteger();
    ExecutorService httpThreads = Executors.newFixedThreadPool(4);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(httpThreads)
            .build();
    Map<String, String> childEnv = env(dataDir, port);
    childEnv.put("GATEWAY_POSTGRES_EMBEDDED_PORT", Integer.toString(postgresPort));
    childEnv.put("GATEWAY_REDIS_EMBEDDED_PORT", Integer.toString(redisPort));
    // The writer's insert waits for the test's lock instead of being cancelled meanwhile.
    childEnv.put("GATEWAY_POSTGRES_STATEMENT_TIMEOUT_MS", "120000");
    Process child = ChildGateway.start(dataDir, childEnv);
    long petitionId;
    Kill kill;
    try (SignaturesLock lock = new SignaturesLock(postgresPort);
        Jedis childRedis = new Jedis("127.0.0.1", redisPort)) {
      ChildGateway.awaitReady(http, port, child, STARTUP);
      // The child's settings: its development issuer's key file, hence tokens the child accepts.
      GatewayConfig childConfig = config(dataDir, Map.of());
      DevIdentityIssuer issuer = Gateway.devIssuer(childConfig);
      petitionId = openPetition(http, port, issuer);
      SigningKeys childKeys = new SigningKeys(childConfig.signing().partitions());
      String stream = childKeys.stream(childKeys.partitionOf(petitionId));
      kill =
          signUntilKilled(
              http,
              port,
              petitionId,
              issuer,
              child,
              acknowledged,
              unanswered,
              lock::take,
              () -> childRedis.xpending(stream, SigningKeys.WRITER_GROUP).getTotal());
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
      httpThreads.shutdownNow();
    }
    log.info(
        "test: child gateway killed inFlight={} pendingInWriterGroup={} acknowledged={}"
            + " unanswered={}",
        kill.inFlight(),
        kill.pendingInGroup(),
        acknowledged.size(),
        unanswered.get());
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(KILL_AFTER_ACCEPTED);
    assertThat(kill.inFlight()).as("requests in flight when the child was killed").isPositive();
    assertThat(kill.pendingInGroup())
        .as("entries the killed writer had read and not acknowledged (its batch in progress)")
        .isPositive();

    try (Gateway gateway = Gateway.start(config(dataDir, restartSettings()))) {
      Pool pool = gateway.services().pool();
      Redis redis = gateway.services().redis();
      SigningKeys keys = new SigningKeys(gateway.services().config().signing().partitions());
      Eventually.within(
          PATIENCE,
          () -> {
            List<String> stored = storedReceipts(pool, petitionId);
            assertThat(stored).containsAll(acknowledged).doesNotHaveDuplicates();
            assertThat(distinctSigners(pool, petitionId)).isEqualTo(stored.size());
            assertThat(persistedCount(pool, petitionId)).isEqualTo(stored.size());
            assertThat(backlog(redis, keys, petitionId)).isZero();
            assertThat(liveCount(redis, keys, petitionId)).isEqualTo(stored.size());
          });
    }
  }

  /**
   * What the kill interrupted: requests in flight, entries read by the writer and not acknowledged.
   */
  private record Kill(int inFlight, long pendingInGroup) {}

  /**
   * Signs by distinct citizens, {@value #IN_FLIGHT} requests at a time; once {@value
   * #LOCK_AFTER_ACCEPTED} were accepted runs {@code stallWriter}, and kills the child as soon as
   * {@value #KILL_AFTER_ACCEPTED} were accepted, with the other requests still in flight.
   */
  private static Kill signUntilKilled(
      HttpClient http,
      int port,
      long petitionId,
      DevIdentityIssuer issuer,
      Process child,
      Set<String> acknowledged,
      AtomicInteger unanswered,
      Runnable stallWriter,
      LongSupplier pendingInGroup)
      throws InterruptedException {
    Semaphore permits = new Semaphore(IN_FLIGHT);
    URI signatures = uri(port, "/api/v1/petitions/" + petitionId + "/signatures");
    String body = new JsonObject().put("consent", true).encode();
    Kill kill = new Kill(0, 0);
    boolean stalled = false;
    for (int i = 0; i < MAX_SIGNATURES; i++) {
      assertThat(permits.tryAcquire(REQUEST_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)).isTrue();
      if (!stalled && acknowledged.size() >= LOCK_AFTER_ACCEPTED) {
        stallWriter.run();
        stalled = true;
      }
      if (acknowledged.size() >= KILL_AFTER_ACCEPTED) {
        long pending = pendingInGroup.getAsLong();
        kill = new Kill(IN_FLIGHT - 1 - permits.availablePermits(), pending);
        child.destroyForcibly();
        permits.release();
        break;
      }
      String token = issuer.mint("killed-citizen-" + i, "Громадянин " + i, Fixtures.TERRITORY);
      HttpRequest request =
          HttpRequest.newBuilder(signatures)
              .timeout(REQUEST_TIMEOUT)
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (response, failure) -> {
                if (response != null && response.statusCode() == 202) {
                  acknowledged.add(new JsonObject(response.body()).getString("receipt"));
                } else if (response == null) {
                  unanswered.incrementAndGet();
                }
                permits.release();
              });
    }
    assertThat(permits.tryAcquire(IN_FLIGHT, DRAIN_SECONDS, TimeUnit.SECONDS))
        .as("every request answered or failed")
        .isTrue();
    return kill;
  }

  /**
   * A lock on the child's signatures table from {@link #take} until closed: the child writer's next
   * insert waits for it, with its batch read from the stream and not acknowledged.
   */
  private static final class SignaturesLock implements AutoCloseable {
    private final int postgresPort;
    private Connection connection;

    SignaturesLock(int postgresPort) {
      this.postgresPort = postgresPort;
    }

    void take() {
      try {
        connection =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:"
                    + postgresPort
                    + "/"
                    + EmbeddedPostgresServer.DATABASE,
                "postgres",
                "");
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LOCK TABLE signatures IN EXCLUSIVE MODE");
        }
      } catch (SQLException e) {
        throw new IllegalStateException("could not lock the child's signatures table", e);
      }
    }

    @Override
    public void close() throws SQLException {
      if (connection != null) {
        connection.close();
      }
    }
  }

  /** A collecting petition in a community that takes signatures from anyone. */
  private static long openPetition(HttpClient http, int port, DevIdentityIssuer issuer)
      throws Exception {
    HttpResponse<String> community =
        send(
            http,
            port,
            "/api/v1/admin/communities",
            ADMIN_TOKEN,
            Fixtures.communityBody(TOWN, false));
    assertThat(community.statusCode()).as(community.body()).isEqualTo(201);
    String author = issuer.mint("killed-author", "Автор Петиції", Fixtures.TERRITORY);
    HttpResponse<String> filed =
        send(
            http,
            port,
            "/api/v1/communities/" + TOWN + "/petitions",
            author,
            Fixtures.petitionBody("Петиція, яку підписують під час аварії"));
    assertThat(filed.statusCode()).as(filed.body()).isEqualTo(201);
    long id = new JsonObject(filed.body()).getLong("id");
    HttpResponse<String> published =
        send(http, port, "/api/v1/admin/petitions/" + id + "/publish", ADMIN_TOKEN, null);
    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
    return id;
  }

  private static List<String> storedReceipts(Pool pool, long petitionId) {
    List<String> receipts = new ArrayList<>();
    for (Row row : sql(pool, "SELECT receipt FROM signatures WHERE petition_id = " + petitionId)) {
      receipts.add(row.getString("receipt"));
    }
    return receipts;
  }

  private static long distinctSigners(Pool pool, long petitionId) {
    return count(
        pool,
        "SELECT count(DISTINCT signer_key) FROM signatures WHERE petition_id = " + petitionId);
  }

  private static long persistedCount(Pool pool, long petitionId) {
    return count(pool, "SELECT persisted_count FROM petitions WHERE id = " + petitionId);
  }

  private static long backlog(Redis redis, SigningKeys keys, long petitionId) {
    Request xlen = Request.cmd(Command.XLEN).arg(keys.stream(keys.partitionOf(petitionId)));
    return TestGateway.await(redis.send(xlen)).toLong();
  }

  private static long liveCount(Redis redis, SigningKeys keys, long petitionId) {
    Request hget = Request.cmd(Command.HGET).arg(keys.petition(petitionId)).arg("count");
    Response count = TestGateway.await(redis.send(hget));
    return count == null ? 0 : count.toLong();
  }

  private static Iterable<Row> sql(Pool pool, String sql) {
    return TestGateway.await(pool.query(sql).execute());
  }

  private static long count(Pool pool, String sql) {
    return sql(pool, sql).iterator().next().getLong(0);
  }

  private static HttpResponse<String> send(
      HttpClient http, int port, String path, String bearer, JsonObject body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(port, path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + bearer)
            .POST(
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /**
   * The restarted writer takes over the killed one's pending entries after claimMinIdleMs; the
   * default minute would make this test wait that long for the last batch.
   */
  private static Map<String, String> restartSettings() {
    return Map.of(
        "GATEWAY_HTTP_PORT", "0",
        "GATEWAY_WRITER_CLAIM_MIN_IDLE_MS", "1000",
        "GATEWAY_WRITER_CLAIM_INTERVAL_MS", "500");
  }

  private static GatewayConfig config(Path dataDir, Map<String, String> overrides) {
    Map<String, String> env = env(dataDir, 0);
    env.putAll(overrides);
    return new ConfigLoader().load(Optional.empty(), env, false);
  }

  private static Map<String, String> env(Path dataDir, int port) {
    return ChildGateway.embeddedEnv(dataDir, port, 2, ADMIN_TOKEN);
  }
}

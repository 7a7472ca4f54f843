package ua.epetitions.gateway.testing;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import ua.epetitions.gateway.Gateway;
import ua.epetitions.gateway.config.ConfigLoader;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.identity.DevIdentityIssuer;

/**
 * A whole gateway on a fresh database of the shared test servers, with a web client and blocking
 * helpers for test code (which runs on the JUnit thread, never on an event loop).
 */
public final class TestGateway implements AutoCloseable {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
  private static final long TIMEOUT_SECONDS = 30;

  private final Gateway gateway;
  private final WebClient client;
  private final Path dataDir;

  private TestGateway(Gateway gateway, Path dataDir) {
    this.gateway = gateway;
    this.dataDir = dataDir;
    this.client =
        WebClient.create(
            gateway.vertx(),
            // No keep-alive: tests of bad requests make the server close connections, and a
            // pooled connection closing under the next test's request would make it flaky.
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(gateway.httpPort())
                .setKeepAlive(false));
  }

  public static TestGateway start() {
    return start(Map.of());
  }

  /**
   * Starts with extra {@code GATEWAY_*} settings on top of the test defaults. The shared test Redis
   * is emptied first: petition ids restart at 1 in each fresh database, so keys left by an earlier
   * test class would collide. Test classes run one after another.
   */
  public static TestGateway start(Map<String, String> overrides) {
    TestServers servers = TestServers.get();
    servers.flushRedis();
    return startOn(servers.freshDatabaseUrl(), overrides);
  }

  /**
   * Starts a gateway on a given database without emptying Redis: a second instance beside a running
   * one, or a restart on the same data.
   */
  public static TestGateway startOn(String databaseUrl, Map<String, String> overrides) {
    TestServers servers = TestServers.get();
    try {
      Path dataDir =
          Files.createTempDirectory(
              Files.createDirectories(Path.of("target", "test-gateways")), "gw-");
      Map<String, String> env = new HashMap<>();
      env.put("GATEWAY_DATA_DIR", dataDir.toString());
      env.put("GATEWAY_POSTGRES_URL", databaseUrl);
      env.put("GATEWAY_REDIS_URL", servers.redisUrl());
      env.put("GATEWAY_HTTP_PORT", "0");
      env.put("GATEWAY_HTTP_HOST", "127.0.0.1");
      env.put("GATEWAY_HTTP_INSTANCES", "2");
      env.put("GATEWAY_ADMIN_TOKEN", ADMIN_TOKEN);
      env.put("GATEWAY_DEMO_DATA", "false");
      env.putAll(overrides);
      GatewayConfig config = new ConfigLoader().load(Optional.empty(), env, false);
      return new TestGateway(Gateway.start(config), dataDir);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a test gateway: " + e, e);
    }
  }

  /** The URL of this gateway's database, for a second instance on the same data. */
  public String databaseUrl() {
    return gateway.services().config().postgres().url();
  }

  public WebClient client() {
    return client;
  }

  public DevIdentityIssuer issuer() {
    return gateway.services().devIssuer();
  }

  public Gateway gateway() {
    return gateway;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A token of the development issuer for a citizen. */
  public String token(String subject, String name, String territory) {
    return issuer().mint(subject, name, territory);
  }

  public HttpResponse<Buffer> get(String path) {
    return await(client.get(path).send());
  }

  public HttpResponse<Buffer> adminGet(String path) {
    return await(client.get(path).putHeader("Authorization", "Bearer " + ADMIN_TOKEN).send());
  }

  public HttpResponse<Buffer> adminPost(String path, JsonObject body) {
    HttpRequest<Buffer> request =
        client.post(path).putHeader("Authorization", "Bearer " + ADMIN_TOKEN);
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  public HttpResponse<Buffer> adminPut(String path, JsonObject body) {
    return await(
        client.put(path).putHeader("Authorization", "Bearer " + ADMIN_TOKEN).sendJsonObject(body));
  }

  public HttpResponse<Buffer> citizenPost(String path, String token, JsonObject body) {
    return await(
        client.post(path).putHeader("Authorization", "Bearer " + token).sendJsonObject(body));
  }

  /** Runs SQL on the gateway's own database. */
  public RowSet<Row> sql(String sql) {
    return await(gateway.services().pool().query(sql).execute());
  }

  public long count(String sql) {
    return sql(sql).iterator().next().getLong(0);
  }

  public static <T> T await(Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("operation failed: " + e, e);
    }
  }

  @Override
  public void close() {
    client.close();
    gateway.close();
  }
}

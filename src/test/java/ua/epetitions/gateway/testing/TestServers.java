package ua.epetitions.gateway.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.embedded.EmbeddedPostgresServer;
import ua.epetitions.gateway.embedded.EmbeddedRedisServer;
import ua.epetitions.gateway.store.PostgresLocation;

/**
 * One real PostgreSQL and one real Redis for the whole test JVM: the embedded servers the product
 * starts, or external ones named by {@code SIGNING_TEST_POSTGRES_URL} (a superuser URL; each test
 * gets its own database on it) and {@code SIGNING_TEST_REDIS_URL}. The embedded test PostgreSQL
 * runs with fsync off: its data is thrown away, and the durable mode is covered by the restart
 * tests, which start the product's own embedded servers.
 */
public final class TestServers {
  public static final String POSTGRES_ENV = "SIGNING_TEST_POSTGRES_URL";
  public static final String REDIS_ENV = "SIGNING_TEST_REDIS_URL";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static TestServers instance;

  private final String postgresAdminUrl;
  private final String redisUrl;

  private TestServers(String postgresAdminUrl, String redisUrl) {
    this.postgresAdminUrl = postgresAdminUrl;
    this.redisUrl = redisUrl;
  }

  /** The servers, started on first use and stopped when the test JVM exits. */
  public static synchronized TestServers get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  private static TestServers start() {
    try {
      String postgres = System.getenv(POSTGRES_ENV);
      String redis = System.getenv(REDIS_ENV);
      Path root = Files.createDirectories(Path.of("target", "test-servers")).toAbsolutePath();
      if (postgres == null || postgres.isBlank()) {
        Path dir = Files.createTempDirectory(root, "postgres-");
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0, false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> quietly(server)));
        postgres = server.url();
      }
      if (redis == null || redis.isBlank()) {
        Path dir = Files.createTempDirectory(root, "redis-");
        EmbeddedRedisServer server = EmbeddedRedisServer.start(dir, 0, "everysec");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> quietly(server)));
        redis = server.url();
      }
      return new TestServers(postgres, redis);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the test servers: " + e, e);
    }
  }

  /** A new, empty database on the test server; answers its URL. */
  public String freshDatabaseUrl() {
    String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    PostgresLocation admin = new PostgresLocation(postgresAdminUrl, 10_000);
    try (Connection connection =
            DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + ": " + e, e);
    }
    int slash = postgresAdminUrl.lastIndexOf('/');
    return postgresAdminUrl.substring(0, slash + 1) + name;
  }

  public String redisUrl() {
    return redisUrl;
  }

  /** A blocking Redis client for test code to inspect or prepare Redis; close it. */
  public Jedis jedis() {
    return new Jedis(URI.create(redisUrl));
  }

  /** Empties the test Redis. */
  public void flushRedis() {
    try (Jedis jedis = jedis()) {
      jedis.flushAll();
    }
  }

  private static void quietly(AutoCloseable server) {
    try {
      server.close();
    } catch (Exception e) {
      // The JVM is exiting; nothing useful can be done.
    }
  }
}

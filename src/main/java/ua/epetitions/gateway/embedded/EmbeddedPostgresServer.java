package ua.epetitions.gateway.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server whose data lives under the gateway's data directory, so that petitions
 * and signatures survive restarts. Started before Vert.x; all calls here block.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  public static final String DATABASE = "gateway";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final String SUPERUSER = "postgres";
  private static final String PID_FILE = "postmaster.pid";
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts the server on {@code directory} (created on first use). With {@code durable}, fsync and
   * synchronous commit stay on, which the embedded library turns off by default.
   */
  public static EmbeddedPostgresServer start(Path directory, int port, boolean durable)
      throws IOException {
    directory = directory.toAbsolutePath().normalize();
    Files.createDirectories(directory);
    LeftoverProcesses.stopIfRunning("postgres", directory.resolve(PID_FILE), "postgres");
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(directory)
            .setCleanDataDirectory(false)
            .setPGStartupWait(STARTUP_WAIT)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "200")
            .setServerConfig("fsync", durable ? "on" : "off")
            .setServerConfig("synchronous_commit", durable ? "on" : "off")
            .setServerConfig("full_page_writes", durable ? "on" : "off");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(builder.start());
    server.createDatabaseIfMissing();
    log.info(
        "embedded: postgres started port={} dataDir={} durable={}",
        server.port(),
        directory,
        durable);
    return server;
  }

  public int port() {
    return postgres.getPort();
  }

  /** The URL the gateway's configuration would name for this server. */
  public String url() {
    return "postgresql://" + SUPERUSER + "@127.0.0.1:" + port() + "/" + DATABASE;
  }

  private void createDatabaseIfMissing() throws IOException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        PreparedStatement exists =
            connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          return;
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      throw new IOException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
    log.info("embedded: postgres stopped");
  }
}

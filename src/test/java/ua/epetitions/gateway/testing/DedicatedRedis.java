package ua.epetitions.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.embedded.EmbeddedRedisServer;
import ua.epetitions.gateway.embedded.FreePorts;

/**
 * A Redis of one test's own, not the suite's shared one: the product's embedded server on a fixed
 * port and data directory, so that the test can kill it hard, start it again on the same files and
 * port, or make it a replica of another.
 */
public final class DedicatedRedis implements AutoCloseable {
  private static final String PID_FILE = "redis.pid";
  private static final Duration EXIT_PATIENCE = Duration.ofSeconds(10);
  private static final Duration LINK_PATIENCE = Duration.ofSeconds(30);

  private final Path dataDir;
  private final int port;
  private final String appendFsync;
  private EmbeddedRedisServer server;

  private DedicatedRedis(Path dataDir, int port, String appendFsync) {
    this.dataDir = dataDir;
    this.port = port;
    this.appendFsync = appendFsync;
  }

  /** Starts a server named {@code name} with the append-only fsync policy given. */
  public static DedicatedRedis start(String name, String appendFsync) {
    try {
      Path root = Files.createDirectories(Path.of("target", "test-servers")).toAbsolutePath();
      Path dir = Files.createTempDirectory(root, "redis-" + name + "-");
      DedicatedRedis redis = new DedicatedRedis(dir, FreePorts.any(), appendFsync);
      redis.restart();
      return redis;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a dedicated Redis: " + e, e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** A blocking client for test code; close it. */
  public Jedis jedis() {
    return new Jedis(URI.create(url()));
  }

  /** The redis-server process, found through the pid file the server writes in its directory. */
  public ProcessHandle process() {
    try {
      String pid = Files.readAllLines(dataDir.resolve(PID_FILE)).get(0).trim();
      ProcessHandle process =
          ProcessHandle.of(Long.parseLong(pid))
              .orElseThrow(() -> new IllegalStateException("no process with pid " + pid));
      String command = process.info().command().orElse("");
      if (!command.contains("redis-server")) {
        throw new IllegalStateException("pid " + pid + " runs '" + command + "', not Redis");
      }
      return process;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + dataDir.resolve(PID_FILE) + ": " + e, e);
    }
  }

  /** SIGKILL, as kill -9 would: no shutdown, no last write of the append-only file. */
  public void killHard() {
    if (server == null) {
      throw new IllegalStateException("Redis on port " + port + " is not running");
    }
    ProcessHandle process = process();
    process.destroyForcibly();
    try {
      process.onExit().get(EXIT_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Redis pid " + process.pid() + " survived SIGKILL", e);
    }
    forgetServer();
  }

  /** Starts the server again on the same port and data directory, unless it runs. */
  public void restart() {
    if (server != null) {
      return;
    }
    try {
      server = EmbeddedRedisServer.start(dataDir, port, appendFsync);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Redis on port " + port + ": " + e, e);
    }
  }

  /** Makes this server a replica of {@code primary} and waits until the link is up. */
  public void replicate(DedicatedRedis primary) {
    try (Jedis jedis = jedis()) {
      jedis.slaveof("127.0.0.1", primary.port());
      Eventually.within(
          LINK_PATIENCE,
          () -> {
            if (!jedis.info("replication").contains("master_link_status:up")) {
              throw new AssertionError("replica of port " + primary.port() + " not linked yet");
            }
          });
    }
  }

  /** Stops the server, hard, and waits until it has gone; nothing when it is not running. */
  public void stop() {
    if (server == null) {
      return;
    }
    killHard();
  }

  private void forgetServer() {
    try {
      server.close();
    } catch (IOException e) {
      // The process is already gone; the library only marks its handle stopped.
    }
    server = null;
  }

  @Override
  public void close() {
    stop();
  }
}

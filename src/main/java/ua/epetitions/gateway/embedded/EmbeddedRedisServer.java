package ua.epetitions.gateway.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real Redis 6.2 server with append-only persistence under the gateway's data directory. The
 * automatic AOF rewrite forks a copy of the server; on two cores that costs a third of the script
 * rate while it runs, so its threshold is raised well above the default 64 MB.
 */
public final class EmbeddedRedisServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisServer.class);
  private static final String PID_FILE = "redis.pid";
  private static final String AOF_REWRITE_MIN_SIZE = "1gb";

  private final RedisServer redis;
  private final int port;
  private final Path pidFile;

  private EmbeddedRedisServer(RedisServer redis, int port, Path pidFile) {
    this.redis = redis;
    this.port = port;
    this.pidFile = pidFile;
  }

  /**
   * Starts the server with its files in {@code directory}; {@code appendFsync} is always or
   * everysec.
   */
  public static EmbeddedRedisServer start(Path directory, int port, String appendFsync)
      throws IOException {
    directory = directory.toAbsolutePath().normalize();
    Files.createDirectories(directory);
    Path pidFile = directory.resolve(PID_FILE);
    LeftoverProcesses.stopIfRunning("redis", pidFile, "redis-server");
    int chosenPort = port > 0 ? port : FreePorts.any();
    RedisServer redis =
        RedisServer.newRedisServer()
            .bind("127.0.0.1")
            .port(chosenPort)
            .setting("dir " + directory)
            .setting("pidfile " + pidFile)
            .setting("daemonize no")
            .setting("appendonly yes")
            .setting("appendfilename \"appendonly.aof\"")
            .setting("appendfsync " + appendFsync)
            .setting("aof-use-rdb-preamble yes")
            .setting("auto-aof-rewrite-percentage 100")
            .setting("auto-aof-rewrite-min-size " + AOF_REWRITE_MIN_SIZE)
            .setting("save \"\"")
            .setting("maxclients 10000")
            .setting("maxmemory-policy noeviction")
            .onShutdownForceStop(true)
            .build();
    redis.start();
    log.info(
        "embedded: redis started port={} dataDir={} appendfsync={}",
        chosenPort,
        directory,
        appendFsync);
    return new EmbeddedRedisServer(redis, chosenPort, pidFile);
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException {
    // The library's own stop is a SIGKILL (onShutdownForceStop); SIGTERM first lets Redis write
    // and fsync its append-only file before it exits.
    LeftoverProcesses.stopOwn("redis", pidFile, "redis-server");
    redis.stop();
    log.info("embedded: redis stopped");
  }
}

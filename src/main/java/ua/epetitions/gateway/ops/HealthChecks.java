package ua.epetitions.gateway.ops;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Whether the gateway's backing servers answer, each within a bounded time. */
public final class HealthChecks {
  public static final String UP = "UP";
  private static final long CHECK_TIMEOUT_MS = 1_000;

  private final Pool pool;
  private final Redis redis;

  public HealthChecks(Pool pool, Redis redis) {
    this.pool = pool;
    this.redis = redis;
  }

  /** Each check's name and "UP" or the reason it failed; never a failed future. */
  public Future<Map<String, String>> run() {
    Future<String> postgres =
        status(pool.query("SELECT 1").execute().timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    Future<String> redisStatus =
        status(
            redis.send(Request.cmd(Command.PING)).timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    return Future.join(postgres, redisStatus)
        .transform(
            ignored -> {
              Map<String, String> checks = new LinkedHashMap<>();
              checks.put("postgres", postgres.result());
              checks.put("redis", redisStatus.result());
              return Future.succeededFuture(checks);
            });
  }

  private static Future<String> status(Future<?> probe) {
    return probe.transform(
        result ->
            Future.succeededFuture(result.succeeded() ? UP : "DOWN: " + describe(result.cause())));
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    String text = failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return text.length() > 200 ? text.substring(0, 200) : text;
  }
}

package ua.epetitions.gateway.ops;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ua.epetitions.gateway.signing.SigningKeys;

/**
 * Whether the gateway can do its work, each check bounded in time: PostgreSQL answers, Redis
 * answers, and no partition's stream holds its backlog limit (beyond it signing answers 503, so a
 * load balancer should prefer other instances).
 */
public final class HealthChecks {
  public static final String UP = "UP";
  private static final long CHECK_TIMEOUT_MS = 1_000;

  private final Pool pool;
  private final Redis redis;
  private final SigningKeys keys;
  private final long backlogLimit;

  public HealthChecks(Pool pool, Redis redis, SigningKeys keys, long backlogLimit) {
    this.pool = pool;
    this.redis = redis;
    this.keys = keys;
    this.backlogLimit = backlogLimit;
  }

  /** The checks and the streams' state; never a failed future. */
  public Future<HealthReport> run() {
    Future<String> postgres =
        status(pool.query("SELECT 1").execute().timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    List<Future<Long>> lengths = new ArrayList<>();
    List<Future<Long>> pendings = new ArrayList<>();
    for (int partition = 0; partition < keys.partitions(); partition++) {
      lengths.add(count(Request.cmd(Command.XLEN).arg(keys.stream(partition)), false));
      pendings.add(
          count(
              Request.cmd(Command.XPENDING)
                  .arg(keys.stream(partition))
                  .arg(SigningKeys.WRITER_GROUP),
              true));
    }
    Future<?> streams = Future.all(lengths).compose(v -> Future.join(pendings));
    Future<String> redisStatus = status(streams);
    return Future.join(postgres, redisStatus)
        .transform(
            ignored -> {
              long[] backlog = values(lengths);
              long[] pending = values(pendings);
              Map<String, String> checks = new LinkedHashMap<>();
              checks.put("postgres", postgres.result());
              checks.put("redis", redisStatus.result());
              checks.put("backlog", backlogStatus(backlog, redisStatus.result()));
              return Future.succeededFuture(new HealthReport(checks, backlog, pending));
            });
  }

  private String backlogStatus(long[] backlog, String redisStatus) {
    if (!UP.equals(redisStatus)) {
      return "UNKNOWN: Redis does not answer";
    }
    for (int partition = 0; partition < backlog.length; partition++) {
      if (backlog[partition] >= backlogLimit) {
        return "DOWN: partition "
            + partition
            + " holds "
            + backlog[partition]
            + " entries, its limit is "
            + backlogLimit
            + "; check the writer and PostgreSQL";
      }
    }
    return UP;
  }

  /** A stream length, or the pending count of a summary (0 while the group does not exist). */
  private Future<Long> count(Request request, boolean pendingSummary) {
    Future<Response> reply = redis.send(request).timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (!pendingSummary) {
      return reply.map(Response::toLong);
    }
    return reply
        .map(r -> r == null || r.size() == 0 || r.get(0) == null ? 0L : r.get(0).toLong())
        .recover(
            failure ->
                String.valueOf(failure.getMessage()).startsWith("NOGROUP")
                    ? Future.succeededFuture(0L)
                    : Future.failedFuture(failure));
  }

  private static long[] values(List<Future<Long>> futures) {
    long[] values = new long[futures.size()];
    for (int i = 0; i < values.length; i++) {
      Future<Long> value = futures.get(i);
      values[i] = value.succeeded() && value.result() != null ? value.result() : -1;
    }
    return values;
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

  /**
   * The outcome of one round of checks.
   *
   * @param backlog entries in each partition's stream, -1 where unknown
   * @param pending entries read and not yet acknowledged, per partition, -1 where unknown
   */
  public record HealthReport(Map<String, String> checks, long[] backlog, long[] pending) {
    public boolean ready() {
      return checks.values().stream().allMatch(UP::equals);
    }
  }
}

package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A petition's live count, status and threshold as the signing path holds them in Redis. */
public final class LiveCounts {
  private final RedisCommands redis;
  private final SigningKeys keys;
  private final long timeoutMs;

  public LiveCounts(RedisCommands redis, SigningKeys keys, long timeoutMs) {
    this.redis = redis;
    this.keys = keys;
    this.timeoutMs = timeoutMs;
  }

  /** Empty when Redis holds no signing state for the petition. */
  public Future<Optional<LiveState>> of(long petitionId) {
    return redis
        .send(
            Request.cmd(Command.HMGET)
                .arg(keys.petition(petitionId))
                .arg("count")
                .arg("status")
                .arg("threshold"))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(LiveCounts::toLiveState);
  }

  private static Optional<LiveState> toLiveState(Response response) {
    Response status = response.get(1);
    if (status == null) {
      return Optional.empty();
    }
    Response count = response.get(0);
    Response threshold = response.get(2);
    return Optional.of(
        new LiveState(
            count == null ? 0 : count.toLong(),
            status.toString(),
            threshold == null || threshold.toString().isEmpty() ? null : threshold.toInteger()));
  }

  /** A petition as the signing path sees it. */
  public record LiveState(long count, String status, Integer threshold) {}
}

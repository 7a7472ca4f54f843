package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis connection kept by an HTTP verticle instance, on which every signing command is
 * pipelined: thousands of scripts in flight instead of one per pooled connection, which is what
 * lets a single Redis take a viral spike. The number in flight is bounded by the client's {@code
 * maxWaitingHandlers}; past it a send fails and the signature is answered 503. A broken connection
 * fails what it carried and is replaced on the next command. Owned by the verticle's event loop.
 */
public final class PipelinedRedis implements RedisCommands {
  private static final Logger log = LoggerFactory.getLogger(PipelinedRedis.class);
  private final Redis client;
  private Future<RedisConnection> connection;

  public PipelinedRedis(Redis client) {
    this.client = client;
  }

  @Override
  public Future<Response> send(Request request) {
    return connection().compose(c -> c.send(request));
  }

  /**
   * Sends on the connection that carried the commands answered so far, never on a new one; fails
   * when that connection is gone. For commands whose answer is about the connection's earlier
   * commands, such as WAIT.
   */
  public Future<Response> sendOnSameConnection(Request request) {
    if (connection == null || !connection.succeeded()) {
      return Future.failedFuture(
          new IllegalStateException(
              "the signing connection to Redis was lost; nothing to wait on"));
    }
    return connection.result().send(request);
  }

  private Future<RedisConnection> connection() {
    if (connection == null || connection.failed()) {
      Future<RedisConnection> connecting = client.connect();
      connection = connecting;
      connecting.onSuccess(
          c -> {
            c.exceptionHandler(failure -> forget(connecting, failure));
            c.endHandler(ended -> forget(connecting, null));
          });
    }
    return connection;
  }

  private void forget(Future<RedisConnection> broken, Throwable failure) {
    if (connection == broken) {
      connection = null;
      log.warn(
          "signing: pipelined Redis connection lost{}; the next signature reconnects",
          failure == null ? "" : ": " + failure);
    }
  }

  /** Gives the connection back; call when the verticle stops. */
  public void close() {
    if (connection != null && connection.succeeded()) {
      connection.result().close();
    }
    connection = null;
  }
}

package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Something that sends Redis commands: the pooled client, or one pipelined connection. */
@FunctionalInterface
public interface RedisCommands {
  Future<Response> send(Request request);

  static RedisCommands pooled(Redis redis) {
    return redis::send;
  }
}

package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Lua scripts kept as resources, loaded once and called by their SHA. When Redis answers NOSCRIPT
 * (a restart, a failover, SCRIPT FLUSH) the script is loaded again and the call retried once.
 */
public final class RedisScripts {
  /** The scripts of the signing path. */
  public enum Script {
    SIGN("/redis/sign.lua"),
    ACK("/redis/ack.lua"),
    SYNC_STATE("/redis/sync_state.lua"),
    REBUILD_FINISH("/redis/rebuild_finish.lua"),
    RECONCILE_COUNT("/redis/reconcile_count.lua");

    private final String resource;

    Script(String resource) {
      this.resource = resource;
    }
  }

  private final RedisCommands redis;
  private final ConcurrentMap<Script, String> sources = new ConcurrentHashMap<>();
  // Written by whichever event loop loaded last; any loaded SHA of the same source is valid.
  private final ConcurrentMap<Script, String> shas = new ConcurrentHashMap<>();

  public RedisScripts(RedisCommands redis) {
    this.redis = redis;
    for (Script script : Script.values()) {
      sources.put(script, read(script.resource));
    }
  }

  /** Loads every script; call at start-up. */
  public Future<Void> loadAll() {
    List<Future<String>> loads = List.of(Script.values()).stream().map(this::load).toList();
    return Future.all(loads).mapEmpty();
  }

  /** Runs a script on the shared client. */
  public Future<Response> run(Script script, List<String> keys, List<String> args) {
    String sha = shas.get(script);
    if (sha == null) {
      return load(script).compose(loaded -> evalsha(loaded, keys, args));
    }
    return evalsha(sha, keys, args)
        .recover(
            failure ->
                isNoScript(failure)
                    ? load(script).compose(loaded -> evalsha(loaded, keys, args))
                    : Future.failedFuture(failure));
  }

  private Future<Response> evalsha(String sha, List<String> keys, List<String> args) {
    Request request = Request.cmd(Command.EVALSHA).arg(sha).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return redis.send(request);
  }

  private Future<String> load(Script script) {
    return redis
        .send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(sources.get(script)))
        .map(
            response -> {
              String sha = response.toString();
              shas.put(script, sha);
              return sha;
            });
  }

  private static boolean isNoScript(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.startsWith("NOSCRIPT");
  }

  private static String read(String resource) {
    try (InputStream in = RedisScripts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("script " + resource + " missing from jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read script " + resource, e);
    }
  }
}

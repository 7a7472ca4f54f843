package ua.epetitions.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request when {@code http.requestLog} is on. It names the method, path, status,
 * duration and request id, never a header, a query string or a body, which may carry tokens.
 */
final class RequestLog implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger("ua.epetitions.gateway.http.requests");
  private static final int MAX_PATH_CHARS = 200;

  @Override
  public void handle(RoutingContext ctx) {
    long startedNs = System.nanoTime();
    ctx.addBodyEndHandler(
        ended -> {
          String path = ctx.normalizedPath();
          log.info(
              "http: request method={} path={} status={} durationMs={} requestId={}",
              ctx.request().method(),
              path.length() > MAX_PATH_CHARS ? path.substring(0, MAX_PATH_CHARS) : path,
              ctx.response().getStatusCode(),
              (System.nanoTime() - startedNs) / 1_000_000,
              RequestIds.of(ctx));
        });
    ctx.next();
  }
}

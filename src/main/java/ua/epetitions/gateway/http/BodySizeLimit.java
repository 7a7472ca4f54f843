package ua.epetitions.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * A route's own body limit, under the router-wide one that the body handler enforces while reading:
 * signatures and administration take small bodies, a filed petition a larger one.
 */
final class BodySizeLimit implements Handler<RoutingContext> {
  private final int maxBytes;

  BodySizeLimit(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var body = ctx.body().buffer();
    if (body != null && body.length() > maxBytes) {
      ctx.fail(Problem.payloadTooLarge(maxBytes).exception());
      return;
    }
    ctx.next();
  }
}

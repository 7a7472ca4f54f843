package ua.epetitions.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the caller's X-Request-Id when well-formed, else a new random one. The
 * id only correlates logs and answers, so it comes from the thread's fast generator rather than
 * {@code UUID.randomUUID()}'s SecureRandom, whose lock showed in the signing path's profile.
 */
final class RequestIds implements Handler<RoutingContext> {
  static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._-]{8,64}");

  @Override
  public void handle(RoutingContext ctx) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String offered = ctx.request().getHeader(HEADER);
    String id =
        offered != null && WELL_FORMED.matcher(offered).matches()
            ? offered
            : new UUID(random.nextLong(), random.nextLong()).toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : "none";
  }
}

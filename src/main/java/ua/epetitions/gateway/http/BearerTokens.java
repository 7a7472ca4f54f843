package ua.epetitions.gateway.http;

import io.vertx.ext.web.RoutingContext;

/** Reads {@code Authorization: Bearer <token>}. */
final class BearerTokens {
  private static final String AUTHORIZATION = "Authorization";
  private static final String PREFIX = "bearer ";

  private BearerTokens() {}

  /**
   * The token, or null when the header is missing, not a bearer credential, or given more than once
   * (which of two credentials to believe is not for the gateway to guess).
   */
  static String of(RoutingContext ctx) {
    String header = ctx.request().getHeader(AUTHORIZATION);
    if (header == null || header.length() <= PREFIX.length()) {
      return null;
    }
    if (ctx.request().headers().getAll(AUTHORIZATION).size() > 1) {
      return null;
    }
    if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return null;
    }
    return header.substring(PREFIX.length()).trim();
  }
}

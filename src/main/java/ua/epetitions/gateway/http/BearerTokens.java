package ua.epetitions.gateway.http;

import io.vertx.ext.web.RoutingContext;

/** Reads {@code Authorization: Bearer <token>}. */
final class BearerTokens {
  private static final String PREFIX = "bearer ";

  private BearerTokens() {}

  /** The token, or null when the header is missing or not a bearer credential. */
  static String of(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || header.length() <= PREFIX.length()) {
      return null;
    }
    if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return null;
    }
    return header.substring(PREFIX.length()).trim();
  }
}

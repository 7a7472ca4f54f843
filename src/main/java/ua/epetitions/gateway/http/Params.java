package ua.epetitions.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Pattern;

/** Path and query parameters, validated before anything else looks at them. */
final class Params {
  static final int DEFAULT_PAGE_SIZE = 20;
  static final int MAX_PAGE_SIZE = 100;
  private static final Pattern PETITION_ID = Pattern.compile("[1-9][0-9]{0,17}");
  private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");
  private static final Pattern SMALL_INT = Pattern.compile("[0-9]{1,4}");

  private Params() {}

  static long petitionId(RoutingContext ctx) {
    return petitionId(ctx.pathParam("petitionId"));
  }

  /** A petition id as the path gives it; anything else is a 400 problem. */
  static long petitionId(String raw) {
    if (raw == null || !PETITION_ID.matcher(raw).matches()) {
      throw Problem.invalidRequest(
              "petition id must be a positive whole number of at most 18 digits")
          .exception();
    }
    return Long.parseLong(raw);
  }

  static String slug(RoutingContext ctx) {
    return checkSlug(ctx.pathParam("slug"), "community slug in the path");
  }

  static String checkSlug(String raw, String what) {
    if (raw == null || !SLUG.matcher(raw).matches()) {
      throw Problem.invalidRequest(
              what + " must be 1-64 lowercase latin letters, digits or inner hyphens")
          .exception();
    }
    return raw;
  }

  static int limit(RoutingContext ctx) {
    String raw = single(ctx, "limit");
    if (raw == null) {
      return DEFAULT_PAGE_SIZE;
    }
    if (!SMALL_INT.matcher(raw).matches()) {
      throw Problem.invalidRequest("limit must be a whole number from 1 to " + MAX_PAGE_SIZE)
          .exception();
    }
    int limit = Integer.parseInt(raw);
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw Problem.invalidRequest("limit must be a whole number from 1 to " + MAX_PAGE_SIZE)
          .exception();
    }
    return limit;
  }

  /** A query parameter given at most once; null when absent. */
  static String single(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw Problem.invalidRequest("query parameter '" + name + "' is given more than once")
          .exception();
    }
    return values.get(0);
  }
}

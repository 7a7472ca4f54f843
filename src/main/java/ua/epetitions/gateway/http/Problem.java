package ua.epetitions.gateway.http;

import io.vertx.core.json.JsonObject;

/**
 * An RFC 9457 problem: a stable {@code type} under {@code /problems/}, a human title, the HTTP
 * status, a detail that says what is wrong and what to check, and extra members when useful.
 */
public record Problem(String type, String title, int status, String detail, JsonObject extra) {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_PREFIX = "/problems/";

  public static Problem of(String slug, String title, int status, String detail) {
    return new Problem(TYPE_PREFIX + slug, title, status, detail, new JsonObject());
  }

  public Problem with(String member, Object value) {
    JsonObject copy = extra.copy().put(member, value);
    return new Problem(type, title, status, detail, copy);
  }

  public ProblemException exception() {
    return new ProblemException(this);
  }

  public JsonObject toJson(String requestId) {
    JsonObject json =
        new JsonObject()
            .put("type", type)
            .put("title", title)
            .put("status", status)
            .put("detail", detail)
            .put("requestId", requestId);
    extra.forEach(member -> json.put(member.getKey(), member.getValue()));
    return json;
  }

  public static Problem invalidRequest(String detail) {
    return of("invalid-request", "The request is not valid", 400, detail);
  }

  public static Problem invalidToken(String detail) {
    return of("invalid-token", "The identity token was not accepted", 401, detail);
  }

  public static Problem adminUnauthorized(String detail) {
    return of("admin-unauthorized", "Administrator credentials are required", 401, detail);
  }

  public static Problem notEligible(String detail) {
    return of("not-eligible", "The citizen is not eligible here", 403, detail);
  }

  public static Problem notFound(String detail) {
    return of("not-found", "No such resource", 404, detail);
  }

  public static Problem petitionNotFound(long petitionId) {
    return of(
        "petition-not-found",
        "No such petition",
        404,
        "petition " + petitionId + " does not exist; check the id");
  }

  public static Problem communityNotFound(String slug) {
    return of(
        "community-not-found",
        "No such community",
        404,
        "community '" + slug + "' does not exist; GET /api/v1/communities lists them");
  }

  public static Problem methodNotAllowed(String detail) {
    return of("method-not-allowed", "Method not allowed", 405, detail);
  }

  public static Problem petitionNotCollecting(long petitionId, String status) {
    return of(
            "petition-not-collecting",
            "The petition is not collecting signatures",
            409,
            "petition " + petitionId + " is " + status)
        .with("petitionStatus", status);
  }

  public static Problem transitionNotAllowed(long petitionId, String status, String action) {
    return of(
            "transition-not-allowed",
            "The petition cannot do that in its status",
            409,
            "cannot " + action + " petition " + petitionId + " while it is " + status)
        .with("petitionStatus", status);
  }

  public static Problem conflict(String detail) {
    return of("conflict", "The resource changed or already exists", 409, detail);
  }

  public static Problem payloadTooLarge(long limitBytes) {
    return of(
        "payload-too-large",
        "The request body is too large",
        413,
        "the body must be at most " + limitBytes + " bytes");
  }

  public static Problem uriTooLong(String detail) {
    return of("uri-too-long", "The request line is too long", 414, detail);
  }

  public static Problem unsupportedMediaType(String detail) {
    return of("unsupported-media-type", "The body must be JSON", 415, detail);
  }

  public static Problem headersTooLarge(String detail) {
    return of("headers-too-large", "The request headers are too large", 431, detail);
  }

  public static Problem tooManyRequests(String detail) {
    return of("too-many-requests", "Too many requests", 429, detail);
  }

  public static Problem requestTimeout(String detail) {
    return of("request-timeout", "The request came too slowly", 408, detail);
  }

  public static Problem unavailable(String detail) {
    return of("unavailable", "A backing service is unavailable", 503, detail);
  }

  public static Problem internal() {
    return of(
        "internal-error",
        "Internal error",
        500,
        "the gateway failed unexpectedly; quote the requestId to the operators");
  }
}

package ua.epetitions.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/** Request bodies: JSON objects only, with known members of the right types and sizes. */
final class Bodies {
  private static final String JSON = "application/json";

  private Bodies() {}

  /** The body as a JSON object whose members are all in {@code allowed}. */
  static JsonObject jsonObject(RoutingContext ctx, Set<String> allowed) {
    requireJsonContentType(ctx);
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw Problem.invalidRequest("a JSON object body is required").exception();
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw Problem.invalidRequest("the body is not well-formed JSON").exception();
    }
    if (!(parsed instanceof JsonObject object)) {
      throw Problem.invalidRequest("the body must be a JSON object").exception();
    }
    for (String member : object.fieldNames()) {
      if (!allowed.contains(member)) {
        throw Problem.invalidRequest(
                "unknown member '"
                    + abbreviate(member)
                    + "'; allowed: "
                    + String.join(", ", allowed))
            .exception();
      }
    }
    return object;
  }

  /** Refuses a body on a request that takes none. */
  static void requireEmpty(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body != null && body.length() > 0) {
      throw Problem.invalidRequest("this request takes no body").exception();
    }
  }

  private static void requireJsonContentType(RoutingContext ctx) {
    String header = ctx.request().getHeader("Content-Type");
    if (header == null) {
      throw Problem.unsupportedMediaType("send Content-Type: application/json").exception();
    }
    String[] parts = header.toLowerCase(Locale.ROOT).split(";");
    if (!parts[0].trim().equals(JSON)) {
      throw Problem.unsupportedMediaType("send Content-Type: application/json").exception();
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      String unquoted = parameter.replace("\"", "");
      if (unquoted.startsWith("charset=") && !unquoted.equals("charset=utf-8")) {
        throw Problem.unsupportedMediaType("JSON bodies must be UTF-8").exception();
      }
    }
  }

  static String requiredText(JsonObject body, String member, int minChars, int maxChars) {
    String value = optionalText(body, member, minChars, maxChars);
    if (value == null) {
      throw Problem.invalidRequest("'" + member + "' is required").exception();
    }
    return value;
  }

  /** A trimmed string member with {@code minChars..maxChars} characters, or null when absent. */
  static String optionalText(JsonObject body, String member, int minChars, int maxChars) {
    Object raw = body.getValue(member);
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String text)) {
      throw Problem.invalidRequest("'" + member + "' must be a string").exception();
    }
    String value = text.strip();
    int length = value.codePointCount(0, value.length());
    if (length < minChars || length > maxChars) {
      throw Problem.invalidRequest(
              "'" + member + "' must have " + minChars + " to " + maxChars + " characters")
          .exception();
    }
    if (!isPrintable(value)) {
      throw Problem.invalidRequest("'" + member + "' holds control characters").exception();
    }
    return value;
  }

  static int requiredInt(JsonObject body, String member, int min, int max) {
    Object raw = body.getValue(member);
    if (!(raw instanceof Integer) && !(raw instanceof Long)) {
      throw Problem.invalidRequest("'" + member + "' must be a whole number").exception();
    }
    long value = ((Number) raw).longValue();
    if (value < min || value > max) {
      throw Problem.invalidRequest("'" + member + "' must be between " + min + " and " + max)
          .exception();
    }
    return (int) value;
  }

  static boolean requiredBoolean(JsonObject body, String member) {
    Object raw = body.getValue(member);
    if (!(raw instanceof Boolean value)) {
      throw Problem.invalidRequest("'" + member + "' must be true or false").exception();
    }
    return value;
  }

  private static boolean isPrintable(String value) {
    return value
        .codePoints()
        .allMatch(c -> c == '\n' || c == '\r' || c == '\t' || !Character.isISOControl(c));
  }

  private static String abbreviate(String member) {
    String printable = member.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
  }
}

package ua.epetitions.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** Request bodies: JSON objects only, with known members of the right types and sizes. */
final class Bodies {
  private static final String JSON = "application/json";

  /**
   * Refuses a member given twice: parsers disagree on which of {@code {"consent":false,
   * "consent":true}} counts, so the gateway takes neither.
   */
  private static final JsonFactory STRICT_JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private Bodies() {}

  /** The body as a JSON object whose members are all in {@code allowed}. */
  static JsonObject jsonObject(RoutingContext ctx, Set<String> allowed) {
    return jsonObject(ctx.request().getHeader("Content-Type"), ctx.body().buffer(), allowed);
  }

  /**
   * A body with its Content-Type as a JSON object whose members are all in {@code allowed}; any
   * other body is refused with a 400 or 415 problem, never another exception.
   */
  static JsonObject jsonObject(String contentType, Buffer body, Set<String> allowed) {
    requireJsonContentType(contentType);
    if (body == null || body.length() == 0) {
      throw Problem.invalidRequest("a JSON object body is required").exception();
    }
    requireUtf8(body);
    Object parsed;
    try {
      parsed = JacksonCodec.fromParser(STRICT_JSON.createParser(body.getBytes()), Object.class);
    } catch (DecodeException | IOException e) {
      throw Problem.invalidRequest(
              "the body is not well-formed JSON with each member once; check its syntax")
          .exception();
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

  /**
   * JSON bodies are UTF-8 (RFC 8259): a byte order mark, a NUL byte (the parser would take UTF-16
   * or UTF-32 for it) or bytes that are not UTF-8 (overlong forms, surrogates) are refused. An
   * ASCII body, every signature, is checked in one pass without allocating.
   */
  private static void requireUtf8(Buffer body) {
    boolean ascii = true;
    for (int i = 0; i < body.length(); i++) {
      byte b = body.getByte(i);
      if (b == 0) {
        throw Problem.invalidRequest("the body holds a NUL byte; send JSON in UTF-8").exception();
      }
      ascii &= b > 0;
    }
    if (ascii) {
      return;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body.getBytes()));
    } catch (CharacterCodingException e) {
      throw Problem.invalidRequest("the body is not valid UTF-8; send JSON in UTF-8").exception();
    }
    if (body.length() >= 3
        && body.getUnsignedByte(0) == 0xEF
        && body.getUnsignedByte(1) == 0xBB
        && body.getUnsignedByte(2) == 0xBF) {
      throw Problem.invalidRequest("the body starts with a byte order mark; send plain UTF-8")
          .exception();
    }
  }

  private static void requireJsonContentType(String header) {
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
      throw Problem.invalidRequest(
              "'" + member + "' holds control or invisible formatting characters")
          .exception();
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

  /**
   * No control characters but line breaks and tabs, and no invisible formatting characters
   * (bidirectional overrides, zero-width spaces and joiners, byte order marks): they can make a
   * title read differently from what it holds. A lone surrogate (from a {@code \\uD800} escape) is
   * not text either.
   */
  private static boolean isPrintable(String value) {
    return value
        .codePoints()
        .allMatch(
            c ->
                c == '\n'
                    || c == '\r'
                    || c == '\t'
                    || !(Character.isISOControl(c)
                        || Character.getType(c) == Character.FORMAT
                        || Character.getType(c) == Character.SURROGATE));
  }

  private static String abbreviate(String member) {
    String printable = member.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
  }
}

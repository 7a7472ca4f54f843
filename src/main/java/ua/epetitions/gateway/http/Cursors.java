package ua.epetitions.gateway.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Opaque keyset cursors: base64url of a version tag and the sort key of the last item. A client
 * passes {@code next} back as {@code after}; anything else is refused with 400.
 */
final class Cursors {
  private static final String VERSION = "v1:";
  private static final int MAX_CURSOR_CHARS = 200;
  private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,17}");
  private static final Pattern SIGNER_POSITION = Pattern.compile("(-?[0-9]{1,19}):([!-~]{1,64})");

  private Cursors() {}

  static String encode(String position) {
    byte[] raw = (VERSION + position).getBytes(StandardCharsets.UTF_8);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  static String decode(String cursor) {
    if (cursor.isEmpty() || cursor.length() > MAX_CURSOR_CHARS) {
      throw invalid();
    }
    String decoded;
    try {
      decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!decoded.startsWith(VERSION)) {
      throw invalid();
    }
    return decoded.substring(VERSION.length());
  }

  static String ofId(long id) {
    return encode(Long.toString(id));
  }

  static long idOf(String cursor) {
    String position = decode(cursor);
    if (!ID.matcher(position).matches()) {
      throw invalid();
    }
    return Long.parseLong(position);
  }

  static String ofSlug(String slug) {
    return encode(slug);
  }

  static String slugOf(String cursor) {
    try {
      return Params.checkSlug(decode(cursor), "cursor");
    } catch (ProblemException e) {
      throw invalid();
    }
  }

  static String ofSigner(OffsetDateTime signedAt, String receipt) {
    Instant at = signedAt.toInstant();
    long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    return encode(micros + ":" + receipt);
  }

  /** The signed-at time and receipt of a signer cursor. */
  record SignerPosition(OffsetDateTime signedAt, String receipt) {
    static final SignerPosition START =
        new SignerPosition(Instant.EPOCH.atOffset(ZoneOffset.UTC), "");
  }

  static SignerPosition signerOf(String cursor) {
    var matcher = SIGNER_POSITION.matcher(decode(cursor));
    if (!matcher.matches()) {
      throw invalid();
    }
    long micros;
    try {
      micros = Long.parseLong(matcher.group(1));
    } catch (NumberFormatException e) {
      throw invalid();
    }
    Instant at =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
    return new SignerPosition(at.atOffset(ZoneOffset.UTC), matcher.group(2));
  }

  private static ProblemException invalid() {
    return Problem.invalidRequest(
            "'after' is not a cursor this list gave out; pass its 'next' back")
        .exception();
  }
}

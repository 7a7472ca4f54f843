package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.testing.RawHttp.headers;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.identity.DevIdentityIssuer;
import ua.epetitions.gateway.testing.DataSnapshot;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.RawHttp;
import ua.epetitions.gateway.testing.TestGateway;

/**
 * A table of hostile requests, sent byte for byte over a plain socket: each must get its RFC 9457
 * problem (status and stable type) and leave Redis and PostgreSQL exactly as they were.
 */
@DisplayName("Hostile input: every bad request gets its problem and changes nothing")
class HostileInputTest {
  private static final String TOWN = "hostile-town";
  private static final String JSON = "application/json";
  private static final String CONSENT = "{\"consent\":true}";
  private static final String NAME = "Олена Шевченко";
  private static final int SIGNING_LIMIT_BYTES = 4096;
  private static final int ROUTER_LIMIT_BYTES = 65_536;
  private static final int SIGNED_BEFORE = 2;
  private static final long BODY_TIMEOUT_MS = 2000;
  private static final AtomicInteger SUBJECTS = new AtomicInteger();

  private static final String INVALID_REQUEST = "/problems/invalid-request";
  private static final String INVALID_TOKEN = "/problems/invalid-token";
  private static final String ADMIN_UNAUTHORIZED = "/problems/admin-unauthorized";
  private static final String TOO_LARGE = "/problems/payload-too-large";
  private static final String MEDIA_TYPE = "/problems/unsupported-media-type";
  private static final String HEADERS_TOO_LARGE = "/problems/headers-too-large";

  private static TestGateway gw;
  private static long petitionId;
  private static RSAKey issuerKey;
  private static GatewayConfig.Identity identity;

  /** One row of the table: what is sent and what must come back. */
  record Case(
      String name,
      String method,
      String path,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean chunked,
      Long contentLength,
      int status,
      String type) {

    @Override
    public String toString() {
      return name;
    }

    RawHttp.Request request() {
      return new RawHttp.Request(method, path, headers, body, chunked, contentLength);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    // The table sends a hundred refused requests from one address in a few seconds; the refusal
    // limit per address has its own test (AbuseLimitsTest).
    // A body declared and never sent is cut at the body timeout, shortened here.
    gw =
        TestGateway.start(
            Map.of(
                "GATEWAY_LIMITS_ADDRESS_REFUSAL_BURST",
                "1000000",
                "GATEWAY_HTTP_REQUEST_BODY_TIMEOUT_MS",
                Long.toString(BODY_TIMEOUT_MS)));
    identity = gw.gateway().services().config().identity();
    issuerKey =
        RSAKey.parse(
            Files.readString(
                gw.dataDir().resolve(DevIdentityIssuer.KEY_FILE), StandardCharsets.UTF_8));
    Fixtures.createCommunity(gw, TOWN, false);
    petitionId = Fixtures.collectingPetition(gw, TOWN, "Петиція для ворожих запитів");
    for (int i = 0; i < SIGNED_BEFORE; i++) {
      var signed =
          gw.citizenPost(signingPath(), validToken(), new JsonObject().put("consent", true));
      assertThat(signed.statusCode()).as(signed.bodyAsString()).isEqualTo(202);
    }
    Eventually.within(
        Duration.ofSeconds(15),
        () ->
            assertThat(gw.count("SELECT persisted_count FROM petitions WHERE id = " + petitionId))
                .isEqualTo(SIGNED_BEFORE));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileRequests")
  @DisplayName("a hostile request is answered with its problem and changes nothing")
  void hostileRequestChangesNothing(Case hostile) {
    DataSnapshot before = DataSnapshot.of(gw);

    RawHttp.Response response = RawHttp.send(gw.gateway().httpPort(), hostile.request());

    assertThat(response.status()).as(response.bodyText()).isEqualTo(hostile.status());
    assertThat(response.header("Content-Type")).isEqualTo(Problem.MEDIA_TYPE);
    JsonObject problem = response.json();
    assertThat(problem.getString("type")).isEqualTo(hostile.type());
    assertThat(problem.getInteger("status")).isEqualTo(hostile.status());
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(problem.getString("requestId")).isEqualTo(response.header("X-Request-Id"));
    assertThat(DataSnapshot.of(gw)).isEqualTo(before);
  }

  @Test
  @DisplayName("the table holds at least 60 hostile requests")
  void tableIsLarge() {
    assertThat(hostileRequests().count()).isGreaterThanOrEqualTo(60);
  }

  @Test
  @DisplayName("after the table the gateway still takes a valid signature")
  void validSignatureStillAccepted() {
    long id = Fixtures.collectingPetition(gw, TOWN, "Петиція після ворожих запитів");
    String path = "/api/v1/petitions/" + id + "/signatures";

    var response = gw.citizenPost(path, validToken(), new JsonObject().put("consent", true));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
  }

  static Stream<Case> hostileRequests() {
    List<Case> cases = new ArrayList<>();
    cases.addAll(malformedBodies());
    cases.addAll(contentTypes());
    cases.addAll(encodings());
    cases.addAll(sizes());
    cases.addAll(identifiers());
    cases.addAll(headerFloods());
    cases.addAll(forgedTokens());
    cases.addAll(authorizationHeaders());
    cases.addAll(adminCredentials());
    cases.addAll(filedPetitionTexts());
    return cases.stream();
  }

  private static List<Case> malformedBodies() {
    return List.of(
        signing("truncated JSON", "{\"consent\":tru", 400, INVALID_REQUEST),
        signing("JSON with trailing garbage", CONSENT + " xyz", 400, INVALID_REQUEST),
        signing("two JSON objects", CONSENT + CONSENT, 400, INVALID_REQUEST),
        signing("single quotes", "{'consent':true}", 400, INVALID_REQUEST),
        signing("a JSON comment", "{/*x*/\"consent\":true}", 400, INVALID_REQUEST),
        signing("deeply nested arrays (2,000 levels)", nested(2000), 400, INVALID_REQUEST),
        signing("consent as the string yes", "{\"consent\":\"yes\"}", 400, INVALID_REQUEST),
        signing("consent as the number 1", "{\"consent\":1}", 400, INVALID_REQUEST),
        signing("consent as an array", "{\"consent\":[true]}", 400, INVALID_REQUEST),
        signing("consent as an object", "{\"consent\":{\"v\":true}}", 400, INVALID_REQUEST),
        signing("consent null", "{\"consent\":null}", 400, INVALID_REQUEST),
        signing("consent false", "{\"consent\":false}", 400, INVALID_REQUEST),
        signing(
            "consent given twice", "{\"consent\":false,\"consent\":true}", 400, INVALID_REQUEST),
        signing("an empty object", "{}", 400, INVALID_REQUEST),
        signing("an array body", "[true]", 400, INVALID_REQUEST),
        signing("a bare string body", "\"consent\"", 400, INVALID_REQUEST),
        signing("JSON null", "null", 400, INVALID_REQUEST),
        signing("an unknown member", "{\"consent\":true,\"name\":\"x\"}", 400, INVALID_REQUEST),
        signing("an empty body", "", 400, INVALID_REQUEST));
  }

  private static List<Case> contentTypes() {
    return List.of(
        signingTyped("no Content-Type", null, CONSENT, 415, MEDIA_TYPE),
        signingTyped("text/plain", "text/plain", CONSENT, 415, MEDIA_TYPE),
        signingTyped(
            "a form", "application/x-www-form-urlencoded", "consent=true", 415, MEDIA_TYPE),
        signingTyped(
            "multipart",
            "multipart/form-data; boundary=b",
            "--b\r\nContent-Disposition: form-data; name=\"consent\"\r\n\r\ntrue\r\n--b--\r\n",
            415,
            MEDIA_TYPE),
        signingTyped("charset utf-16", JSON + "; charset=utf-16", CONSENT, 415, MEDIA_TYPE),
        signingTyped("charset latin1", JSON + "; charset=latin1", CONSENT, 415, MEDIA_TYPE),
        signingTyped("application/jsonx", "application/jsonx", CONSENT, 415, MEDIA_TYPE),
        signingTyped("application/xml", "application/xml", "<consent/>", 415, MEDIA_TYPE));
  }

  private static List<Case> encodings() {
    byte[] utf16WithBom = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, utf16be(CONSENT));
    return List.of(
        signing(
            "invalid UTF-8 bytes",
            concat(
                ascii("{\"consent\":true,\""),
                new byte[] {(byte) 0xFF, (byte) 0xFE},
                ascii("\":1}")),
            400,
            INVALID_REQUEST),
        signing("UTF-16 with a byte order mark", utf16WithBom, 400, INVALID_REQUEST),
        signing("UTF-16 without a byte order mark", utf16be(CONSENT), 400, INVALID_REQUEST),
        signing(
            "UTF-8 with a byte order mark",
            concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, ascii(CONSENT)),
            400,
            INVALID_REQUEST),
        signing(
            "an overlong UTF-8 slash in a member name",
            concat(ascii("{\"consent"), new byte[] {(byte) 0xC0, (byte) 0xAF}, ascii("\":true}")),
            400,
            INVALID_REQUEST),
        signing(
            "a raw NUL byte",
            concat(ascii("{\"consent\":true"), new byte[] {0}, ascii("}")),
            400,
            INVALID_REQUEST),
        signing(
            "an escaped NUL in a member name", "{\"consent\\u0000\":true}", 400, INVALID_REQUEST));
  }

  private static List<Case> sizes() {
    byte[] overSigningLimit = padded(SIGNING_LIMIT_BYTES + 1);
    byte[] overRouterLimit = padded(ROUTER_LIMIT_BYTES + 1024);
    return List.of(
        signing("a body one byte over 4 KiB", overSigningLimit, 413, TOO_LARGE),
        signing("a body over the router's 64 KiB", overRouterLimit, 413, TOO_LARGE),
        signing("10,000 levels of nesting (over 4 KiB)", nested(10_000), 413, TOO_LARGE),
        new Case(
            "a chunked body over 4 KiB",
            "POST",
            signingPath(),
            headers("Authorization", "Bearer " + validToken(), "Content-Type", JSON),
            overSigningLimit,
            true,
            null,
            413,
            TOO_LARGE),
        new Case(
            "a chunked body over 64 KiB",
            "POST",
            signingPath(),
            headers("Authorization", "Bearer " + validToken(), "Content-Type", JSON),
            overRouterLimit,
            true,
            null,
            413,
            TOO_LARGE),
        new Case(
            "Content-Length of 100 MB declared, nothing sent",
            "POST",
            signingPath(),
            headers("Authorization", "Bearer " + validToken(), "Content-Type", JSON),
            new byte[0],
            false,
            100_000_000L,
            413,
            TOO_LARGE));
  }

  private static List<Case> identifiers() {
    return List.of(
        signingAt("a petition id in exponent form", "/api/v1/petitions/1e3/signatures"),
        signingAt("a negative petition id", "/api/v1/petitions/-1/signatures"),
        signingAt("petition id 0", "/api/v1/petitions/0/signatures"),
        signingAt("a 20-digit petition id", "/api/v1/petitions/99999999999999999999/signatures"),
        signingAt("a petition id with a leading zero", "/api/v1/petitions/07/signatures"),
        signingAt("a NUL as petition id", "/api/v1/petitions/%00/signatures"),
        signingAt("a letter id", "/api/v1/petitions/abc/signatures"),
        signingAt("an encoded slash in the id", "/api/v1/petitions/1%2F2/signatures"),
        signingAt("an encoded dot-dot-slash id", "/api/v1/petitions/..%2F/signatures"),
        signingAt("a malformed escape", "/api/v1/petitions/%ZZ/signatures"),
        read("a fractional id on the count", "/api/v1/petitions/1.5/count", 400, INVALID_REQUEST),
        read("a plus-signed id", "/api/v1/petitions/+1", 400, INVALID_REQUEST),
        read("an upper-case slug", "/api/v1/communities/LVIV", 400, INVALID_REQUEST),
        read(
            "a cursor that is not one",
            "/api/v1/communities/" + TOWN + "/petitions?after=%00%01",
            400,
            INVALID_REQUEST),
        read("limit given twice", "/api/v1/communities?limit=1&limit=2", 400, INVALID_REQUEST),
        read(
            "a path over the request-line limit",
            "/api/v1/petitions/" + "9".repeat(5000),
            414,
            "/problems/uri-too-long"));
  }

  private static List<Case> headerFloods() {
    List<Map.Entry<String, String>> many = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(Map.entry("X-Flood-" + i, "v".repeat(60)));
    }
    List<Map.Entry<String, String>> manySmall = headers("Content-Type", JSON);
    for (int i = 0; i < 100; i++) {
      manySmall.add(Map.entry("X-F" + i, "1"));
    }
    manySmall.add(Map.entry("Authorization", "Bearer garbage"));
    return List.of(
        new Case(
            "200 headers over the header limit",
            "POST",
            signingPath(),
            many,
            ascii(CONSENT),
            false,
            null,
            431,
            HEADERS_TOO_LARGE),
        new Case(
            "one header of 9,000 bytes",
            "POST",
            signingPath(),
            headers("Content-Type", JSON, "X-Huge", "h".repeat(9000)),
            ascii(CONSENT),
            false,
            null,
            431,
            HEADERS_TOO_LARGE),
        new Case(
            "a token longer than the header limit",
            "POST",
            signingPath(),
            headers("Content-Type", JSON, "Authorization", "Bearer " + "a".repeat(9000)),
            ascii(CONSENT),
            false,
            null,
            431,
            HEADERS_TOO_LARGE),
        new Case(
            "100 small headers and a bad token",
            "POST",
            signingPath(),
            manySmall,
            ascii(CONSENT),
            false,
            null,
            401,
            INVALID_TOKEN));
  }

  private static List<Case> forgedTokens() {
    List<Case> cases = new ArrayList<>();
    cases.add(forged("alg none", new PlainJWT(validClaims().build()).serialize()));
    cases.add(forged("HS256 keyed with the RSA public key", hmacWithPublicKey()));
    cases.add(forged("an unknown kid", signed(issuerKey, "unknown-kid", validClaims().build())));
    cases.add(forged("another key under the issuer's kid", signed(otherKey(), kid(), valid())));
    cases.add(forged("expired an hour ago", sign(validClaims().expirationTime(hoursFromNow(-1)))));
    cases.add(forged("not valid for an hour", sign(validClaims().notBeforeTime(hoursFromNow(1)))));
    cases.add(forged("a wrong issuer", sign(validClaims().issuer("https://evil.example"))));
    cases.add(forged("a wrong audience", sign(validClaims().audience("another-service"))));
    cases.add(forged("no subject", sign(validClaims().subject(null))));
    cases.add(forged("no expiry", sign(validClaims().expirationTime(null))));
    cases.add(forged("no name", sign(validClaims().claim("name", null))));
    cases.add(forged("a valid signature over swapped claims", swappedPayload()));
    cases.add(forged("an RS256 signature labelled ES256", relabelled("ES256")));
    cases.add(forged("a JSON null header", base64Url("null") + "." + base64Url("{}") + ".x"));
    cases.add(forged("garbage", "not-a-jwt"));
    cases.add(forged("five segments", "a.b.c.d.e"));
    cases.add(forged("empty segments", ".."));
    return cases;
  }

  private static List<Case> authorizationHeaders() {
    String valid = validToken();
    return List.of(
        tokenHeaders(
            "two Authorization headers, valid first",
            headers("Authorization", "Bearer " + valid, "Authorization", "Bearer garbage"),
            signingPath()),
        tokenHeaders(
            "two Authorization headers, both valid",
            headers("Authorization", "Bearer " + valid, "Authorization", "Bearer " + valid),
            signingPath()),
        tokenHeaders("Bearer with no token", headers("Authorization", "Bearer"), signingPath()),
        tokenHeaders("Bearer and spaces", headers("Authorization", "Bearer    "), signingPath()),
        tokenHeaders(
            "the Basic scheme", headers("Authorization", "Basic dXNlcjpwYXNz"), signingPath()),
        tokenHeaders(
            "lower-case bearer with an expired token",
            headers(
                "Authorization", "bearer " + sign(validClaims().expirationTime(hoursFromNow(-1)))),
            signingPath()),
        tokenHeaders(
            "the token in the query string", headers(), signingPath() + "?access_token=" + valid),
        new Case(
            "lower-case bearer with a valid token on an unknown petition",
            "POST",
            "/api/v1/petitions/987654321/signatures",
            headers("Authorization", "bearer " + valid, "Content-Type", JSON),
            ascii(CONSENT),
            false,
            null,
            404,
            "/problems/petition-not-found"));
  }

  private static List<Case> adminCredentials() {
    String close = "/api/v1/admin/petitions/" + petitionId + "/close";
    String pause = "/api/v1/admin/signing/pause";
    return List.of(
        admin("a wrong administrator token", close, "Bearer wrong-admin-token-0123456789"),
        admin("a citizen's token on an admin route", close, "Bearer " + validToken()),
        admin("no administrator token", close, null),
        admin(
            "the administrator token minus a character",
            pause,
            "Bearer " + TestGateway.ADMIN_TOKEN.substring(1)),
        new Case(
            "the administrator token twice",
            "POST",
            pause,
            headers(
                "Authorization",
                "Bearer " + TestGateway.ADMIN_TOKEN,
                "Authorization",
                "Bearer " + TestGateway.ADMIN_TOKEN),
            new byte[0],
            false,
            null,
            401,
            ADMIN_UNAUTHORIZED));
  }

  private static List<Case> filedPetitionTexts() {
    return List.of(
        filing("a right-to-left override in the title", petition("Петиція \u202Eяіцитеп"), 400),
        filing("a zero-width space in the title", petition("Петиція\u200Bпро дороги"), 400),
        filing("a byte order mark in the title", petition("\uFEFFПетиція про дороги"), 400),
        filing("a NUL in the title", petition("Петиція\u0000про дороги"), 400),
        filing(
            "a lone surrogate escape in the title",
            ascii(
                "{\"title\":\"Petition \\uD800 about roads\",\"text\":\""
                    + "x".repeat(60)
                    + "\",\"topic\":\"transport\"}"),
            400),
        filing(
            "an overlong UTF-8 slash in the title",
            concat(
                ascii("{\"title\":\"Petition "),
                new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                ascii(
                    " about roads\",\"text\":\"" + "x".repeat(60) + "\",\"topic\":\"transport\"}")),
            400),
        filing("10,000 levels of nesting in a filed petition", ascii(nested(10_000)), 400));
  }

  // --- rows ---

  private static Case signing(String name, String body, int status, String type) {
    return signing(name, body.getBytes(StandardCharsets.UTF_8), status, type);
  }

  private static Case signing(String name, byte[] body, int status, String type) {
    return new Case(
        name,
        "POST",
        signingPath(),
        headers("Authorization", "Bearer " + validToken(), "Content-Type", JSON),
        body,
        false,
        null,
        status,
        type);
  }

  private static Case signingTyped(
      String name, String contentType, String body, int status, String type) {
    List<Map.Entry<String, String>> headers = headers("Authorization", "Bearer " + validToken());
    if (contentType != null) {
      headers.add(Map.entry("Content-Type", contentType));
    }
    return new Case(name, "POST", signingPath(), headers, ascii(body), false, null, status, type);
  }

  private static Case signingAt(String name, String path) {
    return new Case(
        name,
        "POST",
        path,
        headers("Authorization", "Bearer " + validToken(), "Content-Type", JSON),
        ascii(CONSENT),
        false,
        null,
        400,
        INVALID_REQUEST);
  }

  private static Case read(String name, String path, int status, String type) {
    return new Case(name, "GET", path, headers(), new byte[0], false, null, status, type);
  }

  private static Case forged(String name, String token) {
    return tokenHeaders(
        "a forged token: " + name, headers("Authorization", "Bearer " + token), signingPath());
  }

  private static Case tokenHeaders(
      String name, List<Map.Entry<String, String>> headers, String path) {
    headers.add(Map.entry("Content-Type", JSON));
    return new Case(name, "POST", path, headers, ascii(CONSENT), false, null, 401, INVALID_TOKEN);
  }

  private static Case admin(String name, String path, String authorization) {
    List<Map.Entry<String, String>> headers =
        authorization == null ? headers() : headers("Authorization", authorization);
    return new Case(name, "POST", path, headers, new byte[0], false, null, 401, ADMIN_UNAUTHORIZED);
  }

  private static Case filing(String name, byte[] body, int status) {
    return new Case(
        name,
        "POST",
        "/api/v1/communities/" + TOWN + "/petitions",
        headers("Authorization", "Bearer " + validToken(), "Content-Type", JSON),
        body,
        false,
        null,
        status,
        INVALID_REQUEST);
  }

  private static byte[] petition(String title) {
    return new JsonObject()
        .put("title", title)
        .put("text", "Просимо раду розглянути це питання якнайшвидше, бо воно стосується всіх.")
        .put("topic", "transport")
        .encode()
        .getBytes(StandardCharsets.UTF_8);
  }

  // --- tokens ---

  private static String validToken() {
    return gw.token("hostile-" + SUBJECTS.incrementAndGet(), NAME, Fixtures.TERRITORY);
  }

  private static JWTClaimsSet.Builder validClaims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(identity.issuer())
        .audience(identity.audience())
        .subject("hostile-" + SUBJECTS.incrementAndGet())
        .claim("name", NAME)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(hoursFromNow(1));
  }

  private static JWTClaimsSet valid() {
    return validClaims().build();
  }

  private static Date hoursFromNow(int hours) {
    return Date.from(Instant.now().plus(Duration.ofHours(hours)));
  }

  private static String kid() {
    return issuerKey.getKeyID();
  }

  private static String sign(JWTClaimsSet.Builder claims) {
    return signed(issuerKey, kid(), claims.build());
  }

  private static String signed(RSAKey key, String keyId, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), claims);
      jwt.sign(new RSASSASigner(key.toPrivateKey(), true));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RSAKey otherKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(kid()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The classic algorithm confusion: HMAC keyed with the bytes of the RSA public key. */
  private static String hmacWithPublicKey() {
    try {
      byte[] secret = issuerKey.toRSAPublicKey().getEncoded();
      SignedJWT jwt =
          new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid()).build(), valid());
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A genuinely signed token whose claims are replaced by another citizen's. */
  private static String swappedPayload() {
    String[] genuine = validToken().split("\\.");
    String[] other = validToken().split("\\.");
    return genuine[0] + "." + other[1] + "." + genuine[2];
  }

  private static String relabelled(String algorithm) {
    String[] genuine = validToken().split("\\.");
    String header = "{\"alg\":\"" + algorithm + "\",\"kid\":\"" + kid() + "\"}";
    return base64Url(header) + "." + genuine[1] + "." + genuine[2];
  }

  // --- bytes ---

  private static String signingPath() {
    return "/api/v1/petitions/" + petitionId + "/signatures";
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private static byte[] padded(int bytes) {
    String start = "{\"consent\":true,\"pad\":\"";
    String end = "\"}";
    return ascii(start + "x".repeat(bytes - start.length() - end.length()) + end);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] utf16be(String text) {
    return text.getBytes(StandardCharsets.UTF_16BE);
  }

  private static String base64Url(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(ascii(text));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      joined.writeBytes(part);
    }
    return joined.toByteArray();
  }
}

package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertInvalidRequest;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.identity.DevIdentityIssuer;
import ua.epetitions.gateway.identity.TokenVerifier;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

@DisplayName("Signing API: taking citizens' signatures")
class SigningApiTest {
  private static final String TOWN = "signing-town";
  private static final String RESIDENTS = "signing-residents";
  private static final String RESIDENTS_TERRITORY = "UA4606025001";
  private static final String NAME = "Олена Шевченко";
  private static final String RECEIPT = "p\\d+-\\d+-\\d+";
  private static final String UNKNOWN_ID = "987654321";
  private static final int THRESHOLD = 3;
  private static final int MAX_BODY_BYTES = 4096;
  private static final Duration PATIENCE = Duration.ofSeconds(15);
  private static final String CONSENT = "{\"consent\":true}";
  private static final String JSON = "application/json";
  private static final AtomicInteger SUBJECTS = new AtomicInteger();
  private static final AtomicInteger TITLES = new AtomicInteger();

  @TempDir static Path otherIssuerDir;
  private static TestGateway gw;
  private static SigningRecords records;
  private static DevIdentityIssuer otherIssuer;

  @BeforeAll
  static void start() throws IOException {
    gw = TestGateway.start();
    records = new SigningRecords(gw);
    Fixtures.createCommunity(gw, TOWN, false);
    JsonObject residents =
        Fixtures.communityBody(RESIDENTS, true).put("territoryCode", RESIDENTS_TERRITORY);
    assertThat(gw.adminPost("/api/v1/admin/communities", residents).statusCode()).isEqualTo(201);
    GatewayConfig.Identity identity = gw.gateway().services().config().identity();
    otherIssuer =
        DevIdentityIssuer.loadOrCreate(
            otherIssuerDir, identity.issuer(), identity.audience(), Duration.ofHours(1), 1024);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @DisplayName("a valid signature answers 202 with the petition, a receipt and the live count")
  void validSignatureIsAccepted() {
    long id = collectingPetition();

    var response = sign(id, newCitizenToken());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getLong("petitionId")).isEqualTo(id);
    assertThat(body.getString("receipt")).matches(RECEIPT);
    assertThat(body.getLong("count")).isEqualTo(1);
    assertThat(body.getString("status")).isEqualTo("accepted");
  }

  @Test
  @DisplayName("the live count shows an accepted signature and may be cached for a second")
  void liveCountShowsSignature() {
    long id = collectingPetition();
    assertThat(sign(id, newCitizenToken()).statusCode()).isEqualTo(202);

    var response = gw.get("/api/v1/petitions/" + id + "/count");

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("public, max-age=1");
    JsonObject count = response.bodyAsJsonObject();
    assertThat(count.getLong("petitionId")).isEqualTo(id);
    assertThat(count.getLong("count")).isEqualTo(1);
    assertThat(count.getInteger("threshold")).isEqualTo(THRESHOLD);
    assertThat(count.getString("status")).isEqualTo("collecting");
  }

  @Test
  @DisplayName("the writer stores an accepted signature with the token's name and counts it")
  void writerStoresSignature() {
    long id = collectingPetition();
    String name = "Тарас Мельник";
    String receipt =
        sign(id, gw.token(nextSubject(), name, null)).bodyAsJsonObject().getString("receipt");
    assertThat(receipt).matches(RECEIPT);

    Eventually.within(
        PATIENCE,
        () -> {
          var rows =
              gw.sql(
                  "SELECT petition_id, display_name FROM signatures WHERE receipt = '"
                      + receipt
                      + "'");
          assertThat(rows.size()).isEqualTo(1);
          assertThat(rows.iterator().next().getLong("petition_id")).isEqualTo(id);
          assertThat(rows.iterator().next().getString("display_name")).isEqualTo(name);
          assertThat(records.persistedCount(id)).isEqualTo(1);
        });
  }

  @Test
  @DisplayName("the stored signature carries a pseudonymous signer key, never the subject")
  void storedSignerKeyIsNotTheSubject() {
    long id = collectingPetition();
    String subject = nextSubject();
    assertThat(sign(id, gw.token(subject, NAME, null)).statusCode()).isEqualTo(202);

    records.awaitDrained();

    String signerKey =
        gw.sql("SELECT signer_key FROM signatures WHERE petition_id = " + id)
            .iterator()
            .next()
            .getString("signer_key");
    assertThat(signerKey).isNotBlank().doesNotContain(subject);
  }

  @Test
  @DisplayName("signing again answers 409 already-signed with the first receipt, changing nothing")
  void repeatIsAlreadySigned() {
    long id = collectingPetition();
    String token = newCitizenToken();
    String first = sign(id, token).bodyAsJsonObject().getString("receipt");

    JsonObject problem = assertRefused(id, () -> sign(id, token), 409, "/problems/already-signed");

    assertThat(problem.getString("receipt")).isEqualTo(first);
    assertThat(problem.getLong("petitionId")).isEqualTo(id);
  }

  @Test
  @DisplayName("a freshly minted token of the same person is still a repeat")
  void freshTokenOfSamePersonIsRepeat() {
    long id = collectingPetition();
    String subject = nextSubject();
    String first = sign(id, gw.token(subject, NAME, null)).bodyAsJsonObject().getString("receipt");
    String fresh = gw.token(subject, "Олена Шевченко-Коваль", Fixtures.TERRITORY);

    JsonObject problem = assertRefused(id, () -> sign(id, fresh), 409, "/problems/already-signed");

    assertThat(problem.getString("receipt")).isEqualTo(first);
  }

  @Test
  @DisplayName("the signature that reaches the threshold moves the petition to threshold_reached")
  void reachingThresholdIsRecorded() {
    long id = collectingPetition();

    for (int i = 0; i < THRESHOLD; i++) {
      assertThat(sign(id, newCitizenToken()).statusCode()).isEqualTo(202);
    }

    Eventually.within(
        PATIENCE,
        () -> {
          JsonObject petition = gw.get("/api/v1/petitions/" + id).bodyAsJsonObject();
          assertThat(petition.getString("status")).isEqualTo("threshold_reached");
          assertThat(petition.getString("thresholdReachedAt")).isNotNull();
          assertThat(petition.getLong("persistedCount")).isEqualTo(THRESHOLD);
        });
  }

  @Test
  @DisplayName("a petition that reached its threshold goes on taking signatures")
  void signingGoesOnAfterThreshold() {
    long id = collectingPetition();
    for (int i = 0; i < THRESHOLD; i++) {
      assertThat(sign(id, newCitizenToken()).statusCode()).isEqualTo(202);
    }
    Eventually.within(
        PATIENCE,
        () ->
            assertThat(liveStatus(id))
                .as("status mirrored into Redis")
                .isEqualTo("threshold_reached"));

    var response = sign(id, newCitizenToken());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getLong("count")).isEqualTo(THRESHOLD + 1L);
  }

  @Test
  @DisplayName("a token with valid claims signed by the issuer's key is accepted")
  void validHandBuiltTokenIsAccepted() {
    long id = collectingPetition();

    var response = sign(id, gw.issuer().sign(validClaims(nextSubject()).build()));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTokens")
  @DisplayName("a token that does not verify answers 401 invalid-token and changes nothing")
  void badTokenIsRefused(String what, Supplier<String> token) {
    long id = collectingPetition();

    assertRefused(id, () -> sign(id, token.get()), 401, "/problems/invalid-token");
  }

  static Stream<Arguments> refusedTokens() {
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
    return Stream.of(
        refused("no token", () -> null),
        refused("a garbage token", () -> "not-a-jwt"),
        refused(
            "an expired token",
            () -> gw.issuer().mint(nextSubject(), NAME, null, twoHoursAgo, Duration.ofHours(1))),
        refused(
            "a token signed by another issuer key",
            () -> otherIssuer.mint(nextSubject(), NAME, null)),
        refused(
            "a token from another issuer",
            () ->
                gw.issuer()
                    .sign(
                        validClaims(nextSubject())
                            .issuer("https://identity.evil.example")
                            .build())),
        refused(
            "a token for another audience",
            () -> gw.issuer().sign(validClaims(nextSubject()).audience("another-service").build())),
        refused(
            "an unsigned token (alg none)",
            () -> new PlainJWT(validClaims(nextSubject()).build()).serialize()),
        refused("an HS256 token", () -> hmacSigned(validClaims(nextSubject()).build())));
  }

  @Test
  @DisplayName("signing an unknown petition answers 404 petition-not-found and changes nothing")
  void unknownPetitionIsNotFound() {
    long id = Long.parseLong(UNKNOWN_ID);

    assertRefused(id, () -> sign(id, newCitizenToken()), 404, "/problems/petition-not-found");
  }

  @Test
  @DisplayName("signing a petition in moderation answers 409 petition-not-collecting")
  void petitionInModerationIsNotCollecting() {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());

    JsonObject problem =
        assertRefused(
            id, () -> sign(id, newCitizenToken()), 409, "/problems/petition-not-collecting");

    assertThat(problem.getString("petitionStatus")).isEqualTo("moderation");
  }

  @Test
  @DisplayName("signing a petition the council closed answers 409 petition-not-collecting")
  void closedPetitionIsNotCollecting() {
    long id = collectingPetition();
    assertThat(sign(id, newCitizenToken()).statusCode()).isEqualTo(202);
    var closed = gw.adminPost("/api/v1/admin/petitions/" + id + "/close", null);
    assertThat(closed.statusCode()).as(closed.bodyAsString()).isEqualTo(200);

    assertRefused(id, () -> sign(id, newCitizenToken()), 409, "/problems/petition-not-collecting");
  }

  @Test
  @DisplayName("signing a petition whose period is over answers 409 before the closing job runs")
  void petitionPastClosingTimeIsNotCollecting() {
    long id = collectingPetition();
    gw.sql("UPDATE petitions SET closes_at = now() - interval '1 second' WHERE id = " + id);
    TestGateway.await(gw.gateway().services().signingState().petitionChanged(id));

    assertRefused(id, () -> sign(id, newCitizenToken()), 409, "/problems/petition-not-collecting");
  }

  @Test
  @DisplayName("signing in a paused community answers 423 signing-paused and changes nothing")
  void pausedCommunityRefuses() {
    String slug = "paused-community";
    Fixtures.createCommunity(gw, slug, false);
    long id = Fixtures.collectingPetition(gw, slug, nextTitle());
    pause(new JsonObject().put("community", slug));

    assertRefused(id, () -> sign(id, newCitizenToken()), 423, "/problems/signing-paused");
  }

  @Test
  @DisplayName("a community that resumes signing takes signatures again")
  void resumedCommunityAccepts() {
    String slug = "resumed-community";
    Fixtures.createCommunity(gw, slug, false);
    long id = Fixtures.collectingPetition(gw, slug, nextTitle());
    JsonObject scope = new JsonObject().put("community", slug);
    pause(scope);
    assertThat(sign(id, newCitizenToken()).statusCode()).isEqualTo(423);

    resume(scope);
    var response = sign(id, newCitizenToken());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
  }

  @Test
  @DisplayName("signing while the whole gateway is paused answers 423 and changes nothing")
  void pausedGatewayRefuses() {
    long id = collectingPetition();
    pause(null);
    try {
      assertRefused(id, () -> sign(id, newCitizenToken()), 423, "/problems/signing-paused");
    } finally {
      resume(null);
    }
  }

  @Test
  @DisplayName("a gateway that resumes signing takes signatures again")
  void resumedGatewayAccepts() {
    long id = collectingPetition();
    pause(null);
    try {
      assertThat(sign(id, newCitizenToken()).statusCode()).isEqualTo(423);
    } finally {
      resume(null);
    }

    var response = sign(id, newCitizenToken());

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
  }

  @ParameterizedTest(name = "territory {0}")
  @NullSource
  @ValueSource(strings = {"UA99000000000000001", "UA4606"})
  @DisplayName("a non-resident where residency is required answers 403 and changes nothing")
  void nonResidentIsNotEligible(String territory) {
    long id = Fixtures.collectingPetition(gw, RESIDENTS, nextTitle());
    String token = gw.token(nextSubject(), NAME, territory);

    assertRefused(id, () -> sign(id, token), 403, "/problems/not-eligible");
  }

  @Test
  @DisplayName("a resident, whose territory lies within the community's, may sign")
  void residentMaySign() {
    long id = Fixtures.collectingPetition(gw, RESIDENTS, nextTitle());

    var response = sign(id, gw.token(nextSubject(), NAME, Fixtures.TERRITORY));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
  }

  @ParameterizedTest(name = "body {0}")
  @ValueSource(
      strings = {
        "{\"consent\":false}",
        "{}",
        "{\"consent\":\"yes\"}",
        "{\"consent\":1}",
        "{\"consent\":true,\"name\":\"Інше Ім'я\"}",
        "[true]",
        "{\"consent\":true",
        ""
      })
  @DisplayName("a body without consent, with unknown members or not an object answers 400")
  void invalidBodyIsRefused(String body) {
    long id = collectingPetition();
    String token = newCitizenToken();

    JsonObject problem =
        assertRefused(
            id,
            () -> send(signaturesPath(id), token, JSON, body),
            400,
            "/problems/invalid-request");

    assertThat(problem.getString("detail")).isNotBlank();
  }

  @ParameterizedTest(name = "Content-Type {0}")
  @NullSource
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded"})
  @DisplayName("a body that is not declared as JSON answers 415 and changes nothing")
  void nonJsonContentTypeIsRefused(String contentType) {
    long id = collectingPetition();
    String token = newCitizenToken();

    assertRefused(
        id,
        () -> send(signaturesPath(id), token, contentType, CONSENT),
        415,
        "/problems/unsupported-media-type");
  }

  @Test
  @DisplayName("a body of exactly 4 KiB is accepted")
  void bodyAtLimitIsAccepted() {
    long id = collectingPetition();

    var response =
        send(signaturesPath(id), newCitizenToken(), JSON, consentOfBytes(MAX_BODY_BYTES));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {MAX_BODY_BYTES + 1, 70_000})
  @DisplayName("a body over 4 KiB answers 413 and changes nothing")
  void oversizedBodyIsRefused(int bytes) {
    long id = collectingPetition();
    String token = newCitizenToken();
    String body = consentOfBytes(bytes);

    assertRefused(
        id, () -> send(signaturesPath(id), token, JSON, body), 413, "/problems/payload-too-large");
  }

  @ParameterizedTest(name = "petition id {0}")
  @ValueSource(strings = {"abc", "0", "-1", "007", "1.5", "1234567890123456789"})
  @DisplayName("a malformed petition id answers 400 and changes nothing")
  void malformedPetitionIdIsRefused(String rawId) {
    long reference = collectingPetition();
    String token = newCitizenToken();

    var before = records.drainedSnapshot(reference);
    var response = send("/api/v1/petitions/" + rawId + "/signatures", token, JSON, CONSENT);

    assertInvalidRequest(response);
    assertThat(records.snapshot(reference)).isEqualTo(before);
  }

  /**
   * Sends a request that must be refused: asserts the problem, and that the petition's stream,
   * signers, live count and stored signatures are as they were before it.
   */
  private static JsonObject assertRefused(
      long petitionId, Supplier<HttpResponse<Buffer>> request, int status, String type) {
    var before = records.drainedSnapshot(petitionId);

    JsonObject problem = assertProblem(request.get(), status, type);

    assertThat(records.snapshot(petitionId)).as("signing records").isEqualTo(before);
    return problem;
  }

  private static HttpResponse<Buffer> sign(long petitionId, String token) {
    return send(signaturesPath(petitionId), token, JSON, CONSENT);
  }

  private static HttpResponse<Buffer> send(
      String path, String token, String contentType, String body) {
    HttpRequest<Buffer> request = gw.client().post(path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    return TestGateway.await(request.sendBuffer(Buffer.buffer(body)));
  }

  /** A valid consent body padded with trailing whitespace to a given size in bytes. */
  private static String consentOfBytes(int bytes) {
    return CONSENT + " ".repeat(bytes - CONSENT.length());
  }

  private static String signaturesPath(long petitionId) {
    return "/api/v1/petitions/" + petitionId + "/signatures";
  }

  private static String liveStatus(long petitionId) {
    return gw.get("/api/v1/petitions/" + petitionId + "/count")
        .bodyAsJsonObject()
        .getString("status");
  }

  private static void pause(JsonObject scope) {
    var response = gw.adminPost("/api/v1/admin/signing/pause", scope);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
  }

  private static void resume(JsonObject scope) {
    var response = gw.adminPost("/api/v1/admin/signing/resume", scope);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
  }

  private static long collectingPetition() {
    return Fixtures.collectingPetition(gw, TOWN, nextTitle());
  }

  private static String newCitizenToken() {
    return gw.token(nextSubject(), NAME, null);
  }

  private static String nextSubject() {
    return "signer-" + SUBJECTS.incrementAndGet();
  }

  private static String nextTitle() {
    return "Петиція про підписи номер " + TITLES.incrementAndGet();
  }

  private static Arguments refused(String what, Supplier<String> token) {
    return Arguments.of(what, token);
  }

  /** Claims the gateway accepts, for a test to alter one of them. */
  private static JWTClaimsSet.Builder validClaims(String subject) {
    GatewayConfig.Identity identity = gw.gateway().services().config().identity();
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(identity.issuer())
        .audience(identity.audience())
        .subject(subject)
        .claim(TokenVerifier.NAME_CLAIM, NAME)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
  }

  /** Claims signed with HMAC under a random secret, naming the issuer's own key id. */
  private static String hmacSigned(JWTClaimsSet claims) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String keyId = gw.issuer().publicKeys().getKeys().get(0).getKeyID();
    try {
      SignedJWT jwt =
          new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(), claims);
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the HS256 test token", e);
    }
  }
}

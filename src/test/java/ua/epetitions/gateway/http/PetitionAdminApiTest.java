package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertInvalidRequest;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

@DisplayName("Petition administration API: decisions and signing pauses")
class PetitionAdminApiTest {
  private static final String TOWN = "admin-town";
  private static final int THRESHOLD = 250;
  private static final int COLLECTION_DAYS = 45;
  private static final ZoneId KYIV = ZoneId.of("Europe/Kyiv");
  private static final String ADMIN_PETITIONS = "/api/v1/admin/petitions/";
  private static final String UNKNOWN_ID = "987654321";
  private static final String PAUSED_COMMUNITIES =
      "SELECT count(*) FROM communities WHERE signing_paused";
  private static final AtomicInteger TITLES = new AtomicInteger();
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    JsonObject town =
        Fixtures.communityBody(TOWN, true)
            .put("signatureThreshold", THRESHOLD)
            .put("collectionDays", COLLECTION_DAYS);
    assertThat(gw.adminPost("/api/v1/admin/communities", town).statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @DisplayName("publishing moves a petition from moderation to collecting, now")
  void publishOpensCollection() {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    var response = publish(id);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject petition = response.bodyAsJsonObject();
    assertThat(petition.getString("status")).isEqualTo("collecting");
    assertThat(Instant.parse(petition.getString("opensAt"))).isBetween(before, Instant.now());
    assertThat(gw.get("/api/v1/petitions/" + id).bodyAsJsonObject()).isEqualTo(petition);
  }

  @Test
  @DisplayName("publishing sets the threshold from the community's signatureThreshold")
  void publishSetsThresholdFromRules() {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());

    var response = publish(id);

    assertThat(response.bodyAsJsonObject().getInteger("threshold")).isEqualTo(THRESHOLD);
  }

  @Test
  @DisplayName("publishing closes collection at local midnight after collectionDays full days")
  void publishSetsClosingTimeFromRules() {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());

    JsonObject petition = publish(id).bodyAsJsonObject();

    Instant opensAt = Instant.parse(petition.getString("opensAt"));
    Instant expected =
        opensAt
            .atZone(KYIV)
            .toLocalDate()
            .plusDays(COLLECTION_DAYS + 1L)
            .atStartOfDay(KYIV)
            .toInstant();
    Instant closesAt = Instant.parse(petition.getString("closesAt"));
    assertThat(closesAt).isEqualTo(expected);
    assertThat(closesAt.atZone(KYIV).toLocalTime()).isEqualTo(LocalTime.MIDNIGHT);
  }

  @Test
  @DisplayName("publishing uses the community's rules as they are when it publishes")
  void publishUsesCurrentRules() {
    Fixtures.createCommunity(gw, "changing-rules", false);
    long id = Fixtures.filePetition(gw, "changing-rules", nextTitle());
    JsonObject stricter =
        Fixtures.communityBody("changing-rules", false).put("signatureThreshold", 1200);
    assertThat(gw.adminPut("/api/v1/admin/communities/changing-rules", stricter).statusCode())
        .isEqualTo(200);

    var response = publish(id);

    assertThat(response.bodyAsJsonObject().getInteger("threshold")).isEqualTo(1200);
  }

  @Test
  @DisplayName("publishing twice answers 409 transition-not-allowed naming the status")
  void publishTwiceIsRefused() {
    long id = Fixtures.collectingPetition(gw, TOWN, nextTitle());
    String opensAt = storedOpensAt(id);

    var response = publish(id);

    JsonObject problem = assertProblem(response, 409, "/problems/transition-not-allowed");
    assertThat(problem.getString("petitionStatus")).isEqualTo("collecting");
    assertThat(storedOpensAt(id)).isEqualTo(opensAt);
  }

  @Test
  @DisplayName("of publications sent at the same moment exactly one succeeds, the others get 409")
  void concurrentPublishSucceedsOnce() {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();

    for (int i = 0; i < 6; i++) {
      attempts.add(
          gw.client()
              .post(ADMIN_PETITIONS + id + "/publish")
              .putHeader("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
              .send());
    }
    TestGateway.await(Future.join(attempts));

    List<Integer> statuses = new ArrayList<>();
    attempts.forEach(attempt -> statuses.add(attempt.result().statusCode()));
    assertThat(statuses).containsOnlyOnce(200).containsOnly(200, 409);
    assertThat(statusOf(id)).isEqualTo("collecting");
  }

  @Test
  @DisplayName("publishing with a body answers 400 and leaves the petition in moderation")
  void publishWithBodyIsRefused() {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());

    var response =
        gw.adminPost(ADMIN_PETITIONS + id + "/publish", new JsonObject().put("threshold", 1));

    assertInvalidRequest(response);
    assertThat(statusOf(id)).isEqualTo("moderation");
  }

  @Test
  @DisplayName("publishing without the administrator token answers 401 and changes nothing")
  void publishWithoutTokenIsRefused() {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());

    var response = TestGateway.await(gw.client().post(ADMIN_PETITIONS + id + "/publish").send());

    assertProblem(response, 401, "/problems/admin-unauthorized");
    assertThat(statusOf(id)).isEqualTo("moderation");
  }

  @Test
  @DisplayName("rejecting a petition in moderation records the reason")
  void rejectRecordsReason() {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());

    var response = reject(id, "Питання не належить до повноважень ради");

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject petition = response.bodyAsJsonObject();
    assertThat(petition.getString("status")).isEqualTo("rejected");
    assertThat(petition.getString("rejectionReason"))
        .isEqualTo("Питання не належить до повноважень ради");
    assertThat(statusOf(id)).isEqualTo("rejected");
  }

  @Test
  @DisplayName("rejecting a collecting petition answers 409 and it keeps collecting")
  void rejectOfCollectingIsRefused() {
    long id = Fixtures.collectingPetition(gw, TOWN, nextTitle());

    var response = reject(id, "Запізніле відхилення");

    JsonObject problem = assertProblem(response, 409, "/problems/transition-not-allowed");
    assertThat(problem.getString("petitionStatus")).isEqualTo("collecting");
    assertThat(statusOf(id)).isEqualTo("collecting");
  }

  @ParameterizedTest(name = "body {0}")
  @ValueSource(strings = {"{}", "{\"reason\": \"ні\"}", "{\"reason\": 5}", "{\"why\": \"бо\"}"})
  @DisplayName("a rejection without a usable reason answers 400 and changes nothing")
  void rejectWithoutReasonIsRefused(String body) {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());

    var response = gw.adminPost(ADMIN_PETITIONS + id + "/reject", new JsonObject(body));

    assertInvalidRequest(response);
    assertThat(statusOf(id)).isEqualTo("moderation");
  }

  @Test
  @DisplayName("closing a collecting petition ends it as not supported")
  void closeOfCollectingIsNotSupported() {
    long id = Fixtures.collectingPetition(gw, TOWN, nextTitle());

    var response = close(id);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("not_supported");
    assertThat(statusOf(id)).isEqualTo("not_supported");
  }

  @Test
  @DisplayName("closing a petition still in moderation answers 409")
  void closeOfModerationIsRefused() {
    long id = Fixtures.filePetition(gw, TOWN, nextTitle());

    var response = close(id);

    JsonObject problem = assertProblem(response, 409, "/problems/transition-not-allowed");
    assertThat(problem.getString("petitionStatus")).isEqualTo("moderation");
  }

  @Test
  @DisplayName("closing a petition that reached its threshold makes it await the answer")
  void closeOfThresholdReachedAwaitsAnswer() {
    long id = thresholdReachedPetition();

    var response = close(id);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject petition = response.bodyAsJsonObject();
    assertThat(petition.getString("status")).isEqualTo("awaiting_answer");
    assertThat(petition.getString("thresholdReachedAt")).isNotNull();
    assertThat(petition.getString("answerDueAt")).isNotNull();
  }

  @Test
  @DisplayName("the answer is due at the end of the tenth working day after the threshold, local")
  void answerDueAtCountsWorkingDays() {
    long id = thresholdReachedPetition();
    gw.sql("UPDATE petitions SET threshold_reached_at = '2026-03-02T10:00:00Z' WHERE id = " + id);

    var response = close(id);

    assertThat(response.bodyAsJsonObject().getString("answerDueAt"))
        .as("Monday 2 March + 10 working days ends with Monday 16 March, Kyiv time")
        .isEqualTo("2026-03-16T22:00:00Z");
  }

  @Test
  @DisplayName("answering a collecting petition answers 409 and records no answer")
  void answerOfCollectingIsRefused() {
    long id = Fixtures.collectingPetition(gw, TOWN, nextTitle());

    var response = answer(id, "Рада підтримує цю петицію повністю.");

    JsonObject problem = assertProblem(response, 409, "/problems/transition-not-allowed");
    assertThat(problem.getString("petitionStatus")).isEqualTo("collecting");
    assertThat(gw.count("SELECT count(*) FROM petitions WHERE answer IS NOT NULL AND id = " + id))
        .isZero();
  }

  @Test
  @DisplayName("answering a petition awaiting its answer records the text and the time")
  void answerRecordsDecision() {
    long id = thresholdReachedPetition();
    assertThat(close(id).statusCode()).isEqualTo(200);
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    var response = answer(id, "Рада підтримала петицію; роботи почнуться навесні.");

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject petition = response.bodyAsJsonObject();
    assertThat(petition.getString("status")).isEqualTo("answered");
    assertThat(petition.getString("answer"))
        .isEqualTo("Рада підтримала петицію; роботи почнуться навесні.");
    assertThat(Instant.parse(petition.getString("answeredAt"))).isBetween(before, Instant.now());
    assertThat(petition.getValue("answerDueAt")).isNull();
    assertThat(gw.get("/api/v1/petitions/" + id).bodyAsJsonObject()).isEqualTo(petition);
  }

  @Test
  @DisplayName("answering an answered petition answers 409 and keeps the first answer")
  void answerTwiceIsRefused() {
    long id = thresholdReachedPetition();
    assertThat(answer(id, "Перше рішення ради щодо петиції.").statusCode()).isEqualTo(200);

    var response = answer(id, "Друге рішення ради щодо петиції.");

    JsonObject problem = assertProblem(response, 409, "/problems/transition-not-allowed");
    assertThat(problem.getString("petitionStatus")).isEqualTo("answered");
    assertThat(gw.get("/api/v1/petitions/" + id).bodyAsJsonObject().getString("answer"))
        .isEqualTo("Перше рішення ради щодо петиції.");
  }

  @Test
  @DisplayName("an answer too short answers 400 and the petition still awaits it")
  void shortAnswerIsRefused() {
    long id = thresholdReachedPetition();

    var response = answer(id, "Так.");

    assertInvalidRequest(response);
    assertThat(statusOf(id)).isEqualTo("threshold_reached");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"publish", "reject", "close", "answer"})
  @DisplayName("a decision on an unknown petition answers 404 petition-not-found")
  void decisionOnUnknownPetitionIsNotFound(String action) {
    JsonObject body =
        switch (action) {
          case "reject" -> new JsonObject().put("reason", "Немає такої петиції");
          case "answer" -> new JsonObject().put("text", "Відповідь на неіснуючу петицію.");
          default -> null;
        };

    var response = gw.adminPost(ADMIN_PETITIONS + UNKNOWN_ID + "/" + action, body);

    assertProblem(response, 404, "/problems/petition-not-found");
  }

  @ParameterizedTest(name = "id \"{0}\"")
  @ValueSource(strings = {"abc", "0", "-7", "1234567890123456789"})
  @DisplayName("a decision on a malformed petition id answers 400")
  void decisionOnMalformedIdIsInvalid(String id) {
    var response = gw.adminPost(ADMIN_PETITIONS + id + "/publish", null);

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("pausing without a body pauses signing on the whole gateway")
  void pauseWithoutBodyPausesGateway() {
    setGatewayPaused(false);

    var response = gw.adminPost("/api/v1/admin/signing/pause", null);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("scope", "gateway").put("paused", true));
    assertThat(gatewayPausedSetting()).isEqualTo("true");
  }

  @Test
  @DisplayName("resuming without a body resumes signing on the whole gateway")
  void resumeWithoutBodyResumesGateway() {
    setGatewayPaused(true);

    var response = gw.adminPost("/api/v1/admin/signing/resume", null);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("scope", "gateway").put("paused", false));
    assertThat(gatewayPausedSetting()).isEqualTo("false");
  }

  @Test
  @DisplayName("pausing a community shows in its rules and leaves the gateway switch alone")
  void pauseCommunityShowsInItsRules() {
    Fixtures.createCommunity(gw, "paused-town", false);
    setGatewayPaused(false);

    var response = pause(new JsonObject().put("community", "paused-town"));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(
            new JsonObject()
                .put("scope", "community")
                .put("community", "paused-town")
                .put("paused", true));
    assertThat(signingPausedOf("paused-town")).isTrue();
    assertThat(gatewayPausedSetting()).isEqualTo("false");
  }

  @Test
  @DisplayName("pausing one community leaves the others signing")
  void pauseCommunityLeavesOthers() {
    Fixtures.createCommunity(gw, "paused-alone", false);
    Fixtures.createCommunity(gw, "still-signing", false);

    var response = pause(new JsonObject().put("community", "paused-alone"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(signingPausedOf("paused-alone")).isTrue();
    assertThat(signingPausedOf("still-signing")).isFalse();
  }

  @Test
  @DisplayName("resuming a community reverses its pause")
  void resumeCommunityReversesPause() {
    Fixtures.createCommunity(gw, "resumed-town", false);
    assertThat(pause(new JsonObject().put("community", "resumed-town")).statusCode())
        .isEqualTo(200);

    var response =
        gw.adminPost(
            "/api/v1/admin/signing/resume", new JsonObject().put("community", "resumed-town"));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getBoolean("paused")).isFalse();
    assertThat(signingPausedOf("resumed-town")).isFalse();
  }

  @Test
  @DisplayName("pausing an unknown community answers 404 and pauses nothing")
  void pauseUnknownCommunityIsNotFound() {
    setGatewayPaused(false);
    long pausedBefore = gw.count(PAUSED_COMMUNITIES);

    var response = pause(new JsonObject().put("community", "ghost-town"));

    assertProblem(response, 404, "/problems/community-not-found");
    assertThat(gatewayPausedSetting()).isEqualTo("false");
    assertThat(gw.count(PAUSED_COMMUNITIES)).isEqualTo(pausedBefore);
  }

  @ParameterizedTest(name = "body {0}")
  @ValueSource(
      strings = {"{\"community\": \"Bad_Slug\"}", "{\"community\": 7}", "{\"scope\": \"all\"}"})
  @DisplayName("a pause with a malformed body answers 400 and pauses nothing")
  void pauseWithMalformedBodyIsInvalid(String body) {
    setGatewayPaused(false);

    var response = pause(new JsonObject(body));

    assertInvalidRequest(response);
    assertThat(gatewayPausedSetting()).isEqualTo("false");
  }

  @Test
  @DisplayName("pausing without the administrator token answers 401 and pauses nothing")
  void pauseWithoutTokenIsRefused() {
    setGatewayPaused(false);

    var response = TestGateway.await(gw.client().post("/api/v1/admin/signing/pause").send());

    assertProblem(response, 401, "/problems/admin-unauthorized");
    assertThat(gatewayPausedSetting()).isEqualTo("false");
  }

  private static long thresholdReachedPetition() {
    long id = Fixtures.collectingPetition(gw, TOWN, nextTitle());
    gw.sql(
        "UPDATE petitions SET status = 'threshold_reached', threshold_reached_at = now()"
            + " WHERE id = "
            + id);
    return id;
  }

  private static HttpResponse<Buffer> publish(long id) {
    return gw.adminPost(ADMIN_PETITIONS + id + "/publish", null);
  }

  private static HttpResponse<Buffer> reject(long id, String reason) {
    return gw.adminPost(ADMIN_PETITIONS + id + "/reject", new JsonObject().put("reason", reason));
  }

  private static HttpResponse<Buffer> close(long id) {
    return gw.adminPost(ADMIN_PETITIONS + id + "/close", null);
  }

  private static HttpResponse<Buffer> answer(long id, String text) {
    return gw.adminPost(ADMIN_PETITIONS + id + "/answer", new JsonObject().put("text", text));
  }

  private static HttpResponse<Buffer> pause(JsonObject body) {
    return gw.adminPost("/api/v1/admin/signing/pause", body);
  }

  private static String statusOf(long id) {
    return gw.sql("SELECT status FROM petitions WHERE id = " + id).iterator().next().getString(0);
  }

  private static String storedOpensAt(long id) {
    return gw.get("/api/v1/petitions/" + id).bodyAsJsonObject().getString("opensAt");
  }

  private static boolean signingPausedOf(String slug) {
    return gw.get("/api/v1/communities/" + slug)
        .bodyAsJsonObject()
        .getJsonObject("rules")
        .getBoolean("signingPaused");
  }

  private static void setGatewayPaused(boolean paused) {
    gw.sql("UPDATE gateway_settings SET value = '" + paused + "' WHERE name = 'signing_paused'");
  }

  private static String gatewayPausedSetting() {
    return gw.sql("SELECT value FROM gateway_settings WHERE name = 'signing_paused'")
        .iterator()
        .next()
        .getString(0);
  }

  private static String nextTitle() {
    return "Адміністративна петиція " + TITLES.incrementAndGet();
  }
}

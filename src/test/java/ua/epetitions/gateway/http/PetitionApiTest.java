package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertInvalidRequest;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

@DisplayName("Petitions API: filing and reading")
class PetitionApiTest {
  private static final String RESIDENTS_ONLY = "residents-only";
  private static final String OPEN_TOWN = "open-town";
  private static final String LISTED = "listed-town";
  private static final String COUNT_PETITIONS = "SELECT count(*) FROM petitions";
  private static final String OTHER_TERRITORY = "UA80000000000093317";
  private static final AtomicInteger SUBJECTS = new AtomicInteger();
  private static TestGateway gw;
  private static List<Long> listedIds;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    Fixtures.createCommunity(gw, RESIDENTS_ONLY, true);
    Fixtures.createCommunity(gw, OPEN_TOWN, false);
    Fixtures.createCommunity(gw, LISTED, false);
    listedIds = fileListedPetitions();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @DisplayName("filing a petition answers 201 in moderation with its Location")
  void filingAnswersCreatedInModeration() {
    var response = file(RESIDENTS_ONLY, residentToken(), petition("Освітлення вулиці Зеленої"));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    JsonObject petition = response.bodyAsJsonObject();
    assertThat(petition.getString("status")).isEqualTo("moderation");
    assertThat(petition.getString("community")).isEqualTo(RESIDENTS_ONLY);
    assertThat(petition.getString("title")).isEqualTo("Освітлення вулиці Зеленої");
    assertThat(response.getHeader("Location"))
        .isEqualTo("/api/v1/petitions/" + petition.getLong("id"));
    assertThat(gw.get(response.getHeader("Location")).bodyAsJsonObject()).isEqualTo(petition);
  }

  @Test
  @DisplayName("petition numbers count up 1, 2, 3 within a community")
  void numbersCountUpWithinACommunity() {
    Fixtures.createCommunity(gw, "numbered-town", false);

    List<Integer> numbers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      var response = file("numbered-town", residentToken(), petition("Нумерована петиція " + i));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
      numbers.add(response.bodyAsJsonObject().getInteger("number"));
    }

    assertThat(numbers).containsExactly(1, 2, 3);
  }

  @Test
  @DisplayName("petitions filed at the same moment get distinct numbers with no gap")
  void concurrentFilingsGetDistinctNumbers() {
    Fixtures.createCommunity(gw, "busy-town", false);
    List<Future<HttpResponse<Buffer>>> filings = new ArrayList<>();

    for (int i = 1; i <= 12; i++) {
      filings.add(
          citizenRequest("busy-town", residentToken())
              .sendJsonObject(petition("Одночасна петиція номер " + i)));
    }
    TestGateway.await(Future.join(filings));

    List<Integer> numbers = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> filing : filings) {
      assertThat(filing.result().statusCode()).isEqualTo(201);
      numbers.add(filing.result().bodyAsJsonObject().getInteger("number"));
    }
    assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  }

  @Test
  @DisplayName("each community numbers its petitions from 1, whatever the others filed")
  void numbersAreKeptPerCommunity() {
    Fixtures.createCommunity(gw, "first-numbers", false);
    Fixtures.createCommunity(gw, "second-numbers", false);
    file("first-numbers", residentToken(), petition("Перша петиція першої громади"));
    file("first-numbers", residentToken(), petition("Друга петиція першої громади"));

    var response =
        file("second-numbers", residentToken(), petition("Перша петиція другої громади"));

    assertThat(response.bodyAsJsonObject().getInteger("number")).isEqualTo(1);
  }

  @Test
  @DisplayName("filing without a token answers 401 invalid-token and files nothing")
  void filingWithoutTokenIsRefused() {
    long before = gw.count(COUNT_PETITIONS);

    var response =
        TestGateway.await(
            gw.client().post(filingPath(OPEN_TOWN)).sendJsonObject(petition("Без токена")));

    assertProblem(response, 401, "/problems/invalid-token");
    assertThat(gw.count(COUNT_PETITIONS)).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTokens")
  @DisplayName("filing with a token that does not verify answers 401 and files nothing")
  void filingWithBadTokenIsRefused(String what, String token) {
    long before = gw.count(COUNT_PETITIONS);

    var response = file(OPEN_TOWN, token, petition("Петиція з поганим токеном"));

    assertProblem(response, 401, "/problems/invalid-token");
    assertThat(gw.count(COUNT_PETITIONS)).isEqualTo(before);
  }

  static Stream<Arguments> refusedTokens() {
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
    return Stream.of(
        Arguments.of("garbage", "not-a-jwt"),
        Arguments.of("three garbage parts", "aaa.bbb.ccc"),
        Arguments.of(
            "expired",
            gw.issuer()
                .mint("expired-1", "Прострочений", Fixtures.TERRITORY, twoHoursAgo, minutes(5))),
        Arguments.of(
            "not yet valid",
            gw.issuer()
                .mint(
                    "future-1",
                    "Майбутній",
                    Fixtures.TERRITORY,
                    Instant.now().plus(Duration.ofHours(1)),
                    minutes(5))),
        Arguments.of("wrong audience", signed(claims().audience("another-service"))),
        Arguments.of("wrong issuer", signed(claims().issuer("https://evil.example"))),
        Arguments.of("without a name", signed(claims().claim("name", null))),
        Arguments.of("with a tampered signature", tampered(residentToken())));
  }

  @ParameterizedTest(name = "territory {0}")
  @NullSource
  @ValueSource(strings = {OTHER_TERRITORY, "UA4606", ""})
  @DisplayName("a non-resident filing where residency is required answers 403 and files nothing")
  void nonResidentIsNotEligible(String territory) {
    long before = gw.count(COUNT_PETITIONS);
    String token = gw.token(nextSubject(), "Приїжджий Автор", territory);

    var response = file(RESIDENTS_ONLY, token, petition("Петиція від нерезидента"));

    assertProblem(response, 403, "/problems/not-eligible");
    assertThat(gw.count(COUNT_PETITIONS)).isEqualTo(before);
  }

  @ParameterizedTest(name = "territory {0}")
  @NullSource
  @ValueSource(strings = {OTHER_TERRITORY})
  @DisplayName("anyone may file where residency is not required")
  void anyoneMayFileWithoutResidencyRule(String territory) {
    String token = gw.token(nextSubject(), "Будь-хто Автор", territory);

    var response = file(OPEN_TOWN, token, petition("Петиція від будь-кого"));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
  }

  @Test
  @DisplayName("filing in an unknown community answers 404 and files nothing")
  void filingInUnknownCommunityIsNotFound() {
    long before = gw.count(COUNT_PETITIONS);

    var response = file("nowhere-town", residentToken(), petition("Петиція в нікуди"));

    assertProblem(response, 404, "/problems/community-not-found");
    assertThat(gw.count(COUNT_PETITIONS)).isEqualTo(before);
  }

  static Stream<Arguments> invalidFilings() {
    String json = "application/json";
    return Stream.of(
        refused("a title too short", json, petition("Коротко"), 400, "invalid-request"),
        refused("a title too long", json, petition("Д".repeat(201)), 400, "invalid-request"),
        refused(
            "a text too short",
            json,
            petition("Текст надто короткий").put("text", "Мало слів."),
            400,
            "invalid-request"),
        refused(
            "an unknown topic",
            json,
            petition("Петиція про погоду").put("topic", "weather"),
            400,
            "invalid-request"),
        refused(
            "a missing topic",
            json,
            without(petition("Петиція без теми"), "topic"),
            400,
            "invalid-request"),
        refused(
            "a title that is a number",
            json,
            petition("ignored title").put("title", 1234567890),
            400,
            "invalid-request"),
        refused(
            "an unknown member",
            json,
            petition("Петиція з автором").put("author", "Іван"),
            400,
            "invalid-request"),
        refused("a body that is not JSON", json, "{\"title\": ", 400, "invalid-request"),
        refused(
            "a JSON array", json, new JsonArray().add(petition("Масив")), 400, "invalid-request"),
        refused("a JSON string", json, "\"petition\"", 400, "invalid-request"),
        refused("JSON null", json, "null", 400, "invalid-request"),
        refused("an empty body", json, "", 400, "invalid-request"),
        refused(
            "a text/plain body",
            "text/plain",
            petition("Петиція як текст"),
            415,
            "unsupported-media-type"),
        refused(
            "a non-UTF-8 charset",
            "application/json; charset=iso-8859-1",
            petition("Петиція в іншому кодуванні"),
            415,
            "unsupported-media-type"),
        refused(
            "a text over 10,000 characters",
            json,
            petition("Петиція з надто довгим текстом").put("text", "Т".repeat(10_001)),
            400,
            "invalid-request"),
        refused(
            "a body over 65,536 bytes",
            json,
            petition("Петиція з надто великим тілом").put("text", "Т".repeat(40_000)),
            413,
            "payload-too-large"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFilings")
  @DisplayName("an invalid filing answers its problem and files nothing")
  void invalidFilingIsRefused(
      String what, String contentType, String body, int status, String type) {
    long before = gw.count(COUNT_PETITIONS);

    var response =
        TestGateway.await(
            citizenRequest(OPEN_TOWN, residentToken())
                .putHeader("Content-Type", contentType)
                .sendBuffer(Buffer.buffer(body)));

    assertProblem(response, status, "/problems/" + type);
    assertThat(gw.count(COUNT_PETITIONS)).isEqualTo(before);
  }

  @Test
  @DisplayName("a petition text of 10,000 Cyrillic characters can be filed")
  void longPetitionTextIsFiled() {
    var response =
        gw.citizenPost(
            "/api/v1/communities/" + OPEN_TOWN + "/petitions",
            residentToken(),
            petition("Петиція з найдовшим дозволеним текстом").put("text", "Т".repeat(10_000)));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
  }

  @Test
  @DisplayName("a filing without Content-Type answers 415 and files nothing")
  void filingWithoutContentTypeIsUnsupported() {
    long before = gw.count(COUNT_PETITIONS);

    var response =
        TestGateway.await(
            citizenRequest(OPEN_TOWN, residentToken())
                .sendBuffer(petition("Петиція без типу").toBuffer()));

    assertProblem(response, 415, "/problems/unsupported-media-type");
    assertThat(gw.count(COUNT_PETITIONS)).isEqualTo(before);
  }

  @Test
  @DisplayName("a petition is read with every member of the contract")
  void petitionHasContractMembers() {
    long id = Fixtures.filePetition(gw, OPEN_TOWN, "Петиція для читання");

    var response = gw.get("/api/v1/petitions/" + id);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject petition = response.bodyAsJsonObject();
    assertThat(petition.fieldNames())
        .contains(
            "id",
            "community",
            "number",
            "title",
            "text",
            "topic",
            "status",
            "count",
            "persistedCount",
            "threshold",
            "opensAt",
            "closesAt",
            "thresholdReachedAt",
            "answer",
            "answeredAt",
            "createdAt");
    assertThat(petition.getLong("id")).isEqualTo(id);
    assertThat(petition.getString("community")).isEqualTo(OPEN_TOWN);
    assertThat(petition.getString("title")).isEqualTo("Петиція для читання");
    assertThat(petition.getString("text")).isEqualTo(Fixtures.petitionBody("x").getString("text"));
    assertThat(petition.getString("topic")).isEqualTo("transport");
    assertThat(petition.getString("status")).isEqualTo("moderation");
    assertThat(petition.getLong("count")).isZero();
    assertThat(petition.getLong("persistedCount")).isZero();
    assertThat(petition.getValue("threshold")).isNull();
    assertThat(petition.getValue("opensAt")).isNull();
    assertThat(petition.getValue("closesAt")).isNull();
    assertThat(petition.getValue("answer")).isNull();
    assertThat(Instant.parse(petition.getString("createdAt")))
        .isBetween(Instant.now().minus(Duration.ofMinutes(5)), Instant.now());
  }

  @Test
  @DisplayName("an unknown petition answers 404 petition-not-found")
  void unknownPetitionIsNotFound() {
    var response = gw.get("/api/v1/petitions/987654321");

    assertProblem(response, 404, "/problems/petition-not-found");
  }

  @ParameterizedTest(name = "id \"{0}\"")
  @ValueSource(
      strings = {
        "abc",
        "0",
        "-1",
        "1.5",
        "01",
        "1e3",
        "1234567890123456789",
        "99999999999999999999999",
        "%00",
        "%201",
        "%zz",
        "%"
      })
  @DisplayName("a malformed petition id answers 400 invalid-request")
  void malformedIdIsInvalid(String id) {
    var response = gw.get("/api/v1/petitions/" + id);

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("a community's petitions page newest first; following next shows each once")
  void listPagesNewestFirst() {
    List<Long> seen = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      var response = gw.get(listPath(LISTED) + "?limit=2" + (next == null ? "" : "&after=" + next));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      JsonObject page = response.bodyAsJsonObject();
      assertThat(page.getJsonArray("items").size()).isLessThanOrEqualTo(2);
      page.getJsonArray("items").forEach(item -> seen.add(((JsonObject) item).getLong("id")));
      next = page.getString("next");
      pages++;
    } while (next != null && pages < 50);

    assertThat(next).isNull();
    List<Long> newestFirst = new ArrayList<>(listedIds);
    Collections.reverse(newestFirst);
    assertThat(seen).containsExactlyElementsOf(newestFirst);
  }

  @Test
  @DisplayName("the status filter lists only petitions in that status")
  void statusFilterSelects() {
    var response = gw.get(listPath(LISTED) + "?status=collecting");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(idsOf(response)).containsExactly(listedIds.get(3), listedIds.get(1));
  }

  @Test
  @DisplayName("the topic filter lists only petitions on that topic")
  void topicFilterSelects() {
    var response = gw.get(listPath(LISTED) + "?topic=ecology");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(idsOf(response)).containsExactly(listedIds.get(4), listedIds.get(2));
  }

  @Test
  @DisplayName("status and topic filters combine")
  void filtersCombine() {
    var response = gw.get(listPath(LISTED) + "?status=moderation&topic=transport");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(idsOf(response)).containsExactly(listedIds.get(0));
  }

  @Test
  @DisplayName("a filtered list pages with next like the whole list")
  void filteredListPages() {
    var first = gw.get(listPath(LISTED) + "?topic=ecology&limit=1");
    String next = first.bodyAsJsonObject().getString("next");

    var second = gw.get(listPath(LISTED) + "?topic=ecology&limit=1&after=" + next);

    assertThat(idsOf(first)).containsExactly(listedIds.get(4));
    assertThat(idsOf(second)).containsExactly(listedIds.get(2));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "status=open",
        "status=COLLECTING",
        "status=",
        "topic=weather",
        "topic=",
        "status=collecting&status=answered",
        "limit=0",
        "limit=101",
        "after=bm90LWEtY3Vyc29y",
        "after=djE6bGlzdGVkLXRvd24"
      })
  @DisplayName("a bad filter, limit or cursor on a community's petitions answers 400")
  void badListParameterIsInvalid(String query) {
    var response = gw.get(listPath(LISTED) + "?" + query);

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("the petitions of an unknown community answer 404")
  void listOfUnknownCommunityIsNotFound() {
    var response = gw.get(listPath("nowhere-town"));

    assertProblem(response, 404, "/problems/community-not-found");
  }

  /** Five petitions in the listing community: transport and ecology, two of them published. */
  private static List<Long> fileListedPetitions() {
    List<Long> ids = new ArrayList<>();
    String[] topics = {"transport", "transport", "ecology", "transport", "ecology"};
    for (int i = 0; i < topics.length; i++) {
      JsonObject body = petition("Петиція для списку номер " + i).put("topic", topics[i]);
      var response = file(LISTED, residentToken(), body);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
      ids.add(response.bodyAsJsonObject().getLong("id"));
    }
    for (int published : new int[] {1, 3}) {
      var response =
          gw.adminPost("/api/v1/admin/petitions/" + ids.get(published) + "/publish", null);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    }
    return ids;
  }

  private static List<Long> idsOf(HttpResponse<Buffer> response) {
    List<Long> ids = new ArrayList<>();
    response
        .bodyAsJsonObject()
        .getJsonArray("items")
        .forEach(item -> ids.add(((JsonObject) item).getLong("id")));
    return ids;
  }

  private static HttpResponse<Buffer> file(String slug, String token, JsonObject body) {
    return gw.citizenPost(filingPath(slug), token, body);
  }

  private static HttpRequest<Buffer> citizenRequest(String slug, String token) {
    return gw.client().post(filingPath(slug)).putHeader("Authorization", "Bearer " + token);
  }

  private static String filingPath(String slug) {
    return "/api/v1/communities/" + slug + "/petitions";
  }

  private static String listPath(String slug) {
    return filingPath(slug);
  }

  private static JsonObject petition(String title) {
    return Fixtures.petitionBody(title);
  }

  private static JsonObject without(JsonObject body, String member) {
    body.remove(member);
    return body;
  }

  private static Arguments refused(
      String what, String contentType, Object body, int status, String type) {
    String encoded = body instanceof String raw ? raw : io.vertx.core.json.Json.encode(body);
    return Arguments.of(what, contentType, encoded, status, type);
  }

  private static String residentToken() {
    return gw.token(nextSubject(), "Мешканка Тестова", Fixtures.TERRITORY);
  }

  private static String nextSubject() {
    return "petition-api-citizen-" + SUBJECTS.incrementAndGet();
  }

  private static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(gw.issuer().issuer())
        .audience("signing-gateway")
        .subject(nextSubject())
        .claim("name", "Підписант Тестовий")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(minutes(5))));
  }

  private static String signed(JWTClaimsSet.Builder claims) {
    return gw.issuer().sign(claims.build());
  }

  private static String tampered(String token) {
    int dot = token.lastIndexOf('.');
    char last = token.charAt(dot + 1);
    return token.substring(0, dot + 1) + (last == 'A' ? 'B' : 'A') + token.substring(dot + 2);
  }

  private static Duration minutes(long minutes) {
    return Duration.ofMinutes(minutes);
  }
}

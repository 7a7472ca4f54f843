package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertInvalidRequest;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

/**
 * Signer lists and statistics. The statistics run on a gateway of their own, whose data no other
 * test changes, because each HTTP instance caches them for 30 seconds.
 */
@DisplayName("Signers and statistics API")
class SignersAndStatsApiTest {
  private static final String TOWN = "signers-town";
  private static TestGateway gw;
  private static TestGateway statsGw;
  private static long signedPetition;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    Fixtures.createCommunity(gw, TOWN, false);
    signedPetition = Fixtures.collectingPetition(gw, TOWN, "Петиція з підписантами");
    // Inserted out of signing order; two share a signing time and differ by receipt, two differ
    // by a microsecond only, so that the cursor must keep the full position.
    insertSignature(gw, signedPetition, "k5", "Ірина Кравченко", "2026-03-01T11:00:00Z", "rcpt-c");
    insertSignature(gw, signedPetition, "k4", "Тарас Ткаченко", "2026-03-01T10:00:05Z", "rcpt-b");
    insertSignature(
        gw, signedPetition, "k1", "Олена Шевченко", "2026-03-01T10:00:00.000001Z", "rcpt-e");
    insertSignature(gw, signedPetition, "k3", "Марія Бондаренко", "2026-03-01T10:00:05Z", "rcpt-a");
    insertSignature(
        gw, signedPetition, "k2", "Андрій Коваленко", "2026-03-01T10:00:00.000002Z", "rcpt-d");

    statsGw = TestGateway.start();
    fillStatistics();
  }

  @AfterAll
  static void stop() {
    gw.close();
    statsGw.close();
  }

  @Test
  @DisplayName("following next through the signers shows every name once, in signing order")
  void signersPageInSigningOrder() {
    List<String> names = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      var response =
          gw.get(signersPath(signedPetition) + "?limit=2" + (next == null ? "" : "&after=" + next));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      JsonArray items = response.bodyAsJsonObject().getJsonArray("items");
      assertThat(items.size()).isLessThanOrEqualTo(2);
      items.forEach(item -> names.add(((JsonObject) item).getString("name")));
      next = response.bodyAsJsonObject().getString("next");
      pages++;
    } while (next != null && pages < 20);

    assertThat(next).isNull();
    assertThat(names)
        .containsExactly(
            "Олена Шевченко",
            "Андрій Коваленко",
            "Марія Бондаренко",
            "Тарас Ткаченко",
            "Ірина Кравченко");
  }

  @Test
  @DisplayName("a signer line shows the name and the signing time in UTC, and nothing else")
  void signerLineShowsNameAndTime() {
    var response = gw.get(signersPath(signedPetition) + "?limit=1");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject first = response.bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertThat(first)
        .isEqualTo(
            new JsonObject()
                .put("name", "Олена Шевченко")
                .put("signedAt", "2026-03-01T10:00:00.000001Z"));
  }

  @Test
  @DisplayName("a petition lists only its own signers")
  void signersAreThoseOfThePetition() {
    long other = Fixtures.collectingPetition(gw, TOWN, "Петиція з одним підписантом");
    insertSignature(gw, other, "k1", "Олена Шевченко", "2026-03-02T09:00:00Z", "rcpt-x");

    var response = gw.get(signersPath(other));

    JsonArray items = response.bodyAsJsonObject().getJsonArray("items");
    assertThat(items.size()).isEqualTo(1);
    assertThat(items.getJsonObject(0).getString("signedAt")).isEqualTo("2026-03-02T09:00:00Z");
  }

  @Test
  @DisplayName("a petition without signers answers an empty list with next null")
  void petitionWithoutSignersIsEmpty() {
    long id = Fixtures.collectingPetition(gw, TOWN, "Петиція без підписантів");

    var response = gw.get(signersPath(id));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("items", new JsonArray()).putNull("next"));
  }

  @ParameterizedTest(name = "after={0}")
  @ValueSource(
      strings = {
        "garbage!",
        "",
        "djE6YWJj",
        "djE6MTIzOg",
        "djE6c2lnbmVycy10b3du",
        "djI6MTc3MjM1OTIwMDAwMDAwMDpyY3B0LWE",
        "djE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OnJjcHQtYQ",
        "djE6OTk5OTk5OTk5OTk5OTk5OTk5OTpyY3B0LWE"
      })
  @DisplayName("a signer cursor the list did not give out answers 400")
  void badSignerCursorIsInvalid(String after) {
    var response = gw.get(signersPath(signedPetition) + "?after=" + after);

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("a signer cursor with an overlong receipt answers 400")
  void overlongReceiptCursorIsInvalid() {
    var response = gw.get(signersPath(signedPetition) + "?after=" + cursor("1:" + "r".repeat(65)));

    assertInvalidRequest(response);
  }

  @ParameterizedTest(name = "limit={0}")
  @ValueSource(strings = {"0", "101", "abc"})
  @DisplayName("a signer limit outside 1 to 100 answers 400")
  void badSignerLimitIsInvalid(String limit) {
    var response = gw.get(signersPath(signedPetition) + "?limit=" + limit);

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("the signers of an unknown petition answer 404")
  void signersOfUnknownPetitionAreNotFound() {
    var response = gw.get(signersPath(987654321L));

    assertProblem(response, 404, "/problems/petition-not-found");
  }

  @Test
  @DisplayName("the signers of a malformed petition id answer 400")
  void signersOfMalformedIdAreInvalid() {
    var response = gw.get("/api/v1/petitions/abc/signers");

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("statistics count petitions, signers, signatures, communities and regions")
  void statisticsTotals() {
    var response = statsGw.get("/api/v1/stats");

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonObject("totals").getMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("petitions", 5, "signers", 4, "signatures", 5, "communities", 3, "regions", 2));
  }

  @Test
  @DisplayName("statistics count petitions by topic")
  void statisticsByTopic() {
    var response = statsGw.get("/api/v1/stats");

    assertThat(response.bodyAsJsonObject().getJsonObject("petitionsByTopic").getMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("transport", 2, "ecology", 2, "education", 1));
  }

  @Test
  @DisplayName("statistics count petitions by status")
  void statisticsByStatus() {
    var response = statsGw.get("/api/v1/stats");

    assertThat(response.bodyAsJsonObject().getJsonObject("petitionsByStatus").getMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "moderation", 1,
                "collecting", 1,
                "answered", 1,
                "awaiting_answer", 1,
                "rejected", 1));
  }

  @Test
  @DisplayName("statistics count answered and awaited answers of every community")
  void statisticsAnswersByCommunity() {
    var response = statsGw.get("/api/v1/stats");

    JsonArray answers = response.bodyAsJsonObject().getJsonArray("answersByCommunity");
    assertThat(answers)
        .containsExactly(
            answers("stats-lviv", 1, 0),
            answers("stats-rivne", 0, 1),
            answers("stats-zhovkva", 0, 0));
  }

  /**
   * Three communities in two regions; five petitions in five statuses on three topics; five
   * signatures by four signers.
   */
  private static void fillStatistics() {
    createCommunity("stats-lviv", "Львівська область");
    createCommunity("stats-rivne", "Рівненська область");
    createCommunity("stats-zhovkva", "Львівська область");

    fileWithTopic("stats-lviv", "Петиція на модерації", "transport");
    long collecting = publish(fileWithTopic("stats-lviv", "Петиція, що збирає", "ecology"));
    long answered = publish(fileWithTopic("stats-lviv", "Петиція з відповіддю", "transport"));
    long awaiting = publish(fileWithTopic("stats-rivne", "Петиція чекає відповіді", "ecology"));
    long rejected = fileWithTopic("stats-rivne", "Петиція, яку відхилили", "education");

    insertSignature(statsGw, collecting, "k1", "Олена Шевченко", "2026-03-01T10:00:00Z", "s-1");
    insertSignature(statsGw, collecting, "k2", "Андрій Коваленко", "2026-03-01T10:01:00Z", "s-2");
    insertSignature(statsGw, collecting, "k3", "Марія Бондаренко", "2026-03-01T10:02:00Z", "s-3");
    insertSignature(statsGw, answered, "k1", "Олена Шевченко", "2026-03-01T10:03:00Z", "s-4");
    insertSignature(statsGw, answered, "k4", "Тарас Ткаченко", "2026-03-01T10:04:00Z", "s-5");
    statsGw.sql(
        "UPDATE petitions p SET persisted_count ="
            + " (SELECT count(*) FROM signatures s WHERE s.petition_id = p.id)");
    statsGw.sql(
        "UPDATE petitions SET status = 'threshold_reached', threshold_reached_at = now()"
            + " WHERE id IN ("
            + answered
            + ", "
            + awaiting
            + ")");
    admin(
        "/api/v1/admin/petitions/" + answered + "/answer",
        new JsonObject().put("text", "Рада підтримує петицію."));
    admin("/api/v1/admin/petitions/" + awaiting + "/close", null);
    admin(
        "/api/v1/admin/petitions/" + rejected + "/reject",
        new JsonObject().put("reason", "Поза повноваженнями ради"));
  }

  private static void createCommunity(String slug, String region) {
    admin("/api/v1/admin/communities", Fixtures.communityBody(slug, false).put("region", region));
  }

  private static long fileWithTopic(String slug, String title, String topic) {
    String token = statsGw.token("stats-author-" + title.hashCode(), "Автор Статистики", null);
    var response =
        statsGw.citizenPost(
            "/api/v1/communities/" + slug + "/petitions",
            token,
            Fixtures.petitionBody(title).put("topic", topic));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject().getLong("id");
  }

  private static long publish(long id) {
    admin("/api/v1/admin/petitions/" + id + "/publish", null);
    return id;
  }

  private static void admin(String path, JsonObject body) {
    var response = statsGw.adminPost(path, body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isBetween(200, 201);
  }

  private static JsonObject answers(String slug, int answered, int awaitingAnswer) {
    return new JsonObject()
        .put("community", slug)
        .put("name", "Тестова міська рада " + slug)
        .put("answered", answered)
        .put("awaitingAnswer", awaitingAnswer);
  }

  private static void insertSignature(
      TestGateway gateway,
      long petitionId,
      String signerKey,
      String name,
      String signedAt,
      String receipt) {
    gateway.sql(
        "INSERT INTO signatures (petition_id, signer_key, display_name, signed_at, receipt,"
            + " channel) VALUES ("
            + petitionId
            + ", '"
            + signerKey
            + "', '"
            + name
            + "', '"
            + signedAt
            + "', '"
            + receipt
            + "', 'online')");
  }

  private static String signersPath(long petitionId) {
    return "/api/v1/petitions/" + petitionId + "/signers";
  }

  private static String cursor(String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("v1:" + position).getBytes(StandardCharsets.UTF_8));
  }
}

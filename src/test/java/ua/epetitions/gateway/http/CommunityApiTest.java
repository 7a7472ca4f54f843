package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertInvalidRequest;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

@DisplayName("Communities API")
class CommunityApiTest {
  private static final String COMMUNITIES = "/api/v1/communities";
  private static final String ADMIN_COMMUNITIES = "/api/v1/admin/communities";
  private static final String COUNT_COMMUNITIES = "SELECT count(*) FROM communities";
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @DisplayName("the list pages by slug: following next shows every community once, in order")
  void listPagesThroughEveryCommunityOnce() {
    for (String slug : List.of("page-c", "page-a", "page-e", "page-b", "page-d")) {
      Fixtures.createCommunity(gw, slug, false);
    }

    List<String> seen = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      var response = gw.get(COMMUNITIES + "?limit=2" + (next == null ? "" : "&after=" + next));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      JsonObject page = response.bodyAsJsonObject();
      assertThat(page.getJsonArray("items").size()).isLessThanOrEqualTo(2);
      page.getJsonArray("items").forEach(item -> seen.add(((JsonObject) item).getString("slug")));
      next = page.getString("next");
      pages++;
    } while (next != null && pages < 50);

    assertThat(next).as("the last page ends the list").isNull();
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsSubsequence("page-a", "page-b", "page-c", "page-d", "page-e");
    assertThat(seen).containsExactlyElementsOf(slugsInDatabaseOrder());
  }

  @Test
  @DisplayName("a list without limit answers every community on one page with next null")
  void listWithoutLimitFitsOnOnePage() {
    Fixtures.createCommunity(gw, "one-page", false);

    var response = gw.get(COMMUNITIES);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject page = response.bodyAsJsonObject();
    assertThat(page.getJsonArray("items").size()).isEqualTo((int) gw.count(COUNT_COMMUNITIES));
    assertThat(page.containsKey("next")).isTrue();
    assertThat(page.getString("next")).isNull();
  }

  @Test
  @DisplayName("a community is found by its slug, with its rules")
  void communityIsFoundBySlug() {
    Fixtures.createCommunity(gw, "lviv-found", true);

    var response = gw.get(COMMUNITIES + "/lviv-found");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject community = response.bodyAsJsonObject();
    assertThat(community.getString("slug")).isEqualTo("lviv-found");
    assertThat(community.getString("name")).isEqualTo("Тестова міська рада lviv-found");
    assertThat(community.getString("region")).isEqualTo("Львівська область");
    JsonObject rules = community.getJsonObject("rules");
    assertThat(rules.getInteger("signatureThreshold")).isEqualTo(3);
    assertThat(rules.getInteger("collectionDays")).isEqualTo(30);
    assertThat(rules.getBoolean("residencyRequired")).isTrue();
    assertThat(rules.getString("territoryCode")).isEqualTo(Fixtures.TERRITORY);
    assertThat(rules.getString("timeZone")).isEqualTo("Europe/Kyiv");
    assertThat(rules.getBoolean("signingPaused")).isFalse();
  }

  @Test
  @DisplayName("an unknown slug answers 404 community-not-found")
  void unknownSlugIsNotFound() {
    var response = gw.get(COMMUNITIES + "/no-such-town");

    assertProblem(response, 404, "/problems/community-not-found");
  }

  @ParameterizedTest(name = "slug \"{0}\"")
  @ValueSource(
      strings = {
        "Bad_Slug",
        "UPPER",
        "-leading-hyphen",
        "trailing-hyphen-",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "%D0%BB%D1%8C%D0%B2%D1%96%D0%B2"
      })
  @DisplayName("a malformed slug in the path answers 400 before any lookup")
  void malformedSlugIsInvalid(String slug) {
    var response = gw.get(COMMUNITIES + "/" + slug);

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("creating a community answers 201 with its Location and representation")
  void createCommunityAnswersCreated() {
    var response = gw.adminPost(ADMIN_COMMUNITIES, Fixtures.communityBody("created-town", false));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    assertThat(response.getHeader("Location")).isEqualTo("/api/v1/communities/created-town");
    assertThat(response.bodyAsJsonObject().getString("slug")).isEqualTo("created-town");
    assertThat(gw.get(response.getHeader("Location")).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("creating a community with a taken slug answers 409 and keeps the first one")
  void duplicateSlugConflicts() {
    Fixtures.createCommunity(gw, "taken-town", false);
    long before = gw.count(COUNT_COMMUNITIES);
    JsonObject second = Fixtures.communityBody("taken-town", false).put("name", "Друга рада");

    var response = gw.adminPost(ADMIN_COMMUNITIES, second);

    assertProblem(response, 409, "/problems/conflict");
    assertThat(gw.count(COUNT_COMMUNITIES)).isEqualTo(before);
    assertThat(gw.get(COMMUNITIES + "/taken-town").bodyAsJsonObject().getString("name"))
        .isEqualTo("Тестова міська рада taken-town");
  }

  static Stream<Arguments> invalidCommunityBodies() {
    return Stream.of(
        invalid("a missing name", "no-name", b -> removed(b, "name")),
        invalid("a missing slug", "no-slug", b -> removed(b, "slug")),
        invalid("a missing timeZone", "no-zone", b -> removed(b, "timeZone")),
        invalid("a threshold given as a string", "str-thr", b -> b.put("signatureThreshold", "3")),
        invalid("a threshold with a fraction", "frac-thr", b -> b.put("signatureThreshold", 2.5)),
        invalid("residencyRequired as a string", "str-res", b -> b.put("residencyRequired", "no")),
        invalid("an unknown member", "unknown-member", b -> b.put("mayor", "Садовий")),
        invalid("threshold 0", "zero-thr", b -> b.put("signatureThreshold", 0)),
        invalid("a negative threshold", "neg-thr", b -> b.put("signatureThreshold", -5)),
        invalid("collectionDays 0", "zero-days", b -> b.put("collectionDays", 0)),
        invalid("collectionDays 400", "long-days", b -> b.put("collectionDays", 400)),
        invalid("an unknown timeZone", "mars-zone", b -> b.put("timeZone", "Mars/Olympus")),
        invalid(
            "residency without territoryCode",
            "res-no-code",
            b -> removed(b, "territoryCode").put("residencyRequired", true)),
        invalid("a territoryCode not UA", "bad-code", b -> b.put("territoryCode", "PL1234")),
        invalid("a territoryCode too short", "short-code", b -> b.put("territoryCode", "UA4")),
        invalid("a slug with capitals", "Bad_Slug", UnaryOperator.identity()),
        invalid("an empty name", "empty-name", b -> b.put("name", "   ")),
        invalid("a name with control chars", "ctl-name", b -> b.put("name", "Рада\u0000")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCommunityBodies")
  @DisplayName("an invalid community body answers 400 and creates no row")
  void invalidCommunityIsRefused(String what, JsonObject body) {
    long before = gw.count(COUNT_COMMUNITIES);

    var response = gw.adminPost(ADMIN_COMMUNITIES, body);

    assertInvalidRequest(response);
    assertThat(gw.count(COUNT_COMMUNITIES)).isEqualTo(before);
  }

  @Test
  @DisplayName("a community body that is not JSON answers 400 and creates no row")
  void nonJsonCommunityBodyIsRefused() {
    long before = gw.count(COUNT_COMMUNITIES);

    var response = adminPostRaw(ADMIN_COMMUNITIES, "application/json", "{\"slug\": ");

    assertInvalidRequest(response);
    assertThat(gw.count(COUNT_COMMUNITIES)).isEqualTo(before);
  }

  @Test
  @DisplayName("a community body sent as form data answers 415 and creates no row")
  void formCommunityBodyIsUnsupported() {
    long before = gw.count(COUNT_COMMUNITIES);

    var response =
        adminPostRaw(ADMIN_COMMUNITIES, "application/x-www-form-urlencoded", "slug=form");

    assertProblem(response, 415, "/problems/unsupported-media-type");
    assertThat(gw.count(COUNT_COMMUNITIES)).isEqualTo(before);
  }

  @Test
  @DisplayName("updating a community replaces its rules and answers 200")
  void updateReplacesRules() {
    Fixtures.createCommunity(gw, "update-town", true);
    JsonObject changed =
        Fixtures.communityBody("update-town", false)
            .put("name", "Оновлена рада")
            .put("signatureThreshold", 750)
            .put("collectionDays", 90)
            .put("timeZone", "Europe/Warsaw");

    var response = gw.adminPut(ADMIN_COMMUNITIES + "/update-town", changed);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject community = gw.get(COMMUNITIES + "/update-town").bodyAsJsonObject();
    assertThat(community.getString("name")).isEqualTo("Оновлена рада");
    JsonObject rules = community.getJsonObject("rules");
    assertThat(rules.getInteger("signatureThreshold")).isEqualTo(750);
    assertThat(rules.getInteger("collectionDays")).isEqualTo(90);
    assertThat(rules.getBoolean("residencyRequired")).isFalse();
    assertThat(rules.getString("timeZone")).isEqualTo("Europe/Warsaw");
    assertThat(response.bodyAsJsonObject()).isEqualTo(community);
  }

  @Test
  @DisplayName("an update body may leave out the slug, which the path names")
  void updateWithoutBodySlugUsesThePath() {
    Fixtures.createCommunity(gw, "no-body-slug", false);
    JsonObject changed =
        removed(Fixtures.communityBody("no-body-slug", false), "slug")
            .put("signatureThreshold", 42);

    var response = gw.adminPut(ADMIN_COMMUNITIES + "/no-body-slug", changed);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(gw.count("SELECT signature_threshold FROM communities WHERE slug = 'no-body-slug'"))
        .isEqualTo(42);
  }

  @Test
  @DisplayName("updating an unknown community answers 404 and creates nothing")
  void updateOfUnknownCommunityIsNotFound() {
    long before = gw.count(COUNT_COMMUNITIES);

    var response =
        gw.adminPut(ADMIN_COMMUNITIES + "/ghost-town", Fixtures.communityBody("ghost-town", false));

    assertProblem(response, 404, "/problems/community-not-found");
    assertThat(gw.count(COUNT_COMMUNITIES)).isEqualTo(before);
  }

  @Test
  @DisplayName("an update whose body names another slug answers 400 and changes nothing")
  void updateWithDifferentSlugIsRefused() {
    Fixtures.createCommunity(gw, "keep-slug", false);
    JsonObject renamed = Fixtures.communityBody("other-slug", false).put("signatureThreshold", 999);

    var response = gw.adminPut(ADMIN_COMMUNITIES + "/keep-slug", renamed);

    assertInvalidRequest(response);
    assertThat(gw.count("SELECT signature_threshold FROM communities WHERE slug = 'keep-slug'"))
        .isEqualTo(3);
    assertThat(gw.count("SELECT count(*) FROM communities WHERE slug = 'other-slug'")).isZero();
  }

  @Test
  @DisplayName("an update with invalid rules answers 400 and changes nothing")
  void updateWithInvalidRulesIsRefused() {
    Fixtures.createCommunity(gw, "strict-rules", false);
    JsonObject invalid = Fixtures.communityBody("strict-rules", false).put("signatureThreshold", 0);

    var response = gw.adminPut(ADMIN_COMMUNITIES + "/strict-rules", invalid);

    assertInvalidRequest(response);
    assertThat(gw.count("SELECT signature_threshold FROM communities WHERE slug = 'strict-rules'"))
        .isEqualTo(3);
  }

  @Test
  @DisplayName("creating a community without the administrator token answers 401, creates nothing")
  void createWithoutTokenIsUnauthorized() {
    long before = gw.count(COUNT_COMMUNITIES);

    var response =
        TestGateway.await(
            gw.client()
                .post(ADMIN_COMMUNITIES)
                .sendJsonObject(Fixtures.communityBody("anonymous-town", false)));

    assertProblem(response, 401, "/problems/admin-unauthorized");
    assertThat(gw.count(COUNT_COMMUNITIES)).isEqualTo(before);
  }

  @ParameterizedTest(name = "Authorization: {0}")
  @ValueSource(
      strings = {
        "Bearer wrong-admin-token-0123456789",
        "Bearer " + TestGateway.ADMIN_TOKEN + "x",
        "Basic " + TestGateway.ADMIN_TOKEN,
        TestGateway.ADMIN_TOKEN
      })
  @DisplayName("creating a community with a wrong credential answers 401, creates nothing")
  void createWithWrongTokenIsUnauthorized(String authorization) {
    long before = gw.count(COUNT_COMMUNITIES);

    var response =
        TestGateway.await(
            gw.client()
                .post(ADMIN_COMMUNITIES)
                .putHeader("Authorization", authorization)
                .sendJsonObject(Fixtures.communityBody("intruder-town", false)));

    assertProblem(response, 401, "/problems/admin-unauthorized");
    assertThat(gw.count(COUNT_COMMUNITIES)).isEqualTo(before);
  }

  @Test
  @DisplayName("updating a community with a wrong token answers 401 and changes nothing")
  void updateWithWrongTokenIsUnauthorized() {
    Fixtures.createCommunity(gw, "guarded-town", false);
    JsonObject changed = Fixtures.communityBody("guarded-town", false).put("signatureThreshold", 1);

    var response =
        TestGateway.await(
            gw.client()
                .put(ADMIN_COMMUNITIES + "/guarded-town")
                .putHeader("Authorization", "Bearer wrong-admin-token-0123456789")
                .sendJsonObject(changed));

    assertProblem(response, 401, "/problems/admin-unauthorized");
    assertThat(gw.count("SELECT signature_threshold FROM communities WHERE slug = 'guarded-town'"))
        .isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/api/v1//admin/communities",
        "/api/v1/./admin/communities",
        "/api/v1/x/../admin/communities",
        "/api/v1/%61dmin/communities",
        "/api/v1/admin/%63ommunities",
        "/api/v1/admin%2Fcommunities",
        "/api/v1/admin/communities/",
        "/api/v1/ADMIN/communities"
      })
  @DisplayName("an admin path spelled another way still needs the token and creates nothing")
  void respelledAdminPathNeedsToken(String path) {
    long before = gw.count(COUNT_COMMUNITIES);

    var response =
        TestGateway.await(
            gw.client().post(path).sendJsonObject(Fixtures.communityBody("respelled-town", false)));

    assertThat(response.statusCode()).as(response.bodyAsString()).isIn(401, 404);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.MEDIA_TYPE);
    assertThat(gw.count(COUNT_COMMUNITIES)).isEqualTo(before);
  }

  @ParameterizedTest(name = "limit={0}")
  @ValueSource(strings = {"0", "101", "abc", "-1", "", "1.5", "99999"})
  @DisplayName("a limit outside 1 to 100 answers 400")
  void badLimitIsInvalid(String limit) {
    var response = gw.get(COMMUNITIES + "?limit=" + limit);

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("a limit given twice answers 400")
  void repeatedLimitIsInvalid() {
    var response = gw.get(COMMUNITIES + "?limit=2&limit=3");

    assertInvalidRequest(response);
  }

  @ParameterizedTest(name = "after={0}")
  @ValueSource(
      strings = {
        "garbage!",
        "",
        "djE6QmFkX1NsdWc",
        "djI6cGFnZS1h",
        "cGFnZS1h",
        "djE6MTIz4oCm",
      })
  @DisplayName("an after cursor the list did not give out answers 400")
  void badCursorIsInvalid(String after) {
    var response = gw.get(COMMUNITIES + "?after=" + after);

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("a cursor longer than any the list gives out answers 400")
  void overlongCursorIsInvalid() {
    String slug = "a".repeat(300);
    String cursor =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(("v1:" + slug).getBytes(StandardCharsets.UTF_8));

    var response = gw.get(COMMUNITIES + "?after=" + cursor);

    assertInvalidRequest(response);
  }

  @Test
  @DisplayName("a request line over the server's limit answers a 414 problem")
  void overlongRequestLineIsAProblem() {
    var response = gw.get(COMMUNITIES + "?after=" + "a".repeat(5000));

    assertProblem(response, 414, "/problems/uri-too-long");
  }

  @Test
  @DisplayName("headers over the server's limit answer a 431 problem")
  void overlargeHeadersAreAProblem() {
    var response =
        TestGateway.await(
            gw.client().get(COMMUNITIES).putHeader("X-Padding", "p".repeat(9000)).send());

    assertProblem(response, 431, "/problems/headers-too-large");
  }

  private static List<String> slugsInDatabaseOrder() {
    List<String> slugs = new ArrayList<>();
    gw.sql("SELECT slug FROM communities ORDER BY slug").forEach(r -> slugs.add(r.getString(0)));
    return slugs;
  }

  private static Arguments invalid(String what, String slug, UnaryOperator<JsonObject> change) {
    return Arguments.of(what, change.apply(Fixtures.communityBody(slug, false)));
  }

  private static JsonObject removed(JsonObject body, String member) {
    body.remove(member);
    return body;
  }

  private static HttpResponse<Buffer> adminPostRaw(String path, String contentType, String body) {
    return TestGateway.await(
        gw.client()
            .post(path)
            .putHeader("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
            .putHeader("Content-Type", contentType)
            .sendBuffer(Buffer.buffer(body)));
  }
}

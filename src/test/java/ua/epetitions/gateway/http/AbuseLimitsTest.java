package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.ops.GatewayMeters;
import ua.epetitions.gateway.testing.DataSnapshot;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

/**
 * Abuse limits at the default settings (one gateway) and with a small refusal budget per address
 * (another): 429 with Retry-After, counted per limit, changing nothing; many citizens behind one
 * address still all sign.
 */
@DisplayName("Abuse limits: per signer and per client address")
class AbuseLimitsTest {
  private static final String TOWN = "abuse-town";
  private static final String TOO_MANY = "/problems/too-many-requests";
  private static final String NAME = "Олена Шевченко";
  private static final int DISTINCT_CITIZENS = 2000;
  private static final int IN_FLIGHT = 50;
  private static final int REFUSAL_BURST = 20;
  private static final AtomicInteger SUBJECTS = new AtomicInteger();

  private static TestGateway defaults;
  private static TestGateway strict;

  @BeforeAll
  static void start() {
    defaults = TestGateway.start();
    Fixtures.createCommunity(defaults, TOWN, false);
    strict =
        TestGateway.startOn(
            defaults.databaseUrl(),
            Map.of(
                "GATEWAY_LIMITS_ADDRESS_REFUSAL_BURST", Integer.toString(REFUSAL_BURST),
                "GATEWAY_LIMITS_ADDRESS_REFUSALS_PER_SECOND", "0.1",
                "GATEWAY_WRITER_ENABLED", "false"));
  }

  @AfterAll
  static void stop() {
    strict.close();
    defaults.close();
  }

  @Test
  @DisplayName(
      "a citizen's repeated clicks get 409, a loop past the burst gets 429 with Retry-After")
  void signerPastBurstIsLimited() {
    long id = Fixtures.collectingPetition(defaults, TOWN, "Петиція для обмежень");
    String token = token(defaults);
    GatewayMeters meters = defaults.gateway().services().meters();
    double limitedBefore = meters.rateLimitedCount(AbuseLimits.SIGNER);
    int burst = defaults.gateway().services().config().limits().signerAttemptBurst();

    List<Integer> statuses = new ArrayList<>();
    statuses.add(sign(defaults, id, token).statusCode());
    awaitPersisted(defaults, id, 1);
    HttpResponse<Buffer> limited = null;
    for (int attempt = 1; attempt < 4 * burst && limited == null; attempt++) {
      DataSnapshot before = DataSnapshot.of(defaults);
      HttpResponse<Buffer> response = sign(defaults, id, token);
      statuses.add(response.statusCode());
      if (response.statusCode() == 429) {
        limited = response;
        assertThat(DataSnapshot.of(defaults)).isEqualTo(before);
      }
    }

    assertThat(statuses.get(0)).isEqualTo(202);
    assertThat(statuses.subList(1, burst)).containsOnly(409);
    assertThat(limited).as("a 429 within %d attempts: %s", 4 * burst, statuses).isNotNull();
    assertProblem(limited, 429, TOO_MANY);
    assertThat(Integer.parseInt(limited.getHeader("Retry-After"))).isPositive();
    assertThat(meters.rateLimitedCount(AbuseLimits.SIGNER)).isGreaterThan(limitedBefore);
  }

  @Test
  @DisplayName("an address that keeps sending bad tokens is answered 429, even with a good one")
  void addressSendingBadTokensIsLimited() {
    long id = Fixtures.collectingPetition(strict, TOWN, "Петиція для поганих токенів");
    GatewayMeters meters = strict.gateway().services().meters();
    double limitedBefore = meters.rateLimitedCount(AbuseLimits.ADDRESS_REFUSALS);
    DataSnapshot before = DataSnapshot.of(strict);

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 2 * REFUSAL_BURST + 10; i++) {
      statuses.add(sign(strict, id, "not-a-token-" + i).statusCode());
    }
    HttpResponse<Buffer> honest = sign(strict, id, token(strict));

    assertThat(statuses).contains(401, 429).containsOnly(401, 429);
    assertProblem(honest, 429, TOO_MANY);
    assertThat(Integer.parseInt(honest.getHeader("Retry-After"))).isPositive();
    assertThat(meters.rateLimitedCount(AbuseLimits.ADDRESS_REFUSALS)).isGreaterThan(limitedBefore);
    assertThat(DataSnapshot.of(strict)).isEqualTo(before);
  }

  @Test
  @DisplayName("2,000 distinct citizens signing from one address at the defaults all get 202")
  void manyCitizensBehindOneAddressPass() {
    long id = Fixtures.collectingPetition(defaults, TOWN, "Вірусна петиція");
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < DISTINCT_CITIZENS; i++) {
      tokens.add(token(defaults));
    }

    List<Integer> statuses = new ArrayList<>();
    for (int from = 0; from < DISTINCT_CITIZENS; from += IN_FLIGHT) {
      List<Future<HttpResponse<Buffer>>> batch = new ArrayList<>();
      for (String token : tokens.subList(from, Math.min(DISTINCT_CITIZENS, from + IN_FLIGHT))) {
        batch.add(
            defaults
                .client()
                .post(signingPath(id))
                .putHeader("Authorization", "Bearer " + token)
                .sendJsonObject(new JsonObject().put("consent", true)));
      }
      TestGateway.await(Future.all(batch));
      batch.forEach(response -> statuses.add(response.result().statusCode()));
    }

    assertThat(statuses).hasSize(DISTINCT_CITIZENS).containsOnly(202);
    awaitPersisted(defaults, id, DISTINCT_CITIZENS);
  }

  /** Waits for the writer, so that no later snapshot sees it at work. */
  private static void awaitPersisted(TestGateway gw, long id, long count) {
    Eventually.within(
        Duration.ofSeconds(30),
        () ->
            assertThat(gw.count("SELECT persisted_count FROM petitions WHERE id = " + id))
                .isEqualTo(count));
  }

  private static HttpResponse<Buffer> sign(TestGateway gw, long id, String token) {
    return gw.citizenPost(signingPath(id), token, new JsonObject().put("consent", true));
  }

  private static String token(TestGateway gw) {
    return gw.token("abuse-" + SUBJECTS.incrementAndGet(), NAME, Fixtures.TERRITORY);
  }

  private static String signingPath(long id) {
    return "/api/v1/petitions/" + id + "/signatures";
  }
}

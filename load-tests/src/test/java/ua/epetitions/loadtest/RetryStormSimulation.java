package ua.epetitions.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;

/**
 * Every citizen presses "sign" several times in quick succession on one petition: the first press
 * is taken (202 with a receipt), every later one is refused as a repeat (409 with the same
 * receipt), or turned away by a per-signer rate limit (429 /problems/too-many-requests).
 *
 * <p>Parameters are system properties; their defaults and meaning are in load-tests/README.md.
 */
public class RetryStormSimulation extends Simulation {

  private static final int TRICKLE_PER_SEC = 10;
  private static final int OK = 202;
  private static final int ALREADY_SIGNED = 409;
  private static final int TOO_MANY = 429;
  private static final int OVERLOADED = 503;

  private final String baseUrl = LoadParameters.text("baseUrl", "http://127.0.0.1:8080");
  private final long petitionId = LoadParameters.whole("petitionId", 91);
  private final String tokensFile = LoadParameters.text("tokens", "target/tokens.txt");
  private final int rate = (int) LoadParameters.whole("rate", 200);
  private final int rampSeconds = (int) LoadParameters.whole("rampSeconds", 5);
  private final int holdSeconds = (int) LoadParameters.whole("holdSeconds", 25);
  private final int presses = (int) LoadParameters.whole("presses", 4);
  private final long pauseMs = LoadParameters.whole("pauseMs", 0);
  private final double maxFailedPercent = LoadParameters.decimal("maxFailedPercent", 1.0);
  private final int maxSignP99Ms = (int) LoadParameters.whole("maxSignP99Ms", 500);

  private final HttpProtocolBuilder protocol =
      http.baseUrl(baseUrl)
          .acceptHeader("application/json")
          .contentTypeHeader("application/json")
          .shareConnections();

  /**
   * The first press keeps its status and receipt; later presses must answer 409 with that receipt.
   * When the first press was refused (503, 429), nothing was acknowledged and a later press may
   * legitimately be taken, so those retries are only checked for a sane status.
   */
  private final ChainBuilder pressesSignRepeatedly =
      feed(TokenFeeder.fromFile(tokensFile, expectedCitizens()))
          .exec(
              sign("sign")
                  .check(
                      status().in(OK, TOO_MANY, OVERLOADED).saveAs("firstStatus"),
                      jsonPath("$.receipt").optional().saveAs("receipt")))
          .exec(
              doIfOrElse(session -> session.getInt("firstStatus") == OK)
                  .then(repeat(presses - 1).on(pause().exec(repeatOfATakenSignature())))
                  .orElse(
                      repeat(presses - 1)
                          .on(
                              pause()
                                  .exec(
                                      sign("sign after refusal")
                                          .check(
                                              status()
                                                  .in(
                                                      OK,
                                                      ALREADY_SIGNED,
                                                      TOO_MANY,
                                                      OVERLOADED))))));

  {
    ScenarioBuilder citizens =
        scenario("citizens press sign repeatedly").exec(pressesSignRepeatedly);
    setUp(
            citizens.injectOpen(
                rampUsersPerSec(TRICKLE_PER_SEC).to(rate).during(rampSeconds),
                constantUsersPerSec(rate).during(holdSeconds)))
        .protocols(protocol)
        .maxDuration(Duration.ofSeconds(rampSeconds + holdSeconds + 60L))
        .assertions(
            global().failedRequests().percent().lt(maxFailedPercent),
            details("sign").responseTime().percentile(99.0).lt(maxSignP99Ms),
            details("sign again").responseTime().percentile(99.0).lt(maxSignP99Ms));
  }

  private HttpRequestActionBuilder repeatOfATakenSignature() {
    return sign("sign again")
        .check(status().in(ALREADY_SIGNED, TOO_MANY))
        .checkIf((response, session) -> response.status().code() == ALREADY_SIGNED)
        .then(
            jsonPath("$.type").is("/problems/already-signed"),
            jsonPath("$.receipt").isEL("#{receipt}"))
        .checkIf((response, session) -> response.status().code() == TOO_MANY)
        .then(jsonPath("$.type").is("/problems/too-many-requests"));
  }

  private ChainBuilder pause() {
    return pauseMs > 0
        ? exec(io.gatling.javaapi.core.CoreDsl.pause(Duration.ofMillis(pauseMs)))
        : exec(session -> session);
  }

  private HttpRequestActionBuilder sign(String name) {
    return http(name)
        .post("/api/v1/petitions/" + petitionId + "/signatures")
        .header("Authorization", "Bearer #{token}")
        .body(StringBody("{\"consent\":true}"));
  }

  /** Citizens injected by the ramp and the hold, rounded up; each needs a token of its own. */
  long expectedCitizens() {
    double ramp = (TRICKLE_PER_SEC + rate) / 2.0 * rampSeconds;
    return (long) Math.ceil(ramp + (double) rate * holdSeconds);
  }
}

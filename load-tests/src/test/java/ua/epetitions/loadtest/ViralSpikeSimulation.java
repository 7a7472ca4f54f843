package ua.epetitions.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * A viral petition: citizens arrive from a trickle to the target rate within seconds, hold, then
 * fall away; a share of them press "sign" twice; readers poll the live count all along.
 *
 * <p>Parameters are system properties; their defaults and meaning are in load-tests/README.md.
 */
public class ViralSpikeSimulation extends Simulation {

  private static final int TRICKLE_PER_SEC = 10;

  private final String baseUrl = LoadParameters.text("baseUrl", "http://127.0.0.1:8080");
  private final long petitionId = LoadParameters.whole("petitionId", 91);
  private final String tokensFile = LoadParameters.text("tokens", "target/tokens.txt");
  private final int rate = (int) LoadParameters.whole("rate", 500);
  private final int rampSeconds = (int) LoadParameters.whole("rampSeconds", 10);
  private final int holdSeconds = (int) LoadParameters.whole("holdSeconds", 20);
  private final int fallSeconds = (int) LoadParameters.whole("fallSeconds", 5);
  private final double repeatShare = LoadParameters.decimal("repeatShare", 0.05);
  private final int readersPerSec = (int) LoadParameters.whole("readersPerSec", 100);
  private final double maxFailedPercent = LoadParameters.decimal("maxFailedPercent", 1.0);
  private final int maxSignP99Ms = (int) LoadParameters.whole("maxSignP99Ms", 500);

  private final HttpProtocolBuilder protocol =
      http.baseUrl(baseUrl)
          .acceptHeader("application/json")
          .contentTypeHeader("application/json")
          .shareConnections();

  /** A citizen signs once; some press the button again and should get 409. */
  private final ChainBuilder signsThePetition =
      feed(TokenFeeder.fromFile(tokensFile, expectedCitizens()))
          .exec(signRequest("sign"))
          .exec(
              randomSwitch()
                  .on(percent(repeatShare * 100.0).then(exec(signRequest("sign again")))));

  /** A reader looks at the live count of the viral petition. */
  private final ChainBuilder readsTheLiveCount =
      exec(
          http("live count")
              .get("/api/v1/petitions/" + petitionId + "/count")
              .check(status().is(200)));

  private final ScenarioBuilder citizens = scenario("citizens sign").exec(signsThePetition);
  private final ScenarioBuilder readers = scenario("readers poll").exec(readsTheLiveCount);

  {
    int totalSeconds = rampSeconds + holdSeconds + fallSeconds;
    setUp(
            citizens.injectOpen(
                rampUsersPerSec(TRICKLE_PER_SEC).to(rate).during(rampSeconds),
                constantUsersPerSec(rate).during(holdSeconds),
                rampUsersPerSec(rate).to(TRICKLE_PER_SEC).during(fallSeconds)),
            readers.injectOpen(constantUsersPerSec(readersPerSec).during(totalSeconds)))
        .protocols(protocol)
        .maxDuration(Duration.ofSeconds(totalSeconds + 60L))
        .assertions(
            global().failedRequests().percent().lt(maxFailedPercent),
            details("sign").responseTime().percentile(99.0).lt(maxSignP99Ms));
  }

  private HttpRequestActionBuilder signRequest(String name) {
    return http(name)
        .post("/api/v1/petitions/" + petitionId + "/signatures")
        .header("Authorization", "Bearer #{token}")
        .body(StringBody("{\"consent\":true}"))
        .check(status().in(202, 409, 503));
  }

  /** Citizens injected by the three phases, rounded up; each needs a token of its own. */
  private long expectedCitizens() {
    double ramp = (TRICKLE_PER_SEC + rate) / 2.0 * rampSeconds;
    double fall = (TRICKLE_PER_SEC + rate) / 2.0 * fallSeconds;
    return (long) Math.ceil(ramp + (double) rate * holdSeconds + fall);
  }
}

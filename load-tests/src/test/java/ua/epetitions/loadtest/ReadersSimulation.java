package ua.epetitions.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * A storm of live-count reads on a hot petition (the public refreshing the page of a viral
 * petition) while a moderate flow of citizens signs it. The count must keep answering fast.
 *
 * <p>Parameters are system properties; their defaults and meaning are in load-tests/README.md.
 */
public class ReadersSimulation extends Simulation {

  private static final int TRICKLE_PER_SEC = 10;

  private final String baseUrl = LoadParameters.text("baseUrl", "http://127.0.0.1:8080");
  private final long petitionId = LoadParameters.whole("petitionId", 91);
  private final String tokensFile = LoadParameters.text("tokens", "target/tokens.txt");
  private final int readersPerSec = (int) LoadParameters.whole("readersPerSec", 1500);
  private final int rate = (int) LoadParameters.whole("rate", 100);
  private final int rampSeconds = (int) LoadParameters.whole("rampSeconds", 5);
  private final int holdSeconds = (int) LoadParameters.whole("holdSeconds", 30);
  private final double maxFailedPercent = LoadParameters.decimal("maxFailedPercent", 1.0);
  private final int maxReadP99Ms = (int) LoadParameters.whole("maxReadP99Ms", 200);
  private final int maxSignP99Ms = (int) LoadParameters.whole("maxSignP99Ms", 500);

  private final HttpProtocolBuilder protocol =
      http.baseUrl(baseUrl)
          .acceptHeader("application/json")
          .contentTypeHeader("application/json")
          .shareConnections();

  /** A reader refreshes the live count of the hot petition. */
  private final ChainBuilder readsTheLiveCount =
      exec(
          http("live count")
              .get("/api/v1/petitions/" + petitionId + "/count")
              .check(status().is(200), jsonPath("$.count").ofLong().gte(0L)));

  /** A citizen signs the hot petition. */
  private final ChainBuilder signsThePetition =
      feed(TokenFeeder.fromFile(tokensFile, expectedCitizens()))
          .exec(
              http("sign")
                  .post("/api/v1/petitions/" + petitionId + "/signatures")
                  .header("Authorization", "Bearer #{token}")
                  .body(StringBody("{\"consent\":true}"))
                  .check(status().in(202, 503)));

  {
    int totalSeconds = rampSeconds + holdSeconds;
    setUp(
            scenario("readers refresh the count")
                .exec(readsTheLiveCount)
                .injectOpen(
                    rampUsersPerSec(TRICKLE_PER_SEC).to(readersPerSec).during(rampSeconds),
                    constantUsersPerSec(readersPerSec).during(holdSeconds)),
            scenario("citizens sign")
                .exec(signsThePetition)
                .injectOpen(constantUsersPerSec(rate).during(totalSeconds)))
        .protocols(protocol)
        .maxDuration(Duration.ofSeconds(totalSeconds + 60L))
        .assertions(
            global().failedRequests().percent().lt(maxFailedPercent),
            details("live count").responseTime().percentile(99.0).lt(maxReadP99Ms),
            details("live count").failedRequests().percent().lt(maxFailedPercent),
            details("sign").responseTime().percentile(99.0).lt(maxSignP99Ms));
  }

  /** Signing citizens over the whole run, rounded up; each needs a token of its own. */
  long expectedCitizens() {
    return (long) rate * (rampSeconds + holdSeconds);
  }
}

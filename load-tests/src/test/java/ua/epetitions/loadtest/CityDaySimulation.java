package ua.epetitions.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import ua.epetitions.loadtest.CityDayPlan.PlannedPetition;

/**
 * A day in many councils at once: citizens sign collecting petitions whose popularity follows
 * Zipf's law, each with a token of a resident of the petition's council; others read petitions and
 * live counts, browse lists, signers and statistics, and file new petitions.
 *
 * <p>Parameters are system properties; their defaults and meaning are in load-tests/README.md.
 */
public class CityDaySimulation extends Simulation {

  private static final int TRICKLE_PER_SEC = 10;
  private static final String[] TOPICS = {"city-improvement", "transport", "roads", "ecology"};

  private final String baseUrl = LoadParameters.text("baseUrl", "http://127.0.0.1:8080");
  private final String petitionsFile = LoadParameters.text("petitions", "target/petitions.txt");
  private final String tokensDir = LoadParameters.text("tokensDir", "target/citizens");
  private final int rate = (int) LoadParameters.whole("rate", 200);
  private final int rampSeconds = (int) LoadParameters.whole("rampSeconds", 5);
  private final int holdSeconds = (int) LoadParameters.whole("holdSeconds", 40);
  private final double zipfExponent = LoadParameters.decimal("zipfExponent", 1.0);
  private final long seed = LoadParameters.whole("seed", 5);
  private final int readersPerSec = (int) LoadParameters.whole("readersPerSec", 50);
  private final int browsersPerSec = (int) LoadParameters.whole("browsersPerSec", 5);
  private final double filingsPerSec = LoadParameters.decimal("filingsPerSec", 1.0);
  private final double maxFailedPercent = LoadParameters.decimal("maxFailedPercent", 1.0);
  private final int maxSignP99Ms = (int) LoadParameters.whole("maxSignP99Ms", 500);
  private final int maxReadP99Ms = (int) LoadParameters.whole("maxReadP99Ms", 500);

  private final CityDayPlan plan =
      CityDayPlan.load(
          petitionsFile,
          zipfExponent,
          seed,
          CityDayPlan.expectedArrivals(rate, rampSeconds, holdSeconds));
  private final CitizenPools citizens =
      CitizenPools.load(
          tokensDir, plan.petitions().stream().map(PlannedPetition::council)::iterator);
  private final List<String> councils =
      plan.petitions().stream().map(PlannedPetition::council).distinct().sorted().toList();

  private final HttpProtocolBuilder protocol =
      http.baseUrl(baseUrl)
          .acceptHeader("application/json")
          .contentTypeHeader("application/json")
          .shareConnections();

  /** A citizen signs the petition the plan gives the next arrival. */
  private final ChainBuilder signsAPetition =
      feed(signatures())
          .exec(
              http("sign")
                  .post("/api/v1/petitions/#{petitionId}/signatures")
                  .header("Authorization", "Bearer #{token}")
                  .body(StringBody("{\"consent\":true}"))
                  .check(status().in(202, 429, 503)));

  /** A visitor opens a popular petition and watches its live count. */
  private final ChainBuilder readsAPetition =
      feed(popularPetitions())
          .exec(
              http("petition")
                  .get("/api/v1/petitions/#{petitionId}")
                  .check(status().is(200), jsonPath("$.id").ofLong().isEL("#{petitionId}")))
          .exec(
              http("live count")
                  .get("/api/v1/petitions/#{petitionId}/count")
                  .check(status().is(200)));

  /** A visitor browses the councils, a council's collecting petitions and a petition's signers. */
  private final ChainBuilder browsesLists =
      feed(popularPetitions())
          .exec(http("communities").get("/api/v1/communities?limit=20").check(status().is(200)))
          .exec(
              http("council petitions")
                  .get("/api/v1/communities/#{council}/petitions?status=collecting&limit=20")
                  .check(status().is(200)))
          .exec(
              http("signers")
                  .get("/api/v1/petitions/#{petitionId}/signers?limit=20")
                  .check(status().is(200)))
          .exec(
              randomSwitch()
                  .on(
                      percent(10.0)
                          .then(exec(http("stats").get("/api/v1/stats").check(status().is(200))))));

  /** A resident files a petition with their council: 201, waiting for moderation. */
  private final ChainBuilder filesAPetition =
      feed(authors())
          .exec(
              http("file petition")
                  .post("/api/v1/communities/#{council}/petitions")
                  .header("Authorization", "Bearer #{token}")
                  .body(
                      StringBody(
                          "{\"title\":\"Load test petition #{filing}\",\"topic\":\"#{topic}\","
                              + "\"text\":\"A petition filed during a city-day load test, number"
                              + " #{filing}, to see filing work while many others sign.\"}"))
                  .check(status().is(201), jsonPath("$.status").is("moderation")));

  {
    int totalSeconds = rampSeconds + holdSeconds;
    ScenarioBuilder signers = scenario("citizens sign").exec(signsAPetition);
    ScenarioBuilder readers = scenario("visitors read petitions").exec(readsAPetition);
    ScenarioBuilder browsers = scenario("visitors browse lists").exec(browsesLists);
    ScenarioBuilder authors = scenario("residents file petitions").exec(filesAPetition);
    setUp(
            signers.injectOpen(
                rampUsersPerSec(TRICKLE_PER_SEC).to(rate).during(rampSeconds),
                constantUsersPerSec(rate).during(holdSeconds)),
            readers.injectOpen(constantUsersPerSec(readersPerSec).during(totalSeconds)),
            browsers.injectOpen(constantUsersPerSec(browsersPerSec).during(totalSeconds)),
            authors.injectOpen(constantUsersPerSec(filingsPerSec).during(totalSeconds)))
        .protocols(protocol)
        .maxDuration(Duration.ofSeconds(totalSeconds + 60L))
        .assertions(
            global().failedRequests().percent().lt(maxFailedPercent),
            details("sign").responseTime().percentile(99.0).lt(maxSignP99Ms),
            details("petition").responseTime().percentile(99.0).lt(maxReadP99Ms),
            details("live count").responseTime().percentile(99.0).lt(maxReadP99Ms));
  }

  /** The k-th signer of a petition is the k-th citizen of its council. */
  private Iterator<Map<String, Object>> signatures() {
    AtomicInteger nextArrival = new AtomicInteger();
    Map<Long, AtomicInteger> signersOf =
        plan.petitions().stream()
            .collect(
                java.util.stream.Collectors.toMap(PlannedPetition::id, p -> new AtomicInteger()));
    return Stream.<Map<String, Object>>generate(
            () -> {
              int arrival = nextArrival.getAndIncrement();
              if (arrival >= plan.arrivals()) {
                throw new IllegalStateException(
                    "the plan holds "
                        + plan.arrivals()
                        + " signing arrivals; the run injects more");
              }
              PlannedPetition petition = plan.choice(arrival);
              int k = signersOf.get(petition.id()).getAndIncrement();
              return Map.of(
                  "petitionId", petition.id(), "token", citizens.token(petition.council(), k));
            })
        .iterator();
  }

  private Iterator<Map<String, Object>> popularPetitions() {
    return Stream.<Map<String, Object>>generate(
            () -> {
              PlannedPetition p = plan.popular(ThreadLocalRandom.current().nextDouble());
              return Map.of("petitionId", p.id(), "council", p.council());
            })
        .iterator();
  }

  private Iterator<Map<String, Object>> authors() {
    AtomicInteger filings = new AtomicInteger();
    return Stream.<Map<String, Object>>generate(
            () -> {
              ThreadLocalRandom random = ThreadLocalRandom.current();
              String council = councils.get(random.nextInt(councils.size()));
              int n = filings.incrementAndGet();
              return Map.of(
                  "council",
                  council,
                  "token",
                  citizens.token(council, random.nextInt(citizens.size(council))),
                  "filing",
                  n,
                  "topic",
                  TOPICS[n % TOPICS.length]);
            })
        .iterator();
  }
}

package ua.epetitions.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.stopLoadGeneratorIf;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Raises the arrival rate step by step until p99 or the error share of a step passes its bound,
 * then stops. One target per run: {@code sign} (new signatures spread over several petitions, a
 * citizen signing each of them once) or {@code live} ({@code GET /health/live}, the server's bare
 * HTTP ceiling). Each step is its own request name in Gatling's report ("sign 469/s"), which is
 * where run.sh reads the figures from.
 *
 * <p>Parameters are system properties; their defaults and meaning are in load-tests/README.md.
 */
public class CapacitySimulation extends Simulation {

  private static final int NO_ANSWER_MS = Integer.MAX_VALUE;

  private final String baseUrl = LoadParameters.text("baseUrl", "http://127.0.0.1:8080");
  private final String target = LoadParameters.text("target", "sign");
  private final String petitionIds = LoadParameters.text("petitionIds", "91");
  private final String tokensFile = LoadParameters.text("tokens", "target/tokens.txt");
  private final int warmupSeconds = (int) LoadParameters.whole("warmupSeconds", 10);
  private final int stepSeconds = (int) LoadParameters.whole("stepSeconds", 8);
  private final int startRate = (int) LoadParameters.whole("startRate", 250);
  private final double factor = LoadParameters.decimal("factor", 1.25);
  private final int maxRate = (int) LoadParameters.whole("maxRate", 20000);
  private final int maxP99Ms = (int) LoadParameters.whole("maxP99Ms", 50);
  private final double maxErrorPercent = LoadParameters.decimal("maxErrorPercent", 1.0);

  private final CapacitySteps steps =
      new CapacitySteps(
          warmupSeconds,
          stepSeconds,
          CapacitySteps.geometricRates(startRate, factor, maxRate),
          maxP99Ms,
          maxErrorPercent);

  private final HttpProtocolBuilder protocol =
      http.baseUrl(baseUrl)
          .acceptHeader("application/json")
          .contentTypeHeader("application/json")
          .shareConnections();

  {
    if (!target.equals("sign") && !target.equals("live")) {
      throw new IllegalArgumentException("target must be 'sign' or 'live', not '" + target + "'");
    }
    List<OpenInjectionStep> injection = new ArrayList<>();
    if (warmupSeconds > 0) {
      injection.add(constantUsersPerSec(startRate).during(warmupSeconds));
    }
    for (int rate : steps.rates()) {
      injection.add(constantUsersPerSec(rate).during(stepSeconds));
    }
    long totalSeconds = warmupSeconds + (long) stepSeconds * steps.rates().size();
    setUp(
            scenario("arrivals step up").exec(oneRequest()).injectOpen(injection),
            scenario("step judge")
                .exec(judgesEachStep(totalSeconds))
                .injectOpen(io.gatling.javaapi.core.CoreDsl.atOnceUsers(1)))
        .protocols(protocol)
        .maxDuration(Duration.ofSeconds(totalSeconds + 30))
        .assertions(
            details(steps.name(target, 0)).responseTime().percentile(99.0).lt(maxP99Ms),
            details(steps.name(target, 0)).failedRequests().percent().lt(maxErrorPercent));
  }

  @Override
  public void before() {
    System.out.println("capacity: target=" + target + " rates=" + steps.rates());
    steps.start();
  }

  @Override
  public void after() {
    System.out.println("capacity: stopped reason=" + steps.stopReason());
  }

  /** One arrival: one request, named after the step it is sent in, timed for the judge. */
  private ChainBuilder oneRequest() {
    ChainBuilder chain =
        exec(
            session -> {
              int step = steps.stepNow();
              steps.sent(step);
              return session.set("step", step).set("stepName", steps.name(target, step));
            });
    if (target.equals("sign")) {
      chain = feed(signatures()).exec(chain);
    }
    return chain
        .exec(request().check(responseTimeInMillis().saveAs("rt"), status().is(expectedStatus())))
        .exec(
            session -> {
              Integer rt = session.getIntegerWrapper("rt");
              steps.completed(
                  session.getInt("step"), rt == null ? NO_ANSWER_MS : rt, !session.isFailed());
              return session;
            });
  }

  private HttpRequestActionBuilder request() {
    if (target.equals("live")) {
      return http("#{stepName}").get("/health/live");
    }
    return http("#{stepName}")
        .post("/api/v1/petitions/#{petitionId}/signatures")
        .header("Authorization", "Bearer #{token}")
        .body(StringBody("{\"consent\":true}"));
  }

  private int expectedStatus() {
    return target.equals("live") ? 200 : 202;
  }

  /** Once a second, stops the run when a finished step broke its bounds. */
  private ChainBuilder judgesEachStep(long totalSeconds) {
    return during(Duration.ofSeconds(totalSeconds))
        .on(
            exec(io.gatling.javaapi.core.CoreDsl.pause(Duration.ofSeconds(1)))
                .exec(
                    stopLoadGeneratorIf(
                        (Session session) -> "capacity: " + steps.stopReason(),
                        session -> steps.shouldStop())));
  }

  /**
   * The i-th arrival signs as citizen i mod T, petition i div T, T being the citizens this
   * schedule needs over P petitions: each citizen signs each petition once, and a citizen's
   * signatures are T arrivals apart, so the gateway's per-signer limit (a burst of 5, then one a
   * second) never answers for the run.
   */
  private Iterator<Map<String, Object>> signatures() {
    long[] petitions = Arrays.stream(petitionIds.split(",")).mapToLong(Long::parseLong).toArray();
    List<String> tokens = readTokens();
    long needed =
        (CapacitySteps.arrivals(warmupSeconds, stepSeconds, steps.rates()) + petitions.length - 1)
            / petitions.length;
    if (tokens.size() < needed) {
      throw new IllegalStateException(
          "the token file '"
              + tokensFile
              + "' holds "
              + tokens.size()
              + " tokens; this schedule"
              + " over "
              + petitions.length
              + " petitions needs "
              + needed
              + "; mint more");
    }
    AtomicLong arrivals = new AtomicLong();
    return Stream.<Map<String, Object>>generate(
            () -> {
              long i = arrivals.getAndIncrement();
              return Map.of(
                  "petitionId",
                  petitions[(int) ((i / needed) % petitions.length)],
                  "token",
                  tokens.get((int) (i % needed)));
            })
        .iterator();
  }

  private List<String> readTokens() {
    try {
      return Files.readAllLines(Path.of(tokensFile)).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file '" + tokensFile + "'", e);
    }
  }
}

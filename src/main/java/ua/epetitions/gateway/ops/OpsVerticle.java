package ua.epetitions.gateway.ops;

import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.ops.GatewayMeters.Outcome;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.petition.PetitionStatus;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.store.CommunityStore;
import ua.epetitions.gateway.store.PetitionStore;
import ua.epetitions.gateway.store.SettingsStore;
import ua.epetitions.gateway.store.SigningTermsStore;
import ua.epetitions.gateway.store.SigningTermsStore.SigningTerms;

/**
 * Once a second: runs the health checks, sets the stream gauges, and computes one dashboard
 * snapshot that it publishes on the local event bus, where every viewer's feed picks it up, so the
 * cost does not grow with viewers. Every {@link #DRIFT_PERIOD_MS} it measures how far live counts
 * run ahead of persisted ones. All state here belongs to this verticle's event loop.
 */
public final class OpsVerticle extends VerticleBase {
  public static final String SNAPSHOT_ADDRESS = "gateway.ops.snapshot";
  private static final Logger log = LoggerFactory.getLogger(OpsVerticle.class);
  private static final long PERIOD_MS = 1_000;
  private static final long DRIFT_PERIOD_MS = 15_000;
  private static final int HOT_PETITIONS = 5;
  private static final int TITLE_CACHE_MAX = 1_000;

  private final GatewayMeters meters;
  private final HealthChecks health;
  private final HotPetitions hot;
  private final PetitionStore petitions;
  private final CommunityStore communities;
  private final SettingsStore settings;
  private final SigningTermsStore terms;
  private final Redis redis;
  private final SigningKeys keys;
  private final Map<Long, Petition> petitionCache = new LinkedHashMap<>();
  private final Map<Outcome, Double> lastCounts = new LinkedHashMap<>();
  private double lastRows;
  private long lastBatches;
  private double lastBatchEntries;
  private long lastFlushes;
  private double lastFlushNanos;
  private long lastTickNs;
  private boolean ticking;
  private boolean wasReady = true;
  private long timerId;
  private long driftTimerId;

  public OpsVerticle(
      GatewayMeters meters,
      HealthChecks health,
      HotPetitions hot,
      PetitionStore petitions,
      CommunityStore communities,
      SettingsStore settings,
      SigningTermsStore terms,
      Redis redis,
      SigningKeys keys) {
    this.meters = meters;
    this.health = health;
    this.hot = hot;
    this.petitions = petitions;
    this.communities = communities;
    this.settings = settings;
    this.terms = terms;
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public Future<?> start() {
    lastTickNs = System.nanoTime();
    timerId = vertx.setPeriodic(PERIOD_MS, id -> tick());
    driftTimerId = vertx.setPeriodic(0, DRIFT_PERIOD_MS, id -> measureDrift());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    vertx.cancelTimer(driftTimerId);
    return Future.succeededFuture();
  }

  private void tick() {
    if (ticking) {
      return;
    }
    ticking = true;
    long nowNs = System.nanoTime();
    double seconds = Math.max(0.001, (nowNs - lastTickNs) / 1e9);
    lastTickNs = nowNs;
    JsonObject snapshot = new JsonObject().put("at", Instant.now().toString());
    snapshot
        .put("rates", rates(seconds))
        .put("latencyMs", latency())
        .put("writer", writer(seconds));
    Future<HealthChecks.HealthReport> report = health.run();
    Future<JsonArray> busiest = busiest(seconds);
    Future<JsonObject> paused = paused();
    Future.join(report, busiest, paused)
        .onComplete(
            done -> {
              ticking = false;
              HealthChecks.HealthReport checks = report.result();
              recordStreams(checks);
              snapshot
                  .put("backlog", backlog(checks))
                  .put("health", new JsonObject(new LinkedHashMap<>(checks.checks())))
                  .put("hotPetitions", busiest.succeeded() ? busiest.result() : new JsonArray())
                  .put("paused", paused.succeeded() ? paused.result() : null);
              vertx.eventBus().publish(SNAPSHOT_ADDRESS, snapshot.encode());
            });
  }

  private void recordStreams(HealthChecks.HealthReport report) {
    for (int partition = 0; partition < report.backlog().length; partition++) {
      meters.stream(partition, report.backlog()[partition], report.pending()[partition]);
    }
    boolean ready = report.ready();
    meters.ready(ready);
    if (ready != wasReady) {
      if (ready) {
        log.info("ops: ready again checks={}", report.checks());
      } else {
        log.warn(
            "ops: not ready checks={}; readiness answers 503 until this clears", report.checks());
      }
      wasReady = ready;
    }
  }

  private JsonObject rates(double seconds) {
    double rejected = 0;
    JsonObject rates = new JsonObject();
    for (Outcome outcome : Outcome.values()) {
      double count = meters.signatures(outcome);
      double perSecond = (count - lastCounts.getOrDefault(outcome, count)) / seconds;
      lastCounts.put(outcome, count);
      switch (outcome) {
        case ACCEPTED -> rates.put("accepted", round(perSecond));
        case DUPLICATE -> rates.put("duplicate", round(perSecond));
        case OVERLOADED -> rates.put("overloaded", round(perSecond));
        default -> rejected += perSecond;
      }
    }
    return rates.put("rejected", round(rejected));
  }

  private JsonObject latency() {
    JsonObject latency = new JsonObject();
    for (ValueAtPercentile value : meters.intakeLatency().takeSnapshot().percentileValues()) {
      String name = "p" + Math.round(value.percentile() * 100);
      latency.put(name, round(value.value(TimeUnit.MILLISECONDS)));
    }
    return latency;
  }

  private JsonObject writer(double seconds) {
    double rows = meters.rowsWritten();
    long batches = meters.batchSize().count();
    double entries = meters.batchSize().totalAmount();
    long flushes = meters.flushLatency().count();
    double flushNanos = meters.flushLatency().totalTime(TimeUnit.NANOSECONDS);
    JsonObject writer =
        new JsonObject()
            .put("rowsPerSecond", round((rows - lastRows) / seconds))
            .put(
                "batchSizeAvg",
                batches > lastBatches
                    ? round((entries - lastBatchEntries) / (batches - lastBatches))
                    : 0.0)
            .put(
                "flushLatencyMs",
                flushes > lastFlushes
                    ? round((flushNanos - lastFlushNanos) / (flushes - lastFlushes) / 1e6)
                    : 0.0);
    lastRows = rows;
    lastBatches = batches;
    lastBatchEntries = entries;
    lastFlushes = flushes;
    lastFlushNanos = flushNanos;
    return writer;
  }

  private static JsonObject backlog(HealthChecks.HealthReport report) {
    long total = 0;
    long pending = 0;
    JsonArray byPartition = new JsonArray();
    for (int i = 0; i < report.backlog().length; i++) {
      total += Math.max(0, report.backlog()[i]);
      pending += Math.max(0, report.pending()[i]);
      byPartition.add(report.backlog()[i]);
    }
    return new JsonObject()
        .put("total", total)
        .put("pending", pending)
        .put("byPartition", byPartition);
  }

  private Future<JsonArray> busiest(double seconds) {
    List<Map.Entry<Long, Long>> top = hot.drainTop(HOT_PETITIONS);
    List<Future<JsonObject>> rows = new ArrayList<>();
    for (Map.Entry<Long, Long> entry : top) {
      long id = entry.getKey();
      double perSecond = round(entry.getValue() / seconds);
      rows.add(
          petition(id)
              .compose(
                  p ->
                      liveCount(id)
                          .map(
                              count ->
                                  new JsonObject()
                                      .put("petitionId", id)
                                      .put("title", p.title())
                                      .put("community", p.communitySlug())
                                      .put("count", count)
                                      .put("perSecond", perSecond))));
    }
    return Future.join(rows)
        .transform(
            done -> {
              JsonArray out = new JsonArray();
              rows.stream().filter(Future::succeeded).forEach(f -> out.add(f.result()));
              return Future.succeededFuture(out);
            });
  }

  private Future<Petition> petition(long id) {
    Petition cached = petitionCache.get(id);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return petitions
        .find(id)
        .map(
            found -> {
              Petition p = found.orElseThrow();
              if (petitionCache.size() >= TITLE_CACHE_MAX) {
                petitionCache.clear();
              }
              petitionCache.put(id, p);
              return p;
            });
  }

  private Future<Long> liveCount(long id) {
    return redis
        .send(Request.cmd(Command.HGET).arg(keys.petition(id)).arg("count"))
        .map(count -> count == null ? 0L : count.toLong());
  }

  private Future<JsonObject> paused() {
    Future<Boolean> gateway = settings.isSigningPaused();
    Future<List<String>> slugs = communities.pausedSlugs();
    return Future.all(gateway, slugs)
        .map(
            done ->
                new JsonObject()
                    .put("gateway", gateway.result())
                    .put("communities", new JsonArray(slugs.result())));
  }

  /** Live minus persisted counts over open petitions: how much the writer still owes. */
  private void measureDrift() {
    terms
        .openOrRecentlyChanged()
        .compose(this::drift)
        .onSuccess(meters::countDrift)
        .onFailure(failure -> log.warn("ops: count drift not measured: {}", failure.toString()));
  }

  private Future<Long> drift(List<SigningTerms> all) {
    List<SigningTerms> open =
        all.stream()
            .filter(
                t ->
                    PetitionStatus.fromWireName(t.status())
                        .map(PetitionStatus::acceptsSignatures)
                        .orElse(false))
            .toList();
    if (open.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    List<Request> requests =
        open.stream()
            .map(t -> Request.cmd(Command.HGET).arg(keys.petition(t.petitionId())).arg("count"))
            .toList();
    return redis
        .batch(requests)
        .map(
            replies -> {
              long drift = 0;
              for (int i = 0; i < open.size(); i++) {
                Response live = replies.get(i);
                if (live != null) {
                  drift += live.toLong() - open.get(i).persistedCount();
                }
              }
              return drift;
            });
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}

package ua.epetitions.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's own meters, all named under {@code gateway.} and told apart by tags, in one
 * Prometheus registry that Vert.x's own metrics share. Thread-safe: meters are looked up once and
 * kept.
 */
public final class GatewayMeters {
  /** Why a signing request ended as it did; the tag value is the lower-case name. */
  public enum Outcome {
    ACCEPTED,
    DUPLICATE,
    INVALID_TOKEN,
    INVALID_REQUEST,
    NOT_FOUND,
    NOT_COLLECTING,
    PAUSED,
    NOT_ELIGIBLE,
    OVERLOADED,
    RATE_LIMITED;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a reconciliation found wrong with a petition; the tag value is the lower-case name. */
  public enum Drift {
    /** The live count in Redis differed from the number of signers in Redis. */
    LIVE_COUNT,
    /** Signers stored in PostgreSQL were missing from Redis. */
    MISSING_SIGNERS,
    /** The persisted count differed from the signatures stored in PostgreSQL. */
    PERSISTED_COUNT,
    /** An open petition had no signing state in Redis at all. */
    MISSING_STATE;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Duration LATENCY_MIN = Duration.ofMillis(1);
  private static final Duration LATENCY_MAX = Duration.ofSeconds(10);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentMap<Outcome, Counter> signatures = new ConcurrentHashMap<>();
  private final Timer intakeLatency;
  private final Timer scriptLatency;
  private final DistributionSummary batchSize;
  private final Timer flushLatency;
  private final Counter rowsWritten;
  private final Counter writerFailures;
  private final Counter writerRetries;
  private final Counter deadLetters;
  private final Counter claimed;
  private final Counter replicaAcksMissed;
  private final Counter storedAfterTimeout;
  private final Timer replicaWaitLatency;
  private final ConcurrentMap<Integer, AtomicLong> backlog = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, AtomicLong> pending = new ConcurrentHashMap<>();
  private final AtomicLong countDrift = new AtomicLong();
  private final AtomicLong ready = new AtomicLong();
  private final ConcurrentMap<String, Counter> refusedConnections = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> timedOutRequests = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> rateLimited = new ConcurrentHashMap<>();
  private final Counter rebuildRuns;
  private final Counter rebuildSigners;
  private final AtomicLong rebuildRunning = new AtomicLong();
  private final Counter reconcileRuns;
  private final ConcurrentMap<Drift, Counter> driftRepaired = new ConcurrentHashMap<>();
  private final ConcurrentMap<Drift, AtomicLong> lastDrift = new ConcurrentHashMap<>();
  private final AtomicLong lastReconcileEpochSeconds = new AtomicLong();

  public GatewayMeters(long backlogLimit) {
    for (Outcome outcome : Outcome.values()) {
      signatures.put(
          outcome,
          Counter.builder("gateway.signatures")
              .description("Signing requests by outcome")
              .tag("outcome", outcome.tag())
              .register(registry));
    }
    intakeLatency = latency("gateway.intake.latency", "Signing requests, from routing to answer");
    scriptLatency = latency("gateway.redis.script.latency", "The signing script's round trip");
    batchSize =
        DistributionSummary.builder("gateway.writer.batch.size")
            .description("Stream entries per stored batch")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    flushLatency = latency("gateway.writer.flush.latency", "Storing and acknowledging a batch");
    rowsWritten = counter("gateway.writer.rows", "Signature rows inserted into PostgreSQL");
    writerFailures = counter("gateway.writer.failures", "Failed batch attempts");
    writerRetries = counter("gateway.writer.retries", "Batches attempted again after a failure");
    deadLetters = counter("gateway.writer.dead.letters", "Stream entries set aside unreadable");
    claimed = counter("gateway.writer.claimed", "Entries taken over from stopped consumers");
    replicaAcksMissed =
        counter(
            "gateway.redis.replica.acks.missed",
            "Accepted signatures answered 503 because too few replicas confirmed them in time");
    storedAfterTimeout =
        counter(
            "gateway.signatures.stored.after.timeout",
            "Signatures answered 503 after redis.commandTimeoutMs that Redis took all the same");
    replicaWaitLatency =
        latency("gateway.redis.replica.wait.latency", "The wait for replicas (WAIT) round trip");
    Gauge.builder("gateway.count.drift", countDrift, AtomicLong::get)
        .description("Live minus persisted counts, summed over open petitions")
        .register(registry);
    Gauge.builder("gateway.ready", ready, AtomicLong::get)
        .description("1 when PostgreSQL and Redis answer and no backlog is over its limit")
        .register(registry);
    Gauge.builder("gateway.backlog.limit", () -> backlogLimit)
        .description("Entries a partition's stream may hold before signing answers 503")
        .register(registry);
    rebuildRuns = counter("gateway.rebuild.runs", "Rebuilds of the signing state from PostgreSQL");
    rebuildSigners =
        counter("gateway.rebuild.signers", "Signers restored into Redis from PostgreSQL");
    Gauge.builder("gateway.rebuild.running", rebuildRunning, AtomicLong::get)
        .description("1 while this instance rebuilds signing state (intake answers 503 for it)")
        .register(registry);
    reconcileRuns = counter("gateway.reconcile.runs", "Completed reconciliation runs");
    for (Drift drift : Drift.values()) {
      driftRepaired.put(
          drift,
          Counter.builder("gateway.reconcile.drift")
              .description("Petitions found drifting and repaired, by kind of drift")
              .tag("kind", drift.tag())
              .register(registry));
      AtomicLong last = new AtomicLong();
      lastDrift.put(drift, last);
      Gauge.builder("gateway.reconcile.last.drift", last, AtomicLong::get)
          .description("Signatures of drift the last reconciliation found, by kind")
          .tag("kind", drift.tag())
          .register(registry);
    }
    Gauge.builder("gateway.reconcile.last.run", lastReconcileEpochSeconds, AtomicLong::get)
        .description("When the last reconciliation finished, in seconds since the epoch")
        .baseUnit("seconds")
        .register(registry);
  }

  private Timer latency(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentiles(0.5, 0.95, 0.99)
        .publishPercentileHistogram()
        .minimumExpectedValue(LATENCY_MIN)
        .maximumExpectedValue(LATENCY_MAX)
        .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void signature(Outcome outcome) {
    signatures.get(outcome).increment();
  }

  public double signatures(Outcome outcome) {
    return signatures.get(outcome).count();
  }

  public Timer intakeLatency() {
    return intakeLatency;
  }

  public Timer scriptLatency() {
    return scriptLatency;
  }

  public Counter storedAfterTimeout() {
    return storedAfterTimeout;
  }

  public Counter replicaAcksMissed() {
    return replicaAcksMissed;
  }

  public Timer replicaWaitLatency() {
    return replicaWaitLatency;
  }

  public void batchStored(int entries, long rows, long elapsedNanos) {
    batchSize.record(entries);
    rowsWritten.increment(rows);
    flushLatency.record(Duration.ofNanos(elapsedNanos));
  }

  public DistributionSummary batchSize() {
    return batchSize;
  }

  public Timer flushLatency() {
    return flushLatency;
  }

  public double rowsWritten() {
    return rowsWritten.count();
  }

  public void writerFailed(boolean retrying) {
    writerFailures.increment();
    if (retrying) {
      writerRetries.increment();
    }
  }

  public void deadLettered(int entries) {
    deadLetters.increment(entries);
  }

  public void claimed(int entries) {
    claimed.increment(entries);
  }

  /** Records one partition's stream length and pending entries. */
  public void stream(int partition, long entries, long pendingEntries) {
    gaugeOf(backlog, "gateway.stream.backlog", "Entries waiting in the stream", partition)
        .set(entries);
    gaugeOf(pending, "gateway.stream.pending", "Entries read, not acknowledged", partition)
        .set(pendingEntries);
  }

  private AtomicLong gaugeOf(
      ConcurrentMap<Integer, AtomicLong> values, String name, String description, int partition) {
    return values.computeIfAbsent(
        partition,
        p -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(name, value, AtomicLong::get)
              .description(description)
              .tag("partition", Integer.toString(p))
              .register(registry);
          return value;
        });
  }

  public void countDrift(long drift) {
    countDrift.set(drift);
  }

  public void rebuildRunning(boolean running) {
    rebuildRunning.set(running ? 1 : 0);
  }

  public void rebuildFinished(long signersRestored) {
    rebuildRuns.increment();
    rebuildSigners.increment(signersRestored);
  }

  /**
   * Records a finished reconciliation: per kind, the petitions repaired and the size of the drift
   * in signatures.
   */
  public void reconciled(
      Map<Drift, Long> petitionsRepaired, Map<Drift, Long> driftSignatures, long finishedAtMs) {
    reconcileRuns.increment();
    for (Drift drift : Drift.values()) {
      driftRepaired.get(drift).increment(petitionsRepaired.getOrDefault(drift, 0L));
      lastDrift.get(drift).set(driftSignatures.getOrDefault(drift, 0L));
    }
    lastReconcileEpochSeconds.set(finishedAtMs / 1000);
  }

  public double reconcileDrift(Drift drift) {
    return driftRepaired.get(drift).count();
  }

  public void ready(boolean isReady) {
    ready.set(isReady ? 1 : 0);
  }

  /**
   * A connection closed at once because a connection limit was reached; {@code reason} is {@code
   * total} or {@code address}.
   */
  public void connectionRefused(String reason) {
    tagged(
            refusedConnections,
            "gateway.http.connections.refused",
            "Connections closed at once: a connection limit was reached",
            "reason",
            reason)
        .increment();
  }

  public double connectionsRefused(String reason) {
    Counter counter = refusedConnections.get(reason);
    return counter == null ? 0 : counter.count();
  }

  /** A request whose headers or body did not arrive in time; {@code phase} names which. */
  public void requestTimedOut(String phase) {
    tagged(
            timedOutRequests,
            "gateway.http.requests.timed.out",
            "Connections closed because a request's headers or body came too slowly",
            "phase",
            phase)
        .increment();
  }

  public double requestsTimedOut(String phase) {
    Counter counter = timedOutRequests.get(phase);
    return counter == null ? 0 : counter.count();
  }

  /** A request answered 429 by an abuse limit; {@code limit} names the limit. */
  public void rateLimited(String limit) {
    tagged(
            rateLimited,
            "gateway.limits.refused",
            "Requests answered 429 by an abuse limit",
            "limit",
            limit)
        .increment();
  }

  public double rateLimitedCount(String limit) {
    Counter counter = rateLimited.get(limit);
    return counter == null ? 0 : counter.count();
  }

  private Counter tagged(
      ConcurrentMap<String, Counter> counters,
      String name,
      String description,
      String tag,
      String value) {
    Counter counter = counters.get(value);
    if (counter != null) {
      return counter;
    }
    return counters.computeIfAbsent(
        value, v -> Counter.builder(name).description(description).tag(tag, v).register(registry));
  }
}

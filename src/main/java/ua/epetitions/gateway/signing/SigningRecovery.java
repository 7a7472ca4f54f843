package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.ops.GatewayMeters;
import ua.epetitions.gateway.signing.SigningJob.Kind;
import ua.epetitions.gateway.signing.SigningState.SyncResult;

/**
 * Keeps the signing state in Redis whole: at start-up and at every periodic sync it checks the
 * marker that a complete state was loaded, and rebuilds from PostgreSQL when Redis lost it; it runs
 * the rebuilds and reconciliations that operators ask for. One job at a time per instance: a second
 * one is refused while the first runs. Thread-safe: jobs are started from any event loop.
 *
 * <p>"Redis is empty" means the marker key ({@link SigningKeys#loadedMarker()}) is missing: a
 * flush, a restart without persistence or a fresh server. A failover to a replica that has the
 * marker but lags behind is not seen this way; the reconciliation finds what it lacks.
 */
public final class SigningRecovery {
  private static final Logger log = LoggerFactory.getLogger(SigningRecovery.class);
  private static final String ALL = "all";

  private final SigningState state;
  private final SigningRebuild rebuild;
  private final Reconciliation reconciliation;
  private final GatewayMeters meters;
  private final AtomicLong jobIds = new AtomicLong();
  private final AtomicReference<SigningJob> running = new AtomicReference<>();
  private final AtomicReference<SigningJob> lastRebuild = new AtomicReference<>();
  private final AtomicReference<SigningJob> lastReconcile = new AtomicReference<>();

  public SigningRecovery(
      SigningState state,
      SigningRebuild rebuild,
      Reconciliation reconciliation,
      GatewayMeters meters) {
    this.state = state;
    this.rebuild = rebuild;
    this.reconciliation = reconciliation;
    this.meters = meters;
  }

  /**
   * At start-up: rebuilds when Redis lacks the marker, else mirrors every petition and rebuilds
   * those that need it. Completes once the petitions to rebuild are marked (so that intake refuses
   * them), not when their rebuild ends: that continues in the background.
   */
  public Future<Void> startUp() {
    return state
        .isLoaded()
        .compose(
            loaded -> {
              if (!loaded) {
                log.info(
                    "signing: Redis holds no signing state (no marker key); rebuilding it from"
                        + " PostgreSQL");
                return startRebuild(List.of(), "start-up")
                    .map(SigningJob::marked)
                    .orElseGet(Future::succeededFuture);
              }
              return state
                  .syncAll()
                  .onSuccess(
                      result ->
                          log.info(
                              "signing: state of petitions={} copied to Redis", result.mirrored()))
                  .compose(result -> rebuildWhereNeeded(result, true));
            });
  }

  /**
   * The periodic check: a missing marker starts a full rebuild (Redis lost its data since the last
   * check); otherwise every petition is mirrored, and petitions that need a rebuild, or carry a
   * rebuilding mark that no job here is working on, are rebuilt.
   */
  public Future<Void> periodicSync() {
    boolean idleBefore = running.get() == null;
    return state
        .isLoaded()
        .compose(
            loaded -> {
              if (!loaded) {
                return rebuildLostState();
              }
              return state.syncAll().compose(result -> rebuildWhereNeeded(result, idleBefore));
            });
  }

  private Future<Void> rebuildLostState() {
    SigningJob current = running.get();
    if (current != null && current.kind() == Kind.REBUILD && ALL.equals(current.scope())) {
      return Future.succeededFuture();
    }
    Optional<SigningJob> started = startRebuild(List.of(), "marker-missing");
    if (started.isPresent()) {
      log.warn(
          "signing: the marker of a loaded signing state is gone: Redis lost its data (flush,"
              + " restart without persistence, failover); rebuilding from PostgreSQL, intake"
              + " answers 503 per petition until it is rebuilt");
    } else {
      log.warn(
          "signing: Redis lost its signing state but another job runs; the rebuild starts at the"
              + " next sync");
    }
    return Future.succeededFuture();
  }

  private Future<Void> rebuildWhereNeeded(SyncResult result, boolean idleBefore) {
    Set<Long> ids = new LinkedHashSet<>(result.needRebuild());
    if (idleBefore && running.get() == null) {
      // A mark that no job of this instance is working on: a rebuild that failed or stopped.
      ids.addAll(result.markedRebuilding());
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return startRebuild(new ArrayList<>(ids), "sync")
        .map(SigningJob::marked)
        .orElseGet(Future::succeededFuture);
  }

  /**
   * Starts a rebuild of the given petitions, or of all when the list is empty; empty when another
   * job runs.
   */
  public Optional<SigningJob> startRebuild(List<Long> petitionIds, String trigger) {
    Promise<Void> marked = Promise.promise();
    String scope = petitionIds.isEmpty() ? ALL : petitionIds.toString();
    return start(
        Kind.REBUILD,
        scope,
        trigger,
        marked.future(),
        () -> {
          meters.rebuildRunning(true);
          Future<RebuildReport> report =
              petitionIds.isEmpty() ? rebuild.all(marked) : rebuild.petitions(petitionIds, marked);
          return report
              .onComplete(done -> meters.rebuildRunning(false))
              .onSuccess(
                  r -> {
                    meters.rebuildFinished(r.signersRestored());
                    log.info(
                        "signing: rebuild finished scope={} trigger={} petitions={}"
                            + " signersRestored={} durationMs={}",
                        scope,
                        trigger,
                        r.petitionsRebuilt(),
                        r.signersRestored(),
                        r.durationMs());
                  })
              .map(r -> r);
        });
  }

  /** Starts a reconciliation; empty when another job runs. */
  public Optional<SigningJob> startReconcile(String trigger) {
    return start(
        Kind.RECONCILE,
        ALL,
        trigger,
        Future.succeededFuture(),
        () ->
            reconciliation
                .run()
                .onSuccess(
                    r ->
                        meters.reconciled(
                            r.petitionsRepaired(),
                            r.driftSignatures(),
                            r.finishedAt().toEpochMilli()))
                .map(r -> r));
  }

  private Optional<SigningJob> start(
      Kind kind,
      String scope,
      String trigger,
      Future<Void> marked,
      Supplier<Future<SigningJob.Report>> work) {
    Promise<SigningJob.Report> done = Promise.promise();
    SigningJob job =
        new SigningJob(
            jobIds.incrementAndGet(), kind, scope, trigger, Instant.now(), marked, done.future());
    if (!running.compareAndSet(null, job)) {
      return Optional.empty();
    }
    // A reconciliation logs one INFO line when it ends; a rebuild also says when it starts.
    if (kind == Kind.REBUILD) {
      log.info("signing: rebuild started job={} scope={} trigger={}", job.id(), scope, trigger);
    } else {
      log.debug("signing: reconcile started job={} trigger={}", job.id(), trigger);
    }
    (kind == Kind.REBUILD ? lastRebuild : lastReconcile).set(job);
    Future<SigningJob.Report> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(
        outcome -> {
          running.compareAndSet(job, null);
          if (outcome.failed()) {
            log.warn(
                "signing: {} job={} scope={} failed: {}; the periodic sync retries a rebuild,"
                    + " check PostgreSQL and Redis",
                kind.name().toLowerCase(Locale.ROOT),
                job.id(),
                scope,
                outcome.cause().toString());
          }
          done.handle(outcome);
        });
    return Optional.of(job);
  }

  /** The job running now, if any. */
  public Optional<SigningJob> running() {
    return Optional.ofNullable(running.get());
  }

  /** The latest job of a kind, running or ended. */
  public Optional<SigningJob> latest(Kind kind) {
    return Optional.ofNullable((kind == Kind.REBUILD ? lastRebuild : lastReconcile).get());
  }
}

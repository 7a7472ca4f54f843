package ua.epetitions.gateway.jobs;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.petition.PetitionService;
import ua.epetitions.gateway.signing.SigningRecovery;
import ua.epetitions.gateway.store.PetitionStore.StatusChange;

/**
 * Ends the collection of petitions whose period is over: collecting ones become not supported,
 * those past their threshold await the council's answer. Safe to run in every instance: the update
 * skips rows another instance holds. Also runs the periodic signing-state sync (which rebuilds what
 * Redis lost) and, when configured, the periodic reconciliation of counts.
 */
public final class LifecycleVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(LifecycleVerticle.class);
  private static final int BATCH_SIZE = 500;
  private final PetitionService petitions;
  private final SigningRecovery recovery;
  private final long intervalMs;
  private final long syncIntervalMs;
  private final long reconcileIntervalMs;
  private long timerId = -1;
  private long syncTimerId = -1;
  private long reconcileTimerId = -1;
  // Owned by this verticle's event loop: a slow run is never overlapped by the next tick.
  private boolean running;
  private boolean syncing;

  /**
   * @param reconcileIntervalMs 0 when the periodic reconciliation is off
   */
  public LifecycleVerticle(
      PetitionService petitions,
      SigningRecovery recovery,
      long intervalMs,
      long syncIntervalMs,
      long reconcileIntervalMs) {
    this.petitions = petitions;
    this.recovery = recovery;
    this.intervalMs = intervalMs;
    this.syncIntervalMs = syncIntervalMs;
    this.reconcileIntervalMs = reconcileIntervalMs;
  }

  @Override
  public Future<?> start() {
    timerId = vertx.setPeriodic(0, intervalMs, id -> tick());
    syncTimerId = vertx.setPeriodic(syncIntervalMs, id -> syncSigningState());
    if (reconcileIntervalMs > 0) {
      reconcileTimerId = vertx.setPeriodic(reconcileIntervalMs, id -> reconcile());
    }
    return Future.succeededFuture();
  }

  private void reconcile() {
    if (recovery.startReconcile("periodic").isEmpty()) {
      log.info(
          "reconcile: skipped, another signing job runs; next attempt in {} ms",
          reconcileIntervalMs);
    }
  }

  private void syncSigningState() {
    if (syncing) {
      return;
    }
    syncing = true;
    recovery
        .periodicSync()
        .onComplete(
            result -> {
              syncing = false;
              if (result.failed()) {
                log.warn(
                    "signing: periodic state sync failed, will retry in {} ms: {}",
                    syncIntervalMs,
                    result.cause().toString());
              }
            });
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    endDueCollections()
        .onComplete(
            result -> {
              running = false;
              if (result.failed()) {
                log.warn(
                    "lifecycle: ending due collections failed, will retry in {} ms: {}",
                    intervalMs,
                    result.cause().toString());
              }
            });
  }

  /** Ends batches until a short one shows nothing more is due. */
  private Future<Void> endDueCollections() {
    return petitions
        .endDueCollections(BATCH_SIZE)
        .compose(
            changes -> {
              logChanges(changes);
              return changes.size() < BATCH_SIZE ? Future.succeededFuture() : endDueCollections();
            });
  }

  private static void logChanges(List<StatusChange> changes) {
    for (StatusChange change : changes) {
      log.info(
          "lifecycle: collection ended petitionId={} status={}",
          change.petitionId(),
          change.status().wireName());
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    vertx.cancelTimer(syncTimerId);
    vertx.cancelTimer(reconcileTimerId);
    return Future.succeededFuture();
  }
}

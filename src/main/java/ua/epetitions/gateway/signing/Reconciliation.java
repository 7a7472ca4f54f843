package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.ops.GatewayMeters.Drift;
import ua.epetitions.gateway.signing.SigningState.LiveCountCheck;
import ua.epetitions.gateway.store.SignerStore;
import ua.epetitions.gateway.store.SignerStore.PersistedCheck;
import ua.epetitions.gateway.store.SigningTermsStore;
import ua.epetitions.gateway.store.SigningTermsStore.SigningTerms;

/**
 * Compares, for each open petition, what Redis and PostgreSQL hold, and repairs the drift: signers
 * stored in PostgreSQL but missing from Redis are added, the live count becomes the number of
 * signers in Redis, the persisted count becomes the number of stored signatures, and an open
 * petition without any state in Redis is rebuilt. Petitions are checked one after another.
 *
 * <p>The live count is expected to run ahead of the persisted count by the signatures still waiting
 * in the streams; that difference is reported, not repaired.
 */
public final class Reconciliation {
  private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);
  private final SigningState state;
  private final SigningRebuild rebuild;
  private final SigningTermsStore terms;
  private final SignerStore signers;

  public Reconciliation(
      SigningState state, SigningRebuild rebuild, SigningTermsStore terms, SignerStore signers) {
    this.state = state;
    this.rebuild = rebuild;
    this.terms = terms;
    this.signers = signers;
  }

  /** Checks and repairs every open petition; logs one INFO line with the totals. */
  public Future<ReconcileReport> run() {
    long startedNs = System.nanoTime();
    Totals totals = new Totals();
    return terms
        .open()
        .compose(open -> checkEach(open, 0, totals).map(open.size()))
        .compose(
            checked ->
                state
                    .streamEntries()
                    .map(
                        streamEntries ->
                            totals.report(
                                checked,
                                streamEntries,
                                (System.nanoTime() - startedNs) / 1_000_000)))
        .onSuccess(Reconciliation::logTotals);
  }

  private Future<Void> checkEach(List<SigningTerms> open, int index, Totals totals) {
    if (index >= open.size()) {
      return Future.succeededFuture();
    }
    return check(open.get(index), totals).compose(v -> checkEach(open, index + 1, totals));
  }

  /**
   * Refills the petition's missing signers first, so that the live count is then compared with
   * every signer, and is never lowered for a moment because of a signer that was missing.
   */
  private Future<Void> check(SigningTerms petition, Totals totals) {
    long id = petition.petitionId();
    PetitionDrift drift = new PetitionDrift(id);
    return state
        .refillSigners(id)
        .compose(
            added -> {
              drift.missingSigners = added;
              return state.repairLiveCount(id);
            })
        .compose(
            live ->
                switch (live.outcome()) {
                  case REBUILDING -> {
                    totals.skipped++;
                    yield Future.<Boolean>succeededFuture(false);
                  }
                  case MISSING ->
                      rebuild
                          .one(petition)
                          .map(
                              restored -> {
                                drift.missingState = true;
                                drift.missingSigners += restored;
                                return true;
                              });
                  case OK, REPAIRED -> {
                    drift.liveCount(live);
                    yield Future.succeededFuture(true);
                  }
                })
        .compose(checked -> checked ? persisted(drift, totals) : Future.succeededFuture());
  }

  private Future<Void> persisted(PetitionDrift drift, Totals totals) {
    return signers
        .repairPersistedCount(drift.petitionId)
        .compose(
            persisted ->
                state
                    .repairLiveCount(drift.petitionId)
                    .map(
                        live -> {
                          drift.liveCount(live);
                          drift.persisted = persisted;
                          totals.add(drift, live.signers(), persisted.storedRows());
                          return null;
                        }));
  }

  private static void logTotals(ReconcileReport report) {
    log.info(
        "reconcile: run finished petitions={} skipped={} liveCountDrift={} missingSigners={}"
            + " persistedCountDrift={} missingState={} liveCountTotal={} persistedCountTotal={}"
            + " streamEntries={} durationMs={}",
        report.petitionsChecked(),
        report.petitionsSkipped(),
        report.driftSignatures().get(Drift.LIVE_COUNT),
        report.driftSignatures().get(Drift.MISSING_SIGNERS),
        report.driftSignatures().get(Drift.PERSISTED_COUNT),
        report.petitionsRepaired().get(Drift.MISSING_STATE),
        report.liveCountTotal(),
        report.persistedCountTotal(),
        report.streamEntries(),
        report.durationMs());
  }

  /** What one petition's check found; filled on one event loop, in sequence. */
  private static final class PetitionDrift {
    private final long petitionId;
    private long liveCountFound = -1;
    private long liveCountNow = -1;
    private long liveCountDrift;
    private long missingSigners;
    private boolean missingState;
    private PersistedCheck persisted;

    PetitionDrift(long petitionId) {
      this.petitionId = petitionId;
    }

    /**
     * Keeps the first live count found (-1 when the state was missing) and the latest one; a repair
     * makes the drift.
     */
    void liveCount(LiveCountCheck check) {
      if (liveCountFound < 0) {
        liveCountFound = check.countBefore();
      }
      liveCountNow = check.signers();
      if (check.outcome() == LiveCountCheck.Outcome.REPAIRED) {
        liveCountDrift = Math.abs(liveCountNow - liveCountFound);
      }
    }

    boolean any() {
      return liveCountDrift > 0 || missingSigners > 0 || missingState || persisted.drifted();
    }

    void logRepair() {
      log.warn(
          "reconcile: repaired petitionId={} missingState={} missingSigners={} liveCount={}->{}"
              + " persistedCount={}->{}; check Redis persistence and failovers if this recurs",
          petitionId,
          missingState,
          missingSigners,
          liveCountFound,
          liveCountNow,
          persisted.persistedCount(),
          persisted.storedRows());
    }
  }

  /** Sums over petitions; written by one chain at a time. */
  private static final class Totals {
    private final Map<Drift, Long> petitions = new EnumMap<>(Drift.class);
    private final Map<Drift, Long> signatures = new EnumMap<>(Drift.class);
    private int skipped;
    private long liveCounts;
    private long persistedCounts;

    Totals() {
      for (Drift drift : Drift.values()) {
        petitions.put(drift, 0L);
        signatures.put(drift, 0L);
      }
    }

    void add(PetitionDrift drift, long liveCount, long persistedCount) {
      liveCounts += liveCount;
      persistedCounts += persistedCount;
      if (!drift.any()) {
        return;
      }
      drift.logRepair();
      if (drift.missingState) {
        count(Drift.MISSING_STATE, drift.missingSigners);
      } else if (drift.missingSigners > 0) {
        count(Drift.MISSING_SIGNERS, drift.missingSigners);
      }
      if (drift.liveCountDrift > 0) {
        count(Drift.LIVE_COUNT, drift.liveCountDrift);
      }
      if (drift.persisted.drifted()) {
        count(
            Drift.PERSISTED_COUNT,
            Math.abs(drift.persisted.storedRows() - drift.persisted.persistedCount()));
      }
    }

    private void count(Drift drift, long size) {
      petitions.merge(drift, 1L, Long::sum);
      signatures.merge(drift, size, Long::sum);
    }

    ReconcileReport report(int checked, long streamEntries, long durationMs) {
      return new ReconcileReport(
          checked,
          skipped,
          Map.copyOf(petitions),
          Map.copyOf(signatures),
          liveCounts,
          persistedCounts,
          streamEntries,
          durationMs,
          Instant.now());
    }
  }
}

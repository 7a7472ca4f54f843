package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.store.SettingsStore;
import ua.epetitions.gateway.store.SigningTermsStore;
import ua.epetitions.gateway.store.SigningTermsStore.SigningTerms;

/**
 * Rebuilds the signing state of open petitions from PostgreSQL after Redis lost it: marks them as
 * rebuilding (intake answers 503), refills each one's signers, then sets its live count to the
 * number of signers and opens intake again. Petitions that take no signatures are only mirrored.
 * Idempotent: a signer already in Redis (perhaps still waiting in a stream) keeps its receipt, so
 * two instances rebuilding at once, or a rebuild of a healthy petition, change nothing but cause a
 * moment of 503.
 */
public final class SigningRebuild {
  private static final Logger log = LoggerFactory.getLogger(SigningRebuild.class);
  private final SigningState state;
  private final SigningTermsStore terms;
  private final SettingsStore settings;

  public SigningRebuild(SigningState state, SigningTermsStore terms, SettingsStore settings) {
    this.state = state;
    this.terms = terms;
    this.settings = settings;
  }

  /**
   * Rebuilds every open petition (and mirrors the recently changed ones and the gateway pause),
   * then writes the marker that says Redis holds a complete state.
   */
  public Future<RebuildReport> all(Promise<Void> marked) {
    long startedNs = System.nanoTime();
    return settings
        .isSigningPaused()
        .compose(state::gatewayPaused)
        .compose(v -> terms.openOrRecentlyChanged())
        .compose(found -> rebuild(found, marked, startedNs))
        .compose(report -> state.markLoaded().map(report))
        .onFailure(marked::tryFail);
  }

  /** Rebuilds the given petitions (those that exist). */
  public Future<RebuildReport> petitions(List<Long> petitionIds, Promise<Void> marked) {
    long startedNs = System.nanoTime();
    return terms
        .ofPetitions(petitionIds)
        .compose(found -> rebuild(found, marked, startedNs))
        .onFailure(marked::tryFail);
  }

  private Future<RebuildReport> rebuild(
      List<SigningTerms> found, Promise<Void> marked, long startedNs) {
    List<SigningTerms> open = found.stream().filter(SigningTerms::isOpen).toList();
    List<SigningTerms> closed = found.stream().filter(t -> !t.isOpen()).toList();
    log.info("signing: rebuild marking open petitions={} as rebuilding", open.size());
    return state
        .markRebuilding(open)
        .onSuccess(marked::tryComplete)
        .compose(v -> state.write(closed))
        .compose(v -> refillEach(open, 0, 0L))
        .map(
            restored ->
                new RebuildReport(
                    open.size(),
                    closed.size(),
                    restored,
                    (System.nanoTime() - startedNs) / 1_000_000,
                    Instant.now()));
  }

  /** Marks and rebuilds one open petition; answers the signers restored. */
  Future<Long> one(SigningTerms open) {
    return state.markRebuilding(List.of(open)).compose(v -> petition(open.petitionId()));
  }

  /** One petition after another, so that a rebuild holds one page of signers at a time. */
  private Future<Long> refillEach(List<SigningTerms> open, int index, long restoredSoFar) {
    if (index >= open.size()) {
      return Future.succeededFuture(restoredSoFar);
    }
    return petition(open.get(index).petitionId())
        .compose(restored -> refillEach(open, index + 1, restoredSoFar + restored));
  }

  /**
   * Refills one marked petition's signers and ends its rebuild; answers the signers restored. Fails
   * when the petition's state vanished meanwhile: Redis lost data again, and the whole state needs
   * another rebuild.
   */
  Future<Long> petition(long petitionId) {
    return state
        .refillSigners(petitionId)
        .compose(
            restored ->
                state
                    .finishRebuild(petitionId)
                    .compose(
                        liveCount -> {
                          if (liveCount < 0) {
                            return Future.failedFuture(
                                new IllegalStateException(
                                    "the signing state of petition "
                                        + petitionId
                                        + " vanished during its rebuild; Redis lost data again?"
                                        + " The periodic sync starts another rebuild"));
                          }
                          if (restored > 0) {
                            log.info(
                                "signing: rebuilt petitionId={} signersRestored={} liveCount={}",
                                petitionId,
                                restored,
                                liveCount);
                          }
                          return Future.succeededFuture(restored);
                        }));
  }
}

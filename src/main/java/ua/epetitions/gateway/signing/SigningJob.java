package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * A rebuild or a reconciliation of the signing state, run in the background; a gateway instance
 * runs one at a time.
 *
 * @param id sequence number within this instance
 * @param scope "all" or the petition ids it covers
 * @param trigger what started it: start-up, request, marker-missing, sync, periodic
 * @param marked for a rebuild, completes once the petitions are marked (intake answers 503 for
 *     them); for a reconciliation, completes at once
 * @param done completes with the report when the job ends
 */
public record SigningJob(
    long id,
    Kind kind,
    String scope,
    String trigger,
    Instant startedAt,
    Future<Void> marked,
    Future<Report> done) {

  /** Rebuild of signers and live counts from PostgreSQL, or reconciliation of counts. */
  public enum Kind {
    REBUILD,
    RECONCILE
  }

  /** What a finished job did. */
  public sealed interface Report permits RebuildReport, ReconcileReport {
    Instant finishedAt();
  }

  /** The report when the job has ended, successfully or not. */
  public Optional<Report> report() {
    return done.succeeded() ? Optional.of(done.result()) : Optional.empty();
  }

  /** The failure when the job ended in one. */
  public Optional<Throwable> failure() {
    return done.failed() ? Optional.of(done.cause()) : Optional.empty();
  }
}

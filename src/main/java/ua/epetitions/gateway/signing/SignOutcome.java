package ua.epetitions.gateway.signing;

/** What became of one signature. */
public sealed interface SignOutcome {
  /** Durably in Redis: the receipt and the live count after it. */
  record Accepted(long petitionId, String receipt, long count) implements SignOutcome {}

  /** The signer had signed before; the receipt of that first signature. */
  record Duplicate(long petitionId, String receipt) implements SignOutcome {}

  /** No such petition. */
  record NotFound(long petitionId) implements SignOutcome {}

  /** The petition takes no signatures in this status (or its period is over). */
  record NotCollecting(long petitionId, String status) implements SignOutcome {}

  /** The community or the whole gateway has paused signing. */
  record Paused(long petitionId) implements SignOutcome {}

  /** The community takes signatures from its residents only. */
  record NotEligible(long petitionId) implements SignOutcome {}

  /** Nothing was acknowledged: a limit was reached or Redis could not take the signature. */
  record Overloaded(long petitionId, String reason) implements SignOutcome {}
}

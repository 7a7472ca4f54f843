package ua.epetitions.gateway.petition;

import io.vertx.core.Future;

/**
 * Keeps the signing path's copy of petition state (in Redis) in step with PostgreSQL. Called after
 * each committed change; a failed call is repaired by the periodic full synchronisation.
 */
public interface PetitionMirror {
  /** Copies one petition's current terms. */
  Future<Void> petitionChanged(long petitionId);

  /** Copies the terms of a community's open petitions (its pause switch or rules changed). */
  Future<Void> communityChanged(int communityId);

  /** Sets or clears the gateway-wide pause. */
  Future<Void> gatewayPaused(boolean paused);
}

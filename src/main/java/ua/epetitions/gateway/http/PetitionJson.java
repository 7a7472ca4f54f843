package ua.epetitions.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.petition.PetitionService;
import ua.epetitions.gateway.signing.SigningState;
import ua.epetitions.gateway.signing.SigningState.LiveState;

/**
 * The full petition representation: its community's time zone, and the live count from Redis (the
 * persisted count when Redis has none or does not answer).
 */
final class PetitionJson {
  private final PetitionService petitions;
  private final SigningState signingState;
  private final int answerWorkingDays;

  PetitionJson(PetitionService petitions, SigningState signingState, int answerWorkingDays) {
    this.petitions = petitions;
    this.signingState = signingState;
    this.answerWorkingDays = answerWorkingDays;
  }

  Future<JsonObject> of(Petition petition) {
    Future<Long> live =
        signingState
            .live(petition.id())
            .map(state -> state.map(LiveState::count).orElse((long) petition.persistedCount()))
            .otherwise((long) petition.persistedCount());
    return petitions
        .community(petition.communitySlug())
        .compose(
            community ->
                live.map(
                    count ->
                        Representations.petition(
                            petition,
                            Math.max(count, petition.persistedCount()),
                            answerWorkingDays,
                            ZoneId.of(community.rules().timeZone()))));
  }
}

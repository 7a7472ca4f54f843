package ua.epetitions.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.petition.PetitionService;

/** The full petition representation, which needs its community's time zone. */
final class PetitionJson {
  private final PetitionService petitions;
  private final int answerWorkingDays;

  PetitionJson(PetitionService petitions, int answerWorkingDays) {
    this.petitions = petitions;
    this.answerWorkingDays = answerWorkingDays;
  }

  Future<JsonObject> of(Petition petition) {
    return petitions
        .community(petition.communitySlug())
        .map(
            community ->
                Representations.petition(
                    petition,
                    petition.persistedCount(),
                    answerWorkingDays,
                    ZoneId.of(community.rules().timeZone())));
  }
}

package ua.epetitions.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.signing.LiveCounts;
import ua.epetitions.gateway.signing.LiveCounts.LiveState;

/**
 * The full petition representation: its community's time zone, and the live count from Redis (the
 * persisted count when Redis has none or does not answer).
 */
final class PetitionJson {
  private final LiveCounts liveCounts;
  private final int answerWorkingDays;

  PetitionJson(LiveCounts liveCounts, int answerWorkingDays) {
    this.liveCounts = liveCounts;
    this.answerWorkingDays = answerWorkingDays;
  }

  Future<JsonObject> of(Petition petition) {
    Future<Long> live =
        liveCounts
            .of(petition.id())
            .map(state -> state.map(LiveState::count).orElse((long) petition.persistedCount()))
            .otherwise((long) petition.persistedCount());
    return live.map(
        count ->
            Representations.petition(
                petition,
                Math.max(count, petition.persistedCount()),
                answerWorkingDays,
                ZoneId.of(petition.communityTimeZone())));
  }
}

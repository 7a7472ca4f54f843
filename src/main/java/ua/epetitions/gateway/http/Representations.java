package ua.epetitions.gateway.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import ua.epetitions.gateway.petition.CollectionPeriod;
import ua.epetitions.gateway.petition.Community;
import ua.epetitions.gateway.petition.CommunityRules;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.store.PetitionStore.SignerEntry;
import ua.epetitions.gateway.store.StatsStore.Stats;

/** The JSON shapes of the contract: camelCase members, ISO-8601 UTC times. */
final class Representations {
  private Representations() {}

  static JsonObject community(Community community) {
    CommunityRules rules = community.rules();
    return new JsonObject()
        .put("slug", community.slug())
        .put("name", rules.name())
        .put("region", rules.region())
        .put(
            "rules",
            new JsonObject()
                .put("signatureThreshold", rules.signatureThreshold())
                .put("collectionDays", rules.collectionDays())
                .put("residencyRequired", rules.residencyRequired())
                .put("territoryCode", rules.territoryCode())
                .put("timeZone", rules.timeZone())
                .put("signingPaused", community.signingPaused()));
  }

  /** The full petition; {@code liveCount} is the count shown to the public. */
  static JsonObject petition(Petition p, long liveCount, int answerWorkingDays, ZoneId zone) {
    return petitionSummary(p, liveCount)
        .put("text", p.text())
        .put("createdAt", time(p.createdAt()))
        .put("answerDueAt", answerDueAt(p, answerWorkingDays, zone))
        .put("answeredAt", time(p.answeredAt()))
        .put("answer", p.answer())
        .put("rejectionReason", p.rejectionReason());
  }

  static JsonObject petitionSummary(Petition p, long liveCount) {
    return new JsonObject()
        .put("id", p.id())
        .put("community", p.communitySlug())
        .put("number", p.number())
        .put("title", p.title())
        .put("topic", p.topic().wireName())
        .put("status", p.status().wireName())
        .put("count", liveCount)
        .put("persistedCount", p.persistedCount())
        .put("threshold", p.threshold())
        .put("opensAt", time(p.openedAt()))
        .put("closesAt", time(p.closesAt()))
        .put("thresholdReachedAt", time(p.thresholdReachedAt()));
  }

  static JsonObject signer(SignerEntry signer) {
    return new JsonObject()
        .put("name", signer.displayName())
        .put("signedAt", time(signer.signedAt()));
  }

  static JsonObject page(List<JsonObject> items, String next) {
    return new JsonObject().put("items", new JsonArray(List.copyOf(items))).put("next", next);
  }

  static JsonObject stats(Stats stats) {
    JsonArray answers = new JsonArray();
    stats
        .answersByCommunity()
        .forEach(
            a ->
                answers.add(
                    new JsonObject()
                        .put("community", a.slug())
                        .put("name", a.name())
                        .put("answered", a.answered())
                        .put("awaitingAnswer", a.awaitingAnswer())));
    return new JsonObject()
        .put(
            "totals",
            new JsonObject()
                .put("petitions", stats.petitions())
                .put("signers", stats.signers())
                .put("signatures", stats.signatures())
                .put("communities", stats.communities())
                .put("regions", stats.regions()))
        .put("petitionsByTopic", counts(stats.petitionsByTopic()))
        .put("petitionsByStatus", counts(stats.petitionsByStatus()))
        .put("answersByCommunity", answers);
  }

  private static JsonObject counts(Map<String, Long> counts) {
    JsonObject json = new JsonObject();
    counts.forEach(json::put);
    return json;
  }

  private static String answerDueAt(Petition p, int answerWorkingDays, ZoneId zone) {
    if (p.thresholdReachedAt() == null || p.answeredAt() != null) {
      return null;
    }
    return time(
        CollectionPeriod.answerDueAt(p.thresholdReachedAt().toInstant(), answerWorkingDays, zone));
  }

  static String time(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}

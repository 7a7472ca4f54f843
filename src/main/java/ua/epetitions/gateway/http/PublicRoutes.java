package ua.epetitions.gateway.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import ua.epetitions.gateway.identity.Citizen;
import ua.epetitions.gateway.petition.Community;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.petition.PetitionService;
import ua.epetitions.gateway.petition.PetitionStatus;
import ua.epetitions.gateway.petition.Topic;
import ua.epetitions.gateway.store.CommunityStore;
import ua.epetitions.gateway.store.PetitionStore;
import ua.epetitions.gateway.store.PetitionStore.SignerEntry;

/** What the portal and the public read, and filing a petition. */
final class PublicRoutes {
  private static final Set<String> FILING_MEMBERS = Set.of("title", "text", "topic");
  private static final int TITLE_MIN = 10;
  private static final int TITLE_MAX = 200;
  private static final int TEXT_MIN = 50;
  private static final int TEXT_MAX = 10_000;

  private final PetitionService petitions;
  private final PetitionStore petitionStore;
  private final CommunityStore communityStore;
  private final StatsCache stats;
  private final CitizenAuth citizens;
  private final PetitionJson petitionJson;

  PublicRoutes(
      PetitionService petitions,
      PetitionStore petitionStore,
      CommunityStore communityStore,
      StatsCache stats,
      CitizenAuth citizens,
      PetitionJson petitionJson) {
    this.petitions = petitions;
    this.petitionStore = petitionStore;
    this.communityStore = communityStore;
    this.stats = stats;
    this.citizens = citizens;
    this.petitionJson = petitionJson;
  }

  void petition(RoutingContext ctx) {
    long id = Params.petitionId(ctx);
    petitions
        .find(id)
        .compose(petitionJson::of)
        .onSuccess(json -> Responses.ok(ctx, json))
        .onFailure(ctx::fail);
  }

  void signers(RoutingContext ctx) {
    long id = Params.petitionId(ctx);
    int limit = Params.limit(ctx);
    String after = Params.single(ctx, "after");
    Cursors.SignerPosition position =
        after == null ? Cursors.SignerPosition.START : Cursors.signerOf(after);
    petitions
        .find(id)
        .compose(p -> petitionStore.signers(id, position.signedAt(), position.receipt(), limit))
        .onSuccess(page -> Responses.ok(ctx, signerPage(page, limit)))
        .onFailure(ctx::fail);
  }

  void communities(RoutingContext ctx) {
    int limit = Params.limit(ctx);
    String after = Params.single(ctx, "after");
    String afterSlug = after == null ? "" : Cursors.slugOf(after);
    communityStore
        .list(afterSlug, limit)
        .onSuccess(page -> Responses.ok(ctx, communityPage(page, limit)))
        .onFailure(ctx::fail);
  }

  void community(RoutingContext ctx) {
    String slug = Params.slug(ctx);
    petitions
        .community(slug)
        .onSuccess(community -> Responses.ok(ctx, Representations.community(community)))
        .onFailure(ctx::fail);
  }

  void communityPetitions(RoutingContext ctx) {
    String slug = Params.slug(ctx);
    int limit = Params.limit(ctx);
    PetitionStatus status = statusFilter(Params.single(ctx, "status"));
    Topic topic = topicFilter(Params.single(ctx, "topic"));
    String after = Params.single(ctx, "after");
    long beforeId = after == null ? Long.MAX_VALUE : Cursors.idOf(after);
    petitions
        .community(slug)
        .compose(community -> petitionStore.list(community.id(), status, topic, beforeId, limit))
        .onSuccess(page -> Responses.ok(ctx, petitionPage(page, limit)))
        .onFailure(ctx::fail);
  }

  void filePetition(RoutingContext ctx) {
    String slug = Params.slug(ctx);
    Citizen author = citizens.citizen(ctx);
    JsonObject body = Bodies.jsonObject(ctx, FILING_MEMBERS);
    String title = Bodies.requiredText(body, "title", TITLE_MIN, TITLE_MAX);
    String text = Bodies.requiredText(body, "text", TEXT_MIN, TEXT_MAX);
    Topic topic = requiredTopic(Bodies.requiredText(body, "topic", 1, 40));
    petitions
        .file(slug, author, title, text, topic)
        .compose(petitionJson::of)
        .onSuccess(
            json -> {
              ctx.response().putHeader("Location", "/api/v1/petitions/" + json.getLong("id"));
              Responses.json(ctx, 201, json);
            })
        .onFailure(ctx::fail);
  }

  void stats(RoutingContext ctx) {
    stats
        .get()
        .onSuccess(
            json -> {
              ctx.response()
                  .putHeader("Cache-Control", "public, max-age=" + StatsCache.TTL_SECONDS);
              Responses.ok(ctx, json);
            })
        .onFailure(ctx::fail);
  }

  private static JsonObject petitionPage(List<Petition> page, int limit) {
    List<JsonObject> items =
        page.stream().map(p -> Representations.petitionSummary(p, p.persistedCount())).toList();
    String next = page.size() < limit ? null : Cursors.ofId(page.get(page.size() - 1).id());
    return Representations.page(items, next);
  }

  private static JsonObject communityPage(List<Community> page, int limit) {
    List<JsonObject> items = page.stream().map(Representations::community).toList();
    String next = page.size() < limit ? null : Cursors.ofSlug(page.get(page.size() - 1).slug());
    return Representations.page(items, next);
  }

  private static JsonObject signerPage(List<SignerEntry> page, int limit) {
    List<JsonObject> items = page.stream().map(Representations::signer).toList();
    SignerEntry last = page.isEmpty() ? null : page.get(page.size() - 1);
    String next = page.size() < limit ? null : Cursors.ofSigner(last.signedAt(), last.receipt());
    return Representations.page(items, next);
  }

  private static PetitionStatus statusFilter(String raw) {
    if (raw == null) {
      return null;
    }
    return PetitionStatus.fromWireName(raw)
        .orElseThrow(
            () ->
                Problem.invalidRequest("unknown status filter; use one of " + statusNames())
                    .exception());
  }

  private static Topic topicFilter(String raw) {
    return raw == null ? null : requiredTopic(raw);
  }

  private static Topic requiredTopic(String raw) {
    return Topic.fromWireName(raw)
        .orElseThrow(
            () ->
                Problem.invalidRequest(
                        "unknown topic; use one of " + String.join(", ", Topic.wireNames()))
                    .exception());
  }

  private static String statusNames() {
    return String.join(
        ", ",
        java.util.Arrays.stream(PetitionStatus.values()).map(PetitionStatus::wireName).toList());
  }
}

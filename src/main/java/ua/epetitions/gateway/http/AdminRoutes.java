package ua.epetitions.gateway.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.petition.CommunityRules;
import ua.epetitions.gateway.petition.NotFoundException;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.petition.PetitionMirror;
import ua.epetitions.gateway.petition.PetitionService;
import ua.epetitions.gateway.signing.SigningJob;
import ua.epetitions.gateway.signing.SigningRecovery;
import ua.epetitions.gateway.store.CommunityStore;
import ua.epetitions.gateway.store.DuplicateKeyException;
import ua.epetitions.gateway.store.SettingsStore;

/**
 * Council administration: communities, petition decisions and signing pauses; and the operators'
 * rebuild and reconciliation of the signing state.
 */
final class AdminRoutes {
  private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
  private static final Set<String> COMMUNITY_MEMBERS =
      Set.of(
          "slug",
          "name",
          "region",
          "signatureThreshold",
          "collectionDays",
          "residencyRequired",
          "territoryCode",
          "timeZone");
  private static final Set<String> REASON_MEMBERS = Set.of("reason");
  private static final Set<String> ANSWER_MEMBERS = Set.of("text");
  private static final Set<String> PAUSE_MEMBERS = Set.of("community");
  private static final Set<String> REBUILD_MEMBERS = Set.of("petitionId");
  // How long a request waits for its job before answering 202 and leaving it in the background.
  private static final long REBUILD_ANSWER_WITHIN_MS = 1_000;
  private static final long RECONCILE_ANSWER_WITHIN_MS = 10_000;
  private static final String REBUILD_PATH = "/api/v1/admin/signing/rebuild";
  private static final String RECONCILE_PATH = "/api/v1/admin/signing/reconcile";
  private static final Pattern TERRITORY_CODE = Pattern.compile("UA[0-9]{2,17}");
  private static final int MAX_THRESHOLD = 10_000_000;
  private static final int MAX_COLLECTION_DAYS = 365;
  private static final int ANSWER_MAX = 3_500;

  private final PetitionService petitions;
  private final CommunityStore communities;
  private final SettingsStore settings;
  private final PetitionMirror mirror;
  private final PetitionJson petitionJson;
  private final SigningRecovery recovery;

  AdminRoutes(
      PetitionService petitions,
      CommunityStore communities,
      SettingsStore settings,
      PetitionMirror mirror,
      PetitionJson petitionJson,
      SigningRecovery recovery) {
    this.petitions = petitions;
    this.communities = communities;
    this.settings = settings;
    this.mirror = mirror;
    this.petitionJson = petitionJson;
    this.recovery = recovery;
  }

  void createCommunity(RoutingContext ctx) {
    JsonObject body = Bodies.jsonObject(ctx, COMMUNITY_MEMBERS);
    String slug = Params.checkSlug(Bodies.requiredText(body, "slug", 1, 64), "'slug'");
    CommunityRules rules = rules(body);
    communities
        .create(slug, rules)
        .recover(
            failure ->
                failure instanceof DuplicateKeyException
                    ? Future.failedFuture(
                        Problem.conflict("community '" + slug + "' already exists").exception())
                    : Future.failedFuture(failure))
        .onSuccess(
            community -> {
              log.info("admin: community created slug={}", slug);
              ctx.response().putHeader("Location", "/api/v1/communities/" + slug);
              Responses.json(ctx, 201, Representations.community(community));
            })
        .onFailure(ctx::fail);
  }

  void updateCommunity(RoutingContext ctx) {
    String slug = Params.slug(ctx);
    JsonObject body = Bodies.jsonObject(ctx, COMMUNITY_MEMBERS);
    String bodySlug = Bodies.optionalText(body, "slug", 1, 64);
    if (bodySlug != null && !bodySlug.equals(slug)) {
      throw Problem.invalidRequest("'slug' in the body differs from the path; slugs never change")
          .exception();
    }
    CommunityRules rules = rules(body);
    communities
        .updateRules(slug, rules)
        .compose(updated -> present(updated.orElse(null), slug))
        .compose(community -> mirrored(community.id()).map(community))
        .onSuccess(
            community -> {
              log.info("admin: community rules updated slug={}", slug);
              Responses.ok(ctx, Representations.community(community));
            })
        .onFailure(ctx::fail);
  }

  void publish(RoutingContext ctx) {
    long id = Params.petitionId(ctx);
    Bodies.requireEmpty(ctx);
    answer(ctx, "published", petitions.publish(id));
  }

  void reject(RoutingContext ctx) {
    long id = Params.petitionId(ctx);
    JsonObject body = Bodies.jsonObject(ctx, REASON_MEMBERS);
    String reason = Bodies.requiredText(body, "reason", 5, 2_000);
    answer(ctx, "rejected", petitions.reject(id, reason));
  }

  void close(RoutingContext ctx) {
    long id = Params.petitionId(ctx);
    Bodies.requireEmpty(ctx);
    answer(ctx, "closed", petitions.close(id));
  }

  void answerPetition(RoutingContext ctx) {
    long id = Params.petitionId(ctx);
    JsonObject body = Bodies.jsonObject(ctx, ANSWER_MEMBERS);
    String text = Bodies.requiredText(body, "text", 10, ANSWER_MAX);
    answer(ctx, "answered", petitions.answer(id, text));
  }

  void pauseSigning(RoutingContext ctx) {
    setPaused(ctx, true);
  }

  void resumeSigning(RoutingContext ctx) {
    setPaused(ctx, false);
  }

  private void setPaused(RoutingContext ctx, boolean paused) {
    String community = pauseScope(ctx);
    Future<JsonObject> result;
    if (community == null) {
      result =
          settings
              .setSigningPaused(paused)
              .compose(v -> mirror.gatewayPaused(paused))
              .map(v -> new JsonObject().put("scope", "gateway").put("paused", paused));
    } else {
      result =
          communities
              .setSigningPaused(community, paused)
              .compose(updated -> present(updated.orElse(null), community))
              .compose(c -> mirrored(c.id()).map(c))
              .map(
                  c ->
                      new JsonObject()
                          .put("scope", "community")
                          .put("community", c.slug())
                          .put("paused", c.signingPaused()));
    }
    result
        .onSuccess(
            json -> {
              log.warn(
                  "admin: signing {} scope={} community={}",
                  paused ? "paused" : "resumed",
                  json.getString("scope"),
                  community == null ? "-" : community);
              Responses.ok(ctx, json);
            })
        .onFailure(ctx::fail);
  }

  /** Starts a rebuild of every open petition, or of {@code {"petitionId": n}}. */
  void rebuildSigningState(RoutingContext ctx) {
    Long petitionId = rebuildScope(ctx);
    Future<List<Long>> scope =
        petitionId == null
            ? Future.succeededFuture(List.of())
            : petitions.find(petitionId).map(found -> List.of(petitionId));
    scope
        .compose(ids -> started(recovery.startRebuild(ids, "request")))
        .compose(job -> answerJob(ctx, job, REBUILD_PATH, REBUILD_ANSWER_WITHIN_MS))
        .onFailure(ctx::fail);
  }

  void reconcileSigningState(RoutingContext ctx) {
    Bodies.requireEmpty(ctx);
    started(recovery.startReconcile("request"))
        .compose(job -> answerJob(ctx, job, RECONCILE_PATH, RECONCILE_ANSWER_WITHIN_MS))
        .onFailure(ctx::fail);
  }

  void latestRebuild(RoutingContext ctx) {
    latestJob(ctx, SigningJob.Kind.REBUILD);
  }

  void latestReconcile(RoutingContext ctx) {
    latestJob(ctx, SigningJob.Kind.RECONCILE);
  }

  private void latestJob(RoutingContext ctx, SigningJob.Kind kind) {
    SigningJob job =
        recovery
            .latest(kind)
            .orElseThrow(
                () ->
                    Problem.notFound(
                            "no "
                                + kind.name().toLowerCase(Locale.ROOT)
                                + " has run in this gateway instance since it started; jobs"
                                + " are kept per instance")
                        .exception());
    Responses.ok(ctx, SigningJobJson.of(job));
  }

  private static Long rebuildScope(RoutingContext ctx) {
    var body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return null;
    }
    Object raw = Bodies.jsonObject(ctx, REBUILD_MEMBERS).getValue("petitionId");
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Integer || raw instanceof Long) || ((Number) raw).longValue() < 1) {
      throw Problem.invalidRequest("'petitionId' must be a positive whole number").exception();
    }
    return ((Number) raw).longValue();
  }

  private Future<SigningJob> started(Optional<SigningJob> job) {
    if (job.isPresent()) {
      return Future.succeededFuture(job.get());
    }
    SigningJob running = recovery.running().orElse(null);
    String what =
        running == null
            ? "another signing job"
            : "a " + SigningJobJson.kind(running) + " (job " + running.id() + ")";
    Problem busy =
        Problem.of(
            "signing-job-running",
            "A signing job is already running",
            409,
            what
                + " is running in this instance; one runs at a time: wait for it (GET "
                + REBUILD_PATH
                + " or "
                + RECONCILE_PATH
                + ") and retry");
    return Future.failedFuture(
        (running == null ? busy : busy.with("runningJob", SigningJobJson.of(running))).exception());
  }

  /**
   * Answers 200 with the report when the job ends within {@code withinMs}, 202 while it runs on
   * (its progress at {@code statusPath}), or 503 when it failed.
   */
  private static Future<Void> answerJob(
      RoutingContext ctx, SigningJob job, String statusPath, long withinMs) {
    return settledWithin(ctx, job.done(), withinMs)
        .compose(
            settled -> {
              if (job.done().succeeded()) {
                Responses.ok(ctx, SigningJobJson.of(job));
                return Future.succeededFuture();
              }
              if (job.done().failed()) {
                return Future.failedFuture(
                    Problem.unavailable(
                            "the "
                                + SigningJobJson.kind(job)
                                + " failed: "
                                + job.done().cause().getMessage()
                                + "; check PostgreSQL and Redis, then retry")
                        .exception());
              }
              ctx.response().putHeader("Location", statusPath);
              Responses.json(ctx, 202, SigningJobJson.of(job));
              return Future.succeededFuture();
            });
  }

  /**
   * Completes on the request's event loop when {@code work} ends or {@code withinMs} passed,
   * whichever comes first; never fails.
   */
  private static Future<Void> settledWithin(RoutingContext ctx, Future<?> work, long withinMs) {
    Context here = ctx.vertx().getOrCreateContext();
    Promise<Void> settled = Promise.promise();
    long timerId = ctx.vertx().setTimer(withinMs, id -> settled.tryComplete());
    work.onComplete(
        ended ->
            here.runOnContext(
                v -> {
                  ctx.vertx().cancelTimer(timerId);
                  settled.tryComplete();
                }));
    return settled.future();
  }

  private static String pauseScope(RoutingContext ctx) {
    var body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return null;
    }
    JsonObject json = Bodies.jsonObject(ctx, PAUSE_MEMBERS);
    String community = Bodies.optionalText(json, "community", 1, 64);
    return community == null ? null : Params.checkSlug(community, "'community'");
  }

  private void answer(RoutingContext ctx, String action, Future<Petition> change) {
    change
        .compose(petitionJson::of)
        .onSuccess(
            json -> {
              log.info("admin: petition {} id={}", action, json.getLong("id"));
              Responses.ok(ctx, json);
            })
        .onFailure(ctx::fail);
  }

  /**
   * Copies a community's change to the signing path. A pause must reach Redis to take effect, so a
   * failure here is the administrator's to retry (PostgreSQL already holds the change, and the
   * periodic sync would also apply it).
   */
  private Future<Void> mirrored(int communityId) {
    return mirror
        .communityChanged(communityId)
        .recover(
            failure ->
                Future.failedFuture(
                    Problem.unavailable(
                            "the change is saved but Redis did not take it yet; retry the call"
                                + " (the periodic sync applies it too)")
                        .exception()));
  }

  private static <T> Future<T> present(T value, String slug) {
    return value != null
        ? Future.succeededFuture(value)
        : Future.failedFuture(new NotFoundException(NotFoundException.Kind.COMMUNITY, slug));
  }

  private static CommunityRules rules(JsonObject body) {
    String name = Bodies.requiredText(body, "name", 1, 200);
    String region = Bodies.requiredText(body, "region", 1, 100);
    int threshold = Bodies.requiredInt(body, "signatureThreshold", 1, MAX_THRESHOLD);
    int days = Bodies.requiredInt(body, "collectionDays", 1, MAX_COLLECTION_DAYS);
    boolean residency = Bodies.requiredBoolean(body, "residencyRequired");
    String territory = Bodies.optionalText(body, "territoryCode", 4, 19);
    if (territory != null && !TERRITORY_CODE.matcher(territory).matches()) {
      throw Problem.invalidRequest("'territoryCode' must be UA followed by 2 to 17 digits")
          .exception();
    }
    if (residency && territory == null) {
      throw Problem.invalidRequest("'territoryCode' is required when residency is required")
          .exception();
    }
    String zone = Bodies.requiredText(body, "timeZone", 1, 64);
    if (!ZoneId.getAvailableZoneIds().contains(zone)) {
      throw Problem.invalidRequest("'timeZone' must be an IANA zone such as Europe/Kyiv")
          .exception();
    }
    return new CommunityRules(name, region, threshold, days, residency, territory, zone);
  }
}

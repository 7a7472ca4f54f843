package ua.epetitions.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import ua.epetitions.gateway.identity.Citizen;
import ua.epetitions.gateway.ops.GatewayMeters;
import ua.epetitions.gateway.ops.GatewayMeters.Outcome;
import ua.epetitions.gateway.ops.HotPetitions;
import ua.epetitions.gateway.petition.PetitionService;
import ua.epetitions.gateway.signing.LiveCounts;
import ua.epetitions.gateway.signing.SignOutcome;
import ua.epetitions.gateway.signing.SignatureIntake;

/** Signing a petition and reading its live count: the hot paths of a viral petition. */
final class SigningRoutes {
  private static final Set<String> SIGNING_MEMBERS = Set.of("consent");
  private static final String COUNT_CACHE_CONTROL = "public, max-age=1";

  private final SignatureIntake intake;
  private final LiveCounts liveCounts;
  private final PetitionService petitions;
  private final CitizenAuth citizens;
  private final int retryAfterSeconds;
  private final GatewayMeters meters;
  private final HotPetitions hotPetitions;
  private final AbuseLimits limits;

  SigningRoutes(
      SignatureIntake intake,
      LiveCounts liveCounts,
      PetitionService petitions,
      CitizenAuth citizens,
      int retryAfterSeconds,
      GatewayMeters meters,
      HotPetitions hotPetitions,
      AbuseLimits limits) {
    this.intake = intake;
    this.liveCounts = liveCounts;
    this.petitions = petitions;
    this.citizens = citizens;
    this.retryAfterSeconds = retryAfterSeconds;
    this.meters = meters;
    this.hotPetitions = hotPetitions;
    this.limits = limits;
  }

  void sign(RoutingContext ctx) {
    long startedNs = System.nanoTime();
    long petitionId;
    Citizen citizen;
    try {
      petitionId = Params.petitionId(ctx);
      citizen = citizens.citizen(ctx);
      JsonObject body = Bodies.jsonObject(ctx, SIGNING_MEMBERS);
      if (!Boolean.TRUE.equals(body.getValue("consent"))) {
        throw Problem.invalidRequest(
                "'consent' must be true: signing publishes the signer's name with the petition")
            .exception();
      }
      limits.requireSigningAttempt(ctx, citizen.signerKey());
    } catch (ProblemException refused) {
      measure(refusalOutcome(refused.problem().status()), startedNs);
      throw refused;
    }
    intake
        .sign(petitionId, citizen)
        .onSuccess(
            outcome -> {
              measure(outcomeOf(outcome), startedNs);
              if (outcome instanceof SignOutcome.Accepted) {
                hotPetitions.accepted(petitionId);
              }
              answer(ctx, outcome);
            });
  }

  private void measure(Outcome outcome, long startedNs) {
    meters.signature(outcome);
    meters.intakeLatency().record(System.nanoTime() - startedNs, TimeUnit.NANOSECONDS);
  }

  private static Outcome refusalOutcome(int status) {
    if (status == 401) {
      return Outcome.INVALID_TOKEN;
    }
    return status == 429 ? Outcome.RATE_LIMITED : Outcome.INVALID_REQUEST;
  }

  private static Outcome outcomeOf(SignOutcome outcome) {
    if (outcome instanceof SignOutcome.Accepted) {
      return Outcome.ACCEPTED;
    }
    if (outcome instanceof SignOutcome.Duplicate) {
      return Outcome.DUPLICATE;
    }
    if (outcome instanceof SignOutcome.NotFound) {
      return Outcome.NOT_FOUND;
    }
    if (outcome instanceof SignOutcome.NotCollecting) {
      return Outcome.NOT_COLLECTING;
    }
    if (outcome instanceof SignOutcome.Paused) {
      return Outcome.PAUSED;
    }
    if (outcome instanceof SignOutcome.NotEligible) {
      return Outcome.NOT_ELIGIBLE;
    }
    return Outcome.OVERLOADED;
  }

  /**
   * The live count from Redis. When Redis does not answer in time the reader gets 503 with
   * Retry-After, not a fallback to PostgreSQL: the readers of a viral petition would move the whole
   * load onto the database.
   */
  void count(RoutingContext ctx) {
    long petitionId = Params.petitionId(ctx);
    liveCounts
        .of(petitionId)
        .recover(
            failure ->
                Future.failedFuture(
                    Problem.unavailable("the live count is not available now; retry shortly")
                        .exception()))
        .compose(
            live ->
                live.isPresent()
                    ? Future.succeededFuture(
                        countJson(
                            petitionId,
                            live.get().count(),
                            live.get().threshold(),
                            live.get().status()))
                    : petitions
                        .find(petitionId)
                        .map(
                            p ->
                                countJson(
                                    petitionId,
                                    p.persistedCount(),
                                    p.threshold(),
                                    p.status().wireName())))
        .onSuccess(
            json -> {
              ctx.response().putHeader("Cache-Control", COUNT_CACHE_CONTROL);
              Responses.ok(ctx, json);
            })
        .onFailure(
            failure -> {
              if (failure instanceof ProblemException problem
                  && problem.problem().status() == 503) {
                ctx.response().putHeader("Retry-After", Integer.toString(retryAfterSeconds));
              }
              ctx.fail(failure);
            });
  }

  private void answer(RoutingContext ctx, SignOutcome outcome) {
    if (outcome instanceof SignOutcome.Accepted accepted) {
      Responses.json(
          ctx,
          202,
          new JsonObject()
              .put("petitionId", accepted.petitionId())
              .put("receipt", accepted.receipt())
              .put("count", accepted.count())
              .put("status", "accepted"));
      return;
    }
    if (outcome instanceof SignOutcome.Overloaded) {
      ctx.response().putHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }
    FailureHandler.send(ctx, problem(outcome));
  }

  private static Problem problem(SignOutcome outcome) {
    if (outcome instanceof SignOutcome.Duplicate duplicate) {
      return Problem.of(
              "already-signed",
              "The citizen has already signed this petition",
              409,
              "one signature per person per petition; the receipt is of the first")
          .with("petitionId", duplicate.petitionId())
          .with("receipt", duplicate.receipt());
    }
    if (outcome instanceof SignOutcome.NotFound notFound) {
      return Problem.petitionNotFound(notFound.petitionId());
    }
    if (outcome instanceof SignOutcome.NotCollecting closed) {
      return Problem.petitionNotCollecting(closed.petitionId(), closed.status());
    }
    if (outcome instanceof SignOutcome.Paused paused) {
      return Problem.of(
              "signing-paused",
              "Signing is paused",
              423,
              "the council or the operators paused signing; try again later")
          .with("petitionId", paused.petitionId());
    }
    if (outcome instanceof SignOutcome.NotEligible notEligible) {
      return Problem.notEligible(
              "this community takes signatures from its registered residents only")
          .with("petitionId", notEligible.petitionId());
    }
    SignOutcome.Overloaded overloaded = (SignOutcome.Overloaded) outcome;
    return Problem.of(
            "overloaded",
            "The gateway cannot take the signature now",
            503,
            overloaded.reason() + "; the signature was not acknowledged: retry after Retry-After")
        .with("petitionId", overloaded.petitionId());
  }

  private static JsonObject countJson(
      long petitionId, long count, Integer threshold, String status) {
    return new JsonObject()
        .put("petitionId", petitionId)
        .put("count", count)
        .put("threshold", threshold)
        .put("status", status);
  }
}

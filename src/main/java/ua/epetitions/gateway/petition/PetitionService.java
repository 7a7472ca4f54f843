package ua.epetitions.gateway.petition;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import ua.epetitions.gateway.identity.Citizen;
import ua.epetitions.gateway.store.CommunityStore;
import ua.epetitions.gateway.store.PetitionStore;
import ua.epetitions.gateway.store.PetitionStore.StatusChange;

/**
 * What citizens and councils do with petitions, checked against the lifecycle. Every method returns
 * a future and never throws: failures are {@link NotFoundException}, {@link
 * TransitionRefusedException}, {@link NotEligibleException} or {@link ConcurrentChangeException}.
 */
public final class PetitionService {
  private final PetitionStore petitions;
  private final CommunityStore communities;
  private final PetitionMirror mirror;
  private final Clock clock;

  public PetitionService(
      PetitionStore petitions, CommunityStore communities, PetitionMirror mirror, Clock clock) {
    this.petitions = petitions;
    this.communities = communities;
    this.mirror = mirror;
    this.clock = clock;
  }

  public Future<Petition> find(long id) {
    return petitions
        .find(id)
        .compose(found -> present(found, NotFoundException.Kind.PETITION, Long.toString(id)));
  }

  public Future<Community> community(String slug) {
    return communities
        .find(slug)
        .compose(found -> present(found, NotFoundException.Kind.COMMUNITY, slug));
  }

  /** Files a petition for moderation; a residency rule applies to authors as to signers. */
  public Future<Petition> file(
      String communitySlug, Citizen author, String title, String text, Topic topic) {
    return community(communitySlug)
        .compose(
            community -> {
              if (!community.rules().admits(author.territory())) {
                return Future.failedFuture(
                    new NotEligibleException(
                        "community '" + communitySlug + "' accepts petitions from residents only"));
              }
              NewPetition petition = new NewPetition(title, text, topic, author.signerKey());
              return petitions.file(community.id(), petition);
            });
  }

  /** Opens collection with the threshold and period of the community's current rules. */
  public Future<Petition> publish(long id) {
    return transition(
        id,
        PetitionEvent.PUBLISH,
        (petition, next) ->
            community(petition.communitySlug())
                .compose(
                    community -> {
                      Instant now = clock.instant();
                      CommunityRules rules = community.rules();
                      OffsetDateTime closesAt =
                          CollectionPeriod.closesAt(
                              now, rules.collectionDays(), ZoneId.of(rules.timeZone()));
                      return petitions.publish(
                          id,
                          petition.status(),
                          now.atOffset(ZoneOffset.UTC),
                          closesAt,
                          rules.signatureThreshold());
                    }));
  }

  public Future<Petition> reject(long id, String reason) {
    return transition(
        id,
        PetitionEvent.REJECT,
        (petition, next) -> petitions.reject(id, petition.status(), reason));
  }

  /** Ends collection now, as the closing job does when the period is over. */
  public Future<Petition> close(long id) {
    return transition(
        id,
        PetitionEvent.END_COLLECTION,
        (petition, next) -> petitions.changeStatus(id, petition.status(), next));
  }

  public Future<Petition> answer(long id, String answer) {
    return transition(
        id,
        PetitionEvent.ANSWER,
        (petition, next) ->
            petitions.answer(
                id, petition.status(), answer, clock.instant().atOffset(ZoneOffset.UTC)));
  }

  /** Ends the collection of petitions whose closing time has passed, a batch at a time. */
  public Future<List<StatusChange>> endDueCollections(int batchSize) {
    return petitions
        .endDueCollections(clock.instant().atOffset(ZoneOffset.UTC), batchSize)
        .compose(
            changes -> {
              changes.forEach(change -> mirror.petitionChanged(change.petitionId()));
              return Future.succeededFuture(changes);
            });
  }

  private Future<Petition> transition(
      long id, PetitionEvent event, BiFunction<Petition, PetitionStatus, Future<Boolean>> apply) {
    return find(id)
        .compose(
            petition -> {
              Optional<PetitionStatus> next = PetitionLifecycle.next(petition.status(), event);
              if (next.isEmpty()) {
                return Future.failedFuture(
                    new TransitionRefusedException(id, petition.status(), event));
              }
              return apply
                  .apply(petition, next.get())
                  .compose(changed -> changed ? mirrored(id) : concurrentChange(id, event));
            });
  }

  /**
   * The changed petition, after its signing state is copied to Redis. A failed copy is logged by
   * the mirror and repaired by the periodic sync; the change itself is committed either way.
   */
  private Future<Petition> mirrored(long id) {
    return mirror.petitionChanged(id).transform(copied -> find(id));
  }

  private static Future<Petition> concurrentChange(long id, PetitionEvent event) {
    return Future.failedFuture(
        new ConcurrentChangeException(
            "petition " + id + " changed while applying " + event + "; read it and retry"));
  }

  private static <T> Future<T> present(Optional<T> value, NotFoundException.Kind kind, String key) {
    return value
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new NotFoundException(kind, key)));
  }
}

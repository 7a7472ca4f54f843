package ua.epetitions.gateway.petition;

import static ua.epetitions.gateway.petition.PetitionStatus.ANSWERED;
import static ua.epetitions.gateway.petition.PetitionStatus.AWAITING_ANSWER;
import static ua.epetitions.gateway.petition.PetitionStatus.COLLECTING;
import static ua.epetitions.gateway.petition.PetitionStatus.DRAFT;
import static ua.epetitions.gateway.petition.PetitionStatus.MODERATION;
import static ua.epetitions.gateway.petition.PetitionStatus.NOT_SUPPORTED;
import static ua.epetitions.gateway.petition.PetitionStatus.REJECTED;
import static ua.epetitions.gateway.petition.PetitionStatus.THRESHOLD_REACHED;
import static ua.epetitions.gateway.petition.PetitionStatus.WITHDRAWN;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The petition state machine, the one place that says which transitions are allowed:
 *
 * <pre>
 * draft -SUBMIT-> moderation -PUBLISH-> collecting -REACH_THRESHOLD-> threshold_reached
 * moderation -REJECT-> rejected
 * collecting -END_COLLECTION-> not_supported
 * not_supported -REACH_THRESHOLD-> awaiting_answer
 * threshold_reached -END_COLLECTION-> awaiting_answer
 * threshold_reached | awaiting_answer -ANSWER-> answered
 * draft | moderation | collecting -WITHDRAW-> withdrawn
 * </pre>
 *
 * A petition that reached its threshold keeps collecting signatures until its closing time. A
 * petition can reach its threshold after its period ended: signatures taken in time are stored by
 * the batch writer a moment later, and count.
 */
public final class PetitionLifecycle {
  private static final Map<PetitionStatus, Map<PetitionEvent, PetitionStatus>> TRANSITIONS =
      new EnumMap<>(PetitionStatus.class);

  static {
    allow(DRAFT, PetitionEvent.SUBMIT, MODERATION);
    allow(DRAFT, PetitionEvent.WITHDRAW, WITHDRAWN);
    allow(MODERATION, PetitionEvent.PUBLISH, COLLECTING);
    allow(MODERATION, PetitionEvent.REJECT, REJECTED);
    allow(MODERATION, PetitionEvent.WITHDRAW, WITHDRAWN);
    allow(COLLECTING, PetitionEvent.REACH_THRESHOLD, THRESHOLD_REACHED);
    allow(COLLECTING, PetitionEvent.END_COLLECTION, NOT_SUPPORTED);
    allow(COLLECTING, PetitionEvent.WITHDRAW, WITHDRAWN);
    allow(NOT_SUPPORTED, PetitionEvent.REACH_THRESHOLD, AWAITING_ANSWER);
    allow(THRESHOLD_REACHED, PetitionEvent.END_COLLECTION, AWAITING_ANSWER);
    allow(THRESHOLD_REACHED, PetitionEvent.ANSWER, ANSWERED);
    allow(AWAITING_ANSWER, PetitionEvent.ANSWER, ANSWERED);
  }

  private PetitionLifecycle() {}

  private static void allow(PetitionStatus from, PetitionEvent event, PetitionStatus to) {
    TRANSITIONS.computeIfAbsent(from, s -> new EnumMap<>(PetitionEvent.class)).put(event, to);
  }

  /** The status {@code event} leads to from {@code from}, or empty when it is not allowed. */
  public static Optional<PetitionStatus> next(PetitionStatus from, PetitionEvent event) {
    return Optional.ofNullable(TRANSITIONS.getOrDefault(from, Map.of()).get(event));
  }

  public static boolean allows(PetitionStatus from, PetitionEvent event) {
    return next(from, event).isPresent();
  }
}

package ua.epetitions.gateway.petition;

import java.util.Arrays;
import java.util.Optional;

/** Where a petition stands; the wire name is the stored name. */
public enum PetitionStatus {
  DRAFT("draft"),
  MODERATION("moderation"),
  COLLECTING("collecting"),
  THRESHOLD_REACHED("threshold_reached"),
  AWAITING_ANSWER("awaiting_answer"),
  ANSWERED("answered"),
  NOT_SUPPORTED("not_supported"),
  REJECTED("rejected"),
  WITHDRAWN("withdrawn");

  private final String wireName;

  PetitionStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Signatures are taken while collecting, and after the threshold until the period ends. */
  public boolean acceptsSignatures() {
    return this == COLLECTING || this == THRESHOLD_REACHED;
  }

  public static Optional<PetitionStatus> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }
}

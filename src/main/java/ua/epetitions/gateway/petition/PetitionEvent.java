package ua.epetitions.gateway.petition;

/** What can happen to a petition; {@link PetitionLifecycle} says where each leads. */
public enum PetitionEvent {
  /** The author submits a draft for moderation. */
  SUBMIT,
  /** A council administrator publishes the petition: signature collection opens. */
  PUBLISH,
  /** A council administrator refuses the petition at moderation. */
  REJECT,
  /** The persisted count reached the threshold (once, with a timestamp). */
  REACH_THRESHOLD,
  /** The collection period ended, by its closing time or an administrator's close. */
  END_COLLECTION,
  /** The council published its answer. */
  ANSWER,
  /** The author withdrew the petition. */
  WITHDRAW
}

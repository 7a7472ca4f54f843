package ua.epetitions.gateway.petition;

/** The lifecycle does not allow this event in the petition's current status. */
public final class TransitionRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long petitionId;
  private final PetitionStatus status;
  private final PetitionEvent event;

  public TransitionRefusedException(long petitionId, PetitionStatus status, PetitionEvent event) {
    super(event + " not allowed in " + status, null, false, false);
    this.petitionId = petitionId;
    this.status = status;
    this.event = event;
  }

  public long petitionId() {
    return petitionId;
  }

  public PetitionStatus status() {
    return status;
  }

  public PetitionEvent event() {
    return event;
  }
}

package ua.epetitions.gateway.petition;

/** The citizen does not live in a community that requires residency. */
public final class NotEligibleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotEligibleException(String detail) {
    super(detail, null, false, false);
  }
}

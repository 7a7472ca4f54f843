package ua.epetitions.gateway.petition;

/** Someone else changed the petition between our read and our conditional write. */
public final class ConcurrentChangeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConcurrentChangeException(String detail) {
    super(detail, null, false, false);
  }
}

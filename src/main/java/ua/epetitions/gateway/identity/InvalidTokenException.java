package ua.epetitions.gateway.identity;

/** A citizen's token was missing, malformed, forged, expired or for someone else. */
public final class InvalidTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidTokenException(String reason) {
    super(reason, null, false, false);
  }
}

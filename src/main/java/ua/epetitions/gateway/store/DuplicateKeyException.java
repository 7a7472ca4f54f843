package ua.epetitions.gateway.store;

/** An insert collided with a unique key; the constraint names which. */
public final class DuplicateKeyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DuplicateKeyException(String constraint) {
    super("duplicate key: " + constraint, null, false, false);
  }
}

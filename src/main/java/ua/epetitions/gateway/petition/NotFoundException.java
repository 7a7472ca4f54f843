package ua.epetitions.gateway.petition;

/** A petition or community named in a request does not exist. */
public final class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What was looked for. */
  public enum Kind {
    PETITION,
    COMMUNITY
  }

  private final Kind kind;
  private final String key;

  public NotFoundException(Kind kind, String key) {
    super(kind + " " + key + " not found", null, false, false);
    this.kind = kind;
    this.key = key;
  }

  public Kind kind() {
    return kind;
  }

  public String key() {
    return key;
  }
}

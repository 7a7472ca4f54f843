package ua.epetitions.gateway.store;

/** PostgreSQL error codes the stores react to. */
final class SqlStates {
  static final String UNIQUE_VIOLATION = "23505";

  private SqlStates() {}
}

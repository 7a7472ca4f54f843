package ua.epetitions.gateway.http;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database that cannot answer now (down, unreachable, restarting, overloaded, a statement
 * cancelled by its timeout) from a bug, so that the reader gets 503 with Retry-After rather than a
 * 500. Any I/O failure counts (refused, reset, closed): request handlers do no file I/O, so an
 * {@link IOException} comes from a connection to a backing service. Looks through the cause chain,
 * as the clients wrap what the network reports.
 */
final class StorageFailures {
  // SQLSTATEs: query_canceled (statement timeout), admin/crash shutdown, cannot connect now,
  // too many connections.
  private static final Set<String> UNAVAILABLE_STATES =
      Set.of("57014", "57P01", "57P02", "57P03", "53300");
  private static final String CONNECTION_EXCEPTION_CLASS = "08";
  private static final int MAX_CAUSES = 8;

  private StorageFailures() {}

  static boolean isUnavailable(Throwable failure) {
    Throwable current = failure;
    for (int depth = 0; current != null && depth < MAX_CAUSES; depth++) {
      if (current instanceof IOException
          || current instanceof ClosedConnectionException
          || current instanceof TimeoutException
          || current instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
        return true;
      }
      if (current instanceof PgException pg && isUnavailableState(pg.getSqlState())) {
        return true;
      }
      current = current.getCause();
    }
    return false;
  }

  private static boolean isUnavailableState(String sqlState) {
    return sqlState != null
        && (UNAVAILABLE_STATES.contains(sqlState)
            || sqlState.startsWith(CONNECTION_EXCEPTION_CLASS));
  }
}

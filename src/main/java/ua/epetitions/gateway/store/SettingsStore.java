package ua.epetitions.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** Gateway-wide switches, shared by every instance through PostgreSQL. */
public final class SettingsStore {
  private static final String SIGNING_PAUSED = "signing_paused";
  private static final String READ = "SELECT value FROM gateway_settings WHERE name = $1";
  private static final String WRITE =
      "INSERT INTO gateway_settings (name, value) VALUES ($1, $2)"
          + " ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = now()";

  private final Pool pool;

  public SettingsStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Boolean> isSigningPaused() {
    return pool.preparedQuery(READ)
        .execute(Tuple.of(SIGNING_PAUSED))
        .map(rows -> Rows.first(rows, row -> Boolean.parseBoolean(row.getString("value"))))
        .map(value -> value.orElse(false));
  }

  public Future<Void> setSigningPaused(boolean paused) {
    return pool.preparedQuery(WRITE)
        .execute(Tuple.of(SIGNING_PAUSED, Boolean.toString(paused)))
        .mapEmpty();
  }
}

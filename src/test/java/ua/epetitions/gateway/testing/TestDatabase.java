package ua.epetitions.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import ua.epetitions.gateway.store.Migrations;
import ua.epetitions.gateway.store.PostgresLocation;

/**
 * A fresh, migrated database of the shared test server with its own Vert.x and pool, for store
 * tests that talk to PostgreSQL without a whole gateway. Close it to close the pool and Vert.x.
 */
public final class TestDatabase implements AutoCloseable {
  private static final int STATEMENT_TIMEOUT_MS = 5000;

  private final PostgresLocation location;
  private final Vertx vertx;
  private final Pool pool;

  private TestDatabase(PostgresLocation location, Vertx vertx, Pool pool) {
    this.location = location;
    this.vertx = vertx;
    this.pool = pool;
  }

  /** A new empty database with the schema applied. */
  public static TestDatabase migrated() {
    TestDatabase database = empty();
    Migrations.migrate(database.location());
    return database;
  }

  /** A new empty database without any schema. */
  public static TestDatabase empty() {
    String url = TestServers.get().freshDatabaseUrl();
    PostgresLocation location = new PostgresLocation(url, STATEMENT_TIMEOUT_MS);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(location.connectOptions()).using(vertx).build();
    return new TestDatabase(location, vertx, pool);
  }

  public PostgresLocation location() {
    return location;
  }

  public Pool pool() {
    return pool;
  }

  /** Runs SQL and waits for its rows. */
  public RowSet<Row> sql(String sql) {
    return TestGateway.await(pool.query(sql).execute());
  }

  /** The single number a counting query answers. */
  public long count(String sql) {
    return sql(sql).iterator().next().getLong(0);
  }

  @Override
  public void close() {
    TestGateway.await(pool.close());
    TestGateway.await(vertx.close());
  }
}

package ua.epetitions.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * The signers PostgreSQL holds for a petition, read to rebuild the signing state in Redis, and the
 * petition's persisted count checked against its stored signatures.
 */
public final class SignerStore {
  private static final String PAGE =
      "SELECT signer_key, receipt FROM signatures"
          + " WHERE petition_id = $1 AND signer_key > $2"
          + " ORDER BY signer_key LIMIT $3";
  // The petition row is locked first, so that the count below sees every batch the writer
  // committed before it, and a batch still running waits to add its rows on top of the repair.
  private static final String LOCK_PETITION =
      "SELECT persisted_count FROM petitions WHERE id = $1 FOR UPDATE";
  private static final String COUNT_ROWS =
      "SELECT count(*) AS n FROM signatures WHERE petition_id = $1";
  private static final String SET_PERSISTED_COUNT =
      "UPDATE petitions SET persisted_count = $2::bigint, updated_at = now() WHERE id = $1";

  private final Pool pool;

  public SignerStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Up to {@code limit} signers of a petition whose signer key sorts after {@code afterSignerKey}
   * (the empty string for the first page), in signer-key order: keyset paging on the primary key.
   */
  public Future<List<Signer>> page(long petitionId, String afterSignerKey, int limit) {
    return pool.preparedQuery(PAGE)
        .execute(Tuple.of(petitionId, afterSignerKey, (long) limit))
        .map(
            rows ->
                Rows.map(
                    rows,
                    row -> new Signer(row.getString("signer_key"), row.getString("receipt"))));
  }

  /**
   * Compares a petition's persisted count with the signatures stored for it, and sets the count to
   * the number of rows when they differ. Empty when the petition does not exist.
   */
  public Future<PersistedCheck> repairPersistedCount(long petitionId) {
    return pool.withTransaction(connection -> repair(connection, petitionId));
  }

  private static Future<PersistedCheck> repair(SqlConnection connection, long petitionId) {
    return connection
        .preparedQuery(LOCK_PETITION)
        .execute(Tuple.of(petitionId))
        .compose(
            locked -> {
              if (locked.size() == 0) {
                return Future.succeededFuture(new PersistedCheck(petitionId, -1, -1));
              }
              long persisted = locked.iterator().next().getLong("persisted_count");
              return connection
                  .preparedQuery(COUNT_ROWS)
                  .execute(Tuple.of(petitionId))
                  .map(rows -> rows.iterator().next().getLong("n"))
                  .compose(
                      stored ->
                          stored == persisted
                              ? Future.succeededFuture(
                                  new PersistedCheck(petitionId, persisted, stored))
                              : connection
                                  .preparedQuery(SET_PERSISTED_COUNT)
                                  .execute(Tuple.of(petitionId, stored))
                                  .map(new PersistedCheck(petitionId, persisted, stored)));
            });
  }

  /** One signer as stored: the signer key and the receipt of the signature. */
  public record Signer(String signerKey, String receipt) {}

  /**
   * A petition's persisted count as found, and its stored signatures; both -1 when the petition
   * does not exist.
   */
  public record PersistedCheck(long petitionId, long persistedCount, long storedRows) {
    public boolean drifted() {
      return persistedCount != storedRows;
    }
  }
}

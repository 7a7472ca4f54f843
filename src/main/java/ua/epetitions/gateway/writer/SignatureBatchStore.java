package ua.epetitions.gateway.writer;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores a batch of signatures in one statement, hence one transaction: the rows (a repeat of a
 * stored signature changes nothing), each petition's persisted count by the rows really added, and
 * the petition's move to threshold_reached, once, when the count reaches its threshold.
 */
final class SignatureBatchStore {
  private static final String WRITE_BATCH =
      "WITH input AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[],"
          + " $4::timestamptz[], $5::text[])"
          + " AS t(petition_id, signer_key, display_name, signed_at, receipt)),"
          + " inserted AS (INSERT INTO signatures"
          + " (petition_id, signer_key, display_name, signed_at, receipt, channel)"
          + " SELECT i.petition_id, i.signer_key, i.display_name, i.signed_at, i.receipt, 'online'"
          + " FROM input i JOIN petitions p ON p.id = i.petition_id"
          + " ON CONFLICT (petition_id, signer_key) DO NOTHING RETURNING petition_id),"
          + " added AS (SELECT petition_id, count(*) AS n FROM inserted GROUP BY petition_id)"
          + " UPDATE petitions p SET persisted_count = p.persisted_count + a.n,"
          + " threshold_reached_at = CASE WHEN p.threshold_reached_at IS NULL"
          + " AND p.persisted_count + a.n >= p.threshold"
          + " AND p.status IN ('collecting', 'not_supported') THEN now()"
          + " ELSE p.threshold_reached_at END,"
          // PetitionLifecycle REACH_THRESHOLD: collecting -> threshold_reached, and
          // not_supported -> awaiting_answer when signatures taken in time are stored late.
          + " status = CASE WHEN p.threshold IS NULL OR p.persisted_count + a.n < p.threshold"
          + " THEN p.status"
          + " WHEN p.status = 'collecting' THEN 'threshold_reached'"
          + " WHEN p.status = 'not_supported' THEN 'awaiting_answer' ELSE p.status END,"
          + " updated_at = now()"
          + " FROM added a WHERE p.id = a.petition_id"
          + " RETURNING p.id, a.n AS added, (p.threshold_reached_at = now()) AS reached_now";

  private final Pool pool;

  SignatureBatchStore(Pool pool) {
    this.pool = pool;
  }

  Future<List<PetitionProgress>> write(List<SignatureRow> rows) {
    int size = rows.size();
    Long[] petitionIds = new Long[size];
    String[] signerKeys = new String[size];
    String[] names = new String[size];
    OffsetDateTime[] signedAt = new OffsetDateTime[size];
    String[] receipts = new String[size];
    for (int i = 0; i < size; i++) {
      SignatureRow row = rows.get(i);
      petitionIds[i] = row.petitionId();
      signerKeys[i] = row.signerKey();
      names[i] = row.displayName();
      signedAt[i] = row.signedAt();
      receipts[i] = row.receipt();
    }
    Tuple args =
        Tuple.tuple()
            .addArrayOfLong(petitionIds)
            .addArrayOfString(signerKeys)
            .addArrayOfString(names)
            .addArrayOfOffsetDateTime(signedAt)
            .addArrayOfString(receipts);
    return pool.preparedQuery(WRITE_BATCH)
        .execute(args)
        .map(
            result -> {
              List<PetitionProgress> progress = new ArrayList<>(result.size());
              result.forEach(
                  row ->
                      progress.add(
                          new PetitionProgress(
                              row.getLong("id"),
                              row.getLong("added"),
                              Boolean.TRUE.equals(row.getBoolean("reached_now")))));
              return progress;
            });
  }

  /** What a batch did to one petition. */
  record PetitionProgress(long petitionId, long added, boolean reachedThreshold) {}
}

package ua.epetitions.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import ua.epetitions.gateway.petition.PetitionStatus;

/**
 * What the signing path needs to know of a petition, read from PostgreSQL so that it can be
 * mirrored into Redis: status, closing time, threshold, persisted count, and its community's pause
 * switch and residency rule.
 */
public final class SigningTermsStore {
  private static final String COLUMNS =
      "SELECT p.id, p.status, p.closes_at, p.threshold, p.persisted_count, c.signing_paused,"
          + " CASE WHEN c.residency_required THEN c.territory_code END AS required_territory"
          + " FROM petitions p JOIN communities c ON c.id = p.community_id";
  private static final String ONE = COLUMNS + " WHERE p.id = $1";
  private static final String OF_COMMUNITY =
      COLUMNS
          + " WHERE p.community_id = $1"
          + " AND p.status IN ('collecting', 'threshold_reached')";
  private static final String SOME = COLUMNS + " WHERE p.id = ANY($1::bigint[])";
  private static final String OPEN =
      COLUMNS + " WHERE p.status IN ('collecting', 'threshold_reached') ORDER BY p.id";
  private static final String OPEN_OR_RECENT =
      COLUMNS
          + " WHERE p.status IN ('collecting', 'threshold_reached')"
          + " OR p.updated_at > now() - interval '1 day'";

  private final Pool pool;

  public SigningTermsStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<SigningTerms>> ofPetition(long petitionId) {
    return query(ONE, Tuple.of(petitionId));
  }

  /** The open petitions of a community. */
  public Future<List<SigningTerms>> openOfCommunity(int communityId) {
    return query(OF_COMMUNITY, Tuple.of(communityId));
  }

  /** The petitions of the given ids that exist. */
  public Future<List<SigningTerms>> ofPetitions(List<Long> petitionIds) {
    return query(SOME, Tuple.tuple().addArrayOfLong(petitionIds.toArray(new Long[0])));
  }

  /** Every petition that accepts signatures, by id. */
  public Future<List<SigningTerms>> open() {
    return query(OPEN, Tuple.tuple());
  }

  /** Every open petition, and every petition changed in the last day (closings included). */
  public Future<List<SigningTerms>> openOrRecentlyChanged() {
    return query(OPEN_OR_RECENT, Tuple.tuple());
  }

  private Future<List<SigningTerms>> query(String sql, Tuple args) {
    return pool.preparedQuery(sql)
        .execute(args)
        .map(rows -> Rows.map(rows, SigningTermsStore::toTerms));
  }

  private static SigningTerms toTerms(Row row) {
    return new SigningTerms(
        row.getLong("id"),
        row.getString("status"),
        row.getOffsetDateTime("closes_at"),
        row.getInteger("threshold"),
        row.getInteger("persisted_count"),
        row.getBoolean("signing_paused"),
        row.getString("required_territory"));
  }

  /**
   * One petition's terms.
   *
   * @param requiredTerritory the territorial code prefix signers need, null when anyone may sign
   */
  public record SigningTerms(
      long petitionId,
      String status,
      OffsetDateTime closesAt,
      Integer threshold,
      int persistedCount,
      boolean communityPaused,
      String requiredTerritory) {

    /** Whether the petition's status accepts signatures (collecting, threshold reached). */
    public boolean isOpen() {
      return PetitionStatus.fromWireName(status)
          .map(PetitionStatus::acceptsSignatures)
          .orElse(false);
    }
  }
}

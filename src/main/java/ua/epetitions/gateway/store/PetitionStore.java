package ua.epetitions.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import ua.epetitions.gateway.petition.NewPetition;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.petition.PetitionEvent;
import ua.epetitions.gateway.petition.PetitionLifecycle;
import ua.epetitions.gateway.petition.PetitionStatus;
import ua.epetitions.gateway.petition.Topic;

/**
 * Petitions in PostgreSQL. Every status change is conditional on the status it starts from, so that
 * two administrators or an administrator and the closing job cannot both apply one.
 */
public final class PetitionStore {
  private static final String COLUMNS =
      "p.id, p.community_id, c.slug AS community_slug, c.time_zone AS community_time_zone,"
          + " p.number, p.title, p.text, p.topic,"
          + " p.status, p.created_at, p.opened_at, p.closes_at, p.threshold_reached_at,"
          + " p.answered_at, p.threshold, p.persisted_count, p.answer, p.rejection_reason";

  private static final String FIND =
      "SELECT "
          + COLUMNS
          + " FROM petitions p JOIN communities c ON c.id = p.community_id"
          + " WHERE p.id = $1";
  private static final String LIST_PAGE =
      "SELECT "
          + COLUMNS
          + " FROM petitions p JOIN communities c ON c.id = p.community_id"
          + " WHERE p.community_id = $1 AND ($2::text IS NULL OR p.status = $2)"
          + " AND ($3::text IS NULL OR p.topic = $3) AND p.id < $4"
          + " ORDER BY p.id DESC LIMIT $5";
  private static final String FILE =
      "WITH numbered AS (UPDATE communities SET last_petition_number = last_petition_number + 1"
          + " WHERE id = $1 RETURNING id, last_petition_number)"
          + " INSERT INTO petitions (community_id, number, title, text, topic, author_key, status)"
          + " SELECT id, last_petition_number, $2, $3, $4, $5, $6 FROM numbered RETURNING id";
  private static final String PUBLISH =
      "UPDATE petitions SET status = $3, opened_at = $4, closes_at = $5, threshold = $6,"
          + " updated_at = now() WHERE id = $1 AND status = $2 RETURNING id";
  private static final String REJECT =
      "UPDATE petitions SET status = $3, rejection_reason = $4, updated_at = now()"
          + " WHERE id = $1 AND status = $2 RETURNING id";
  private static final String CHANGE_STATUS =
      "UPDATE petitions SET status = $3, updated_at = now() WHERE id = $1 AND status = $2"
          + " RETURNING id";
  private static final String ANSWER =
      "UPDATE petitions SET status = $3, answer = $4, answered_at = $5, updated_at = now()"
          + " WHERE id = $1 AND status = $2 RETURNING id";
  private static final String END_DUE_COLLECTIONS =
      "UPDATE petitions SET status = "
          + endCollectionCase()
          + ", updated_at = now() WHERE id IN (SELECT id FROM petitions"
          + " WHERE status IN ("
          + openStatusList()
          + ") AND closes_at <= $1 ORDER BY closes_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
          + " RETURNING id, status";
  private static final String SIGNERS_PAGE =
      "SELECT display_name, signed_at, receipt FROM signatures WHERE petition_id = $1"
          + " AND (signed_at, receipt) > ($2, $3) ORDER BY signed_at, receipt LIMIT $4";

  private final Pool pool;

  public PetitionStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<Petition>> find(long id) {
    return pool.preparedQuery(FIND)
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, PetitionStore::toPetition));
  }

  /** A community's petitions, newest first, with ids below {@code beforeId}. */
  public Future<List<Petition>> list(
      int communityId, PetitionStatus status, Topic topic, long beforeId, int limit) {
    Tuple args =
        Tuple.tuple()
            .addInteger(communityId)
            .addString(status == null ? null : status.wireName())
            .addString(topic == null ? null : topic.wireName())
            .addLong(beforeId)
            .addInteger(limit);
    return pool.preparedQuery(LIST_PAGE)
        .execute(args)
        .map(rows -> Rows.map(rows, PetitionStore::toPetition));
  }

  /** Files a petition in moderation with the community's next number; answers it. */
  public Future<Petition> file(int communityId, NewPetition petition) {
    Tuple args =
        Tuple.tuple()
            .addInteger(communityId)
            .addString(petition.title())
            .addString(petition.text())
            .addString(petition.topic().wireName())
            .addString(petition.authorKey())
            .addString(PetitionStatus.MODERATION.wireName());
    return pool.preparedQuery(FILE)
        .execute(args)
        .compose(rows -> find(rows.iterator().next().getLong("id")))
        .map(Optional::orElseThrow);
  }

  /** Opens collection; false when the petition was no longer in {@code from}. */
  public Future<Boolean> publish(
      long id,
      PetitionStatus from,
      OffsetDateTime openedAt,
      OffsetDateTime closesAt,
      int threshold) {
    Tuple args =
        Tuple.tuple()
            .addLong(id)
            .addString(from.wireName())
            .addString(PetitionStatus.COLLECTING.wireName())
            .addOffsetDateTime(openedAt)
            .addOffsetDateTime(closesAt)
            .addInteger(threshold);
    return updatedOne(PUBLISH, args);
  }

  public Future<Boolean> reject(long id, PetitionStatus from, String reason) {
    Tuple args = Tuple.of(id, from.wireName(), PetitionStatus.REJECTED.wireName(), reason);
    return updatedOne(REJECT, args);
  }

  public Future<Boolean> changeStatus(long id, PetitionStatus from, PetitionStatus to) {
    return updatedOne(CHANGE_STATUS, Tuple.of(id, from.wireName(), to.wireName()));
  }

  public Future<Boolean> answer(
      long id, PetitionStatus from, String answer, OffsetDateTime answeredAt) {
    Tuple args =
        Tuple.tuple()
            .addLong(id)
            .addString(from.wireName())
            .addString(PetitionStatus.ANSWERED.wireName())
            .addString(answer)
            .addOffsetDateTime(answeredAt);
    return updatedOne(ANSWER, args);
  }

  /** Ends the collection of at most {@code limit} petitions whose closing time has passed. */
  public Future<List<StatusChange>> endDueCollections(OffsetDateTime now, int limit) {
    return pool.preparedQuery(END_DUE_COLLECTIONS)
        .execute(Tuple.of(now, limit))
        .map(
            rows ->
                Rows.map(
                    rows,
                    row -> new StatusChange(row.getLong("id"), status(row.getString("status")))));
  }

  /** Public signers of a petition in signing order, after the given position. */
  public Future<List<SignerEntry>> signers(
      long petitionId, OffsetDateTime afterSignedAt, String afterReceipt, int limit) {
    Tuple args =
        Tuple.tuple()
            .addLong(petitionId)
            .addOffsetDateTime(afterSignedAt)
            .addString(afterReceipt)
            .addInteger(limit);
    return pool.preparedQuery(SIGNERS_PAGE)
        .execute(args)
        .map(
            rows ->
                Rows.map(
                    rows,
                    row ->
                        new SignerEntry(
                            row.getString("display_name"),
                            row.getOffsetDateTime("signed_at"),
                            row.getString("receipt"))));
  }

  /** One petition's status after a change made by a job. */
  public record StatusChange(long petitionId, PetitionStatus status) {}

  /** One public line of a petition's signer list. */
  public record SignerEntry(String displayName, OffsetDateTime signedAt, String receipt) {}

  private Future<Boolean> updatedOne(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).map(rows -> rows.rowCount() == 1);
  }

  private static String endCollectionCase() {
    String branches =
        Arrays.stream(PetitionStatus.values())
            .filter(PetitionStatus::acceptsSignatures)
            .map(
                from ->
                    "WHEN '"
                        + from.wireName()
                        + "' THEN '"
                        + PetitionLifecycle.next(from, PetitionEvent.END_COLLECTION)
                            .orElseThrow()
                            .wireName()
                        + "'")
            .collect(Collectors.joining(" "));
    return "CASE status " + branches + " END";
  }

  private static String openStatusList() {
    return Arrays.stream(PetitionStatus.values())
        .filter(PetitionStatus::acceptsSignatures)
        .map(s -> "'" + s.wireName() + "'")
        .collect(Collectors.joining(", "));
  }

  private static PetitionStatus status(String name) {
    return PetitionStatus.fromWireName(name)
        .orElseThrow(() -> new IllegalStateException("unknown stored status " + name));
  }

  static Petition toPetition(Row row) {
    return new Petition(
        row.getLong("id"),
        row.getInteger("community_id"),
        row.getString("community_slug"),
        row.getString("community_time_zone"),
        row.getInteger("number"),
        row.getString("title"),
        row.getString("text"),
        Topic.fromWireName(row.getString("topic")).orElse(Topic.OTHER),
        status(row.getString("status")),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("opened_at"),
        row.getOffsetDateTime("closes_at"),
        row.getOffsetDateTime("threshold_reached_at"),
        row.getOffsetDateTime("answered_at"),
        row.getInteger("threshold"),
        row.getInteger("persisted_count"),
        row.getString("answer"),
        row.getString("rejection_reason"));
  }
}

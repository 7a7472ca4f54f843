package ua.epetitions.gateway.store;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import ua.epetitions.gateway.petition.Community;
import ua.epetitions.gateway.petition.CommunityRules;

/** Communities in PostgreSQL: one method per question, the SQL beside it. */
public final class CommunityStore {
  private static final String COLUMNS =
      "id, slug, name, region, signature_threshold, collection_days, residency_required,"
          + " territory_code, time_zone, signing_paused, created_at, updated_at";

  private static final String LIST_PAGE =
      "SELECT " + COLUMNS + " FROM communities WHERE slug > $1 ORDER BY slug LIMIT $2";
  private static final String FIND_BY_SLUG =
      "SELECT " + COLUMNS + " FROM communities WHERE slug = $1";
  private static final String INSERT =
      "INSERT INTO communities (slug, name, region, signature_threshold, collection_days,"
          + " residency_required, territory_code, time_zone)"
          + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING "
          + COLUMNS;
  private static final String UPDATE_RULES =
      "UPDATE communities SET name = $2, region = $3, signature_threshold = $4,"
          + " collection_days = $5, residency_required = $6, territory_code = $7,"
          + " time_zone = $8, updated_at = now() WHERE slug = $1 RETURNING "
          + COLUMNS;
  private static final String SET_PAUSED =
      "UPDATE communities SET signing_paused = $2, updated_at = now() WHERE slug = $1"
          + " RETURNING "
          + COLUMNS;

  private static final String PAUSED_SLUGS =
      "SELECT slug FROM communities WHERE signing_paused ORDER BY slug LIMIT 1000";

  private final Pool pool;

  public CommunityStore(Pool pool) {
    this.pool = pool;
  }

  /** Communities ordered by slug, after {@code afterSlug} (empty string for the first page). */
  public Future<List<Community>> list(String afterSlug, int limit) {
    return pool.preparedQuery(LIST_PAGE)
        .execute(Tuple.of(afterSlug, limit))
        .map(rows -> Rows.map(rows, CommunityStore::toCommunity));
  }

  public Future<Optional<Community>> find(String slug) {
    return pool.preparedQuery(FIND_BY_SLUG)
        .execute(Tuple.of(slug))
        .map(rows -> Rows.first(rows, CommunityStore::toCommunity));
  }

  /** Creates a community; fails with {@link DuplicateKeyException} when the slug is taken. */
  public Future<Community> create(String slug, CommunityRules rules) {
    return pool.preparedQuery(INSERT)
        .execute(rulesTuple(slug, rules))
        .map(rows -> toCommunity(rows.iterator().next()))
        .recover(CommunityStore::translateDuplicate);
  }

  public Future<Optional<Community>> updateRules(String slug, CommunityRules rules) {
    return pool.preparedQuery(UPDATE_RULES)
        .execute(rulesTuple(slug, rules))
        .map(rows -> Rows.first(rows, CommunityStore::toCommunity));
  }

  public Future<Optional<Community>> setSigningPaused(String slug, boolean paused) {
    return pool.preparedQuery(SET_PAUSED)
        .execute(Tuple.of(slug, paused))
        .map(rows -> Rows.first(rows, CommunityStore::toCommunity));
  }

  /** Slugs of the communities whose signing is paused (at most a thousand). */
  public Future<List<String>> pausedSlugs() {
    return pool.query(PAUSED_SLUGS)
        .execute()
        .map(rows -> Rows.map(rows, row -> row.getString("slug")));
  }

  private static Tuple rulesTuple(String slug, CommunityRules rules) {
    return Tuple.tuple()
        .addString(slug)
        .addString(rules.name())
        .addString(rules.region())
        .addInteger(rules.signatureThreshold())
        .addInteger(rules.collectionDays())
        .addBoolean(rules.residencyRequired())
        .addString(rules.territoryCode())
        .addString(rules.timeZone());
  }

  private static <T> Future<T> translateDuplicate(Throwable failure) {
    if (failure instanceof PgException pg && SqlStates.UNIQUE_VIOLATION.equals(pg.getSqlState())) {
      return Future.failedFuture(new DuplicateKeyException(pg.getConstraint()));
    }
    return Future.failedFuture(failure);
  }

  static Community toCommunity(Row row) {
    CommunityRules rules =
        new CommunityRules(
            row.getString("name"),
            row.getString("region"),
            row.getInteger("signature_threshold"),
            row.getInteger("collection_days"),
            row.getBoolean("residency_required"),
            row.getString("territory_code"),
            row.getString("time_zone"));
    return new Community(
        row.getInteger("id"),
        row.getString("slug"),
        rules,
        row.getBoolean("signing_paused"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"));
  }
}

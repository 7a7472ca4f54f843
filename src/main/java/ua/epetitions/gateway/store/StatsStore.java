package ua.epetitions.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Totals for the public statistics page. */
public final class StatsStore {
  private static final String TOTALS =
      "SELECT (SELECT count(*) FROM petitions) AS petitions,"
          + " (SELECT count(*) FROM communities) AS communities,"
          + " (SELECT count(DISTINCT region) FROM communities) AS regions,"
          + " (SELECT coalesce(sum(persisted_count), 0) FROM petitions) AS signatures,"
          + " (SELECT count(DISTINCT signer_key) FROM signatures) AS signers";
  private static final String BY_TOPIC =
      "SELECT topic AS key, count(*) AS n FROM petitions GROUP BY topic ORDER BY topic";
  private static final String BY_STATUS =
      "SELECT status AS key, count(*) AS n FROM petitions GROUP BY status ORDER BY status";
  private static final String ANSWERS_BY_COMMUNITY =
      "SELECT c.slug, c.name,"
          + " count(p.id) FILTER (WHERE p.status = 'answered') AS answered,"
          + " count(p.id) FILTER (WHERE p.status IN ('threshold_reached', 'awaiting_answer'))"
          + " AS awaiting_answer"
          + " FROM communities c LEFT JOIN petitions p ON p.community_id = c.id"
          + " GROUP BY c.slug, c.name ORDER BY c.slug";

  private final Pool pool;

  public StatsStore(Pool pool) {
    this.pool = pool;
  }

  /** All statistics in one snapshot. */
  public Future<Stats> snapshot() {
    Future<Row> totals = pool.query(TOTALS).execute().map(rows -> rows.iterator().next());
    Future<Map<String, Long>> byTopic = counts(BY_TOPIC);
    Future<Map<String, Long>> byStatus = counts(BY_STATUS);
    Future<List<CommunityAnswers>> answers =
        pool.query(ANSWERS_BY_COMMUNITY)
            .execute()
            .map(
                rows ->
                    Rows.map(
                        rows,
                        row ->
                            new CommunityAnswers(
                                row.getString("slug"),
                                row.getString("name"),
                                row.getLong("answered"),
                                row.getLong("awaiting_answer"))));
    return Future.all(totals, byTopic, byStatus, answers)
        .map(
            all -> {
              Row row = totals.result();
              return new Stats(
                  row.getLong("petitions"),
                  row.getLong("signers"),
                  row.getLong("signatures"),
                  row.getLong("communities"),
                  row.getLong("regions"),
                  byTopic.result(),
                  byStatus.result(),
                  answers.result());
            });
  }

  private Future<Map<String, Long>> counts(String sql) {
    return pool.query(sql)
        .execute()
        .map(
            rows -> {
              Map<String, Long> out = new LinkedHashMap<>();
              rows.forEach(row -> out.put(row.getString("key"), row.getLong("n")));
              return out;
            });
  }

  /** Totals and breakdowns. */
  public record Stats(
      long petitions,
      long signers,
      long signatures,
      long communities,
      long regions,
      Map<String, Long> petitionsByTopic,
      Map<String, Long> petitionsByStatus,
      List<CommunityAnswers> answersByCommunity) {}

  /** How many petitions a council answered and how many wait for its answer. */
  public record CommunityAnswers(String slug, String name, long answered, long awaitingAnswer) {}
}

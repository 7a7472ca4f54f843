package ua.epetitions.gateway.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.petition.CollectionPeriod;
import ua.epetitions.gateway.petition.PetitionStatus;
import ua.epetitions.gateway.petition.Topic;

/**
 * The demo data set of embedded mode: the councils of Ukraine's regional centres and petitions
 * across the main topics, with synthetic public signers so that counts and signer lists agree.
 * Loaded once, when the database holds no community. Blocking: run before Vert.x starts.
 */
public final class DemoData {
  private static final Logger log = LoggerFactory.getLogger(DemoData.class);
  private static final String RESOURCE = "/demo/demo-data.yaml";

  /** Share of the threshold that a demo petition still collecting has gathered, at most. */
  private static final double COLLECTING_SHARE_MAX = 0.15;

  private static final String INSERT_COMMUNITY =
      "INSERT INTO communities (slug, name, region, signature_threshold, collection_days,"
          + " residency_required, territory_code, time_zone) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " RETURNING id";
  private static final String INSERT_PETITION =
      "INSERT INTO petitions (community_id, number, title, text, topic, author_key, status,"
          + " created_at, opened_at, closes_at, threshold_reached_at, answered_at, threshold,"
          + " answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
  private static final String INSERT_SIGNERS =
      "INSERT INTO signatures (petition_id, signer_key, display_name, signed_at, receipt)"
          + " SELECT ?, substr(md5(?::text || '-' || g), 1, 22),"
          + " (ARRAY['Олена','Андрій','Марія','Тарас','Ірина','Богдан','Оксана','Дмитро',"
          + "'Наталія','Максим'])[1 + g % 10] || ' ' ||"
          + " (ARRAY['Шевченко','Коваленко','Бондаренко','Ткаченко','Кравченко','Олійник',"
          + "'Мельник','Поліщук','Лисенко','Гнатюк'])[1 + (g / 10) % 10],"
          + " ?::timestamptz + (?::bigint * g / ?::bigint) * interval '1 second',"
          + " 'demo-' || ?::text || '-' || g FROM generate_series(1, ?::integer) AS g";
  private static final String SET_COUNTS =
      "UPDATE petitions p SET persisted_count = s.n FROM (SELECT petition_id, count(*) AS n"
          + " FROM signatures GROUP BY petition_id) s WHERE s.petition_id = p.id";
  private static final String SET_NUMBERS =
      "UPDATE communities c SET last_petition_number = coalesce((SELECT max(number)"
          + " FROM petitions p WHERE p.community_id = c.id), 0)";

  private DemoData() {}

  /** Loads the demo set unless some community exists; answers whether it loaded. */
  public static boolean loadIfEmpty(PostgresLocation location) {
    DemoSet set = read();
    try (Connection connection =
        DriverManager.getConnection(location.jdbcUrl(), location.jdbcProperties())) {
      if (hasCommunities(connection)) {
        return false;
      }
      connection.setAutoCommit(false);
      Instant now = Instant.now();
      int petitions = 0;
      for (DemoCommunity community : set.communities()) {
        petitions += insertCommunity(connection, community, now);
      }
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate(SET_COUNTS);
        statement.executeUpdate(SET_NUMBERS);
      }
      connection.commit();
      log.info("demo: loaded communities={} petitions={}", set.communities().size(), petitions);
      return true;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot load demo data: " + e.getMessage(), e);
    }
  }

  private static boolean hasCommunities(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT 1 FROM communities LIMIT 1")) {
      return rows.next();
    }
  }

  private static int insertCommunity(Connection connection, DemoCommunity c, Instant now)
      throws SQLException {
    int communityId;
    try (PreparedStatement insert = connection.prepareStatement(INSERT_COMMUNITY)) {
      insert.setString(1, c.slug());
      insert.setString(2, c.name());
      insert.setString(3, c.region());
      insert.setInt(4, c.signatureThreshold());
      insert.setInt(5, c.collectionDays());
      insert.setBoolean(6, c.residencyRequired());
      insert.setString(7, c.territoryCode());
      insert.setString(8, c.timeZone());
      try (ResultSet rows = insert.executeQuery()) {
        rows.next();
        communityId = rows.getInt(1);
      }
    }
    int number = 0;
    for (DemoPetition p : c.petitions()) {
      number++;
      insertPetition(connection, communityId, c, p, number, now);
    }
    return number;
  }

  private static void insertPetition(
      Connection connection,
      int communityId,
      DemoCommunity community,
      DemoPetition p,
      int number,
      Instant now)
      throws SQLException {
    PetitionStatus status =
        PetitionStatus.fromWireName(p.status())
            .orElseThrow(() -> new IllegalStateException("demo status " + p.status()));
    Topic topic =
        Topic.fromWireName(p.topic())
            .orElseThrow(() -> new IllegalStateException("demo topic " + p.topic()));
    ZoneId zone = ZoneId.of(community.timeZone());
    int threshold = community.signatureThreshold();
    boolean opened = p.openedDaysAgo() != null;
    Instant openedAt = opened ? now.minus(Duration.ofDays(p.openedDaysAgo())) : null;
    Instant createdAt =
        opened ? openedAt.minus(Duration.ofDays(3)) : now.minus(Duration.ofHours(5L * number));
    Instant closesAt =
        opened
            ? CollectionPeriod.closesAt(openedAt, community.collectionDays(), zone).toInstant()
            : null;
    boolean reached = status == PetitionStatus.ANSWERED;
    Instant reachedAt = reached ? openedAt.plus(Duration.ofDays(7)) : null;
    Instant answeredAt = reached ? closesAt.plus(Duration.ofDays(5)) : null;

    long petitionId;
    try (PreparedStatement insert = connection.prepareStatement(INSERT_PETITION)) {
      insert.setInt(1, communityId);
      insert.setInt(2, number);
      insert.setString(3, p.title());
      insert.setString(4, p.text());
      insert.setString(5, topic.wireName());
      insert.setString(6, "demo-author-" + community.slug() + "-" + number);
      insert.setString(7, status.wireName());
      insert.setTimestamp(8, Timestamp.from(createdAt));
      insert.setTimestamp(9, opened ? Timestamp.from(openedAt) : null);
      insert.setTimestamp(10, opened ? Timestamp.from(closesAt) : null);
      insert.setTimestamp(11, reached ? Timestamp.from(reachedAt) : null);
      insert.setTimestamp(12, reached ? Timestamp.from(answeredAt) : null);
      if (opened) {
        insert.setInt(13, threshold);
      } else {
        insert.setNull(13, java.sql.Types.INTEGER);
      }
      insert.setString(14, reached ? p.answer() : null);
      try (ResultSet rows = insert.executeQuery()) {
        rows.next();
        petitionId = rows.getLong(1);
      }
    }
    if (opened) {
      int signers = demoSigners(status, threshold, petitionId);
      Instant lastSignature = reached ? reachedAt : min(now, closesAt);
      insertSigners(connection, petitionId, openedAt, lastSignature, signers);
    }
  }

  private static int demoSigners(PetitionStatus status, int threshold, long petitionId) {
    double share =
        switch (status) {
          case ANSWERED -> 1.0;
          case NOT_SUPPORTED -> 0.3 + (petitionId % 5) * 0.1;
          default -> COLLECTING_SHARE_MAX * ((petitionId * 37) % 100) / 100.0;
        };
    return (int) Math.round(threshold * share);
  }

  private static void insertSigners(
      Connection connection, long petitionId, Instant from, Instant to, int count)
      throws SQLException {
    if (count <= 0) {
      return;
    }
    long spanSeconds = Math.max(1, Duration.between(from, to).toSeconds());
    try (PreparedStatement insert = connection.prepareStatement(INSERT_SIGNERS)) {
      insert.setLong(1, petitionId);
      insert.setLong(2, petitionId);
      insert.setTimestamp(3, Timestamp.from(from));
      insert.setLong(4, spanSeconds);
      insert.setLong(5, count);
      insert.setLong(6, petitionId);
      insert.setInt(7, count);
      insert.executeUpdate();
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static DemoSet read() {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try (InputStream in = DemoData.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("demo data " + RESOURCE + " missing from jar");
      }
      return yaml.readValue(in, DemoSet.class);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read demo data: " + e.getMessage(), e);
    }
  }

  record DemoSet(List<DemoCommunity> communities) {}

  record DemoCommunity(
      String slug,
      String name,
      String region,
      int signatureThreshold,
      int collectionDays,
      boolean residencyRequired,
      String territoryCode,
      String timeZone,
      List<DemoPetition> petitions) {}

  record DemoPetition(
      String title,
      String text,
      String topic,
      String status,
      Integer openedDaysAgo,
      String answer) {}
}

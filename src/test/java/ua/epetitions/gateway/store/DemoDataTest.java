package ua.epetitions.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.testing.TestGateway.await;

import io.vertx.sqlclient.Row;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.petition.CommunityRules;
import ua.epetitions.gateway.petition.NewPetition;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.petition.Topic;
import ua.epetitions.gateway.testing.TestDatabase;

@DisplayName("Demo data")
class DemoDataTest {
  private static final int DEMO_COMMUNITIES = 22;

  private static TestDatabase database;
  private static boolean loaded;

  @BeforeAll
  static void loadDemoData() {
    database = TestDatabase.migrated();
    loaded = DemoData.loadIfEmpty(database.location());
  }

  @AfterAll
  static void closeDatabase() {
    database.close();
  }

  @Test
  @DisplayName("a fresh database takes the demo set: 22 communities, each with petitions")
  void loadsCommunitiesWithPetitions() {
    assertThat(loaded).isTrue();
    assertThat(database.count("SELECT count(*) FROM communities")).isEqualTo(DEMO_COMMUNITIES);
    assertThat(
            database.count(
                "SELECT count(*) FROM communities c"
                    + " WHERE NOT EXISTS (SELECT 1 FROM petitions p WHERE p.community_id = c.id)"))
        .isZero();
  }

  @Test
  @DisplayName("every petition's persisted count equals its signature rows")
  void persistedCountsMatchSignatures() {
    List<Row> mismatches =
        rows(
            "SELECT p.id, p.persisted_count, count(s.signer_key) AS signatures FROM petitions p"
                + " LEFT JOIN signatures s ON s.petition_id = p.id"
                + " GROUP BY p.id HAVING p.persisted_count <> count(s.signer_key)");

    assertThat(mismatches).isEmpty();
    assertThat(database.count("SELECT count(*) FROM signatures")).isPositive();
  }

  @Test
  @DisplayName("every collecting petition closes in the future")
  void collectingPetitionsCloseLater() {
    assertThat(database.count("SELECT count(*) FROM petitions WHERE status = 'collecting'"))
        .isPositive();
    assertThat(
            database.count(
                "SELECT count(*) FROM petitions WHERE status = 'collecting'"
                    + " AND (closes_at IS NULL OR closes_at <= now())"))
        .isZero();
  }

  @Test
  @DisplayName("no signature is dated before its petition opened or after it closed")
  void signaturesFallWithinCollection() {
    assertThat(
            database.count(
                "SELECT count(*) FROM signatures s JOIN petitions p ON p.id = s.petition_id"
                    + " WHERE s.signed_at < p.opened_at OR s.signed_at > p.closes_at"
                    + " OR s.signed_at > now()"))
        .isZero();
  }

  @Test
  @DisplayName("answered petitions reached their threshold and carry an answer")
  void answeredPetitionsReachedThreshold() {
    assertThat(database.count("SELECT count(*) FROM petitions WHERE status = 'answered'"))
        .isPositive();
    assertThat(
            database.count(
                "SELECT count(*) FROM petitions WHERE status = 'answered' AND (answer IS NULL"
                    + " OR answered_at IS NULL OR answered_at > now()"
                    + " OR persisted_count < threshold)"))
        .isZero();
  }

  @Test
  @DisplayName("petitions that were not supported stayed below their threshold")
  void notSupportedPetitionsStayedBelowThreshold() {
    assertThat(
            database.count(
                "SELECT count(*) FROM petitions WHERE status = 'not_supported'"
                    + " AND (persisted_count >= threshold OR closes_at > now())"))
        .isZero();
  }

  @Test
  @DisplayName("a second load finds communities and changes nothing")
  void secondLoadIsNoOp() {
    long petitions = database.count("SELECT count(*) FROM petitions");
    long signatures = database.count("SELECT count(*) FROM signatures");

    boolean loadedAgain = DemoData.loadIfEmpty(database.location());

    assertThat(loadedAgain).isFalse();
    assertThat(database.count("SELECT count(*) FROM communities")).isEqualTo(DEMO_COMMUNITIES);
    assertThat(database.count("SELECT count(*) FROM petitions")).isEqualTo(petitions);
    assertThat(database.count("SELECT count(*) FROM signatures")).isEqualTo(signatures);
  }

  @Test
  @DisplayName("a database that already holds a community is left alone")
  void databaseWithCommunityIsLeftAlone() {
    try (TestDatabase own = TestDatabase.migrated()) {
      CommunityRules rules =
          new CommunityRules("Рада", "Львівська область", 10, 30, false, null, "Europe/Kyiv");
      await(new CommunityStore(own.pool()).create("existing", rules));

      boolean loadedHere = DemoData.loadIfEmpty(own.location());

      assertThat(loadedHere).isFalse();
      assertThat(own.count("SELECT count(*) FROM communities")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a petition filed after the demo load takes its community's next number")
  void filingAfterDemoContinuesNumbering() {
    int communityId = (int) database.count("SELECT id FROM communities WHERE slug = 'kyiv'");
    long highest =
        database.count(
            "SELECT max(number) FROM petitions p JOIN communities c ON c.id = p.community_id"
                + " WHERE c.slug = 'kyiv'");
    NewPetition petition =
        new NewPetition(
            "Нова петиція після демо-даних",
            "Просимо раду розглянути це питання, бо воно стосується всіх мешканців громади.",
            Topic.OTHER,
            "author-key-0000000000");

    Petition filed = await(new PetitionStore(database.pool()).file(communityId, petition));

    assertThat(filed.number()).isEqualTo(highest + 1);
  }

  private static List<Row> rows(String sql) {
    return database.sql(sql).stream().toList();
  }
}

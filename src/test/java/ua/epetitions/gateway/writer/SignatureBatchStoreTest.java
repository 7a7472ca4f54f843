package ua.epetitions.gateway.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.testing.TestDatabase;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.writer.SignatureBatchStore.PetitionProgress;

@DisplayName("Storing a batch of signatures")
class SignatureBatchStoreTest {
  private static TestDatabase db;
  private static SignatureBatchStore store;
  private static int petitions;

  @BeforeAll
  static void start() {
    db = TestDatabase.migrated();
    store = new SignatureBatchStore(db.pool());
    db.sql(
        "INSERT INTO communities (slug, name, region, signature_threshold, collection_days,"
            + " time_zone) VALUES ('batch', 'Рада', 'Область', 2, 30, 'Europe/Kyiv')");
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Test
  @DisplayName("a repeated batch adds no row and no count")
  void repeatedBatchIsIdempotent() {
    long id = petition("collecting", 100);
    List<SignatureRow> batch = List.of(row(id, "a"), row(id, "b"), row(id, "a"));

    TestGateway.await(store.write(batch));
    TestGateway.await(store.write(batch));

    assertThat(db.count("SELECT count(*) FROM signatures WHERE petition_id = " + id)).isEqualTo(2);
    assertThat(petitionRow(id).getInteger("persisted_count")).isEqualTo(2);
  }

  @Test
  @DisplayName("reaching the threshold while collecting sets threshold_reached once")
  void collectingPetitionReachesThreshold() {
    long id = petition("collecting", 2);

    List<PetitionProgress> first =
        TestGateway.await(store.write(List.of(row(id, "a"), row(id, "b"))));
    OffsetDateTime reachedAt = petitionRow(id).getOffsetDateTime("threshold_reached_at");
    TestGateway.await(store.write(List.of(row(id, "c"))));

    assertThat(first)
        .singleElement()
        .extracting(PetitionProgress::reachedThreshold)
        .isEqualTo(true);
    assertThat(petitionRow(id).getString("status")).isEqualTo("threshold_reached");
    assertThat(petitionRow(id).getOffsetDateTime("threshold_reached_at")).isEqualTo(reachedAt);
  }

  @Test
  @DisplayName("signatures stored after the period ended can still carry a petition over")
  void lateSignaturesCarryEndedPetitionOver() {
    long id = petition("not_supported", 2);

    TestGateway.await(store.write(List.of(row(id, "a"), row(id, "b"))));

    assertThat(petitionRow(id).getString("status")).isEqualTo("awaiting_answer");
    assertThat(petitionRow(id).getOffsetDateTime("threshold_reached_at")).isNotNull();
  }

  @Test
  @DisplayName("an answered petition keeps its status when late signatures arrive")
  void answeredPetitionKeepsStatus() {
    long id = petition("answered", 1);

    TestGateway.await(store.write(List.of(row(id, "a"))));

    assertThat(petitionRow(id).getString("status")).isEqualTo("answered");
    assertThat(petitionRow(id).getOffsetDateTime("threshold_reached_at")).isNull();
  }

  private static long petition(String status, int threshold) {
    petitions++;
    return db.sql(
            "INSERT INTO petitions (community_id, number, title, text, topic, author_key, status,"
                + " threshold) SELECT id, "
                + petitions
                + ", 'Назва', 'Текст', 'roads', 'author', '"
                + status
                + "', "
                + threshold
                + " FROM communities WHERE slug = 'batch' RETURNING id")
        .iterator()
        .next()
        .getLong("id");
  }

  private static Row petitionRow(long id) {
    return db.sql("SELECT * FROM petitions WHERE id = " + id).iterator().next();
  }

  private static SignatureRow row(long petitionId, String signer) {
    return new SignatureRow(
        "1-" + signer,
        petitionId,
        "signer-" + signer,
        "Підписант " + signer,
        OffsetDateTime.of(2026, 12, 1, 10, 0, 0, 0, ZoneOffset.UTC),
        "p0-" + petitionId + "-" + signer);
  }
}

package ua.epetitions.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.testing.TestGateway.await;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.petition.CommunityRules;
import ua.epetitions.gateway.petition.NewPetition;
import ua.epetitions.gateway.petition.Petition;
import ua.epetitions.gateway.petition.PetitionStatus;
import ua.epetitions.gateway.petition.Topic;
import ua.epetitions.gateway.store.PetitionStore.SignerEntry;
import ua.epetitions.gateway.store.PetitionStore.StatusChange;
import ua.epetitions.gateway.testing.TestDatabase;

@DisplayName("Petition store")
class PetitionStoreTest {
  private static final OffsetDateTime OPENED_AT = utc("2026-03-20T10:00:00Z");
  private static final OffsetDateTime CLOSES_AT = utc("2099-01-01T00:00:00Z");
  private static final int THRESHOLD = 500;
  private static final OffsetDateTime START =
      Instant.EPOCH.atOffset(ZoneOffset.UTC); // the first position of a signer list

  private static TestDatabase database;
  private static PetitionStore store;
  private static int communityId;
  private static int slugs;

  @BeforeAll
  static void openDatabase() {
    database = TestDatabase.migrated();
    store = new PetitionStore(database.pool());
    communityId = community(database, "lviv");
  }

  @AfterAll
  static void closeDatabase() {
    database.close();
  }

  private static OffsetDateTime utc(String instant) {
    return Instant.parse(instant).atOffset(ZoneOffset.UTC);
  }

  private static int community(TestDatabase db, String slug) {
    CommunityRules rules =
        new CommunityRules(
            "Рада " + slug, "Львівська область", THRESHOLD, 60, false, null, "Europe/Kyiv");
    return await(new CommunityStore(db.pool()).create(slug, rules)).id();
  }

  /** A community of its own, for tests that count what a community holds. */
  private static int freshCommunity() {
    return community(database, "community-" + (++slugs));
  }

  private static NewPetition petition(String title, Topic topic) {
    return new NewPetition(
        title,
        "Просимо раду розглянути це питання, бо воно стосується всіх мешканців громади.",
        topic,
        "author-key-0000000000");
  }

  private static Petition file(PetitionStore on, int community, String title, Topic topic) {
    return await(on.file(community, petition(title, topic)));
  }

  private static Petition file(String title) {
    return file(store, communityId, title, Topic.TRANSPORT);
  }

  private static Petition reload(PetitionStore on, long id) {
    return await(on.find(id)).orElseThrow();
  }

  private static Petition reload(long id) {
    return reload(store, id);
  }

  private static boolean publish(PetitionStore on, long id, OffsetDateTime closesAt) {
    return await(on.publish(id, PetitionStatus.MODERATION, OPENED_AT, closesAt, THRESHOLD));
  }

  private static long collecting(String title) {
    long id = file(title).id();
    assertThat(publish(store, id, CLOSES_AT)).isTrue();
    return id;
  }

  @Test
  @DisplayName("a filed petition is in moderation, with its text and no collection period")
  void filedPetitionIsInModeration() {
    Petition filed = file(store, communityId, "Відремонтувати дорогу до школи", Topic.ROADS);

    assertThat(filed.status()).isEqualTo(PetitionStatus.MODERATION);
    assertThat(filed.communityId()).isEqualTo(communityId);
    assertThat(filed.communitySlug()).isEqualTo("lviv");
    assertThat(filed.title()).isEqualTo("Відремонтувати дорогу до школи");
    assertThat(filed.topic()).isEqualTo(Topic.ROADS);
    assertThat(filed.persistedCount()).isZero();
    assertThat(filed.openedAt()).isNull();
    assertThat(filed.closesAt()).isNull();
    assertThat(filed.threshold()).isNull();
    assertThat(reload(filed.id())).isEqualTo(filed);
  }

  @Test
  @DisplayName("an unknown petition id finds nothing")
  void unknownIdFindsNothing() {
    assertThat(await(store.find(Long.MAX_VALUE))).isEmpty();
  }

  @Test
  @DisplayName("petitions are numbered 1, 2, 3 within each community independently")
  void numbersArePerCommunity() {
    int first = freshCommunity();
    int second = freshCommunity();

    List<Integer> firstNumbers = new ArrayList<>();
    List<Integer> secondNumbers = new ArrayList<>();
    firstNumbers.add(file(store, first, "Перша петиція громади", Topic.OTHER).number());
    secondNumbers.add(file(store, second, "Перша петиція другої", Topic.OTHER).number());
    firstNumbers.add(file(store, first, "Друга петиція громади", Topic.OTHER).number());
    firstNumbers.add(file(store, first, "Третя петиція громади", Topic.OTHER).number());
    secondNumbers.add(file(store, second, "Друга петиція другої", Topic.OTHER).number());

    assertThat(firstNumbers).containsExactly(1, 2, 3);
    assertThat(secondNumbers).containsExactly(1, 2);
  }

  @Test
  @DisplayName("petitions filed at the same time in one community get distinct consecutive numbers")
  void concurrentFilingsGetDistinctNumbers() {
    int community = freshCommunity();
    List<Future<Petition>> filings = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      filings.add(store.file(community, petition("Одночасна петиція номер " + i, Topic.OTHER)));
    }

    List<Integer> numbers =
        await(Future.all(filings)).<Petition>list().stream().map(Petition::number).toList();

    assertThat(numbers)
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
  }

  @Test
  @DisplayName("filing into an unknown community fails the future")
  void filingIntoUnknownCommunityFails() {
    Future<Petition> filing =
        store.file(Integer.MAX_VALUE, petition("Петиція без громади", Topic.OTHER));

    Throwable failure = await(filing.<Throwable>map(p -> null).otherwise(f -> f));

    assertThat(failure).isNotNull();
    assertThat(
            database.count(
                "SELECT count(*) FROM petitions WHERE community_id = " + Integer.MAX_VALUE))
        .isZero();
  }

  @Test
  @DisplayName("publishing from moderation opens collection with its period and threshold")
  void publishOpensCollection() {
    long id = file("Посадити дерева вздовж проспекту").id();

    boolean published = publish(store, id, CLOSES_AT);

    Petition petition = reload(id);
    assertThat(published).isTrue();
    assertThat(petition.status()).isEqualTo(PetitionStatus.COLLECTING);
    assertThat(petition.openedAt()).isEqualTo(OPENED_AT);
    assertThat(petition.closesAt()).isEqualTo(CLOSES_AT);
    assertThat(petition.threshold()).isEqualTo(THRESHOLD);
  }

  @Test
  @DisplayName("a second publish from moderation answers false and changes nothing")
  void secondPublishChangesNothing() {
    long id = collecting("Облаштувати велодоріжку на набережній");
    Petition before = reload(id);

    boolean again =
        await(
            store.publish(
                id, PetitionStatus.MODERATION, OPENED_AT.plusDays(1), CLOSES_AT.plusDays(1), 7));

    assertThat(again).isFalse();
    assertThat(reload(id)).isEqualTo(before);
  }

  @Test
  @DisplayName("rejecting from moderation stores the status and the reason")
  void rejectFromModeration() {
    long id = file("Перейменувати вулицю на честь сусіда").id();

    boolean rejected =
        await(store.reject(id, PetitionStatus.MODERATION, "Не належить до повноважень"));

    Petition petition = reload(id);
    assertThat(rejected).isTrue();
    assertThat(petition.status()).isEqualTo(PetitionStatus.REJECTED);
    assertThat(petition.rejectionReason()).isEqualTo("Не належить до повноважень");
  }

  @Test
  @DisplayName(
      "rejecting a petition that already left moderation answers false and changes nothing")
  void rejectAfterPublishChangesNothing() {
    long id = collecting("Встановити лави у сквері біля ратуші");
    Petition before = reload(id);

    boolean rejected = await(store.reject(id, PetitionStatus.MODERATION, "Запізно"));

    assertThat(rejected).isFalse();
    assertThat(reload(id)).isEqualTo(before);
  }

  @Test
  @DisplayName("a status change applies from the named status only once")
  void changeStatusAppliesOnce() {
    long id = collecting("Продовжити роботу дитячого басейну");

    boolean first =
        await(store.changeStatus(id, PetitionStatus.COLLECTING, PetitionStatus.THRESHOLD_REACHED));
    boolean second =
        await(store.changeStatus(id, PetitionStatus.COLLECTING, PetitionStatus.THRESHOLD_REACHED));

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(reload(id).status()).isEqualTo(PetitionStatus.THRESHOLD_REACHED);
  }

  @Test
  @DisplayName(
      "a status change from a status the petition is not in answers false and changes nothing")
  void changeStatusFromWrongStatus() {
    Petition filed = file("Відкрити пункт незламності у бібліотеці");

    boolean changed =
        await(store.changeStatus(filed.id(), PetitionStatus.COLLECTING, PetitionStatus.WITHDRAWN));

    assertThat(changed).isFalse();
    assertThat(reload(filed.id())).isEqualTo(filed);
  }

  @Test
  @DisplayName("answering stores the answer and its time once")
  void answerAppliesOnce() {
    long id = collecting("Збудувати укриття біля ліцею");
    await(store.changeStatus(id, PetitionStatus.COLLECTING, PetitionStatus.THRESHOLD_REACHED));
    await(store.changeStatus(id, PetitionStatus.THRESHOLD_REACHED, PetitionStatus.AWAITING_ANSWER));
    OffsetDateTime answeredAt = utc("2026-05-04T09:15:00Z");

    boolean first =
        await(store.answer(id, PetitionStatus.AWAITING_ANSWER, "Підтримано", answeredAt));
    boolean second =
        await(
            store.answer(
                id, PetitionStatus.AWAITING_ANSWER, "Інша відповідь", answeredAt.plusDays(1)));

    Petition petition = reload(id);
    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(petition.status()).isEqualTo(PetitionStatus.ANSWERED);
    assertThat(petition.answer()).isEqualTo("Підтримано");
    assertThat(petition.answeredAt()).isEqualTo(answeredAt);
  }

  @Test
  @DisplayName("answering a petition that is not in the named status changes nothing")
  void answerFromWrongStatus() {
    long id = collecting("Облаштувати пандус у поліклініці");
    Petition before = reload(id);

    boolean answered = await(store.answer(id, PetitionStatus.AWAITING_ANSWER, "Так", OPENED_AT));

    assertThat(answered).isFalse();
    assertThat(reload(id)).isEqualTo(before);
  }

  @Test
  @DisplayName("status changes of an unknown petition answer false")
  void changesOfUnknownPetition() {
    long unknown = Long.MAX_VALUE;

    assertThat(publish(store, unknown, CLOSES_AT)).isFalse();
    assertThat(await(store.reject(unknown, PetitionStatus.MODERATION, "Ні"))).isFalse();
    assertThat(await(store.changeStatus(unknown, PetitionStatus.DRAFT, PetitionStatus.MODERATION)))
        .isFalse();
  }

  @Test
  @DisplayName("the list holds only the community's petitions, filtered by status and topic")
  void listFiltersByStatusAndTopic() {
    int community = freshCommunity();
    long roadsOpen = file(store, community, "Відремонтувати міст через річку", Topic.ROADS).id();
    long roadsModerated = file(store, community, "Освітлити дорогу до вокзалу", Topic.ROADS).id();
    long parkOpen = file(store, community, "Очистити озеро в парку", Topic.ECOLOGY).id();
    file(store, communityId, "Петиція іншої громади про дороги", Topic.ROADS);
    publish(store, roadsOpen, CLOSES_AT);
    publish(store, parkOpen, CLOSES_AT);

    assertThat(ids(store.list(community, null, null, Long.MAX_VALUE, 50)))
        .containsExactly(parkOpen, roadsModerated, roadsOpen);
    assertThat(ids(store.list(community, PetitionStatus.COLLECTING, null, Long.MAX_VALUE, 50)))
        .containsExactly(parkOpen, roadsOpen);
    assertThat(ids(store.list(community, null, Topic.ROADS, Long.MAX_VALUE, 50)))
        .containsExactly(roadsModerated, roadsOpen);
    assertThat(
            ids(store.list(community, PetitionStatus.MODERATION, Topic.ROADS, Long.MAX_VALUE, 50)))
        .containsExactly(roadsModerated);
    assertThat(ids(store.list(community, PetitionStatus.ANSWERED, null, Long.MAX_VALUE, 50)))
        .isEmpty();
  }

  @Test
  @DisplayName("the list pages newest first by id, each page below the last id of the previous")
  void listPagesNewestFirst() {
    int community = freshCommunity();
    List<Long> filed = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      filed.add(file(store, community, "Петиція номер " + i + " для сторінок", Topic.OTHER).id());
    }

    List<List<Long>> pages = new ArrayList<>();
    long beforeId = Long.MAX_VALUE;
    List<Long> page;
    do {
      page = ids(store.list(community, null, null, beforeId, 2));
      pages.add(page);
      beforeId = page.isEmpty() ? beforeId : page.get(page.size() - 1);
    } while (page.size() == 2);

    assertThat(pages)
        .containsExactly(
            List.of(filed.get(4), filed.get(3)),
            List.of(filed.get(2), filed.get(1)),
            List.of(filed.get(0)));
  }

  private static List<Long> ids(Future<List<Petition>> page) {
    return await(page).stream().map(Petition::id).toList();
  }

  @Test
  @DisplayName("ending due collections ends exactly the open petitions closed by now")
  void endDueCollectionsEndsOnlyDuePetitions() {
    try (TestDatabase own = TestDatabase.migrated()) {
      PetitionStore ownStore = new PetitionStore(own.pool());
      int community = community(own, "kolomyia");
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
      long collectingDue = opened(ownStore, community, now.minusMinutes(1));
      long collectingAtNow = opened(ownStore, community, now);
      long collectingLater = opened(ownStore, community, now.plusDays(1));
      long reachedDue = opened(ownStore, community, now.minusMinutes(2));
      await(
          ownStore.changeStatus(
              reachedDue, PetitionStatus.COLLECTING, PetitionStatus.THRESHOLD_REACHED));
      long reachedLater = opened(ownStore, community, now.plusSeconds(1));
      await(
          ownStore.changeStatus(
              reachedLater, PetitionStatus.COLLECTING, PetitionStatus.THRESHOLD_REACHED));
      long awaitingPast = opened(ownStore, community, now.minusDays(1));
      await(
          ownStore.changeStatus(
              awaitingPast, PetitionStatus.COLLECTING, PetitionStatus.THRESHOLD_REACHED));
      await(
          ownStore.changeStatus(
              awaitingPast, PetitionStatus.THRESHOLD_REACHED, PetitionStatus.AWAITING_ANSWER));
      long moderated = file(ownStore, community, "Петиція ще на модерації", Topic.OTHER).id();

      List<StatusChange> changes = await(ownStore.endDueCollections(now, 100));

      assertThat(changes)
          .containsExactlyInAnyOrder(
              new StatusChange(collectingDue, PetitionStatus.NOT_SUPPORTED),
              new StatusChange(collectingAtNow, PetitionStatus.NOT_SUPPORTED),
              new StatusChange(reachedDue, PetitionStatus.AWAITING_ANSWER));
      assertThat(reload(ownStore, collectingDue).status()).isEqualTo(PetitionStatus.NOT_SUPPORTED);
      assertThat(reload(ownStore, collectingAtNow).status())
          .isEqualTo(PetitionStatus.NOT_SUPPORTED);
      assertThat(reload(ownStore, reachedDue).status()).isEqualTo(PetitionStatus.AWAITING_ANSWER);
      assertThat(reload(ownStore, collectingLater).status()).isEqualTo(PetitionStatus.COLLECTING);
      assertThat(reload(ownStore, reachedLater).status())
          .isEqualTo(PetitionStatus.THRESHOLD_REACHED);
      assertThat(reload(ownStore, awaitingPast).status()).isEqualTo(PetitionStatus.AWAITING_ANSWER);
      assertThat(reload(ownStore, moderated).status()).isEqualTo(PetitionStatus.MODERATION);
      assertThat(await(ownStore.endDueCollections(now, 100))).isEmpty();
    }
  }

  @Test
  @DisplayName("ending due collections takes at most the limit, earliest closing first")
  void endDueCollectionsHonoursLimit() {
    try (TestDatabase own = TestDatabase.migrated()) {
      PetitionStore ownStore = new PetitionStore(own.pool());
      int community = community(own, "halych");
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
      long latest = opened(ownStore, community, now.minusMinutes(1));
      long earliest = opened(ownStore, community, now.minusMinutes(3));
      long middle = opened(ownStore, community, now.minusMinutes(2));

      List<StatusChange> first = await(ownStore.endDueCollections(now, 2));
      List<StatusChange> second = await(ownStore.endDueCollections(now, 2));

      assertThat(first)
          .extracting(StatusChange::petitionId)
          .containsExactlyInAnyOrder(earliest, middle);
      assertThat(second).extracting(StatusChange::petitionId).containsExactly(latest);
    }
  }

  private static long opened(PetitionStore on, int community, OffsetDateTime closesAt) {
    long id = file(on, community, "Петиція, що збирає підписи", Topic.OTHER).id();
    assertThat(publish(on, id, closesAt)).isTrue();
    return id;
  }

  @Test
  @DisplayName("signers are listed by signing time then receipt, in pages after a position")
  void signersPageInSigningOrder() {
    long id = collecting("Петиція з публічним списком підписантів");
    long other = collecting("Інша петиція з підписантами");
    OffsetDateTime t0 = utc("2026-03-21T08:00:00Z");
    OffsetDateTime t1 = utc("2026-03-21T09:00:00.123456Z");
    OffsetDateTime t2 = utc("2026-03-22T10:00:00Z");
    await(
        database
            .pool()
            .preparedQuery(
                "INSERT INTO signatures (petition_id, signer_key, display_name, signed_at, receipt)"
                    + " VALUES ($1, $2, $3, $4, $5)")
            .executeBatch(
                List.of(
                    Tuple.of(id, "key-1", "Олена Шевченко", t1, "rc"),
                    Tuple.of(id, "key-2", "Андрій Коваленко", t1, "ra"),
                    Tuple.of(id, "key-3", "Марія Бондаренко", t0, "rz"),
                    Tuple.of(id, "key-4", "Тарас Ткаченко", t2, "rb"),
                    Tuple.of(id, "key-5", "Ірина Мельник", t1, "rb"),
                    Tuple.of(other, "key-1", "Олена Шевченко", t0, "ra"))));

    List<List<String>> pages = new ArrayList<>();
    OffsetDateTime afterSignedAt = START;
    String afterReceipt = "";
    List<SignerEntry> page;
    do {
      page = await(store.signers(id, afterSignedAt, afterReceipt, 2));
      pages.add(page.stream().map(SignerEntry::displayName).toList());
      if (!page.isEmpty()) {
        afterSignedAt = page.get(page.size() - 1).signedAt();
        afterReceipt = page.get(page.size() - 1).receipt();
      }
    } while (page.size() == 2);

    assertThat(pages)
        .containsExactly(
            List.of("Марія Бондаренко", "Андрій Коваленко"),
            List.of("Ірина Мельник", "Олена Шевченко"),
            List.of("Тарас Ткаченко"));
  }
}

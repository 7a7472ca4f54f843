package ua.epetitions.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.testing.TestGateway.await;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.petition.Community;
import ua.epetitions.gateway.petition.CommunityRules;
import ua.epetitions.gateway.testing.TestDatabase;

@DisplayName("Community store")
class CommunityStoreTest {
  private static TestDatabase database;
  private static CommunityStore store;

  @BeforeAll
  static void openDatabase() {
    database = TestDatabase.migrated();
    store = new CommunityStore(database.pool());
  }

  @AfterAll
  static void closeDatabase() {
    database.close();
  }

  static CommunityRules rules(String name, int threshold) {
    return new CommunityRules(
        name, "Львівська область", threshold, 60, true, "UA46060250010015970", "Europe/Kyiv");
  }

  /** The failure of a future that must fail. */
  static Throwable failureOf(Future<?> future) {
    return await(future.<Throwable>map(value -> null).otherwise(failure -> failure));
  }

  @Test
  @DisplayName("a created community carries its slug, rules and an id, and is not paused")
  void createAnswersCommunity() {
    CommunityRules rules = rules("Львівська міська рада", 1000);

    Community created = await(store.create("lviv", rules));

    assertThat(created.id()).isPositive();
    assertThat(created.slug()).isEqualTo("lviv");
    assertThat(created.rules()).isEqualTo(rules);
    assertThat(created.signingPaused()).isFalse();
    assertThat(created.createdAt()).isNotNull();
  }

  @Test
  @DisplayName("a created community is found by its slug")
  void createdCommunityIsFound() {
    Community created = await(store.create("sambir", rules("Самбірська міська рада", 300)));

    assertThat(await(store.find("sambir"))).contains(created);
  }

  @Test
  @DisplayName("an unknown slug finds nothing")
  void unknownSlugFindsNothing() {
    assertThat(await(store.find("atlantis"))).isEmpty();
  }

  @Test
  @DisplayName("a community without residency rule may have no territory code")
  void communityWithoutTerritory() {
    CommunityRules rules =
        new CommunityRules(
            "Відкрита громада", "Київська область", 50, 30, false, null, "Europe/Kyiv");

    Community created = await(store.create("vidkryta", rules));

    assertThat(created.rules()).isEqualTo(rules);
  }

  @Test
  @DisplayName("creating a second community with a taken slug fails with a duplicate key")
  void duplicateSlugFails() {
    await(store.create("stryi", rules("Стрийська міська рада", 400)));

    Throwable failure = failureOf(store.create("stryi", rules("Інша рада", 500)));

    assertThat(failure).isInstanceOf(DuplicateKeyException.class);
    assertThat(await(store.find("stryi")).orElseThrow().rules().name())
        .isEqualTo("Стрийська міська рада");
  }

  @Test
  @DisplayName("a slug the schema refuses fails the future, but not as a duplicate")
  void malformedSlugFails() {
    Throwable failure = failureOf(store.create("Not A Slug", rules("Рада", 10)));

    assertThat(failure)
        .isInstanceOf(PgException.class)
        .isNotInstanceOf(DuplicateKeyException.class);
  }

  @Test
  @DisplayName("communities are listed by slug in pages after the last slug of the previous page")
  void listPagesBySlug() {
    try (TestDatabase own = TestDatabase.migrated()) {
      CommunityStore ownStore = new CommunityStore(own.pool());
      for (String slug : List.of("drohobych", "brody", "zhovkva", "chervonohrad", "kolomyia")) {
        await(ownStore.create(slug, rules("Рада " + slug, 100)));
      }

      List<List<String>> pages = new ArrayList<>();
      String after = "";
      List<Community> page;
      do {
        page = await(ownStore.list(after, 2));
        pages.add(page.stream().map(Community::slug).toList());
        after = page.isEmpty() ? after : page.get(page.size() - 1).slug();
      } while (page.size() == 2);

      assertThat(pages)
          .containsExactly(
              List.of("brody", "chervonohrad"),
              List.of("drohobych", "kolomyia"),
              List.of("zhovkva"));
    }
  }

  @Test
  @DisplayName("updating rules changes them and keeps the id, slug and creation time")
  void updateRulesChangesRules() {
    Community created = await(store.create("boryslav", rules("Бориславська міська рада", 200)));
    CommunityRules changed =
        new CommunityRules(
            "Бориславська міська рада",
            "Львівська область",
            250,
            45,
            false,
            "UA4606",
            "Europe/Kyiv");

    Community updated = await(store.updateRules("boryslav", changed)).orElseThrow();

    assertThat(updated.rules()).isEqualTo(changed);
    assertThat(updated.id()).isEqualTo(created.id());
    assertThat(updated.createdAt()).isEqualTo(created.createdAt());
    assertThat(updated.updatedAt()).isAfterOrEqualTo(created.updatedAt());
    assertThat(await(store.find("boryslav")).orElseThrow().rules()).isEqualTo(changed);
  }

  @Test
  @DisplayName("updating the rules of an unknown community changes nothing and answers empty")
  void updateRulesOfUnknownCommunity() {
    assertThat(await(store.updateRules("nowhere", rules("Рада", 10)))).isEmpty();
    assertThat(await(store.find("nowhere"))).isEmpty();
  }

  @Test
  @DisplayName("pausing signing is stored and can be undone")
  void pauseRoundTrip() {
    await(store.create("truskavets", rules("Трускавецька міська рада", 150)));

    Community paused = await(store.setSigningPaused("truskavets", true)).orElseThrow();
    boolean pausedWhenRead = await(store.find("truskavets")).orElseThrow().signingPaused();
    Community resumed = await(store.setSigningPaused("truskavets", false)).orElseThrow();

    assertThat(paused.signingPaused()).isTrue();
    assertThat(pausedWhenRead).isTrue();
    assertThat(resumed.signingPaused()).isFalse();
    assertThat(await(store.find("truskavets")).orElseThrow().signingPaused()).isFalse();
  }

  @Test
  @DisplayName("pausing an unknown community answers empty")
  void pauseUnknownCommunity() {
    assertThat(await(store.setSigningPaused("nowhere-else", true))).isEmpty();
  }
}

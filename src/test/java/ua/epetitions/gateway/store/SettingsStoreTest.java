package ua.epetitions.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.testing.TestGateway.await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.testing.TestDatabase;

@DisplayName("Gateway settings store")
class SettingsStoreTest {
  private TestDatabase database;
  private SettingsStore store;

  @BeforeEach
  void openDatabase() {
    database = TestDatabase.migrated();
    store = new SettingsStore(database.pool());
  }

  @AfterEach
  void closeDatabase() {
    database.close();
  }

  @Test
  @DisplayName("signing is not paused in a new database")
  void notPausedInitially() {
    assertThat(await(store.isSigningPaused())).isFalse();
  }

  @Test
  @DisplayName("pausing signing is read back as paused")
  void pauseIsReadBack() {
    await(store.setSigningPaused(true));

    assertThat(await(store.isSigningPaused())).isTrue();
  }

  @Test
  @DisplayName("resuming signing after a pause is read back as not paused")
  void resumeIsReadBack() {
    await(store.setSigningPaused(true));
    await(store.setSigningPaused(false));

    assertThat(await(store.isSigningPaused())).isFalse();
  }

  @Test
  @DisplayName("without the settings row signing counts as not paused, and pausing creates it")
  void missingRowCountsAsNotPaused() {
    database.sql("DELETE FROM gateway_settings");

    boolean pausedWithoutRow = await(store.isSigningPaused());
    await(store.setSigningPaused(true));

    assertThat(pausedWithoutRow).isFalse();
    assertThat(await(store.isSigningPaused())).isTrue();
  }
}

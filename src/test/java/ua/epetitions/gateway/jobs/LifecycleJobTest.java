package ua.epetitions.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

@DisplayName("The closing job")
class LifecycleJobTest {
  private static final Duration PATIENCE = Duration.ofSeconds(15);
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("GATEWAY_LIFECYCLE_CLOSE_CHECK_INTERVAL_MS", "200"));
    Fixtures.createCommunity(gw, "closing", false);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @DisplayName("moves a collecting petition past its closing time to not supported")
  void collectingPastClosingTimeIsNotSupported() {
    long id = Fixtures.collectingPetition(gw, "closing", "Петиція, час якої минув без підтримки");

    gw.sql("UPDATE petitions SET closes_at = now() - interval '1 second' WHERE id = " + id);

    Eventually.within(PATIENCE, () -> assertThat(status(id)).isEqualTo("not_supported"));
  }

  @Test
  @DisplayName("moves a petition that reached its threshold to awaiting answer")
  void thresholdReachedPastClosingTimeAwaitsAnswer() {
    long id = Fixtures.collectingPetition(gw, "closing", "Петиція, що набрала підписи вчасно");
    gw.sql(
        "UPDATE petitions SET status = 'threshold_reached', threshold_reached_at = now()"
            + " WHERE id = "
            + id);

    gw.sql("UPDATE petitions SET closes_at = now() - interval '1 second' WHERE id = " + id);

    Eventually.within(PATIENCE, () -> assertThat(status(id)).isEqualTo("awaiting_answer"));
  }

  @Test
  @DisplayName("leaves a petition whose period runs on collecting")
  void openPetitionKeepsCollecting() {
    long open = Fixtures.collectingPetition(gw, "closing", "Петиція, що ще збирає підписи");
    long due = Fixtures.collectingPetition(gw, "closing", "Петиція-маяк, що вже закрилася");

    gw.sql("UPDATE petitions SET closes_at = now() - interval '1 second' WHERE id = " + due);
    Eventually.within(PATIENCE, () -> assertThat(status(due)).isEqualTo("not_supported"));

    assertThat(status(open)).isEqualTo("collecting");
  }

  private static String status(long id) {
    return gw.get("/api/v1/petitions/" + id).bodyAsJsonObject().getString("status");
  }
}

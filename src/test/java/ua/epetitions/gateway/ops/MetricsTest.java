package ua.epetitions.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

@DisplayName("Prometheus metrics after signing")
class MetricsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static TestGateway gw;
  private static long petitionId;

  @BeforeAll
  static void signSome() {
    gw = TestGateway.start();
    Fixtures.createCommunity(gw, "metered", false);
    petitionId = Fixtures.collectingPetition(gw, "metered", "Петиція, яку рахують метрики");
    for (int i = 0; i < 3; i++) {
      assertThat(sign("metered-citizen-" + i)).isEqualTo(202);
    }
    assertThat(sign("metered-citizen-0")).isEqualTo(409);
    assertThat(sign("metered-citizen-1")).isEqualTo(409);
    var forged =
        gw.citizenPost(
            "/api/v1/petitions/" + petitionId + "/signatures",
            "not-a-token",
            new JsonObject().put("consent", true));
    assertThat(forged.statusCode()).isEqualTo(401);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @DisplayName("signatures are counted by outcome as they were answered")
  void signaturesByOutcome() {
    String scrape = scrape();

    assertThat(value(scrape, "gateway_signatures_total{outcome=\"accepted\"}")).isEqualTo(3.0);
    assertThat(value(scrape, "gateway_signatures_total{outcome=\"duplicate\"}")).isEqualTo(2.0);
    assertThat(value(scrape, "gateway_signatures_total{outcome=\"invalid_token\"}")).isEqualTo(1.0);
    assertThat(value(scrape, "gateway_signatures_total{outcome=\"overloaded\"}")).isEqualTo(0.0);
  }

  @Test
  @DisplayName("intake and script latencies are histograms with a sample per request")
  void latenciesAreRecorded() {
    String scrape = scrape();

    assertThat(value(scrape, "gateway_intake_latency_seconds_count")).isEqualTo(6.0);
    assertThat(value(scrape, "gateway_redis_script_latency_seconds_count")).isEqualTo(5.0);
    assertThat(scrape).contains("gateway_intake_latency_seconds_bucket{le=");
  }

  @Test
  @DisplayName("the writer's rows, batches and flushes are measured")
  void writerIsMeasured() {
    Eventually.within(
        PATIENCE, () -> assertThat(value(scrape(), "gateway_writer_rows_total")).isEqualTo(3.0));
    String scrape = scrape();

    assertThat(value(scrape, "gateway_writer_batch_size_count")).isGreaterThanOrEqualTo(1.0);
    assertThat(value(scrape, "gateway_writer_batch_size_sum")).isEqualTo(3.0);
    assertThat(value(scrape, "gateway_writer_flush_latency_seconds_count"))
        .isGreaterThanOrEqualTo(1.0);
    assertThat(value(scrape, "gateway_writer_failures_total")).isEqualTo(0.0);
    assertThat(value(scrape, "gateway_writer_dead_letters_total")).isEqualTo(0.0);
  }

  @Test
  @DisplayName("stream gauges, drift and readiness are published per partition")
  void gaugesArePublished() {
    Eventually.within(
        PATIENCE,
        () -> {
          String scrape = scrape();
          assertThat(value(scrape, "gateway_ready")).isEqualTo(1.0);
          assertThat(value(scrape, "gateway_stream_backlog{partition=\"0\"}")).isEqualTo(0.0);
          assertThat(value(scrape, "gateway_stream_pending{partition=\"3\"}")).isEqualTo(0.0);
        });
    String scrape = scrape();

    assertThat(scrape).contains("gateway_count_drift ");
    assertThat(value(scrape, "gateway_backlog_limit")).isEqualTo(200_000.0);
  }

  @Test
  @DisplayName("Vert.x's own HTTP server metrics are exposed beside the gateway's")
  void vertxMetricsAreExposed() {
    assertThat(scrape()).contains("vertx_http_server_requests_total");
  }

  private static int sign(String subject) {
    return gw.citizenPost(
            "/api/v1/petitions/" + petitionId + "/signatures",
            gw.token(subject, "Громадянин", null),
            new JsonObject().put("consent", true))
        .statusCode();
  }

  private static String scrape() {
    var response = gw.get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
    return response.bodyAsString();
  }

  /** The value of one series, by its name and labels exactly as exposed. */
  private static double value(String scrape, String series) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
            .matcher(scrape);
    assertThat(matcher.find()).as("series %s in the scrape", series).isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}

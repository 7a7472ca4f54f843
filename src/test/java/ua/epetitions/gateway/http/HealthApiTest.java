package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import ua.epetitions.gateway.testing.TestGateway;

@DisplayName("Health endpoints")
class HealthApiTest {
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @DisplayName("liveness answers 200 UP")
  void livenessAnswersUp() {
    var response = gw.get("/health/live");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("UP");
  }

  @Test
  @DisplayName("readiness names PostgreSQL and Redis as up")
  void readinessNamesEachCheck() {
    var response = gw.get("/health/ready");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonObject("checks").getMap())
        .containsEntry("postgres", "UP")
        .containsEntry("redis", "UP");
  }

  @Test
  @DisplayName("every answer carries a request id, the caller's when well-formed")
  void requestIdIsEchoed() {
    var response =
        TestGateway.await(
            gw.client().get("/health/live").putHeader("X-Request-Id", "trace-12345678").send());

    assertThat(response.getHeader("X-Request-Id")).isEqualTo("trace-12345678");
  }
}

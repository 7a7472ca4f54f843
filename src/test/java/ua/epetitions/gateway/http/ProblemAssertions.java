package ua.epetitions.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Checks that an answer is the RFC 9457 problem the contract promises. */
public final class ProblemAssertions {
  private ProblemAssertions() {}

  /**
   * Asserts the status, the problem media type, the five members every problem carries and the
   * stable type; answers the body for further checks.
   */
  public static JsonObject assertProblem(HttpResponse<Buffer> response, int status, String type) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.MEDIA_TYPE);

    JsonObject body = response.bodyAsJsonObject();

    assertThat(body.fieldNames()).contains("type", "title", "status", "detail", "requestId");
    assertThat(body.getString("type")).isEqualTo(type);
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("title")).isNotBlank();
    assertThat(body.getString("detail")).isNotBlank();
    assertThat(body.getString("requestId")).isEqualTo(response.getHeader("X-Request-Id"));
    return body;
  }

  public static JsonObject assertInvalidRequest(HttpResponse<Buffer> response) {
    return assertProblem(response, 400, "/problems/invalid-request");
  }
}

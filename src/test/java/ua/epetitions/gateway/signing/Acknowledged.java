package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ua.epetitions.gateway.testing.TestGateway;

/**
 * Signs as citizens through the API and keeps the receipt of every 202 answer, so that a test can
 * end by checking that PostgreSQL holds exactly the acknowledged signatures.
 */
final class Acknowledged {
  private static final String NAME = "Богдана Литвиненко";
  private final Map<String, String> receiptsBySubject = new HashMap<>();

  /** Signs as the citizen {@code subject}; a 202 answer's receipt is remembered. */
  HttpResponse<Buffer> sign(TestGateway gw, long petitionId, String subject) {
    HttpResponse<Buffer> response =
        gw.citizenPost(
            "/api/v1/petitions/" + petitionId + "/signatures",
            gw.token(subject, NAME, null),
            new JsonObject().put("consent", true));
    if (response.statusCode() == 202) {
      String receipt = response.bodyAsJsonObject().getString("receipt");
      assertThat(receiptsBySubject.put(subject, receipt))
          .as("a second 202 for citizen %s", subject)
          .isNull();
    }
    return response;
  }

  /** Signs as {@code count} new citizens, each of whom must be accepted. */
  void signAccepted(TestGateway gw, long petitionId, String subjectPrefix, int count) {
    for (int i = 0; i < count; i++) {
      HttpResponse<Buffer> response = sign(gw, petitionId, subjectPrefix + i);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    }
  }

  /** The receipt of the citizen's acknowledged signature. */
  String receiptOf(String subject) {
    return receiptsBySubject.get(subject);
  }

  int size() {
    return receiptsBySubject.size();
  }

  /** Asserts that PostgreSQL holds exactly the acknowledged signatures, by receipt. */
  void assertStoredExactly(TestGateway gw) {
    assertStored(gw, "SELECT receipt FROM signatures");
  }

  /** The same, for a test that signed one petition among others in its database. */
  void assertStoredExactly(TestGateway gw, long petitionId) {
    assertStored(gw, "SELECT receipt FROM signatures WHERE petition_id = " + petitionId);
  }

  private void assertStored(TestGateway gw, String sql) {
    List<String> stored = new ArrayList<>();
    for (Row row : gw.sql(sql)) {
      stored.add(row.getString("receipt"));
    }
    assertThat(stored).containsExactlyInAnyOrderElementsOf(receiptsBySubject.values());
  }
}

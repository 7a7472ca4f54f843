package ua.epetitions.gateway.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntry;
import redis.clients.jedis.StreamEntryID;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/** Stream entries the writer cannot read are set aside for an operator, not retried forever. */
@DisplayName("Dead letters of the batch writer")
class DeadLetterTest {
  private static final String TOWN = "dead-letter-town";
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @Test
  @DisplayName(
      "a malformed stream entry goes to the dead-letter stream with its reason, and the valid"
          + " signature beside it is stored")
  void malformedEntryIsDeadLetteredAndValidOneStored() {
    try (TestGateway gw = TestGateway.start();
        Jedis redis = TestServers.get().jedis()) {
      Fixtures.createCommunity(gw, TOWN, false);
      long petitionId = Fixtures.collectingPetition(gw, TOWN, "Петиція з зіпсованим записом");
      SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
      int partition = keys.partitionOf(petitionId);
      String stream = keys.stream(partition);

      StreamEntryID malformed =
          redis.xadd(
              stream, StreamEntryID.NEW_ENTRY, Map.of("p", "abc", "k", "x", "n", "y", "t", "1"));
      String receipt = sign(gw, petitionId);

      Eventually.within(
          PATIENCE,
          () -> {
            assertThat(storedReceipts(gw, petitionId)).containsExactly(receipt);
            List<StreamEntry> dead =
                redis.xrange(keys.deadLetters(partition), (StreamEntryID) null, null);
            assertThat(dead).hasSize(1);
            Map<String, String> fields = dead.get(0).getFields();
            assertThat(fields).containsEntry("entry", malformed.toString());
            assertThat(fields).containsEntry("f:p", "abc");
            assertThat(fields.get("reason")).contains("petition id");
            assertThat(redis.xlen(stream)).isZero();
          });
    }
  }

  private static List<String> storedReceipts(TestGateway gw, long petitionId) {
    List<String> receipts = new ArrayList<>();
    for (Row row : gw.sql("SELECT receipt FROM signatures WHERE petition_id = " + petitionId)) {
      receipts.add(row.getString("receipt"));
    }
    return receipts;
  }

  private static String sign(TestGateway gw, long petitionId) {
    String token = gw.token("dead-letter-citizen", "Оксана Мельник", Fixtures.TERRITORY);
    var response =
        gw.citizenPost(
            "/api/v1/petitions/" + petitionId + "/signatures",
            token,
            new JsonObject().put("consent", true));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return response.bodyAsJsonObject().getString("receipt");
  }
}

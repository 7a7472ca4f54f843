package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static ua.epetitions.gateway.http.ProblemAssertions.assertProblem;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;
import ua.epetitions.gateway.testing.TestServers;

/**
 * A gateway without a batch writer, so that accepted signatures stay in their partition's stream
 * and its backlog limit is reached after a handful of them.
 */
@Tag("fault")
@DisplayName("The backlog limit of a signature stream")
class BacklogLimitTest {
  private static final int MAX_BACKLOG_ENTRIES = 5;
  private static final String TOWN = "backlog-town";
  private static final String NAME = "Ірина Бондаренко";
  private static final AtomicInteger SUBJECTS = new AtomicInteger();
  private static final AtomicInteger TITLES = new AtomicInteger();
  private static TestGateway gw;
  private static SigningRecords records;

  @BeforeAll
  static void start() {
    gw =
        TestGateway.start(
            Map.of(
                "GATEWAY_WRITER_ENABLED",
                "false",
                "GATEWAY_SIGNING_MAX_BACKLOG_ENTRIES",
                Integer.toString(MAX_BACKLOG_ENTRIES)));
    records = new SigningRecords(gw);
    Fixtures.createCommunity(gw, TOWN, false);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /**
   * Empties every stream, as a writer would have done, so that each test starts under the limit.
   */
  @BeforeEach
  void emptyStreams() {
    SigningKeys keys = new SigningKeys(gw.gateway().services().config().signing().partitions());
    try (Jedis jedis = TestServers.get().jedis()) {
      for (int partition = 0; partition < keys.partitions(); partition++) {
        jedis.del(keys.stream(partition));
      }
    }
  }

  @Test
  @DisplayName("a signature over the limit answers 503 overloaded with Retry-After, unrecorded")
  void signatureOverLimitIsRefused() {
    long id = petitionWithFullBacklog();

    var response = sign(id, newCitizenToken());

    assertProblem(response, 503, "/problems/overloaded");
    int retryAfterSeconds = gw.gateway().services().config().signing().retryAfterSeconds();
    assertThat(response.getHeader("Retry-After")).isEqualTo(Integer.toString(retryAfterSeconds));
    assertThat(records.signers(id)).isEqualTo(MAX_BACKLOG_ENTRIES);
    assertThat(records.streamLength(id)).isEqualTo(MAX_BACKLOG_ENTRIES);
    assertThat(liveCount(id)).isEqualTo(MAX_BACKLOG_ENTRIES);
  }

  @Test
  @DisplayName("a citizen refused for the backlog may sign once it drains, as a new signer")
  void refusedCitizenSignsAfterDrain() {
    long id = petitionWithFullBacklog();
    String token = newCitizenToken();
    assertThat(sign(id, token).statusCode()).isEqualTo(503);
    emptyStreams();

    var response = sign(id, token);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getLong("count")).isEqualTo(MAX_BACKLOG_ENTRIES + 1L);
  }

  @Test
  @DisplayName("a repeat while the backlog is full still answers 409 with the first receipt")
  void repeatAtFullBacklogIsAlreadySigned() {
    long id = Fixtures.collectingPetition(gw, TOWN, nextTitle());
    String first = newCitizenToken();
    String receipt = sign(id, first).bodyAsJsonObject().getString("receipt");
    for (int i = 1; i < MAX_BACKLOG_ENTRIES; i++) {
      assertThat(sign(id, newCitizenToken()).statusCode()).isEqualTo(202);
    }

    var response = sign(id, first);

    JsonObject problem = assertProblem(response, 409, "/problems/already-signed");
    assertThat(problem.getString("receipt")).isEqualTo(receipt);
  }

  /** A collecting petition with as many accepted signatures as its partition's stream may hold. */
  private static long petitionWithFullBacklog() {
    long id = Fixtures.collectingPetition(gw, TOWN, nextTitle());
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < MAX_BACKLOG_ENTRIES; i++) {
      statuses.add(sign(id, newCitizenToken()).statusCode());
    }
    assertThat(statuses).as("signatures up to the limit").containsOnly(202);
    return id;
  }

  private static long liveCount(long petitionId) {
    return gw.get("/api/v1/petitions/" + petitionId + "/count").bodyAsJsonObject().getLong("count");
  }

  private static HttpResponse<Buffer> sign(long petitionId, String token) {
    return gw.citizenPost(
        "/api/v1/petitions/" + petitionId + "/signatures",
        token,
        new JsonObject().put("consent", true));
  }

  private static String newCitizenToken() {
    return gw.token("backlog-signer-" + SUBJECTS.incrementAndGet(), NAME, null);
  }

  private static String nextTitle() {
    return "Петиція про чергу підписів номер " + TITLES.incrementAndGet();
  }
}

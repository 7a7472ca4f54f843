package ua.epetitions.gateway.signing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.testing.Eventually;
import ua.epetitions.gateway.testing.Fixtures;
import ua.epetitions.gateway.testing.TestGateway;

/**
 * The acceptance test of signing: one petition, 4,000 citizens, 5,000 signatures sent at once (each
 * citizen once, and 1,000 of them a second time, in shuffled order). The requests are sent once,
 * before the tests, which then check what became of them.
 */
@DisplayName("Signing one petition with 5,000 simultaneous requests of 4,000 citizens")
class ConcurrentSigningTest {
  private static final Logger log = LoggerFactory.getLogger(ConcurrentSigningTest.class);
  private static final int CITIZENS = 4_000;
  private static final int REPEATS = 1_000;
  private static final int CLIENT_CONNECTIONS = 64;
  private static final long SHUFFLE_SEED = 20_240_917L;
  private static final Duration ANSWERS_PATIENCE = Duration.ofSeconds(60);
  private static final Duration STORAGE_PATIENCE = Duration.ofSeconds(60);
  private static final String TOWN = "viral-town";
  private static final Buffer CONSENT = new JsonObject().put("consent", true).toBuffer();

  private static TestGateway gw;
  private static SigningRecords records;
  private static long petitionId;
  private static List<Answer> answers;

  /** What one request got back: its citizen, the status and the receipt in the body. */
  private record Answer(int citizen, int status, String receipt) {}

  @BeforeAll
  static void signAtOnce() throws Exception {
    gw = TestGateway.start();
    records = new SigningRecords(gw);
    Fixtures.createCommunity(gw, TOWN, false);
    petitionId = Fixtures.collectingPetition(gw, TOWN, "Петиція, що стала вірусною за годину");

    List<String> tokens = mintTokens();
    List<Integer> order = shuffledRequests();

    Vertx vertx = Vertx.vertx();
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(gw.gateway().httpPort()),
            new PoolOptions().setHttp1MaxSize(CLIENT_CONNECTIONS));
    try {
      long startedNs = System.nanoTime();
      answers = send(client, tokens, order);
      log.info(
          "test: requests={} answeredInMs={}",
          order.size(),
          (System.nanoTime() - startedNs) / 1_000_000);
    } finally {
      client.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  @DisplayName("each citizen's signature is accepted exactly once and every repeat answers 409")
  void eachCitizenIsAcceptedOnce() {
    Map<Integer, Long> statuses =
        answers.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting()));
    Map<Integer, Long> acceptedPerCitizen =
        answers.stream()
            .filter(answer -> answer.status() == 202)
            .collect(Collectors.groupingBy(Answer::citizen, Collectors.counting()));

    assertThat(statuses)
        .containsOnly(Map.entry(202, (long) CITIZENS), Map.entry(409, (long) REPEATS));
    assertThat(acceptedPerCitizen).hasSize(CITIZENS);
    assertThat(acceptedPerCitizen.values()).containsOnly(1L);
  }

  @Test
  @DisplayName("every repeat carries the receipt of its citizen's accepted signature")
  void repeatsCarryFirstReceipt() {
    Map<Integer, String> acceptedReceipts = acceptedReceipts();
    List<Answer> repeats = answers.stream().filter(answer -> answer.status() == 409).toList();

    assertThat(repeats).hasSize(REPEATS);
    for (Answer repeat : repeats) {
      assertThat(repeat.receipt())
          .as("receipt of citizen %d's repeat", repeat.citizen())
          .isNotNull()
          .isEqualTo(acceptedReceipts.get(repeat.citizen()));
    }
  }

  @Test
  @DisplayName("the accepted signatures all have distinct receipts")
  void receiptsAreDistinct() {
    List<String> receipts =
        answers.stream().filter(answer -> answer.status() == 202).map(Answer::receipt).toList();

    assertThat(receipts).hasSize(CITIZENS).doesNotContainNull().doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("the live count ends at 4,000")
  void liveCountIsCitizens() {
    var response = gw.get("/api/v1/petitions/" + petitionId + "/count");

    assertThat(response.bodyAsJsonObject().getLong("count")).isEqualTo(CITIZENS);
  }

  @Test
  @DisplayName("PostgreSQL ends with exactly the accepted signatures, and no entry stays in Redis")
  void everyAcceptedSignatureIsStoredOnce() {
    Eventually.within(
        STORAGE_PATIENCE,
        () -> {
          assertThat(records.storedRows(petitionId)).isEqualTo(CITIZENS);
          assertThat(records.persistedCount(petitionId)).isEqualTo(CITIZENS);
          assertThat(records.streamLength(petitionId)).isZero();
          assertThat(records.pendingEntries(petitionId)).isZero();
        });

    Set<String> stored = new HashSet<>();
    gw.sql("SELECT receipt FROM signatures WHERE petition_id = " + petitionId)
        .forEach(row -> stored.add(row.getString("receipt")));
    assertThat(stored).isEqualTo(new HashSet<>(acceptedReceipts().values()));
  }

  private static Map<Integer, String> acceptedReceipts() {
    Map<Integer, String> receipts = new HashMap<>();
    answers.stream()
        .filter(answer -> answer.status() == 202)
        .forEach(answer -> receipts.put(answer.citizen(), answer.receipt()));
    return receipts;
  }

  private static List<String> mintTokens() {
    long startedNs = System.nanoTime();
    List<String> tokens =
        IntStream.range(0, CITIZENS)
            .mapToObj(i -> gw.issuer().mint("viral-citizen-" + i, "Громадянин " + i, null))
            .toList();
    log.info("test: minted tokens={} inMs={}", CITIZENS, (System.nanoTime() - startedNs) / 1e6);
    return tokens;
  }

  /** Every citizen once and 1,000 distinct citizens a second time, in a shuffled order. */
  private static List<Integer> shuffledRequests() {
    Random random = new Random(SHUFFLE_SEED);
    List<Integer> citizens = new ArrayList<>(IntStream.range(0, CITIZENS).boxed().toList());
    List<Integer> order = new ArrayList<>(citizens);
    Collections.shuffle(citizens, random);
    order.addAll(citizens.subList(0, REPEATS));
    Collections.shuffle(order, random);
    return order;
  }

  /** Sends every request without waiting for any answer, then waits for all of them. */
  private static List<Answer> send(WebClient client, List<String> tokens, List<Integer> order)
      throws Exception {
    String path = "/api/v1/petitions/" + petitionId + "/signatures";
    List<Future<Answer>> sent = new ArrayList<>(order.size());
    for (int citizen : order) {
      sent.add(
          client
              .post(path)
              .putHeader("Authorization", "Bearer " + tokens.get(citizen))
              .putHeader("Content-Type", "application/json")
              .sendBuffer(CONSENT)
              .map(response -> answer(citizen, response)));
    }
    Future.join(sent)
        .toCompletionStage()
        .toCompletableFuture()
        .handle((all, failure) -> all)
        .get(ANSWERS_PATIENCE.toSeconds(), TimeUnit.SECONDS);
    List<Answer> all = new ArrayList<>(sent.size());
    for (Future<Answer> request : sent) {
      assertThat(request.succeeded()).as("request completed: %s", request.cause()).isTrue();
      all.add(request.result());
    }
    return all;
  }

  private static Answer answer(int citizen, HttpResponse<Buffer> response) {
    String receipt = null;
    if (response.statusCode() == 202 || response.statusCode() == 409) {
      receipt = response.bodyAsJsonObject().getString("receipt");
    }
    return new Answer(citizen, response.statusCode(), receipt);
  }
}

package ua.epetitions.gateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import ua.epetitions.gateway.Gateway;
import ua.epetitions.gateway.config.ConfigLoader;
import ua.epetitions.gateway.embedded.EmbeddedPostgresServer;
import ua.epetitions.gateway.embedded.EmbeddedRedisServer;
import ua.epetitions.gateway.identity.DevIdentityIssuer;

/**
 * Prints signatures per second of the intake path (token verification, the Redis script, the 202)
 * and of the batch writer (stream to PostgreSQL), each alone, and the bare HTTP rate of {@code
 * /health/live} measured the same way in the same run. Not a test: a program.
 *
 * <p>Arguments: signatures (default 20000), concurrent requests (default 64), petitions (default
 * 4). The generator shares the machine with the gateway and both servers.
 */
public final class SigningBenchmark {
  private static final String ADMIN = "benchmark-admin-token-0123456789abcdef";

  public static void main(String[] args) throws Exception {
    int signatures = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int petitions = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "bench-");

    try (EmbeddedPostgresServer postgres =
            EmbeddedPostgresServer.start(dir.resolve("postgres"), 0, true);
        EmbeddedRedisServer redis =
            EmbeddedRedisServer.start(dir.resolve("redis"), 0, "everysec")) {
      Map<String, String> env = new HashMap<>();
      env.put("GATEWAY_DATA_DIR", dir.toString());
      env.put("GATEWAY_POSTGRES_URL", postgres.url());
      env.put("GATEWAY_REDIS_URL", redis.url());
      env.put("GATEWAY_HTTP_HOST", "127.0.0.1");
      env.put("GATEWAY_HTTP_PORT", "0");
      env.put("GATEWAY_ADMIN_TOKEN", ADMIN);
      env.put("GATEWAY_DEMO_DATA", "false");
      env.put("GATEWAY_SIGNING_MAX_BACKLOG_ENTRIES", Integer.toString(2 * signatures + 1));

      Map<String, String> intakeOnly = new HashMap<>(env);
      intakeOnly.put("GATEWAY_WRITER_ENABLED", "false");
      Vertx vertx = Vertx.vertx();
      WebClient client =
          WebClient.create(
              vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(concurrency));
      try (Gateway intake =
          Gateway.start(new ConfigLoader().load(Optional.empty(), intakeOnly, false))) {
        int port = intake.httpPort();
        long[] petitionIds = createPetitions(client, port, petitions);
        DevIdentityIssuer issuer = intake.services().devIssuer();
        // The JIT needs tens of thousands of requests before the figures settle: the first half
        // of the tokens warms the signing path up, the second half is measured.
        System.out.printf("minting %d tokens...%n", 2 * signatures);
        String[] tokens = new String[2 * signatures];
        java.util.stream.IntStream.range(0, 2 * signatures)
            .parallel()
            .forEach(i -> tokens[i] = issuer.mint("bench-" + i, "Учасник " + i, null));
        IntFunction<Future<HttpResponse<Buffer>>> sign =
            i ->
                client
                    .post(
                        port,
                        "127.0.0.1",
                        "/api/v1/petitions/" + petitionIds[i % petitionIds.length] + "/signatures")
                    .putHeader("Authorization", "Bearer " + tokens[i])
                    .sendJsonObject(new JsonObject().put("consent", true));
        IntFunction<Future<HttpResponse<Buffer>>> live =
            i -> client.get(port, "127.0.0.1", "/health/live").send();

        Result warm = run(client, concurrency, signatures, live);
        warm = run(client, concurrency, signatures, sign);
        Result bare = run(client, concurrency, signatures, live);
        Result signed = run(client, concurrency, signatures, i -> sign.apply(signatures + i));
        System.out.printf("warm-up (signing, not counted): %s%n", warm);
        System.out.printf("bare HTTP   GET /health/live      : %s%n", bare);
        System.out.printf(
            "intake      POST .../signatures   : %s (statuses %s)%n", signed, signed.statuses);
      }

      try (Gateway writer = Gateway.start(new ConfigLoader().load(Optional.empty(), env, false))) {
        long started = System.nanoTime();
        long stored = 0;
        while (stored < 2L * signatures
            && System.nanoTime() - started < TimeUnit.MINUTES.toNanos(5)) {
          Thread.sleep(20);
          stored =
              writer
                  .services()
                  .pool()
                  .query("SELECT count(*) FROM signatures")
                  .execute()
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get()
                  .iterator()
                  .next()
                  .getLong(0);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(
            "writer      stream -> PostgreSQL  : %d rows in %.2f s = %.0f rows/s (batch size %d)%n",
            stored, seconds, stored / seconds, writer.services().config().writer().batchSize());
      }
      client.close();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static long[] createPetitions(WebClient client, int port, int count) throws Exception {
    JsonObject community =
        new JsonObject()
            .put("slug", "bench")
            .put("name", "Бенчмарк")
            .put("region", "Київ")
            .put("signatureThreshold", 1_000_000)
            .put("collectionDays", 90)
            .put("residencyRequired", false)
            .put("timeZone", "Europe/Kyiv");
    await(
        client
            .post(port, "127.0.0.1", "/api/v1/admin/communities")
            .putHeader("Authorization", "Bearer " + ADMIN)
            .sendJsonObject(community));
    String author =
        await(
                client
                    .post(port, "127.0.0.1", "/dev/identity/tokens")
                    .sendJsonObject(
                        new JsonObject().put("subject", "bench-author").put("name", "Автор")))
            .bodyAsJsonObject()
            .getString("token");
    long[] ids = new long[count];
    for (int i = 0; i < count; i++) {
      JsonObject petition =
          new JsonObject()
              .put("title", "Петиція для вимірювання номер " + i)
              .put("text", "Текст петиції для вимірювання пропускної здатності шлюзу підписів.")
              .put("topic", "other");
      ids[i] =
          await(
                  client
                      .post(port, "127.0.0.1", "/api/v1/communities/bench/petitions")
                      .putHeader("Authorization", "Bearer " + author)
                      .sendJsonObject(petition))
              .bodyAsJsonObject()
              .getLong("id");
      await(
          client
              .post(port, "127.0.0.1", "/api/v1/admin/petitions/" + ids[i] + "/publish")
              .putHeader("Authorization", "Bearer " + ADMIN)
              .send());
    }
    return ids;
  }

  /** Sends {@code total} requests keeping {@code concurrency} in flight; times each. */
  private static Result run(
      WebClient client, int concurrency, int total, IntFunction<Future<HttpResponse<Buffer>>> send)
      throws Exception {
    long[] latenciesNs = new long[total];
    Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    long started = System.nanoTime();
    for (int lane = 0; lane < concurrency; lane++) {
      sendNext(send, next, done, total, latenciesNs, statuses, finished);
    }
    finished.get(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - started) / 1e9;
    Arrays.sort(latenciesNs);
    return new Result(total, seconds, latenciesNs, statuses);
  }

  private static void sendNext(
      IntFunction<Future<HttpResponse<Buffer>>> send,
      AtomicInteger next,
      AtomicInteger done,
      int total,
      long[] latenciesNs,
      Map<Integer, Integer> statuses,
      CompletableFuture<Void> finished) {
    int i = next.getAndIncrement();
    if (i >= total) {
      return;
    }
    long sentAt = System.nanoTime();
    send.apply(i)
        .onComplete(
            result -> {
              latenciesNs[i] = System.nanoTime() - sentAt;
              statuses.merge(
                  result.succeeded() ? result.result().statusCode() : -1, 1, Integer::sum);
              if (done.incrementAndGet() == total) {
                finished.complete(null);
              } else {
                sendNext(send, next, done, total, latenciesNs, statuses, finished);
              }
            });
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private record Result(
      int total, double seconds, long[] sortedNs, Map<Integer, Integer> statuses) {
    double percentileMs(double p) {
      int index = (int) Math.min(sortedNs.length - 1, Math.ceil(p * sortedNs.length) - 1);
      return sortedNs[Math.max(0, index)] / 1e6;
    }

    @Override
    public String toString() {
      return String.format(
          "%d requests in %.2f s = %.0f/s, p50 %.1f ms, p99 %.1f ms",
          total, seconds, total / seconds, percentileMs(0.50), percentileMs(0.99));
    }
  }

  private SigningBenchmark() {}
}

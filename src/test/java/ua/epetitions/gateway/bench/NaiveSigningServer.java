package ua.epetitions.gateway.bench;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import ua.epetitions.gateway.Gateway;
import ua.epetitions.gateway.config.ConfigLoader;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.http.Problem;
import ua.epetitions.gateway.identity.Citizen;
import ua.epetitions.gateway.identity.InvalidTokenException;
import ua.epetitions.gateway.identity.LocalSecrets;
import ua.epetitions.gateway.identity.SignerKeys;
import ua.epetitions.gateway.identity.TokenVerifier;

/**
 * The naive design, for comparison in the load tests' capacity mode: the same signing URL, the same
 * token verification (same keys, issuer, audience and signer-key pepper as the gateway on the same
 * data directory), then inside the request one transaction that inserts the signature into the
 * gateway's PostgreSQL schema and adds one to the petition's {@code persisted_count}. Every signer
 * of a petition queues on that row's lock until the commit: the design big petition sites fell over
 * with. Not a test and not part of the product: a program run from the test class path.
 *
 * <p>It is meant to be fair: a connection pool, prepared statements (cached by the client), the
 * insert before the update so the row lock is held only for the update and the commit, one token
 * verifier per event loop, nothing blocking an event loop.
 *
 * <pre>java -cp ... ua.epetitions.gateway.bench.NaiveSigningServer PORT POSTGRES_URL [POOL_SIZE]
 *     [durable|async-commit]
 * </pre>
 *
 * <p>{@code durable} (the default) commits as the gateway's writer does, waiting for the WAL to
 * reach the disk; {@code async-commit} sets {@code synchronous_commit=off} on its connections, the
 * naive design at its most favourable (a crash then loses signatures that were answered 202).
 *
 * <p>with GATEWAY_DATA_DIR naming the gateway's data directory (for the keys and the pepper).
 * Answers 202 {petitionId, receipt, count, status}; 409 already-signed with the receipt; 409
 * petition-not-collecting when the petition is unknown, not collecting or the signer not a resident
 * (one refusal for the three, read from the same insert); 401, 400 and 503 as problems.
 */
public final class NaiveSigningServer extends VerticleBase {

  private static final int DEFAULT_POOL_SIZE = 8;
  private static final int MAX_BODY_BYTES = 4096;
  private static final String SUBJECT_CLAIM = "sub";
  private static final String PEPPER_FILE = "signer-pepper";

  /** Inserts the signature when the petition is collecting and admits the signer; else nothing. */
  private static final String INSERT_SIGNATURE =
      "INSERT INTO signatures (petition_id, signer_key, display_name, signed_at, receipt)"
          + " SELECT p.id, $2, $3, $4, $5 FROM petitions p JOIN communities c"
          + " ON c.id = p.community_id WHERE p.id = $1"
          + " AND p.status IN ('collecting', 'threshold_reached') AND p.closes_at > $4"
          + " AND NOT c.signing_paused"
          + " AND (NOT c.residency_required OR starts_with(coalesce($6, ''), c.territory_code))"
          + " ON CONFLICT (petition_id, signer_key) DO NOTHING";

  private static final String COUNT_ONE_MORE =
      "UPDATE petitions SET persisted_count = persisted_count + 1, updated_at = now()"
          + " WHERE id = $1 RETURNING persisted_count";

  private static final String EARLIER_RECEIPT =
      "SELECT receipt FROM signatures WHERE petition_id = $1 AND signer_key = $2";

  private static final AtomicLong receipts = new AtomicLong();

  /** 202 answers sent, for the load test's verification (a stopped generator misses some). */
  private static final AtomicLong accepted = new AtomicLong();

  private final Pool pool;
  private final GatewayConfig config;
  private final JWKSource<SecurityContext> keys;
  private final String pepper;
  private final int port;
  private TokenVerifier verifier;
  private HttpServer server;

  private NaiveSigningServer(
      Pool pool, GatewayConfig config, JWKSource<SecurityContext> keys, String pepper, int port) {
    this.pool = pool;
    this.config = config;
    this.keys = keys;
    this.pepper = pepper;
    this.port = port;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: NaiveSigningServer PORT POSTGRES_URL [POOL_SIZE] [durable|async-commit]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int poolSize = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_POOL_SIZE;
    GatewayConfig config = new ConfigLoader().load(Optional.empty(), System.getenv());
    JWKSource<SecurityContext> keys = new ImmutableJWKSet<>(Gateway.devIssuer(config).publicKeys());
    String configured = config.identity().signerPepper();
    String pepper =
        configured != null && !configured.isBlank()
            ? configured
            : LocalSecrets.loadOrCreate(config.dataPath().resolve(PEPPER_FILE), 32);

    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    PgConnectOptions connect = PgConnectOptions.fromUri(args[1]).setCachePreparedStatements(true);
    if (args.length > 3 && args[3].equals("async-commit")) {
      connect.addProperty("synchronous_commit", "off");
    }
    Pool pool =
        PgBuilder.pool()
            .with(
                new PoolOptions()
                    .setMaxSize(poolSize)
                    .setMaxWaitQueueSize(poolSize * 64)
                    .setConnectionTimeout(10)
                    .setConnectionTimeoutUnit(TimeUnit.SECONDS))
            .connectingTo(connect)
            .using(vertx)
            .build();
    int instances = Runtime.getRuntime().availableProcessors();
    vertx
        .deployVerticle(
            () -> new NaiveSigningServer(pool, config, keys, pepper, port),
            new DeploymentOptions().setInstances(instances))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    System.out.printf(
        "naive: listening port=%d instances=%d poolSize=%d%n", port, instances, poolSize);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  vertx.close().toCompletionStage().toCompletableFuture().join();
                  stopped.countDown();
                }));
    stopped.await();
  }

  @Override
  public Future<?> start() {
    var identity = config.identity();
    verifier =
        new TokenVerifier(
            keys,
            identity.issuer(),
            identity.audience(),
            identity.clockSkewSeconds(),
            new SignerKeys(pepper),
            SUBJECT_CLAIM);
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.post("/api/v1/petitions/:petitionId/signatures").handler(this::sign);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router
        .get("/naive/accepted")
        .handler(ctx -> ctx.json(new JsonObject().put("accepted", accepted.get())));
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
            .requestHandler(router);
    return server.listen();
  }

  private void sign(RoutingContext ctx) {
    long petitionId;
    try {
      petitionId = Long.parseLong(ctx.pathParam("petitionId"));
    } catch (NumberFormatException e) {
      answer(ctx, Problem.invalidRequest("petition id must be a whole number"));
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null || !Boolean.TRUE.equals(body.getValue("consent"))) {
      answer(ctx, Problem.invalidRequest("the body must be {\"consent\": true}"));
      return;
    }
    Citizen citizen;
    try {
      citizen = verifier.verify(bearer(ctx.request().getHeader("Authorization")));
    } catch (InvalidTokenException e) {
      answer(ctx, Problem.invalidToken(e.getMessage()));
      return;
    }
    String receipt = "naive-" + receipts.incrementAndGet() + "-" + UUID.randomUUID();
    pool.withTransaction(connection -> store(connection, petitionId, citizen, receipt))
        .onSuccess(
            json -> {
              accepted.incrementAndGet();
              ctx.response()
                  .setStatusCode(202)
                  .putHeader("Content-Type", "application/json")
                  .end(json.encode());
            })
        .onFailure(failure -> answer(ctx, problemOf(failure, petitionId)));
  }

  /** Insert, then +1 on the petition row: both or neither, in the caller's transaction. */
  private Future<JsonObject> store(
      SqlConnection connection, long petitionId, Citizen citizen, String receipt) {
    Tuple insert =
        Tuple.of(
            petitionId,
            citizen.signerKey(),
            citizen.displayName(),
            OffsetDateTime.now(ZoneOffset.UTC),
            receipt,
            citizen.territory());
    return connection
        .preparedQuery(INSERT_SIGNATURE)
        .execute(insert)
        .compose(
            inserted ->
                inserted.rowCount() == 1
                    ? connection.preparedQuery(COUNT_ONE_MORE).execute(Tuple.of(petitionId))
                    : refusal(connection, petitionId, citizen.signerKey()))
        .map(
            counted -> {
              Row row = counted.iterator().next();
              return new JsonObject()
                  .put("petitionId", petitionId)
                  .put("receipt", receipt)
                  .put("count", row.getLong(0))
                  .put("status", "accepted");
            });
  }

  /** Nothing was inserted: a repeat (with its earlier receipt) or a petition that refuses. */
  private static Future<io.vertx.sqlclient.RowSet<Row>> refusal(
      SqlConnection connection, long petitionId, String signerKey) {
    return connection
        .preparedQuery(EARLIER_RECEIPT)
        .execute(Tuple.of(petitionId, signerKey))
        .compose(
            rows ->
                Future.failedFuture(
                    rows.size() > 0
                        ? Problem.of(
                                "already-signed",
                                "Already signed",
                                409,
                                "this citizen has signed this petition before")
                            .with("receipt", rows.iterator().next().getString(0))
                            .exception()
                        : Problem.petitionNotCollecting(petitionId, "not collecting").exception()));
  }

  private static Problem problemOf(Throwable failure, long petitionId) {
    if (failure instanceof ua.epetitions.gateway.http.ProblemException problem) {
      return problem.problem();
    }
    return Problem.unavailable(
        "petition " + petitionId + " could not be stored now: " + failure.getMessage());
  }

  private static String bearer(String header) {
    return header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : null;
  }

  private static void answer(RoutingContext ctx, Problem problem) {
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .end(problem.toJson("naive").encode());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}

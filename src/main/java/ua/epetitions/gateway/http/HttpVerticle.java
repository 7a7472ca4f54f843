package ua.epetitions.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import ua.epetitions.gateway.GatewayServices;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.identity.SignerKeys;
import ua.epetitions.gateway.identity.TokenVerifier;
import ua.epetitions.gateway.signing.LiveCounts;
import ua.epetitions.gateway.signing.PipelinedRedis;
import ua.epetitions.gateway.signing.RedisScripts;
import ua.epetitions.gateway.signing.ReplicaAcks;
import ua.epetitions.gateway.signing.SignatureIntake;

/** The HTTP side of the gateway. Deployed once per event loop; each instance has its verifier. */
public final class HttpVerticle extends VerticleBase {
  private static final String SUBJECT_CLAIM = "sub";
  private static final String OPS_PAGE = "webroot/ops";
  private static final String WEBJARS = "META-INF/resources/webjars";
  private static final long FORGET_IDLE_BUCKETS_MS = 10_000;
  private final GatewayServices services;
  private final int port;
  private HttpServer server;
  private PipelinedRedis redis;
  private AbuseLimits limits;
  private ConnectionGuard connections;
  private long sweepTimer;
  private long forgetTimer;

  public HttpVerticle(GatewayServices services, int port) {
    this.services = services;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    GatewayConfig.Http http = services.config().http();
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(http.host())
            .setPort(port)
            .setIdleTimeout(http.idleTimeoutSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setMaxHeaderSize(http.maxHeaderBytes())
            .setMaxInitialLineLength(4096)
            .setCompressionSupported(false)
            .setHttp2ClearTextEnabled(false);
    limits = new AbuseLimits(services.config().limits(), services.meters());
    connections = new ConnectionGuard(http, services.meters());
    Router router = router();
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(connections::onConnection)
            .requestHandler(
                request -> {
                  connections.onRequest(request);
                  router.handle(request);
                })
            .invalidRequestHandler(FailureHandler::unreadableRequest);
    sweepTimer = vertx.setPeriodic(connections.sweepIntervalMs(), tick -> connections.sweep());
    forgetTimer = vertx.setPeriodic(FORGET_IDLE_BUCKETS_MS, tick -> limits.forgetIdle());
    return server.listen();
  }

  private Router router() {
    GatewayConfig config = services.config();
    CitizenAuth citizens = new CitizenAuth(verifier());
    redis = new PipelinedRedis(services.redis());
    LiveCounts liveCounts =
        new LiveCounts(redis, services.signingKeys(), config.redis().commandTimeoutMs());
    PetitionJson petitionJson =
        new PetitionJson(liveCounts, config.lifecycle().answerWorkingDays());
    PublicRoutes reads =
        new PublicRoutes(
            services.petitionService(),
            services.petitions(),
            services.communities(),
            new StatsCache(services.stats()),
            citizens,
            petitionJson);
    AdminRoutes admin =
        new AdminRoutes(
            services.petitionService(),
            services.communities(),
            services.settings(),
            services.signingState(),
            petitionJson,
            services.signingRecovery());
    OpsRoutes ops = new OpsRoutes(services.health());
    OpsPageRoutes opsPage = new OpsPageRoutes(services.meters().registry());
    SigningRoutes signing =
        new SigningRoutes(
            intake(),
            liveCounts,
            services.petitionService(),
            citizens,
            config.signing().retryAfterSeconds(),
            services.meters(),
            services.hotPetitions(),
            limits);
    int largest = Math.max(config.http().maxBodyBytes(), config.http().maxPetitionBodyBytes());
    BodySizeLimit small = new BodySizeLimit(config.http().maxBodyBytes());
    BodySizeLimit petitionSized = new BodySizeLimit(config.http().maxPetitionBodyBytes());

    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    if (config.http().requestLog()) {
      router.route().handler(new RequestLog());
    }
    router.route("/api/*").handler(limits::guardAddress);
    router.route("/dev/*").handler(limits::guardAddress);
    router.route().handler(BodyHandler.create(false).setBodyLimit(largest));

    router.post("/api/v1/petitions/:petitionId/signatures").handler(small).handler(signing::sign);
    router.get("/api/v1/petitions/:petitionId/count").handler(signing::count);
    router.get("/api/v1/petitions/:petitionId").handler(reads::petition);
    router.get("/api/v1/petitions/:petitionId/signers").handler(reads::signers);
    router.get("/api/v1/communities").handler(reads::communities);
    router.get("/api/v1/communities/:slug").handler(reads::community);
    router.get("/api/v1/communities/:slug/petitions").handler(reads::communityPetitions);
    router
        .post("/api/v1/communities/:slug/petitions")
        .handler(petitionSized)
        .handler(reads::filePetition);
    router.get("/api/v1/stats").handler(reads::stats);

    router.route("/api/v1/admin/*").handler(new AdminAuth(services.adminToken())).handler(small);
    router.post("/api/v1/admin/communities").handler(admin::createCommunity);
    router.put("/api/v1/admin/communities/:slug").handler(admin::updateCommunity);
    router.post("/api/v1/admin/petitions/:petitionId/publish").handler(admin::publish);
    router.post("/api/v1/admin/petitions/:petitionId/reject").handler(admin::reject);
    router.post("/api/v1/admin/petitions/:petitionId/close").handler(admin::close);
    router.post("/api/v1/admin/petitions/:petitionId/answer").handler(admin::answerPetition);
    router.post("/api/v1/admin/signing/pause").handler(admin::pauseSigning);
    router.post("/api/v1/admin/signing/resume").handler(admin::resumeSigning);
    router.post("/api/v1/admin/signing/rebuild").handler(admin::rebuildSigningState);
    router.get("/api/v1/admin/signing/rebuild").handler(admin::latestRebuild);
    router.post("/api/v1/admin/signing/reconcile").handler(admin::reconcileSigningState);
    router.get("/api/v1/admin/signing/reconcile").handler(admin::latestReconcile);

    router.get("/health/live").handler(ops::live);
    router.get("/health/ready").handler(ops::ready);
    router.get("/metrics").handler(opsPage::metrics);
    router.get("/ops/feed").handler(opsPage::feed);
    router.get("/ops/webjars/*").handler(StaticHandler.create(WEBJARS));
    router.get("/ops/*").handler(StaticHandler.create(OPS_PAGE).setDefaultContentEncoding("UTF-8"));

    if (services.devIssuer() != null) {
      DevIdentityRoutes dev = new DevIdentityRoutes(services.devIssuer());
      router.get("/dev/identity/jwks.json").handler(dev::jwks);
      router.post("/dev/identity/tokens").handler(small).handler(dev::mintToken);
    }

    FailureHandler failures = new FailureHandler(largest, limits);
    router.route().failureHandler(failures);
    router.errorHandler(400, failures::undecodablePath);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    router.errorHandler(500, failures);
    return router;
  }

  private SignatureIntake intake() {
    GatewayConfig.Redis settings = services.config().redis();
    ReplicaAcks replicaAcks =
        new ReplicaAcks(
            redis,
            settings.replicaAcks(),
            settings.replicaAckTimeoutMs(),
            settings.commandTimeoutMs(),
            services.meters().replicaAcksMissed(),
            services.meters().replicaWaitLatency());
    return new SignatureIntake(
        new RedisScripts(redis),
        services.signingKeys(),
        services.petitions(),
        Clock.systemUTC(),
        services.config().signing().maxBacklogEntries(),
        settings.commandTimeoutMs(),
        services.meters().scriptLatency(),
        replicaAcks,
        services.meters().storedAfterTimeout());
  }

  private TokenVerifier verifier() {
    var identity = services.config().identity();
    return new TokenVerifier(
        services.identityKeys(),
        identity.issuer(),
        identity.audience(),
        identity.clockSkewSeconds(),
        new SignerKeys(services.signerPepper()),
        SUBJECT_CLAIM);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(forgetTimer);
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.onComplete(
        done -> {
          if (redis != null) {
            redis.close();
          }
        });
  }
}

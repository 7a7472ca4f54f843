package ua.epetitions.gateway;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.config.ConfigException;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.embedded.EmbeddedPostgresServer;
import ua.epetitions.gateway.embedded.EmbeddedRedisServer;
import ua.epetitions.gateway.embedded.FreePorts;
import ua.epetitions.gateway.http.HttpVerticle;
import ua.epetitions.gateway.identity.DevIdentityIssuer;
import ua.epetitions.gateway.identity.LocalSecrets;
import ua.epetitions.gateway.identity.RefreshingJwks;
import ua.epetitions.gateway.jobs.LifecycleVerticle;
import ua.epetitions.gateway.ops.GatewayMeters;
import ua.epetitions.gateway.ops.HealthChecks;
import ua.epetitions.gateway.ops.HotPetitions;
import ua.epetitions.gateway.ops.OpsVerticle;
import ua.epetitions.gateway.petition.PetitionService;
import ua.epetitions.gateway.signing.Reconciliation;
import ua.epetitions.gateway.signing.RedisCommands;
import ua.epetitions.gateway.signing.RedisScripts;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.signing.SigningRebuild;
import ua.epetitions.gateway.signing.SigningRecovery;
import ua.epetitions.gateway.signing.SigningState;
import ua.epetitions.gateway.store.CommunityStore;
import ua.epetitions.gateway.store.DemoData;
import ua.epetitions.gateway.store.Migrations;
import ua.epetitions.gateway.store.PetitionStore;
import ua.epetitions.gateway.store.PostgresLocation;
import ua.epetitions.gateway.store.SettingsStore;
import ua.epetitions.gateway.store.SignerStore;
import ua.epetitions.gateway.store.SigningTermsStore;
import ua.epetitions.gateway.store.StatsStore;
import ua.epetitions.gateway.writer.BatchWriterVerticle;

/**
 * Starts and stops the whole gateway. Start-up blocks the calling thread (never an event loop):
 * embedded servers, migrations and demo data come first, then Vert.x and the verticles, so the HTTP
 * server accepts traffic only on an up-to-date schema.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  private static final String ADMIN_TOKEN_FILE = "admin-token";
  private static final String PEPPER_FILE = "signer-pepper";
  private static final int SECRET_BYTES = 32;
  private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(60);

  private final List<AutoCloseable> embedded;
  private final Vertx vertx;
  private final Pool pool;
  private final Redis redis;
  private final GatewayServices services;
  private final int httpPort;

  private Gateway(
      List<AutoCloseable> embedded,
      Vertx vertx,
      Pool pool,
      Redis redis,
      GatewayServices services,
      int httpPort) {
    this.embedded = embedded;
    this.vertx = vertx;
    this.pool = pool;
    this.redis = redis;
    this.services = services;
    this.httpPort = httpPort;
  }

  /** Starts everything; on failure, stops what had started and rethrows. */
  public static Gateway start(GatewayConfig config) throws Exception {
    long startedNs = System.nanoTime();
    refuseUnsafeProduction(config);
    Path dataDir = config.dataPath();
    Files.createDirectories(dataDir);

    List<AutoCloseable> embedded = new ArrayList<>();
    try {
      String postgresUrl = config.postgres().url();
      if (config.postgres().isEmbedded()) {
        EmbeddedPostgresServer postgres =
            EmbeddedPostgresServer.start(
                dataDir.resolve("postgres"),
                config.postgres().embeddedPort(),
                config.postgres().embeddedDurable());
        embedded.add(postgres);
        postgresUrl = postgres.url();
      }
      String redisUrl = config.redis().url();
      if (config.redis().isEmbedded()) {
        EmbeddedRedisServer redisServer =
            EmbeddedRedisServer.start(
                dataDir.resolve("redis"),
                config.redis().embeddedPort(),
                config.redis().embeddedAppendFsync());
        embedded.add(redisServer);
        redisUrl = redisServer.url();
      }

      PostgresLocation location =
          new PostgresLocation(postgresUrl, config.postgres().statementTimeoutMs());
      Migrations.migrate(location);
      if (config.demoData() && config.postgres().isEmbedded() && DemoData.loadIfEmpty(location)) {
        log.info("demo: data set loaded into the embedded database");
      }

      return startVertx(config, location, redisUrl, embedded, startedNs);
    } catch (Exception | Error e) {
      closeAll(embedded);
      throw e;
    }
  }

  private static Gateway startVertx(
      GatewayConfig config,
      PostgresLocation location,
      String redisUrl,
      List<AutoCloseable> embedded,
      long startedNs)
      throws Exception {
    Path dataDir = config.dataPath();
    String adminToken = secret(config.admin().token(), dataDir.resolve(ADMIN_TOKEN_FILE));
    String pepper = secret(config.identity().signerPepper(), dataDir.resolve(PEPPER_FILE));
    DevIdentityIssuer devIssuer = null;
    if (config.identity().devIssuerEnabled()) {
      devIssuer = devIssuer(config);
      log.warn("identity: development issuer enabled issuer={}", config.identity().issuer());
    }
    RefreshingJwks providerKeys =
        config.identity().jwksUrl().isBlank()
            ? null
            : RefreshingJwks.load(config.identity().jwksUrl());
    JWKSource<SecurityContext> identityKeys = identityKeys(devIssuer, providerKeys);

    GatewayMeters meters = new GatewayMeters(config.signing().maxBacklogEntries());
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setPreferNativeTransport(true)
                    .setMetricsOptions(
                        new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(meters.registry()))
            .build();
    if (providerKeys != null) {
      providerKeys.refreshEvery(vertx, config.identity().jwksRefreshSeconds() * 1000L);
    }
    Pool pool =
        PgBuilder.pool()
            .with(
                new PoolOptions()
                    .setMaxSize(config.postgres().poolSize())
                    .setMaxWaitQueueSize(config.postgres().poolSize() * 64)
                    .setConnectionTimeout(config.postgres().connectTimeoutMs())
                    .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
            .connectingTo(location.connectOptions())
            .using(vertx)
            .build();
    RedisOptions redisOptions =
        new RedisOptions()
            .setConnectionString(redisUrl)
            .setPreferredProtocolVersion(ProtocolVersion.RESP2)
            .setMaxPoolSize(config.redis().poolSize())
            .setMaxPoolWaiting(config.redis().maxWaitingHandlers())
            .setMaxWaitingHandlers(config.redis().maxWaitingHandlers());
    Redis redis = Redis.createClient(vertx, redisOptions);

    CommunityStore communities = new CommunityStore(pool);
    PetitionStore petitions = new PetitionStore(pool);
    SettingsStore settings = new SettingsStore(pool);
    SigningKeys keys = new SigningKeys(config.signing().partitions());
    SigningTermsStore terms = new SigningTermsStore(pool);
    SignerStore signerStore = new SignerStore(pool);
    SigningState signingState =
        new SigningState(
            redis,
            keys,
            terms,
            settings,
            signerStore,
            config.signing().rebuildChunkRows(),
            config.redis().commandTimeoutMs());
    SigningRebuild rebuild = new SigningRebuild(signingState, terms, settings);
    SigningRecovery recovery =
        new SigningRecovery(
            signingState,
            rebuild,
            new Reconciliation(signingState, rebuild, terms, signerStore),
            meters);
    HotPetitions hotPetitions = new HotPetitions();
    HealthChecks health = new HealthChecks(pool, redis, keys, config.signing().maxBacklogEntries());
    PetitionService petitionService =
        new PetitionService(petitions, communities, signingState, Clock.systemUTC());
    RedisScripts scripts = new RedisScripts(RedisCommands.pooled(redis));
    GatewayServices services =
        new GatewayServices(
            config,
            pool,
            redis,
            communities,
            petitions,
            new StatsStore(pool),
            settings,
            petitionService,
            keys,
            signingState,
            recovery,
            health,
            meters,
            hotPetitions,
            devIssuer,
            identityKeys,
            pepper,
            adminToken);

    Gateway gateway = null;
    try {
      await(requirePersistentRedis(config, redis));
      await(scripts.loadAll());
      await(recovery.startUp());
      if (config.writer().enabled()) {
        await(
            vertx.deployVerticle(
                new BatchWriterVerticle(
                    config.writer(), redisOptions, keys, pool, signingState, meters)));
      } else {
        log.warn("writer: disabled in this instance (writer.enabled=false)");
      }
      int port = config.http().port() > 0 ? config.http().port() : FreePorts.any();
      int instances =
          config.http().instances() > 0
              ? config.http().instances()
              : Runtime.getRuntime().availableProcessors();
      if (config.redis().poolSize() <= instances) {
        throw new ConfigException(
            "setting 'redis.poolSize' is "
                + config.redis().poolSize()
                + "; it must exceed the HTTP instances ("
                + instances
                + "), each of which keeps one pipelined connection");
      }
      await(
          vertx.deployVerticle(
              () -> new HttpVerticle(services, port),
              new DeploymentOptions().setInstances(instances)));
      log.info(
          "http: listening host={} port={} instances={}", config.http().host(), port, instances);
      await(
          vertx.deployVerticle(
              new LifecycleVerticle(
                  petitionService,
                  recovery,
                  config.lifecycle().closeCheckIntervalMs(),
                  config.signing().stateSyncIntervalMs(),
                  config.signing().reconcileIntervalMs())));
      log.info(
          "lifecycle: closing job started intervalMs={}",
          config.lifecycle().closeCheckIntervalMs());
      await(
          vertx.deployVerticle(
              new OpsVerticle(
                  meters,
                  health,
                  hotPetitions,
                  petitions,
                  communities,
                  settings,
                  terms,
                  redis,
                  keys)));
      gateway = new Gateway(embedded, vertx, pool, redis, services, port);
      log.info(
          "gateway: ready mode={} startupMs={} nativeTransport={}"
              + " url=http://localhost:{}/api/v1/communities",
          config.mode(),
          (System.nanoTime() - startedNs) / 1_000_000,
          vertx.isNativeTransportEnabled(),
          port);
      return gateway;
    } catch (Exception | Error e) {
      if (gateway == null) {
        redis.close();
        pool.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      throw e;
    }
  }

  /** The development issuer of a configuration, its key kept in the data directory. */
  public static DevIdentityIssuer devIssuer(GatewayConfig config) throws IOException {
    return DevIdentityIssuer.loadOrCreate(
        config.dataPath(),
        config.identity().issuer(),
        config.identity().audience(),
        Duration.ofSeconds(config.identity().devTokenTtlSeconds()),
        config.identity().devKeyBits());
  }

  /** The provider's JWKS when configured, else the development issuer's keys. */
  private static JWKSource<SecurityContext> identityKeys(
      DevIdentityIssuer devIssuer, RefreshingJwks providerKeys) {
    if (providerKeys != null) {
      return providerKeys;
    }
    if (devIssuer == null) {
      throw new ConfigException(
          "no identity provider keys: set identity.jwksUrl, or enable"
              + " identity.devIssuerEnabled (development only)");
    }
    return new ImmutableJWKSet<>(devIssuer.publicKeys());
  }

  /** The configured secret, or in development mode one generated and kept in the data dir. */
  private static String secret(String configured, Path file) throws IOException {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String generated = LocalSecrets.loadOrCreate(file, SECRET_BYTES);
    log.info("secrets: using generated secret file={}", file);
    return generated;
  }

  /**
   * In production mode an acknowledged signature lives only in Redis until the writer stores it: a
   * Redis without its append-only file would lose it on a restart.
   */
  private static Future<Void> requirePersistentRedis(GatewayConfig config, Redis redis) {
    if (!config.isProduction() || config.redis().allowWithoutPersistence()) {
      return Future.succeededFuture();
    }
    return redis
        .send(Request.cmd(Command.CONFIG).arg("GET").arg("appendonly"))
        .recover(
            failure ->
                Future.failedFuture(
                    new ConfigException(
                        "production mode cannot check Redis persistence (CONFIG GET appendonly: "
                            + failure.getMessage()
                            + "); enable it, or set redis.allowWithoutPersistence if Redis is"
                            + " made durable another way")))
        .compose(
            reply -> {
              String appendonly = reply == null || reply.size() < 2 ? "" : reply.get(1).toString();
              if ("yes".equals(appendonly)) {
                return Future.succeededFuture();
              }
              return Future.failedFuture(
                  new ConfigException(
                      "production mode refuses to start: Redis runs without its append-only file"
                          + " (appendonly="
                          + appendonly
                          + "), so acknowledged signatures could be lost; turn appendonly on,"
                          + " or set redis.allowWithoutPersistence"));
            });
  }

  private static void refuseUnsafeProduction(GatewayConfig config) {
    if (!config.isProduction()) {
      return;
    }
    List<String> problems = new ArrayList<>();
    if (config.postgres().isEmbedded()) {
      problems.add("postgres.url is empty (embedded PostgreSQL is for development)");
    }
    if (config.redis().isEmbedded()) {
      problems.add("redis.url is empty (embedded Redis is for development)");
    }
    if (config.identity().devIssuerEnabled()) {
      problems.add("identity.devIssuerEnabled is true");
    }
    if (config.identity().jwksUrl().isBlank()) {
      problems.add("identity.jwksUrl must name the identity provider's JWKS");
    }
    if (config.admin().token() == null || config.admin().token().length() < 32) {
      problems.add("admin.token must be set to a secret of at least 32 characters");
    }
    if (config.identity().signerPepper() == null
        || config.identity().signerPepper().length() < 32) {
      problems.add("identity.signerPepper must be set to a secret of at least 32 characters");
    }
    if (config.demoData()) {
      problems.add("demoData is true");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("production mode refuses to start: " + String.join("; ", problems));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(DEPLOY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConfigException refused) {
        throw refused;
      }
      throw e;
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public GatewayServices services() {
    return services;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops the verticles, the clients and the embedded servers, in that order. */
  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("gateway: Vert.x did not close cleanly: {}", e.toString());
    }
    closeAll(embedded);
    log.info("gateway: stopped");
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("gateway: could not stop {}: {}", resources.get(i), e.toString());
      }
    }
  }
}

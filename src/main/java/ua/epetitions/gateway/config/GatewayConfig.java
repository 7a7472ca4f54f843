package ua.epetitions.gateway.config;

import java.nio.file.Path;

/**
 * Every setting of the gateway, bound from {@code config/gateway.yaml} and environment overrides by
 * {@link ConfigLoader}. Field names are the YAML keys.
 */
public record GatewayConfig(
    Mode mode,
    String dataDir,
    boolean demoData,
    Http http,
    Postgres postgres,
    Redis redis,
    Admin admin,
    Identity identity,
    Signing signing,
    Writer writer,
    Lifecycle lifecycle,
    Limits limits) {

  /** How the gateway runs: with embedded helpers allowed, or locked down for production. */
  public enum Mode {
    development,
    production
  }

  public record Http(
      String host,
      int port,
      int instances,
      int maxBodyBytes,
      int maxPetitionBodyBytes,
      int idleTimeoutSeconds,
      int maxHeaderBytes,
      boolean requestLog,
      int requestHeaderTimeoutMs,
      int requestBodyTimeoutMs,
      int maxConnections,
      int maxConnectionsPerAddress) {}

  public record Postgres(
      String url,
      int embeddedPort,
      int poolSize,
      int connectTimeoutMs,
      int statementTimeoutMs,
      boolean embeddedDurable) {

    public boolean isEmbedded() {
      return url == null || url.isBlank();
    }
  }

  public record Redis(
      String url,
      int embeddedPort,
      String embeddedAppendFsync,
      int commandTimeoutMs,
      int maxWaitingHandlers,
      boolean allowWithoutPersistence,
      int poolSize,
      int replicaAcks,
      int replicaAckTimeoutMs) {

    public boolean isEmbedded() {
      return url == null || url.isBlank();
    }
  }

  public record Admin(String token) {}

  public record Identity(
      String jwksUrl,
      int jwksRefreshSeconds,
      String subjectClaim,
      String issuer,
      String audience,
      int clockSkewSeconds,
      boolean devIssuerEnabled,
      int devTokenTtlSeconds,
      int devKeyBits,
      String signerPepper) {}

  public record Signing(
      int partitions,
      long maxBacklogEntries,
      long stateSyncIntervalMs,
      int retryAfterSeconds,
      long reconcileIntervalMs,
      int rebuildChunkRows) {}

  public record Writer(
      boolean enabled,
      int batchSize,
      long flushIntervalMs,
      long idleBlockMs,
      long claimIntervalMs,
      long claimMinIdleMs,
      long maxBackoffMs) {}

  public record Lifecycle(long closeCheckIntervalMs, int answerWorkingDays) {}

  /**
   * Abuse (rate) limits: token buckets per HTTP verticle instance. A rate of 0 turns that limit
   * off; {@code trustedProxies} is a comma-separated list of peer addresses whose X-Forwarded-For
   * is believed.
   */
  public record Limits(
      boolean enabled,
      double addressRequestsPerSecond,
      int addressRequestBurst,
      double addressRefusalsPerSecond,
      int addressRefusalBurst,
      double signerAttemptsPerSecond,
      int signerAttemptBurst,
      int maxTrackedKeys,
      String trustedProxies) {}

  public Path dataPath() {
    return Path.of(dataDir).toAbsolutePath().normalize();
  }

  public boolean isProduction() {
    return mode == Mode.production;
  }
}

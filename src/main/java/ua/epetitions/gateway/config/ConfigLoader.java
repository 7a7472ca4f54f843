package ua.epetitions.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the settings: the defaults bundled in the jar (the same file as {@code
 * config/gateway.yaml}), then an optional YAML file, then {@code GATEWAY_*} environment variables.
 * Anything unknown or invalid stops start-up with a message that names the setting.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "GATEWAY_";
  public static final String CONFIG_FILE_ENV = "GATEWAY_CONFIG";
  public static final Path DEFAULT_CONFIG_FILE = Path.of("config", "gateway.yaml");
  private static final String DEFAULTS_RESOURCE = "/gateway.yaml";
  private static final Pattern IP_ADDRESS =
      Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /**
   * Loads the configuration for a process: the file named by {@code explicitFile}, else by {@code
   * GATEWAY_CONFIG}, else {@code ./config/gateway.yaml} when it exists.
   */
  public GatewayConfig load(Optional<Path> explicitFile, Map<String, String> env) {
    Optional<Path> file =
        explicitFile
            .or(() -> Optional.ofNullable(env.get(CONFIG_FILE_ENV)).map(Path::of))
            .or(() -> Optional.of(DEFAULT_CONFIG_FILE).filter(Files::isRegularFile));
    return load(file, env, true);
  }

  /** Loads with an explicit file (or none) and a given environment; used by tests too. */
  public GatewayConfig load(Optional<Path> file, Map<String, String> env, boolean requireFile) {
    ObjectNode tree = readDefaults();
    if (file.isPresent()) {
      Path path = file.get();
      if (!Files.isRegularFile(path)) {
        if (requireFile) {
          throw new ConfigException(
              "configuration file " + path.toAbsolutePath() + " does not exist; check --config");
        }
      } else {
        overlay(tree, readFile(path), "", path.toString());
      }
    }
    applyEnvironment(tree, env);
    return validate(bind(tree));
  }

  /** The environment variable that overrides a setting path such as {@code http.port}. */
  public static String envName(String settingPath) {
    StringBuilder name = new StringBuilder(ENV_PREFIX);
    for (char c : settingPath.toCharArray()) {
      if (c == '.') {
        name.append('_');
      } else if (Character.isUpperCase(c)) {
        name.append('_').append(c);
      } else {
        name.append(Character.toUpperCase(c));
      }
    }
    return name.toString();
  }

  private ObjectNode readDefaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new ConfigException("built-in defaults " + DEFAULTS_RESOURCE + " missing from jar");
      }
      return (ObjectNode) yaml.readTree(in);
    } catch (IOException e) {
      throw new ConfigException("cannot read built-in defaults: " + e.getMessage(), e);
    }
  }

  private JsonNode readFile(Path path) {
    try {
      JsonNode node = yaml.readTree(path.toFile());
      if (node == null || node.isMissingNode() || node.isNull()) {
        return yaml.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException("configuration file " + path + " must hold a YAML mapping");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "configuration file " + path + " is not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + path + ": " + e, e);
    }
  }

  private void overlay(ObjectNode target, JsonNode source, String prefix, String origin) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String path = prefix + field.getKey();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        throw new ConfigException("unknown setting '" + path + "' in " + origin);
      }
      if (existing.isObject()) {
        if (!field.getValue().isObject()) {
          throw new ConfigException("setting '" + path + "' in " + origin + " must be a section");
        }
        overlay((ObjectNode) existing, field.getValue(), path + ".", origin);
      } else if (field.getValue().isContainerNode()) {
        throw new ConfigException("setting '" + path + "' in " + origin + " must be a value");
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private void applyEnvironment(ObjectNode tree, Map<String, String> env) {
    Map<String, String> pathsByEnvName = new LinkedHashMap<>();
    collectLeafPaths(tree, "", pathsByEnvName);
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String> variable : env.entrySet()) {
      String name = variable.getKey();
      if (!name.startsWith(ENV_PREFIX) || name.equals(CONFIG_FILE_ENV)) {
        continue;
      }
      String path = pathsByEnvName.get(name);
      if (path == null) {
        unknown.add(name);
        continue;
      }
      setLeaf(tree, path, variable.getValue());
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(
          "unknown environment setting(s) "
              + String.join(", ", unknown)
              + "; known ones are "
              + pathsByEnvName.keySet().stream().collect(Collectors.joining(", ")));
    }
  }

  private void collectLeafPaths(JsonNode node, String prefix, Map<String, String> out) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String path = prefix + field.getKey();
      if (field.getValue().isObject()) {
        collectLeafPaths(field.getValue(), path + ".", out);
      } else {
        out.put(envName(path), path);
      }
    }
  }

  private static void setLeaf(ObjectNode tree, String path, String value) {
    String[] parts = path.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      node = (ObjectNode) node.get(parts[i]);
    }
    node.set(parts[parts.length - 1], TextNode.valueOf(value));
  }

  private GatewayConfig bind(ObjectNode tree) {
    try {
      return yaml.treeToValue(tree, GatewayConfig.class);
    } catch (MismatchedInputException e) {
      String path =
          e.getPath().stream()
              .map(reference -> reference.getFieldName())
              .collect(Collectors.joining("."));
      throw new ConfigException(
          "setting '" + path + "' has an invalid value: " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException("invalid configuration: " + e.getOriginalMessage(), e);
    }
  }

  private static GatewayConfig validate(GatewayConfig config) {
    requireRange("http.port", config.http().port(), 0, 65_535);
    requireRange("http.instances", config.http().instances(), 0, 64);
    requireRange("http.maxBodyBytes", config.http().maxBodyBytes(), 256, 1_048_576);
    requireRange(
        "http.maxPetitionBodyBytes", config.http().maxPetitionBodyBytes(), 1024, 1_048_576);
    requireRange("http.idleTimeoutSeconds", config.http().idleTimeoutSeconds(), 1, 3600);
    requireRange("http.maxHeaderBytes", config.http().maxHeaderBytes(), 1024, 65_536);
    requireRange(
        "http.requestHeaderTimeoutMs", config.http().requestHeaderTimeoutMs(), 100, 600_000);
    requireRange("http.requestBodyTimeoutMs", config.http().requestBodyTimeoutMs(), 100, 600_000);
    requireRange("http.maxConnections", config.http().maxConnections(), 1, 1_000_000);
    requireRange(
        "http.maxConnectionsPerAddress",
        config.http().maxConnectionsPerAddress(),
        1,
        config.http().maxConnections());
    requireRange("postgres.embeddedPort", config.postgres().embeddedPort(), 0, 65_535);
    requireRange("postgres.poolSize", config.postgres().poolSize(), 1, 256);
    requireRange("postgres.connectTimeoutMs", config.postgres().connectTimeoutMs(), 100, 60_000);
    requireRange(
        "postgres.statementTimeoutMs", config.postgres().statementTimeoutMs(), 100, 600_000);
    requireRange("redis.embeddedPort", config.redis().embeddedPort(), 0, 65_535);
    requireRange("redis.commandTimeoutMs", config.redis().commandTimeoutMs(), 10, 60_000);
    requireRange("redis.maxWaitingHandlers", config.redis().maxWaitingHandlers(), 1, 1_000_000);
    requireRange("redis.poolSize", config.redis().poolSize(), 1, 256);
    requireRange("redis.replicaAcks", config.redis().replicaAcks(), 0, 16);
    requireRange("redis.replicaAckTimeoutMs", config.redis().replicaAckTimeoutMs(), 1, 60_000);
    if (config.redis().replicaAcks() > 0
        && config.redis().replicaAckTimeoutMs() >= config.redis().commandTimeoutMs()) {
      throw new ConfigException(
          "setting 'redis.replicaAckTimeoutMs' is "
              + config.redis().replicaAckTimeoutMs()
              + "; it must be below redis.commandTimeoutMs ("
              + config.redis().commandTimeoutMs()
              + "): signatures queued behind a replica wait on the signing connection would"
              + " time out");
    }
    requireRange("identity.clockSkewSeconds", config.identity().clockSkewSeconds(), 0, 600);
    requireRange(
        "identity.devTokenTtlSeconds", config.identity().devTokenTtlSeconds(), 60, 30 * 86_400);
    requireRange(
        "lifecycle.closeCheckIntervalMs",
        config.lifecycle().closeCheckIntervalMs(),
        100,
        86_400_000);
    requireRange("identity.jwksRefreshSeconds", config.identity().jwksRefreshSeconds(), 10, 86_400);
    requireRange("identity.devKeyBits", config.identity().devKeyBits(), 1024, 4096);
    requireText("identity.subjectClaim", config.identity().subjectClaim());
    requireUrlScheme("identity.jwksUrl", config.identity().jwksUrl(), "https://", "file:");
    String pepper = config.identity().signerPepper();
    if (pepper != null && !pepper.isEmpty() && pepper.length() < 16) {
      throw new ConfigException(
          "setting 'identity.signerPepper' must have at least 16 characters, or be empty");
    }
    requireRange("signing.partitions", config.signing().partitions(), 1, 1024);
    requireRange("signing.maxBacklogEntries", config.signing().maxBacklogEntries(), 1, 100_000_000);
    requireRange(
        "signing.stateSyncIntervalMs", config.signing().stateSyncIntervalMs(), 100, 3_600_000);
    requireRange("signing.retryAfterSeconds", config.signing().retryAfterSeconds(), 1, 3600);
    long reconcileMs = config.signing().reconcileIntervalMs();
    if (reconcileMs != 0) {
      requireRange("signing.reconcileIntervalMs", reconcileMs, 1_000, 86_400_000);
    }
    requireRange("signing.rebuildChunkRows", config.signing().rebuildChunkRows(), 10, 10_000);
    requireRange("writer.batchSize", config.writer().batchSize(), 1, 5000);
    requireRange("writer.flushIntervalMs", config.writer().flushIntervalMs(), 0, 10_000);
    requireRange("writer.idleBlockMs", config.writer().idleBlockMs(), 10, 60_000);
    requireRange("writer.claimIntervalMs", config.writer().claimIntervalMs(), 10, 3_600_000);
    requireRange("writer.claimMinIdleMs", config.writer().claimMinIdleMs(), 0, 86_400_000);
    requireRange("writer.maxBackoffMs", config.writer().maxBackoffMs(), 100, 600_000);
    requireRange("lifecycle.answerWorkingDays", config.lifecycle().answerWorkingDays(), 1, 60);
    validateLimits(config.limits());
    if (config.mode() == null) {
      throw new ConfigException("setting 'mode' must be development or production");
    }
    if (config.dataDir() == null || config.dataDir().isBlank()) {
      throw new ConfigException("setting 'dataDir' must name a directory");
    }
    String fsync = config.redis().embeddedAppendFsync();
    if (!"always".equals(fsync) && !"everysec".equals(fsync)) {
      throw new ConfigException(
          "setting 'redis.embeddedAppendFsync' must be always or everysec, not '" + fsync + "'");
    }
    requireText("identity.issuer", config.identity().issuer());
    requireText("identity.audience", config.identity().audience());
    requireUrlScheme("postgres.url", config.postgres().url(), "postgresql://", "postgres://");
    requireUrlScheme("redis.url", config.redis().url(), "redis://", "rediss://");
    return config;
  }

  private static void validateLimits(GatewayConfig.Limits limits) {
    requireRate("limits.addressRequestsPerSecond", limits.addressRequestsPerSecond());
    requireRange("limits.addressRequestBurst", limits.addressRequestBurst(), 1, 10_000_000);
    requireRate("limits.addressRefusalsPerSecond", limits.addressRefusalsPerSecond());
    requireRange("limits.addressRefusalBurst", limits.addressRefusalBurst(), 1, 10_000_000);
    requireRate("limits.signerAttemptsPerSecond", limits.signerAttemptsPerSecond());
    requireRange("limits.signerAttemptBurst", limits.signerAttemptBurst(), 1, 10_000_000);
    requireRange("limits.maxTrackedKeys", limits.maxTrackedKeys(), 100, 10_000_000);
    String proxies = limits.trustedProxies();
    if (proxies == null) {
      throw new ConfigException("setting 'limits.trustedProxies' must be a list or empty");
    }
    for (String proxy : proxies.split(",")) {
      String address = proxy.strip();
      if (!address.isEmpty() && !IP_ADDRESS.matcher(address).matches()) {
        throw new ConfigException(
            "setting 'limits.trustedProxies' holds '"
                + address
                + "'; it must list IP addresses separated by commas");
      }
    }
  }

  /** A rate per second: 0 (that limit off) up to ten million. */
  private static void requireRate(String setting, double perSecond) {
    if (!(perSecond >= 0 && perSecond <= 10_000_000)) {
      throw new ConfigException(
          "setting '" + setting + "' is " + perSecond + "; it must be between 0 and 10000000");
    }
  }

  private static void requireRange(String setting, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(
          "setting '" + setting + "' is " + value + "; it must be between " + min + " and " + max);
    }
  }

  private static void requireText(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException("setting '" + setting + "' must not be empty");
    }
  }

  private static void requireUrlScheme(String setting, String url, String... schemes) {
    if (url == null || url.isBlank()) {
      return;
    }
    for (String scheme : schemes) {
      if (url.startsWith(scheme)) {
        return;
      }
    }
    throw new ConfigException(
        "setting '" + setting + "' must start with " + String.join(" or ", schemes));
  }
}

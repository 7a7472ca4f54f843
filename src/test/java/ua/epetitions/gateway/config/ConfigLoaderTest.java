package ua.epetitions.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Configuration loading")
class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader();

  @TempDir Path dir;

  private GatewayConfig defaults() {
    return loader.load(Optional.empty(), Map.of(), false);
  }

  private GatewayConfig withEnv(Map<String, String> env) {
    return loader.load(Optional.empty(), env, false);
  }

  private GatewayConfig withFile(String yaml) throws IOException {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return loader.load(Optional.of(file), Map.of(), true);
  }

  @Test
  @DisplayName("with no file and an empty environment the bundled defaults apply")
  void defaultsApplyWithoutFileOrEnvironment() {
    GatewayConfig config = defaults();

    assertThat(config.mode()).isEqualTo(GatewayConfig.Mode.development);
    assertThat(config.dataDir()).isEqualTo("./data");
    assertThat(config.demoData()).isTrue();
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().maxBodyBytes()).isEqualTo(4096);
    assertThat(config.postgres().isEmbedded()).isTrue();
    assertThat(config.postgres().poolSize()).isEqualTo(8);
    assertThat(config.redis().isEmbedded()).isTrue();
    assertThat(config.redis().embeddedAppendFsync()).isEqualTo("everysec");
    assertThat(config.identity().issuer()).isEqualTo("https://identity.dev.epetitions.local");
    assertThat(config.identity().audience()).isEqualTo("signing-gateway");
    assertThat(config.identity().clockSkewSeconds()).isEqualTo(30);
    assertThat(config.lifecycle().answerWorkingDays()).isEqualTo(10);
    assertThat(config.isProduction()).isFalse();
  }

  @Test
  @DisplayName("GATEWAY_HTTP_PORT overrides http.port")
  void environmentOverridesPort() {
    GatewayConfig config = withEnv(Map.of("GATEWAY_HTTP_PORT", "9000"));

    assertThat(config.http().port()).isEqualTo(9000);
  }

  @Test
  @DisplayName("a boolean setting is overridden by the text false")
  void environmentOverridesBoolean() {
    GatewayConfig config = withEnv(Map.of("GATEWAY_DEMO_DATA", "false"));

    assertThat(config.demoData()).isFalse();
  }

  @Test
  @DisplayName("the environment name of a camel-case setting is upper snake case under GATEWAY_")
  void envNameSplitsCamelCase() {
    assertThat(ConfigLoader.envName("identity.clockSkewSeconds"))
        .isEqualTo("GATEWAY_IDENTITY_CLOCK_SKEW_SECONDS");
    assertThat(ConfigLoader.envName("http.port")).isEqualTo("GATEWAY_HTTP_PORT");
    assertThat(ConfigLoader.envName("dataDir")).isEqualTo("GATEWAY_DATA_DIR");
  }

  @Test
  @DisplayName("an environment variable named after a camel-case setting overrides it")
  void camelCaseSettingIsOverridden() {
    GatewayConfig config = withEnv(Map.of("GATEWAY_IDENTITY_CLOCK_SKEW_SECONDS", "5"));

    assertThat(config.identity().clockSkewSeconds()).isEqualTo(5);
  }

  @Test
  @DisplayName("variables without the GATEWAY_ prefix are ignored")
  void foreignVariablesAreIgnored() {
    GatewayConfig config = withEnv(Map.of("PATH", "/usr/bin", "HTTP_PORT", "1"));

    assertThat(config).isEqualTo(defaults());
  }

  @Test
  @DisplayName("an unknown GATEWAY_ variable stops loading and is named in the message")
  void unknownEnvironmentVariableIsRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_FOO", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("GATEWAY_FOO");
  }

  @Test
  @DisplayName("a port that is not a number is refused naming http.port")
  void nonNumericPortIsRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_HTTP_PORT", "abc")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port");
  }

  @Test
  @DisplayName("an empty port is refused naming http.port rather than read as zero")
  void emptyPortIsRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_HTTP_PORT", "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port");
  }

  @Test
  @DisplayName("a port above 65535 is refused naming http.port")
  void outOfRangePortIsRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_HTTP_PORT", "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port");
  }

  @Test
  @DisplayName("replica acknowledgements are off by default")
  void replicaAcksAreOffByDefault() {
    assertThat(defaults().redis().replicaAcks()).isZero();
  }

  @Test
  @DisplayName("a negative number of replica acknowledgements is refused naming the setting")
  void negativeReplicaAcksAreRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_REDIS_REPLICA_ACKS", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.replicaAcks");
  }

  @Test
  @DisplayName("a replica wait as long as the Redis command timeout is refused, naming both")
  void replicaWaitBeyondCommandTimeoutIsRefused() {
    assertThatThrownBy(
            () ->
                withEnv(
                    Map.of(
                        "GATEWAY_REDIS_REPLICA_ACKS", "1",
                        "GATEWAY_REDIS_REPLICA_ACK_TIMEOUT_MS", "2000",
                        "GATEWAY_REDIS_COMMAND_TIMEOUT_MS", "2000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.replicaAckTimeoutMs")
        .hasMessageContaining("redis.commandTimeoutMs");
  }

  @Test
  @DisplayName("with replica acknowledgements off, a short Redis command timeout is accepted")
  void shortCommandTimeoutWithoutReplicaAcksIsAccepted() {
    GatewayConfig config = withEnv(Map.of("GATEWAY_REDIS_COMMAND_TIMEOUT_MS", "300"));

    assertThat(config.redis().commandTimeoutMs()).isEqualTo(300);
  }

  @Test
  @DisplayName("a boolean that is neither true nor false is refused naming the setting")
  void malformedBooleanIsRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_DEMO_DATA", "maybe")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("demoData");
  }

  @Test
  @DisplayName("an unknown mode is refused naming the setting")
  void unknownModeIsRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_MODE", "staging")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mode");
  }

  @Test
  @DisplayName("a PostgreSQL URL of another scheme is refused naming postgres.url")
  void foreignPostgresSchemeIsRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_POSTGRES_URL", "mysql://db:3306/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("postgres.url");
  }

  @Test
  @DisplayName("a JWKS URL over plain http is refused naming identity.jwksUrl")
  void plainHttpJwksIsRefused() {
    assertThatThrownBy(
            () -> withEnv(Map.of("GATEWAY_IDENTITY_JWKS_URL", "http://identity.example/jwks.json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("identity.jwksUrl");
  }

  @Test
  @DisplayName("a misspelt key in a file is refused with its full path")
  void unknownFileKeyIsRefused() {
    assertThatThrownBy(() -> withFile("http:\n  prot: 8081\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.prot");
  }

  @Test
  @DisplayName("a file setting overrides the default")
  void fileOverridesDefault() throws IOException {
    GatewayConfig config = withFile("redis:\n  embeddedAppendFsync: always\n");

    assertThat(config.redis().embeddedAppendFsync()).isEqualTo("always");
    assertThat(config.redis().poolSize()).isEqualTo(defaults().redis().poolSize());
  }

  @Test
  @DisplayName("an append-fsync policy other than always or everysec is refused")
  void unknownFsyncPolicyIsRefused() {
    assertThatThrownBy(() -> withFile("redis:\n  embeddedAppendFsync: sometimes\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.embeddedAppendFsync");
  }

  @Test
  @DisplayName("a value where the file expects a section is refused")
  void valueInPlaceOfSectionIsRefused() {
    assertThatThrownBy(() -> withFile("http: 8080\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'http'");
  }

  @Test
  @DisplayName("a file that is a list instead of a mapping is refused")
  void nonMappingFileIsRefused() {
    assertThatThrownBy(() -> withFile("- mode\n- development\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mapping");
  }

  @Test
  @DisplayName("the environment wins over the file")
  void environmentWinsOverFile() throws IOException {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, "http:\n  port: 8081\n", StandardCharsets.UTF_8);

    GatewayConfig config =
        loader.load(Optional.of(file), Map.of("GATEWAY_HTTP_PORT", "8082"), true);

    assertThat(config.http().port()).isEqualTo(8082);
  }

  @Test
  @DisplayName("GATEWAY_CONFIG names the file when none is given explicitly")
  void configVariableNamesTheFile() throws IOException {
    Path file = dir.resolve("elsewhere.yaml");
    Files.writeString(file, "http:\n  port: 8083\n", StandardCharsets.UTF_8);

    GatewayConfig config =
        loader.load(Optional.empty(), Map.of(ConfigLoader.CONFIG_FILE_ENV, file.toString()));

    assertThat(config.http().port()).isEqualTo(8083);
  }

  @Test
  @DisplayName("a missing explicit file is an error when a file is required")
  void missingRequiredFileIsRefused() {
    Path missing = dir.resolve("absent.yaml");

    assertThatThrownBy(() -> loader.load(Optional.of(missing), Map.of(), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("absent.yaml");
  }

  @Test
  @DisplayName("a missing file that is not required leaves the defaults")
  void missingOptionalFileLeavesDefaults() {
    Path missing = dir.resolve("absent.yaml");

    assertThat(loader.load(Optional.of(missing), Map.of(), false)).isEqualTo(defaults());
  }

  @Test
  @DisplayName("malformed YAML is refused naming the file")
  void malformedYamlIsRefused() {
    assertThatThrownBy(() -> withFile("http: {port: 8080\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.yaml")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  @DisplayName("an empty file leaves the defaults")
  void emptyFileLeavesDefaults() throws IOException {
    assertThat(withFile("")).isEqualTo(defaults());
  }

  @Test
  @DisplayName("config/gateway.yaml of the repository loads and equals the bundled defaults")
  void repositoryFileEqualsBundledDefaults() {
    Path repositoryFile = Path.of("config", "gateway.yaml");

    GatewayConfig fromFile = loader.load(Optional.of(repositoryFile), Map.of(), true);

    assertThat(fromFile).isEqualTo(defaults());
  }

  @Test
  @DisplayName("the abuse limits are on by default and let one address send a viral spike")
  void abuseLimitsDefaults() {
    GatewayConfig.Limits limits = defaults().limits();

    assertThat(limits.enabled()).isTrue();
    assertThat(limits.addressRequestsPerSecond()).isGreaterThanOrEqualTo(10_000);
    assertThat(limits.signerAttemptBurst()).isGreaterThanOrEqualTo(3);
    assertThat(limits.trustedProxies()).isEmpty();
  }

  @Test
  @DisplayName("a fractional rate from the environment is read as a rate per second")
  void fractionalRateIsRead() {
    GatewayConfig config = withEnv(Map.of("GATEWAY_LIMITS_SIGNER_ATTEMPTS_PER_SECOND", "0.5"));

    assertThat(config.limits().signerAttemptsPerSecond()).isEqualTo(0.5);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "GATEWAY_LIMITS_SIGNER_ATTEMPTS_PER_SECOND|-1|limits.signerAttemptsPerSecond",
        "GATEWAY_LIMITS_ADDRESS_REFUSAL_BURST|0|limits.addressRefusalBurst",
        "GATEWAY_LIMITS_MAX_TRACKED_KEYS|10|limits.maxTrackedKeys",
        "GATEWAY_LIMITS_TRUSTED_PROXIES|10.0.0.1, proxy.example|limits.trustedProxies",
        "GATEWAY_HTTP_REQUEST_HEADER_TIMEOUT_MS|0|http.requestHeaderTimeoutMs",
        "GATEWAY_HTTP_REQUEST_BODY_TIMEOUT_MS|99|http.requestBodyTimeoutMs",
        "GATEWAY_HTTP_MAX_CONNECTIONS|0|http.maxConnections",
        "GATEWAY_HTTP_MAX_CONNECTIONS_PER_ADDRESS|20001|http.maxConnectionsPerAddress"
      })
  @DisplayName("an invalid connection, timeout or abuse-limit setting is refused by name")
  void invalidEdgeSettingIsRefused(String variable, String value, String setting) {
    assertThatThrownBy(() -> withEnv(Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(setting);
  }

  @Test
  @DisplayName("trusted proxies are IPv4 or IPv6 addresses separated by commas")
  void trustedProxiesAreAddresses() {
    GatewayConfig config =
        withEnv(Map.of("GATEWAY_LIMITS_TRUSTED_PROXIES", "10.0.0.1, 0:0:0:0:0:0:0:1"));

    assertThat(config.limits().trustedProxies()).isEqualTo("10.0.0.1, 0:0:0:0:0:0:0:1");
  }

  @Test
  @DisplayName("the reconciliation runs every five minutes and rebuilds read 1000 signers a page")
  void recoveryDefaults() {
    GatewayConfig config = defaults();

    assertThat(config.signing().reconcileIntervalMs()).isEqualTo(300_000);
    assertThat(config.signing().rebuildChunkRows()).isEqualTo(1000);
  }

  @Test
  @DisplayName("a reconciliation interval of 0 turns the periodic run off")
  void zeroReconcileIntervalIsAccepted() {
    GatewayConfig config = withEnv(Map.of("GATEWAY_SIGNING_RECONCILE_INTERVAL_MS", "0"));

    assertThat(config.signing().reconcileIntervalMs()).isZero();
  }

  @Test
  @DisplayName("a reconciliation interval under a second is refused naming the setting")
  void tooShortReconcileIntervalIsRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_SIGNING_RECONCILE_INTERVAL_MS", "500")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("signing.reconcileIntervalMs");
  }

  @Test
  @DisplayName("a negative reconciliation interval is refused naming the setting")
  void negativeReconcileIntervalIsRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_SIGNING_RECONCILE_INTERVAL_MS", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("signing.reconcileIntervalMs");
  }

  @Test
  @DisplayName("rebuild pages outside 10 to 10000 signers are refused naming the setting")
  void rebuildChunkRowsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_SIGNING_REBUILD_CHUNK_ROWS", "5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("signing.rebuildChunkRows");
    assertThatThrownBy(() -> withEnv(Map.of("GATEWAY_SIGNING_REBUILD_CHUNK_ROWS", "20000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("signing.rebuildChunkRows");
  }
}

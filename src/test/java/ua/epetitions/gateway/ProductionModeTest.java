package ua.epetitions.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import ua.epetitions.gateway.config.ConfigException;
import ua.epetitions.gateway.config.ConfigLoader;
import ua.epetitions.gateway.identity.DevIdentityIssuer;
import ua.epetitions.gateway.testing.TestServers;

@DisplayName("Production mode")
class ProductionModeTest {
  private static final String SECRET = "production-secret-0123456789abcdef-xyz";
  @TempDir static Path dir;
  private static String jwksUrl;

  @BeforeAll
  static void provider() throws Exception {
    DevIdentityIssuer provider =
        DevIdentityIssuer.loadOrCreate(
            Files.createDirectories(dir.resolve("provider")),
            "https://id.example.gov.ua",
            "signing-gateway",
            Duration.ofHours(1),
            1024);
    jwksUrl =
        Files.writeString(dir.resolve("jwks.json"), provider.publicKeys().toString())
            .toUri()
            .toString();
  }

  @Test
  @DisplayName("starts with external servers, a provider's JWKS and secrets, without dev routes")
  void startsWhenConfiguredForProduction() throws Exception {
    try (Gateway gateway = start(Map.of())) {
      assertThat(gateway.services().devIssuer()).isNull();
    }
  }

  @Test
  @DisplayName("refuses the development issuer and names the setting")
  void refusesDevelopmentIssuer() {
    assertThatThrownBy(() -> start(Map.of("GATEWAY_IDENTITY_DEV_ISSUER_ENABLED", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("identity.devIssuerEnabled");
  }

  @Test
  @DisplayName("refuses a missing pepper and a short administrator token, naming both")
  void refusesMissingSecrets() {
    Map<String, String> weak =
        Map.of("GATEWAY_IDENTITY_SIGNER_PEPPER", "", "GATEWAY_ADMIN_TOKEN", "short-token-123456");

    assertThatThrownBy(() -> start(weak))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("identity.signerPepper")
        .hasMessageContaining("admin.token");
  }

  @Test
  @DisplayName("refuses a Redis without its append-only file, unless explicitly allowed")
  void refusesRedisWithoutPersistence() throws Exception {
    try (Jedis jedis = TestServers.get().jedis()) {
      jedis.configSet("appendonly", "no");
      try {
        assertThatThrownBy(() -> start(Map.of()))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("appendonly");

        try (Gateway allowed = start(Map.of("GATEWAY_REDIS_ALLOW_WITHOUT_PERSISTENCE", "true"))) {
          assertThat(allowed.httpPort()).isPositive();
        }
      } finally {
        jedis.configSet("appendonly", "yes");
      }
    }
  }

  private static Gateway start(Map<String, String> overrides) throws Exception {
    TestServers servers = TestServers.get();
    Map<String, String> env = new HashMap<>();
    env.put("GATEWAY_MODE", "production");
    env.put("GATEWAY_DATA_DIR", Files.createTempDirectory(dir, "data-").toString());
    env.put("GATEWAY_POSTGRES_URL", servers.freshDatabaseUrl());
    env.put("GATEWAY_REDIS_URL", servers.redisUrl());
    env.put("GATEWAY_HTTP_HOST", "127.0.0.1");
    env.put("GATEWAY_HTTP_PORT", "0");
    env.put("GATEWAY_DEMO_DATA", "false");
    env.put("GATEWAY_IDENTITY_DEV_ISSUER_ENABLED", "false");
    env.put("GATEWAY_IDENTITY_JWKS_URL", jwksUrl);
    env.put("GATEWAY_IDENTITY_ISSUER", "https://id.example.gov.ua");
    env.put("GATEWAY_IDENTITY_SIGNER_PEPPER", SECRET);
    env.put("GATEWAY_ADMIN_TOKEN", SECRET);
    env.putAll(overrides);
    return Gateway.start(new ConfigLoader().load(Optional.empty(), env, false));
  }
}

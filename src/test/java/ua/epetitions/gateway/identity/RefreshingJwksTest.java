package ua.epetitions.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ua.epetitions.gateway.testing.Eventually;

@DisplayName("Identity provider keys from a JWKS URL")
class RefreshingJwksTest {
  private static final String ISSUER = "https://identity.test.epetitions.local";
  private static final String AUDIENCE = "signing-gateway";

  @TempDir Path dir;

  @Test
  @DisplayName("a file: JWKS verifies the provider's tokens")
  void fileJwksVerifiesTokens() throws Exception {
    DevIdentityIssuer provider = issuer("provider-a");
    Path jwks = publish(provider);

    TokenVerifier verifier = verifier(RefreshingJwks.load(jwks.toUri().toString()));

    assertThat(verifier.verify(provider.mint("subject-1", "Олена", null)).displayName())
        .isEqualTo("Олена");
  }

  @Test
  @DisplayName("a rotated key is picked up by the periodic refresh, off the event loop")
  void rotatedKeyIsPickedUp() throws Exception {
    DevIdentityIssuer before = issuer("provider-before");
    DevIdentityIssuer after = issuer("provider-after");
    Path jwks = publish(before);
    RefreshingJwks keys = RefreshingJwks.load(jwks.toUri().toString());
    TokenVerifier verifier = verifier(keys);
    String rotatedToken = after.mint("subject-2", "Тарас", null);
    assertThatThrownBy(() -> verifier.verify(rotatedToken))
        .isInstanceOf(InvalidTokenException.class);

    Vertx vertx = Vertx.vertx();
    try {
      keys.refreshEvery(vertx, 100);
      Files.writeString(jwks, after.publicKeys().toString());

      Eventually.within(
          Duration.ofSeconds(10), () -> assertThat(verifyQuietly(verifier, rotatedToken)).isTrue());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  @DisplayName("a JWKS that cannot be read stops start-up with the URL named")
  void unreadableJwksIsRefused() {
    String url = dir.resolve("missing.json").toUri().toString();

    assertThatThrownBy(() -> RefreshingJwks.load(url)).isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("a file that is not a key set is refused")
  void malformedJwksIsRefused() throws IOException {
    Path jwks = Files.writeString(dir.resolve("broken.json"), "{\"keys\": 5}");

    assertThatThrownBy(() -> RefreshingJwks.load(jwks.toUri().toString()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("broken.json");
  }

  private DevIdentityIssuer issuer(String name) throws IOException {
    return DevIdentityIssuer.loadOrCreate(
        Files.createDirectories(dir.resolve(name)), ISSUER, AUDIENCE, Duration.ofHours(1), 1024);
  }

  private Path publish(DevIdentityIssuer issuer) throws IOException {
    return Files.writeString(dir.resolve("jwks.json"), issuer.publicKeys().toString());
  }

  private static TokenVerifier verifier(RefreshingJwks keys) {
    return new TokenVerifier(
        keys, ISSUER, AUDIENCE, 30, new SignerKeys("pepper-0123456789abcdef"), "sub");
  }

  private static boolean verifyQuietly(TokenVerifier verifier, String token) {
    try {
      verifier.verify(token);
      return true;
    } catch (InvalidTokenException e) {
      return false;
    }
  }
}

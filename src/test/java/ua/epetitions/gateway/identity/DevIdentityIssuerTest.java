package ua.epetitions.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Development identity issuer")
class DevIdentityIssuerTest {
  private static final String ISSUER = "https://identity.test.epetitions.local";
  private static final String AUDIENCE = "signing-gateway";

  @TempDir Path dataDir;

  private DevIdentityIssuer load() throws IOException {
    return DevIdentityIssuer.loadOrCreate(dataDir, ISSUER, AUDIENCE, Duration.ofHours(1));
  }

  @Test
  @DisplayName("a token minted before a restart is accepted by the keys after it")
  void keyIsKeptAcrossRestarts() throws IOException, InvalidTokenException {
    String token = load().mint("subject-1", "Тарас Гнатюк", null);

    DevIdentityIssuer restarted = load();
    TokenVerifier verifier =
        new TokenVerifier(
            new ImmutableJWKSet<>(restarted.publicKeys()),
            ISSUER,
            AUDIENCE,
            30,
            new SignerKeys("pepper-0123456789abcdef"),
            "sub");

    assertThat(verifier.verify(token).displayName()).isEqualTo("Тарас Гнатюк");
  }

  @Test
  @DisplayName("the private key file is readable by its owner only")
  void keyFileIsOwnerOnly() throws IOException {
    load();

    Path keyFile = dataDir.resolve(DevIdentityIssuer.KEY_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
  }
}

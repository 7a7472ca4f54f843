package ua.epetitions.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code mint-tokens} command, run as the load tests run it: a separate JVM on a data
 * directory, whose tokens a gateway on the same data directory must accept.
 */
@DisplayName("The mint-tokens command")
class MintTokensCommandTest {
  private static final int COUNT = 500;
  private static final String ISSUER = "https://identity.dev.epetitions.local";
  private static final String AUDIENCE = "signing-gateway";
  private static final int CLOCK_SKEW_SECONDS = 30;
  private static final long COMMAND_TIMEOUT_SECONDS = 60;
  private static final int EXIT_USAGE = 2;

  @TempDir static Path dataDir;
  private static Path tokensFile;
  private static int exitCode;

  @BeforeAll
  static void mintTokens() throws IOException, InterruptedException {
    tokensFile = dataDir.resolve("tokens.txt");
    exitCode =
        runMain(
            dataDir,
            "mint-tokens",
            "--count",
            Integer.toString(COUNT),
            "--out",
            tokensFile.toString());
  }

  @Test
  @DisplayName("exits with 0 after writing the tokens")
  void exitsWithZero() {
    assertThat(exitCode).as(output(dataDir)).isZero();
  }

  @Test
  @DisplayName("writes one token per line, as many as asked")
  void writesCountLines() throws IOException {
    assertThat(tokens()).hasSize(COUNT).allSatisfy(token -> assertThat(token).isNotBlank());
  }

  @Test
  @DisplayName("gives every token its own citizen")
  void subjectsAreDistinct() throws IOException, ParseException {
    Set<String> subjects = new HashSet<>();
    for (String token : tokens()) {
      subjects.add(SignedJWT.parse(token).getJWTClaimsSet().getSubject());
    }

    assertThat(subjects).hasSize(COUNT).doesNotContainNull();
  }

  @Test
  @DisplayName("signs with the key a gateway on the same data directory verifies with")
  void tokensVerifyWithGatewayKey() throws IOException, InvalidTokenException {
    DevIdentityIssuer gatewayIssuer =
        DevIdentityIssuer.loadOrCreate(dataDir, ISSUER, AUDIENCE, Duration.ofHours(1));
    TokenVerifier verifier =
        new TokenVerifier(
            new ImmutableJWKSet<>(gatewayIssuer.publicKeys()),
            ISSUER,
            AUDIENCE,
            CLOCK_SKEW_SECONDS,
            new SignerKeys("mint-tokens-test-pepper-0123456789"),
            "sub");

    Set<String> signerKeys = new HashSet<>();
    for (String token : tokens()) {
      signerKeys.add(verifier.verify(token).signerKey());
    }

    assertThat(signerKeys).hasSize(COUNT);
  }

  @Test
  @DisplayName("refuses a count that is not a number with exit code 2")
  void badCountIsUsageError(@TempDir Path otherDataDir) throws IOException, InterruptedException {
    Path out = otherDataDir.resolve("tokens.txt");

    int code = runMain(otherDataDir, "mint-tokens", "--count", "abc", "--out", out.toString());

    assertThat(code).as(output(otherDataDir)).isEqualTo(EXIT_USAGE);
    assertThat(out).doesNotExist();
  }

  private static List<String> tokens() throws IOException {
    return Files.readAllLines(tokensFile, StandardCharsets.US_ASCII);
  }

  /** Runs the gateway's main class in a child JVM on a data directory; answers its exit code. */
  private static int runMain(Path dataDir, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("ua.epetitions.gateway.Main");
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dataDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(outputFile(dataDir).toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("GATEWAY_"));
    builder.environment().put("GATEWAY_DATA_DIR", dataDir.toString());
    Process process = builder.start();
    if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("mint-tokens did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
    }
    return process.exitValue();
  }

  private static Path outputFile(Path dataDir) {
    return dataDir.resolve("command-output.txt");
  }

  private static String output(Path dataDir) {
    try {
      return Files.readString(outputFile(dataDir));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }
}

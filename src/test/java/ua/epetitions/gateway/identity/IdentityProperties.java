package ua.epetitions.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Properties of signer keys and of token verification on arbitrary input. */
@Label("Identity on arbitrary input")
class IdentityProperties {
  private static final String ISSUER = "https://identity.test.epetitions.local";
  private static final String AUDIENCE = "signing-gateway";
  private static final String PEPPER = "pepper-0123456789abcdef";
  private static final String BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static Path dataDir;
  private static DevIdentityIssuer issuer;
  private static TokenVerifier verifier;

  @BeforeContainer
  static void createIssuer() throws IOException {
    dataDir = Files.createTempDirectory("identity-properties-");
    issuer = DevIdentityIssuer.loadOrCreate(dataDir, ISSUER, AUDIENCE, Duration.ofHours(1), 1024);
    verifier =
        new TokenVerifier(
            new ImmutableJWKSet<>(issuer.publicKeys()),
            ISSUER,
            AUDIENCE,
            30,
            new SignerKeys(PEPPER),
            "sub");
  }

  @AfterContainer
  static void removeIssuer() throws IOException {
    Files.deleteIfExists(dataDir.resolve(DevIdentityIssuer.KEY_FILE));
    Files.deleteIfExists(dataDir);
  }

  @Property
  @Label("a signer key is 22 base64url characters, the same each time for one subject")
  void signerKeyIsDeterministic(@ForAll @StringLength(max = 200) String subject) {
    String key = new SignerKeys(PEPPER).keyOf(subject);

    assertThat(key).matches("[A-Za-z0-9_-]{22}");
    assertThat(new SignerKeys(PEPPER).keyOf(subject)).isEqualTo(key);
  }

  @Property
  @Label("different subjects get different signer keys")
  void differentSubjectsDiffer(@ForAll String one, @ForAll String other) {
    Assume.that(!one.equals(other));

    SignerKeys keys = new SignerKeys(PEPPER);

    assertThat(keys.keyOf(one)).isNotEqualTo(keys.keyOf(other));
  }

  @Property
  @Label("a different pepper gives one subject a different signer key")
  void pepperChangesKey(@ForAll @StringLength(min = 1, max = 60) String subject) {
    assertThat(new SignerKeys(PEPPER).keyOf(subject))
        .isNotEqualTo(new SignerKeys(PEPPER + "-other").keyOf(subject));
  }

  @Property(tries = 1000)
  @Label("any string as a token is refused as invalid, never with another exception")
  void anyStringIsAnInvalidToken(@ForAll("tokenLike") String token) {
    Throwable thrown = catchThrowable(() -> verifier.verify(token));

    assertThat(thrown).isInstanceOf(InvalidTokenException.class);
    assertThat(thrown.getMessage()).isNotBlank();
  }

  @Provide
  Arbitrary<String> tokenLike() {
    Arbitrary<String> part =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("ABCxyz019-_").ofMaxLength(60),
            Arbitraries.strings().ofMaxLength(60).map(IdentityProperties::base64Url),
            Arbitraries.of(
                    "{\"alg\":\"none\"}",
                    "{\"alg\":\"RS256\",\"kid\":\"x\"}",
                    "{\"alg\":\"HS256\"}",
                    "{\"alg\":\"ES256\",\"crit\":[\"x\"]}",
                    "{\"sub\":\"s\",\"exp\":1}",
                    "[]",
                    "null",
                    "{\"alg\":")
                .map(IdentityProperties::base64Url));
    Arbitrary<String> threeParts =
        Combinators.combine(part, part, part).as((a, b, c) -> a + "." + b + "." + c);
    Arbitrary<String> fiveParts =
        Combinators.combine(part, part, part, part, part)
            .as((a, b, c, d, e) -> String.join(".", a, b, c, d, e));
    Arbitrary<String> tamperedValid =
        Arbitraries.integers().between(0, 10_000).map(IdentityProperties::validWithOneCharFlipped);
    return Arbitraries.oneOf(
        Arbitraries.strings(),
        Arbitraries.strings().ofMinLength(8000).ofMaxLength(9000),
        threeParts,
        fiveParts,
        tamperedValid);
  }

  /**
   * A valid token with one base64url character changed in its highest bit, which every character of
   * a segment carries (the lowest bits of a segment's last character may be padding).
   */
  private static String validWithOneCharFlipped(int position) {
    String valid = issuer.mint("subject-" + position, "Name", null);
    int at = position % valid.length();
    if (valid.charAt(at) == '.') {
      at++;
    }
    int value = BASE64URL.indexOf(valid.charAt(at));
    char flipped = BASE64URL.charAt(value ^ 32);
    return valid.substring(0, at) + flipped + valid.substring(at + 1);
  }

  private static String base64Url(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}

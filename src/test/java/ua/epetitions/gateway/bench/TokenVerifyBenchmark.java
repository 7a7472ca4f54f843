package ua.epetitions.gateway.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import ua.epetitions.gateway.identity.DevIdentityIssuer;
import ua.epetitions.gateway.identity.SignerKeys;
import ua.epetitions.gateway.identity.TokenVerifier;

/**
 * Prints the cost of verifying one identity token on one thread, three ways in alternating rounds
 * of the same run: the gateway's {@link TokenVerifier}, Nimbus JOSE's {@code DefaultJWTProcessor}
 * (what the gateway used before), and the bare RSA public-key operation alone (the floor no JWT
 * library can go under). Not a test: a program.
 *
 * <p>Arguments: RSA key bits (default 1024, the development issuer's), tokens (default 20000),
 * rounds (default 5).
 */
public final class TokenVerifyBenchmark {
  private static final String ISSUER = "https://identity.bench.epetitions.local";
  private static final String AUDIENCE = "signing-gateway";

  public static void main(String[] args) throws Exception {
    int keyBits = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path dir = Files.createTempDirectory("token-bench-");
    DevIdentityIssuer issuer =
        DevIdentityIssuer.loadOrCreate(dir, ISSUER, AUDIENCE, Duration.ofHours(1), keyBits);
    String[] minted = new String[tokens];
    for (int i = 0; i < tokens; i++) {
      minted[i] = issuer.mint("bench-subject-" + i, "Bench Citizen", "UA46060250010015970");
    }
    RSAKey key = (RSAKey) issuer.publicKeys().getKeys().get(0);

    TokenVerifier gateway =
        new TokenVerifier(
            new ImmutableJWKSet<>(issuer.publicKeys()),
            ISSUER,
            AUDIENCE,
            30,
            new SignerKeys("bench-pepper-0123456789"),
            "sub");
    DefaultJWTProcessor<SecurityContext> nimbus = new DefaultJWTProcessor<>();
    nimbus.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            Set.of(JWSAlgorithm.RS256), new ImmutableJWKSet<>(issuer.publicKeys())));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    PublicKey publicKey = key.toRSAPublicKey();
    byte[][] inputs = new byte[tokens][];
    byte[][] signatures = new byte[tokens][];
    for (int i = 0; i < tokens; i++) {
      int dot = minted[i].lastIndexOf('.');
      inputs[i] = minted[i].substring(0, dot).getBytes(StandardCharsets.US_ASCII);
      signatures[i] = Base64.getUrlDecoder().decode(minted[i].substring(dot + 1));
    }

    System.out.printf("RSA key %d bits, %d tokens per round, one thread%n", keyBits, tokens);
    for (int round = 1; round <= rounds; round++) {
      long t0 = System.nanoTime();
      for (String token : minted) {
        gateway.verify(token);
      }
      long t1 = System.nanoTime();
      for (String token : minted) {
        nimbus.process(token, null);
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < tokens; i++) {
        rsa.initVerify(publicKey);
        rsa.update(inputs[i]);
        if (!rsa.verify(signatures[i])) {
          throw new IllegalStateException("a minted token did not verify");
        }
      }
      long t3 = System.nanoTime();
      System.out.printf(
          "round %d: gateway %.1f us/token, nimbus processor %.1f us/token,"
              + " RSA operation alone %.1f us/token%n",
          round, (t1 - t0) / 1e3 / tokens, (t2 - t1) / 1e3 / tokens, (t3 - t2) / 1e3 / tokens);
    }
  }
}

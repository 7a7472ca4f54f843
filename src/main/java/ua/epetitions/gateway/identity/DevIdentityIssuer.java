package ua.epetitions.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * The development identity issuer of embedded mode: an RS256 key kept in the data directory, so
 * that the portal, tests and load tests can mint citizens' tokens that a gateway started on the
 * same data directory accepts. Never enabled in production mode.
 */
public final class DevIdentityIssuer {
  public static final String KEY_FILE = "dev-identity-key.json";
  private static final int DEFAULT_RSA_BITS = 2048;

  private final RSAKey key;
  private final JWSSigner signer;
  private final JWSHeader header;
  private final String issuer;
  private final String audience;
  private final Duration tokenTtl;

  private DevIdentityIssuer(RSAKey key, String issuer, String audience, Duration tokenTtl)
      throws JOSEException {
    this.key = key;
    // The development key may be 1024 bits (see identity.devKeyBits): signing must accept it.
    this.signer = new RSASSASigner(key.toPrivateKey(), true);
    this.header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build();
    this.issuer = issuer;
    this.audience = audience;
    this.tokenTtl = tokenTtl;
  }

  /** The issuer whose key is in {@code dataDir}, generating a 2048-bit key on first use. */
  public static DevIdentityIssuer loadOrCreate(
      Path dataDir, String issuer, String audience, Duration tokenTtl) throws IOException {
    return loadOrCreate(dataDir, issuer, audience, tokenTtl, DEFAULT_RSA_BITS);
  }

  /** The issuer whose key is in {@code dataDir}, generating a key of {@code rsaBits} if none. */
  public static DevIdentityIssuer loadOrCreate(
      Path dataDir, String issuer, String audience, Duration tokenTtl, int rsaBits)
      throws IOException {
    Path keyFile = dataDir.resolve(KEY_FILE);
    try {
      RSAKey key;
      if (Files.isRegularFile(keyFile)) {
        key = RSAKey.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
      } else {
        key =
            new RSAKeyGenerator(rsaBits, true)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256)
                .keyIDFromThumbprint(true)
                .generate();
        LocalSecrets.writeOwnerOnly(keyFile, key.toJSONString());
      }
      return new DevIdentityIssuer(key, issuer, audience, tokenTtl);
    } catch (ParseException | JOSEException e) {
      throw new IOException("development identity key " + keyFile + " is unusable: " + e, e);
    }
  }

  /** The public keys, as served at {@code /dev/identity/jwks.json}. */
  public JWKSet publicKeys() {
    return new JWKSet(key.toPublicJWK());
  }

  /** A token for a citizen; {@code territory} may be null. */
  public String mint(String subject, String name, String territory) {
    return mint(subject, name, territory, Instant.now(), tokenTtl);
  }

  /** A token valid from {@code issuedAt} for {@code ttl}; tests use it for expired tokens. */
  public String mint(
      String subject, String name, String territory, Instant issuedAt, Duration ttl) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(subject)
            .claim(TokenVerifier.NAME_CLAIM, name)
            .issueTime(Date.from(issuedAt))
            .notBeforeTime(Date.from(issuedAt))
            .expirationTime(Date.from(issuedAt.plus(ttl)))
            .jwtID(UUID.randomUUID().toString());
    if (territory != null) {
      claims.claim(TokenVerifier.TERRITORY_CLAIM, territory);
    }
    return sign(claims.build());
  }

  /** Signs arbitrary claims with the issuer's key; tests use it for wrong-audience tokens. */
  public String sign(JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign development token", e);
    }
  }

  public String issuer() {
    return issuer;
  }
}

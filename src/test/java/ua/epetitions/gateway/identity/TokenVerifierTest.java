package ua.epetitions.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Identity token verification")
class TokenVerifierTest {
  private static final String ISSUER = "https://identity.test.epetitions.local";
  private static final String AUDIENCE = "signing-gateway";
  private static final String PEPPER = "pepper-0123456789abcdef";
  private static final int CLOCK_SKEW_SECONDS = 30;
  private static final String SUBJECT = "subject-3f9a2c71";
  private static final String NAME = "Олена Шевченко";
  private static final String TERRITORY = "UA46060250010015970";

  @TempDir static Path dataDir;
  private static DevIdentityIssuer issuer;
  private static RSAKey issuerKey;

  @BeforeAll
  static void createIssuer() throws IOException, ParseException {
    issuer = DevIdentityIssuer.loadOrCreate(dataDir, ISSUER, AUDIENCE, Duration.ofHours(1));
    issuerKey =
        RSAKey.parse(
            Files.readString(dataDir.resolve(DevIdentityIssuer.KEY_FILE), StandardCharsets.UTF_8));
  }

  private static TokenVerifier verifier(String pepper) {
    return new TokenVerifier(
        new ImmutableJWKSet<>(issuer.publicKeys()),
        ISSUER,
        AUDIENCE,
        CLOCK_SKEW_SECONDS,
        new SignerKeys(pepper),
        "sub");
  }

  private static TokenVerifier verifier() {
    return verifier(PEPPER);
  }

  /** Claims of a valid token, to be altered by a test. */
  private static JWTClaimsSet.Builder validClaims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(SUBJECT)
        .claim(TokenVerifier.NAME_CLAIM, NAME)
        .claim(TokenVerifier.TERRITORY_CLAIM, TERRITORY)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
  }

  private static String signedWith(RSAKey key, String keyId, JWTClaimsSet claims)
      throws JOSEException {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static String base64Url(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Verifies a token that must be refused; answers the refusal after checking it leaks nothing. */
  private static InvalidTokenException refusal(String token) {
    InvalidTokenException refusal =
        catchThrowableOfType(InvalidTokenException.class, () -> verifier().verify(token));

    assertThat(refusal).as("refusal of the token").isNotNull();
    assertThat(refusal.getMessage()).isNotBlank().doesNotContain(SUBJECT);
    if (token != null && !token.isEmpty()) {
      assertThat(refusal.getMessage()).doesNotContain(token);
      for (String part : token.split("\\.")) {
        if (part.length() > 8) {
          assertThat(refusal.getMessage()).doesNotContain(part);
        }
      }
    }
    return refusal;
  }

  @Test
  @DisplayName("a valid token names the citizen with display name and territory")
  void validTokenNamesCitizen() throws InvalidTokenException {
    Citizen citizen = verifier().verify(issuer.mint(SUBJECT, NAME, TERRITORY));

    assertThat(citizen.displayName()).isEqualTo(NAME);
    assertThat(citizen.territory()).isEqualTo(TERRITORY);
  }

  @Test
  @DisplayName("the signer key is 22 base64url characters and not the subject")
  void signerKeyIsShortPseudonym() throws InvalidTokenException {
    Citizen citizen = verifier().verify(issuer.mint(SUBJECT, NAME, TERRITORY));

    assertThat(citizen.signerKey()).matches("[A-Za-z0-9_-]{22}").doesNotContain(SUBJECT);
  }

  @Test
  @DisplayName("a token without territory names a citizen without territory")
  void tokenWithoutTerritory() throws InvalidTokenException {
    Citizen citizen = verifier().verify(issuer.mint(SUBJECT, NAME, null));

    assertThat(citizen.territory()).isNull();
  }

  @Test
  @DisplayName("two tokens of one subject give the same signer key")
  void sameSubjectSameKey() throws InvalidTokenException {
    TokenVerifier verifier = verifier();

    Citizen first = verifier.verify(issuer.mint(SUBJECT, NAME, TERRITORY));
    Citizen second = verifier.verify(issuer.mint(SUBJECT, "Інше Ім'я", null));

    assertThat(second.signerKey()).isEqualTo(first.signerKey());
  }

  @Test
  @DisplayName("tokens of different subjects give different signer keys")
  void differentSubjectDifferentKey() throws InvalidTokenException {
    TokenVerifier verifier = verifier();

    Citizen first = verifier.verify(issuer.mint(SUBJECT, NAME, TERRITORY));
    Citizen second = verifier.verify(issuer.mint(SUBJECT + "x", NAME, TERRITORY));

    assertThat(second.signerKey()).isNotEqualTo(first.signerKey());
  }

  @Test
  @DisplayName("another pepper gives the same subject another signer key")
  void differentPepperDifferentKey() throws InvalidTokenException {
    String token = issuer.mint(SUBJECT, NAME, TERRITORY);

    Citizen first = verifier().verify(token);
    Citizen second = verifier("another-pepper-fedcba9876543210").verify(token);

    assertThat(second.signerKey()).isNotEqualTo(first.signerKey());
  }

  @Test
  @DisplayName("the display name is stripped of surrounding blanks")
  void displayNameIsStripped() throws InvalidTokenException {
    Citizen citizen = verifier().verify(issuer.mint(SUBJECT, "  " + NAME + " ", null));

    assertThat(citizen.displayName()).isEqualTo(NAME);
  }

  @Test
  @DisplayName("a token expired longer ago than the clock skew is refused")
  void expiredBeyondSkewIsRefused() {
    Instant issuedAt = Instant.now().minus(Duration.ofHours(2));
    String token = issuer.mint(SUBJECT, NAME, TERRITORY, issuedAt, Duration.ofHours(1));

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token expired within the clock skew is still accepted")
  void expiredWithinSkewIsAccepted() throws InvalidTokenException {
    Instant issuedAt = Instant.now().minus(Duration.ofSeconds(3600 + 10));
    String token = issuer.mint(SUBJECT, NAME, TERRITORY, issuedAt, Duration.ofHours(1));

    assertThat(verifier().verify(token).displayName()).isEqualTo(NAME);
  }

  @Test
  @DisplayName("a token expired 45 seconds ago is refused under a 30-second clock skew")
  void expiredJustBeyondSkewIsRefused() {
    Instant issuedAt = Instant.now().minus(Duration.ofSeconds(3600 + 45));
    String token = issuer.mint(SUBJECT, NAME, TERRITORY, issuedAt, Duration.ofHours(1));

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token valid from 10 seconds ahead is accepted within the clock skew")
  void notYetValidWithinSkewIsAccepted() throws InvalidTokenException {
    Instant issuedAt = Instant.now().plus(Duration.ofSeconds(10));
    String token = issuer.mint(SUBJECT, NAME, TERRITORY, issuedAt, Duration.ofHours(1));

    assertThat(verifier().verify(token).displayName()).isEqualTo(NAME);
  }

  @Test
  @DisplayName("a token valid only from 45 seconds ahead is refused under a 30-second clock skew")
  void notYetValidJustBeyondSkewIsRefused() {
    Instant issuedAt = Instant.now().plus(Duration.ofSeconds(45));
    String token = issuer.mint(SUBJECT, NAME, TERRITORY, issuedAt, Duration.ofHours(1));

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token not valid before a time beyond the clock skew is refused")
  void notYetValidIsRefused() {
    Instant issuedAt = Instant.now().plus(Duration.ofMinutes(5));
    String token = issuer.mint(SUBJECT, NAME, TERRITORY, issuedAt, Duration.ofHours(1));

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token of another issuer is refused")
  void wrongIssuerIsRefused() {
    String token = issuer.sign(validClaims().issuer("https://evil.example").build());

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token without issuer is refused")
  void missingIssuerIsRefused() {
    String token = issuer.sign(validClaims().issuer(null).build());

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token for another audience is refused")
  void wrongAudienceIsRefused() {
    String token = issuer.sign(validClaims().audience("another-service").build());

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token without expiry is refused")
  void missingExpiryIsRefused() {
    String token = issuer.sign(validClaims().expirationTime(null).build());

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token without a name claim is refused")
  void missingNameIsRefused() {
    String token = issuer.sign(validClaims().claim(TokenVerifier.NAME_CLAIM, null).build());

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token whose name is blank is refused")
  void blankNameIsRefused() {
    String token = issuer.sign(validClaims().claim(TokenVerifier.NAME_CLAIM, "   ").build());

    refusal(token);
  }

  @Test
  @DisplayName("a token whose name is longer than 200 characters is refused")
  void overlongNameIsRefused() {
    String token =
        issuer.sign(validClaims().claim(TokenVerifier.NAME_CLAIM, "Я".repeat(201)).build());

    refusal(token);
  }

  @Test
  @DisplayName("a token whose name is not a string is refused")
  void nonTextNameIsRefused() {
    String token = issuer.sign(validClaims().claim(TokenVerifier.NAME_CLAIM, 42).build());

    refusal(token);
  }

  @Test
  @DisplayName("a token without a subject is refused")
  void missingSubjectIsRefused() {
    String token = issuer.sign(validClaims().subject(null).build());

    assertThat(refusal(token)).hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("an unsigned token with alg none is refused")
  void unsignedTokenIsRefused() {
    String claims = validClaims().build().toString();
    String token = base64Url("{\"alg\":\"none\"}") + "." + base64Url(claims) + ".";

    assertThat(refusal(token)).hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("an HS256 token keyed with the issuer's public key bytes is refused")
  void hmacWithPublicKeyIsRefused() throws JOSEException {
    byte[] secret = issuerKey.toRSAPublicKey().getEncoded();
    assertThat(secret.length).isGreaterThanOrEqualTo(32);
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(issuerKey.getKeyID()).build();
    SignedJWT jwt = new SignedJWT(header, validClaims().build());
    jwt.sign(new MACSigner(secret));

    assertThat(refusal(jwt.serialize())).hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("a token signed by another RSA key under the issuer's key id is refused")
  void otherKeyWithSameKidIsRefused() throws JOSEException {
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(issuerKey.getKeyID()).generate();

    assertThat(refusal(signedWith(impostor, issuerKey.getKeyID(), validClaims().build())))
        .hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("a token that carries its own signing key in the jwk header is refused")
  void embeddedJwkIsRefused() throws JOSEException {
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(issuerKey.getKeyID()).generate();
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .keyID(issuerKey.getKeyID())
            .jwk(impostor.toPublicJWK())
            .build();
    SignedJWT jwt = new SignedJWT(header, validClaims().build());
    jwt.sign(new RSASSASigner(impostor));

    assertThat(refusal(jwt.serialize())).hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("a token signed by the issuer's key under an unknown key id is refused")
  void unknownKidIsRefused() throws JOSEException {
    assertThat(refusal(signedWith(issuerKey, "unknown-key-id", validClaims().build())))
        .hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("a token signed by the issuer's key under its own key id is accepted")
  void ownKeyAndKidIsAccepted() throws JOSEException, InvalidTokenException {
    String token = signedWith(issuerKey, issuerKey.getKeyID(), validClaims().build());

    assertThat(verifier().verify(token).displayName()).isEqualTo(NAME);
  }

  @Test
  @DisplayName("a valid signature over claims altered afterwards is refused")
  void alteredClaimsAreRefused() {
    String[] parts = issuer.mint(SUBJECT, NAME, TERRITORY).split("\\.");
    String altered = validClaims().subject("someone-else-51d0").build().toString();
    String token = parts[0] + "." + base64Url(altered) + "." + parts[2];

    assertThat(refusal(token)).hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("the public keys carry no private part")
  void publicKeysArePublic() {
    assertThat(issuer.publicKeys().getKeys())
        .allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
    assertThat(issuer.publicKeys().getKeys())
        .extracting(JWK::getKeyID)
        .containsExactly(issuerKey.getKeyID());
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "not-a-token-at-all",
        "aaaaaaaaa.bbbbbbbbb.ccccccccc",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0",
        "%%%%%%%%%.%%%%%%%%%.%%%%%%%%%",
        "eyJhbGciOiJSUzI1NiJ9..",
        "..",
        "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl"
      })
  @DisplayName("a garbage string is refused")
  void garbageIsRefused(String token) {
    refusal(token);
  }

  @Test
  @DisplayName("an empty token is refused")
  void emptyTokenIsRefused() {
    refusal("");
  }

  @Test
  @DisplayName("a missing token is refused")
  void nullTokenIsRefused() {
    refusal(null);
  }

  @Test
  @DisplayName("a token of 10,000 characters is refused before parsing")
  void overlongTokenIsRefused() {
    String valid = issuer.mint(SUBJECT, NAME, TERRITORY);
    String token = valid + "A".repeat(10_000 - valid.length());

    assertThat(refusal(token)).hasMessageContaining("longer than");
  }

  private static String signedEs256(ECKey key, JWTClaimsSet claims) throws JOSEException {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static TokenVerifier verifierTrusting(JWK key) {
    return new TokenVerifier(
        new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())),
        ISSUER,
        AUDIENCE,
        CLOCK_SKEW_SECONDS,
        new SignerKeys(PEPPER),
        "sub");
  }

  @Test
  @DisplayName("an ES256 token signed by a P-256 key of the JWKS is accepted")
  void es256TokenIsAccepted() throws JOSEException, InvalidTokenException {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();

    Citizen citizen = verifierTrusting(key).verify(signedEs256(key, validClaims().build()));

    assertThat(citizen.displayName()).isEqualTo(NAME);
  }

  @Test
  @DisplayName("an ES256 token signed by another P-256 key under the same key id is refused")
  void es256TokenOfAnotherKeyIsRefused() throws JOSEException {
    ECKey trusted = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    String token = signedEs256(impostor, validClaims().build());

    InvalidTokenException refusal =
        catchThrowableOfType(
            InvalidTokenException.class, () -> verifierTrusting(trusted).verify(token));

    assertThat(refusal).hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("an RS256 token naming the key id of an EC key is refused")
  void algorithmNotMatchingTheKeyIsRefused() throws JOSEException {
    ECKey trusted = new ECKeyGenerator(Curve.P_256).keyID("shared-id").generate();
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("shared-id").generate();
    String token = signedWith(rsa, "shared-id", validClaims().build());

    InvalidTokenException refusal =
        catchThrowableOfType(
            InvalidTokenException.class, () -> verifierTrusting(trusted).verify(token));

    assertThat(refusal).hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("a token whose audience list contains the gateway is accepted")
  void audienceListIsAccepted() throws JOSEException, InvalidTokenException {
    JWTClaimsSet claims = validClaims().audience(List.of("portal", AUDIENCE)).build();

    Citizen citizen = verifier().verify(signedWith(issuerKey, issuerKey.getKeyID(), claims));

    assertThat(citizen.displayName()).isEqualTo(NAME);
  }

  @Test
  @DisplayName("a token whose audience list lacks the gateway is refused")
  void audienceListWithoutGatewayIsRefused() throws JOSEException {
    JWTClaimsSet claims = validClaims().audience(List.of("portal", "other")).build();

    assertThat(refusal(signedWith(issuerKey, issuerKey.getKeyID(), claims)))
        .hasMessageStartingWith("token claims rejected");
  }

  @Test
  @DisplayName("a token with critical header parameters is refused")
  void criticalHeaderIsRefused() throws JOSEException {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .keyID(issuerKey.getKeyID())
            .criticalParams(Set.of("exp-policy"))
            .customParam("exp-policy", "strict")
            .build();
    SignedJWT jwt = new SignedJWT(header, validClaims().build());
    jwt.sign(new RSASSASigner(issuerKey));

    assertThat(refusal(jwt.serialize())).hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("a token typed as something other than a JWT is refused")
  void otherTokenTypeIsRefused() throws JOSEException {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .keyID(issuerKey.getKeyID())
            .type(new JOSEObjectType("at+jwt"))
            .build();
    SignedJWT jwt = new SignedJWT(header, validClaims().build());
    jwt.sign(new RSASSASigner(issuerKey));

    assertThat(refusal(jwt.serialize())).hasMessageStartingWith("token signature rejected");
  }

  @Test
  @DisplayName("a token whose claims repeat a member is refused as malformed")
  void duplicateClaimIsRefused() {
    String valid = issuer.mint(SUBJECT, NAME, TERRITORY);
    String[] parts = valid.split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String doubled = claims.replaceFirst("\\{", "{\"sub\":\"someone-else\",");
    String token = parts[0] + "." + base64Url(doubled) + "." + parts[2];

    assertThat(refusal(token)).hasMessageStartingWith("token is not a well-formed JWT");
  }
}

package ua.epetitions.gateway.identity;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies citizens' identity tokens: an RS256 or ES256 signature by a key of the identity
 * provider's JWKS, then issuer, audience, expiry and not-before with a small clock skew. Unsigned,
 * HMAC and every other algorithm are refused, as are tokens with critical header parameters.
 *
 * <p>The JWKS, key selection and the conversion of a JWK to a Java key are Nimbus JOSE's; the
 * per-token work (splitting, base64url, JSON, the signature check) uses the JDK and Jackson
 * directly. Profiling the signing path showed Nimbus's per-token machinery (its constant-time
 * base64 codec, Gson parsing, converting the JWK to a key on every token) costing more than the RSA
 * operation itself: 24 µs a 1024-bit token against 13 µs here, of which the RSA operation is 10.5
 * µs (bench/TokenVerifyBenchmark; see docs/performance.md).
 *
 * <p>Not thread-safe (the cached {@link Signature} objects, the key cache and the signer-key HMAC):
 * create one per verticle instance.
 */
public final class TokenVerifier {
  public static final String NAME_CLAIM = "name";
  public static final String TERRITORY_CLAIM = "territory";
  private static final int MAX_TOKEN_CHARS = 8192;
  private static final int MAX_NAME_CHARS = 200;
  private static final int ES256_SIGNATURE_BYTES = 64;
  private static final int MAX_CACHED_KEYS = 64;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

  private final JWKSource<SecurityContext> keys;
  private final String issuer;
  private final String audience;
  private final long clockSkewMs;
  private final SignerKeys signerKeys;
  private final String subjectClaim;
  private final List<String> requiredClaims;
  private final Map<JWK, PublicKey> publicKeys = new IdentityHashMap<>();
  private final Signature rs256;
  private final Signature es256;

  public TokenVerifier(
      JWKSource<SecurityContext> keys,
      String issuer,
      String audience,
      int clockSkewSeconds,
      SignerKeys signerKeys,
      String subjectClaim) {
    this.keys = keys;
    this.issuer = issuer;
    this.audience = audience;
    this.clockSkewMs = clockSkewSeconds * 1000L;
    this.signerKeys = signerKeys;
    this.subjectClaim = subjectClaim;
    this.requiredClaims = List.of("sub", "exp", NAME_CLAIM, subjectClaim);
    try {
      this.rs256 = Signature.getInstance("SHA256withRSA");
      this.es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks RS256 or ES256 verification", e);
    }
  }

  /** The citizen a bearer token names; the reason of a refusal never quotes the token. */
  public Citizen verify(String token) throws InvalidTokenException {
    if (token == null || token.isEmpty()) {
      throw new InvalidTokenException("no bearer token");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException("token longer than " + MAX_TOKEN_CHARS + " characters");
    }
    int firstDot = token.indexOf('.');
    int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
      throw new InvalidTokenException("token is not a well-formed JWT");
    }
    JsonNode header = jsonObject(token.substring(0, firstDot));
    JsonNode claims = jsonObject(token.substring(firstDot + 1, secondDot));
    byte[] signature = base64url(token.substring(secondDot + 1));

    byte[] signingInput = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
    checkSignature(header, signingInput, signature);
    checkClaims(claims);
    return toCitizen(claims);
  }

  private void checkSignature(JsonNode header, byte[] signingInput, byte[] signature)
      throws InvalidTokenException {
    if (header.has("crit")) {
      throw signatureRejected("critical header parameters are not supported");
    }
    JsonNode typ = header.get("typ");
    if (typ != null && !(typ.isTextual() && typ.asText().equalsIgnoreCase("JWT"))) {
      throw signatureRejected("the token type is not JWT");
    }
    JWSAlgorithm algorithm = algorithmOf(header.get("alg"));
    JsonNode kid = header.get("kid");
    if (kid != null && !kid.isTextual()) {
      throw signatureRejected("the key id is not a string");
    }
    List<JWK> candidates = candidateKeys(algorithm, kid == null ? null : kid.asText());
    if (candidates.isEmpty()) {
      throw signatureRejected("no key of the identity provider matches the token");
    }
    for (JWK candidate : candidates) {
      if (verifies(algorithm, candidate, signingInput, signature)) {
        return;
      }
    }
    throw signatureRejected("the signature does not verify");
  }

  private static JWSAlgorithm algorithmOf(JsonNode alg) throws InvalidTokenException {
    if (alg == null || !alg.isTextual()) {
      throw signatureRejected("the token names no algorithm");
    }
    if (JWSAlgorithm.RS256.getName().equals(alg.asText())) {
      return JWSAlgorithm.RS256;
    }
    if (JWSAlgorithm.ES256.getName().equals(alg.asText())) {
      return JWSAlgorithm.ES256;
    }
    throw signatureRejected("only RS256 and ES256 are accepted");
  }

  private List<JWK> candidateKeys(JWSAlgorithm algorithm, String kid) throws InvalidTokenException {
    boolean rsa = algorithm == JWSAlgorithm.RS256;
    JWKMatcher.Builder matcher =
        new JWKMatcher.Builder()
            .keyType(rsa ? KeyType.RSA : KeyType.EC)
            .keyUses(KeyUse.SIGNATURE, null)
            .algorithms(algorithm, null)
            .withKeyIDOnly(kid != null);
    if (kid != null) {
      matcher.keyID(kid);
    }
    if (!rsa) {
      matcher.curve(Curve.P_256);
    }
    try {
      return keys.get(new JWKSelector(matcher.build()), null);
    } catch (Exception e) {
      throw new InvalidTokenException("token could not be verified: " + e.getMessage());
    }
  }

  private boolean verifies(JWSAlgorithm algorithm, JWK key, byte[] input, byte[] signature)
      throws InvalidTokenException {
    boolean rsa = algorithm == JWSAlgorithm.RS256;
    if (!rsa && signature.length != ES256_SIGNATURE_BYTES) {
      return false;
    }
    Signature verifier = rsa ? rs256 : es256;
    try {
      verifier.initVerify(publicKey(key));
      verifier.update(input);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | JOSEException e) {
      return false;
    }
  }

  private PublicKey publicKey(JWK key) throws JOSEException {
    PublicKey cached = publicKeys.get(key);
    if (cached != null) {
      return cached;
    }
    if (publicKeys.size() >= MAX_CACHED_KEYS) {
      publicKeys.clear();
    }
    PublicKey converted =
        key instanceof RSAKey rsa ? rsa.toRSAPublicKey() : ((ECKey) key).toECPublicKey();
    publicKeys.put(key, converted);
    return converted;
  }

  private void checkClaims(JsonNode claims) throws InvalidTokenException {
    for (String claim : requiredClaims) {
      JsonNode value = claims.get(claim);
      if (value == null || value.isNull()) {
        throw claimsRejected("the " + claim + " claim is missing");
      }
    }
    JsonNode iss = claims.get("iss");
    if (iss == null || !iss.isTextual() || !iss.asText().equals(issuer)) {
      throw claimsRejected("the issuer is not the expected one");
    }
    if (!hasAudience(claims.get("aud"))) {
      throw claimsRejected("the audience is not this gateway");
    }
    long nowMs = System.currentTimeMillis();
    long expiresMs = epochMillis(claims.get("exp"), "exp");
    if (expiresMs + clockSkewMs < nowMs) {
      throw claimsRejected("the token has expired");
    }
    JsonNode nbf = claims.get("nbf");
    if (nbf != null && epochMillis(nbf, "nbf") - clockSkewMs > nowMs) {
      throw claimsRejected("the token is not valid yet");
    }
  }

  private boolean hasAudience(JsonNode aud) {
    if (aud == null) {
      return false;
    }
    if (aud.isTextual()) {
      return aud.asText().equals(audience);
    }
    if (aud.isArray()) {
      for (JsonNode one : aud) {
        if (one.isTextual() && one.asText().equals(audience)) {
          return true;
        }
      }
    }
    return false;
  }

  private static long epochMillis(JsonNode value, String claim) throws InvalidTokenException {
    if (value == null || !value.isNumber()) {
      throw claimsRejected("the " + claim + " claim is not a number of seconds");
    }
    return (long) (value.asDouble() * 1000);
  }

  private Citizen toCitizen(JsonNode claims) throws InvalidTokenException {
    String subject = stringClaim(claims, subjectClaim);
    String name = stringClaim(claims, NAME_CLAIM);
    if (subject == null || subject.isBlank()) {
      throw new InvalidTokenException("token has no " + subjectClaim + " claim");
    }
    if (name == null || name.isBlank() || name.length() > MAX_NAME_CHARS) {
      throw new InvalidTokenException("token has no usable name claim");
    }
    String territory = stringClaim(claims, TERRITORY_CLAIM);
    return new Citizen(signerKeys.keyOf(subject), name.strip(), territory);
  }

  private static String stringClaim(JsonNode claims, String name) throws InvalidTokenException {
    JsonNode value = claims.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidTokenException("token claim " + name + " is not a string");
    }
    return value.asText();
  }

  private static JsonNode jsonObject(String part) throws InvalidTokenException {
    JsonNode node;
    try {
      node = JSON.readTree(base64url(part));
    } catch (IOException e) {
      throw new InvalidTokenException("token is not a well-formed JWT");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidTokenException("token is not a well-formed JWT");
    }
    return node;
  }

  private static byte[] base64url(String part) throws InvalidTokenException {
    if (part.indexOf('=') >= 0) {
      throw new InvalidTokenException("token is not a well-formed JWT");
    }
    try {
      return BASE64URL.decode(part);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("token is not a well-formed JWT");
    }
  }

  private static InvalidTokenException signatureRejected(String reason) {
    return new InvalidTokenException("token signature rejected: " + reason);
  }

  private static InvalidTokenException claimsRejected(String reason) {
    return new InvalidTokenException("token claims rejected: " + reason);
  }
}

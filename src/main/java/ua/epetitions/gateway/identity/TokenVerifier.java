package ua.epetitions.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies citizens' identity tokens: RS256 or ES256 signatures by a key of the identity provider's
 * JWKS, then issuer, audience, expiry and not-before with a small clock skew. Unsigned and HMAC
 * tokens are refused because only the two public-key algorithms are selectable. Create one per
 * verticle instance: the signer-key HMAC is not thread-safe.
 */
public final class TokenVerifier {
  public static final String NAME_CLAIM = "name";
  public static final String TERRITORY_CLAIM = "territory";
  private static final int MAX_TOKEN_CHARS = 8192;
  private static final int MAX_NAME_CHARS = 200;

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final SignerKeys signerKeys;
  private final String subjectClaim;

  public TokenVerifier(
      JWKSource<SecurityContext> keys,
      String issuer,
      String audience,
      int clockSkewSeconds,
      SignerKeys signerKeys,
      String subjectClaim) {
    this.signerKeys = signerKeys;
    this.subjectClaim = subjectClaim;
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            new HashSet<>(List.of("sub", "exp", NAME_CLAIM, subjectClaim)));
    claims.setMaxClockSkew(clockSkewSeconds);
    processor.setJWTClaimsSetVerifier(claims);
  }

  /** The citizen a bearer token names; the reason of a refusal never quotes the token. */
  public Citizen verify(String token) throws InvalidTokenException {
    if (token == null || token.isEmpty()) {
      throw new InvalidTokenException("no bearer token");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException("token longer than " + MAX_TOKEN_CHARS + " characters");
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw new InvalidTokenException("token is not a well-formed JWT");
    } catch (BadJWTException e) {
      throw new InvalidTokenException("token claims rejected: " + e.getMessage());
    } catch (BadJOSEException e) {
      throw new InvalidTokenException("token signature rejected: " + e.getMessage());
    } catch (JOSEException e) {
      throw new InvalidTokenException("token could not be verified: " + e.getMessage());
    } catch (RuntimeException e) {
      // The JOSE library lets some malformed headers through as runtime exceptions (a header of
      // JSON null gave a NullPointerException): a forged token is a refusal, never a 500.
      throw new InvalidTokenException("token is not a well-formed JWT");
    }
    return toCitizen(claims);
  }

  private Citizen toCitizen(JWTClaimsSet claims) throws InvalidTokenException {
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

  private static String stringClaim(JWTClaimsSet claims, String name) throws InvalidTokenException {
    try {
      return claims.getStringClaim(name);
    } catch (ParseException e) {
      throw new InvalidTokenException("token claim " + name + " is not a string");
    }
  }
}

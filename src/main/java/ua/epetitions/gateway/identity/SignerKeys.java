package ua.epetitions.gateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a person's stable identifier into a signer key: HMAC-SHA-256 under a secret pepper, cut to
 * 16 bytes (22 base64url characters). The raw identifier goes no further than this class. Not
 * thread-safe (a {@link Mac} is not): create one per verticle instance.
 */
public final class SignerKeys {
  private static final String ALGORITHM = "HmacSHA256";
  private static final int KEY_BYTES = 16;

  private final Mac mac;

  public SignerKeys(String pepper) {
    if (pepper == null || pepper.length() < 16) {
      throw new IllegalArgumentException("signer pepper must be at least 16 characters");
    }
    try {
      mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), ALGORITHM));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
    }
  }

  public String keyOf(String subject) {
    byte[] digest = mac.doFinal(subject.getBytes(StandardCharsets.UTF_8));
    byte[] key = new byte[KEY_BYTES];
    System.arraycopy(digest, 0, key, 0, KEY_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }
}

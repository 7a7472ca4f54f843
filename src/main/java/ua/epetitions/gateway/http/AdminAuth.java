package ua.epetitions.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lets a request through only with the administrator's bearer secret. Both sides are hashed before
 * a constant-time comparison, so neither the length nor a prefix of the secret leaks.
 */
final class AdminAuth implements Handler<RoutingContext> {
  private final byte[] expectedDigest;

  AdminAuth(String adminToken) {
    if (adminToken == null || adminToken.length() < 16) {
      throw new IllegalArgumentException("administrator token must have at least 16 characters");
    }
    this.expectedDigest = sha256(adminToken);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String offered = BearerTokens.of(ctx);
    if (offered == null) {
      ctx.fail(
          Problem.adminUnauthorized("send the administrator token as Authorization: Bearer")
              .exception());
      return;
    }
    if (!MessageDigest.isEqual(expectedDigest, sha256(offered))) {
      ctx.fail(Problem.adminUnauthorized("the administrator token is not valid").exception());
      return;
    }
    ctx.next();
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}

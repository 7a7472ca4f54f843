package ua.epetitions.gateway.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider's public keys from a {@code file:} or {@code https:} JWKS. Verification
 * only ever reads the cached set, so an event loop never waits for the network: the set is loaded
 * before Vert.x starts, then refreshed on a worker thread every refresh period, and early (at most
 * once a minute) when a token names a key id the cache does not hold.
 */
public final class RefreshingJwks implements JWKSource<SecurityContext> {
  private static final Logger log = LoggerFactory.getLogger(RefreshingJwks.class);
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = 5_000;
  private static final int MAX_JWKS_BYTES = 256 * 1024;
  private static final long EARLY_REFRESH_GAP_MS = 60_000;

  private final String url;
  private volatile JWKSet keys;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final AtomicLong lastRefreshMs = new AtomicLong();
  private volatile Vertx vertx;

  private RefreshingJwks(String url, JWKSet keys) {
    this.url = url;
    this.keys = keys;
    this.lastRefreshMs.set(System.currentTimeMillis());
  }

  /** Loads the set now (blocking: call before Vert.x serves traffic). */
  public static RefreshingJwks load(String url) throws IOException {
    RefreshingJwks jwks = new RefreshingJwks(url, fetch(url));
    log.info("identity: JWKS loaded url={} keys={}", url, jwks.keys.getKeys().size());
    return jwks;
  }

  /** Starts the periodic refresh on Vert.x worker threads. */
  public void refreshEvery(Vertx vertx, long periodMs) {
    this.vertx = vertx;
    vertx.setPeriodic(periodMs, id -> refreshInBackground());
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
    List<JWK> found = selector.select(keys);
    if (found.isEmpty()
        && System.currentTimeMillis() - lastRefreshMs.get() > EARLY_REFRESH_GAP_MS) {
      refreshInBackground();
    }
    return found;
  }

  private void refreshInBackground() {
    Vertx current = vertx;
    if (current == null || !refreshing.compareAndSet(false, true)) {
      return;
    }
    lastRefreshMs.set(System.currentTimeMillis());
    current
        .executeBlocking(() -> fetch(url), false)
        .onComplete(
            result -> {
              refreshing.set(false);
              if (result.succeeded()) {
                keys = result.result();
              } else {
                log.warn(
                    "identity: JWKS refresh failed url={}; keeping the previous keys: {}",
                    url,
                    result.cause().toString());
              }
            });
  }

  private static JWKSet fetch(String url) throws IOException {
    try {
      if (url.startsWith("file:")) {
        Path path = Path.of(URI.create(url));
        if (Files.size(path) > MAX_JWKS_BYTES) {
          throw new IOException("JWKS file " + path + " is larger than " + MAX_JWKS_BYTES);
        }
        return JWKSet.parse(Files.readString(path)).toPublicJWKSet();
      }
      return JWKSet.load(new URL(url), CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, MAX_JWKS_BYTES)
          .toPublicJWKSet();
    } catch (ParseException e) {
      throw new IOException("JWKS at " + url + " is not a valid key set: " + e.getMessage(), e);
    }
  }
}

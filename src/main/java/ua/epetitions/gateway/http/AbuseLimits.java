package ua.epetitions.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.ops.GatewayMeters;

/**
 * Abuse (rate) limits of one HTTP verticle instance, answered 429 {@code
 * /problems/too-many-requests} with Retry-After:
 *
 * <ul>
 *   <li>per client address, every request under {@code /api/} and {@code /dev/}: a ceiling far
 *       above an instance's capacity, so that a viral spike from one carrier address passes;
 *   <li>per client address, refused requests (bad input, missing or invalid tokens, unknown
 *       routes): once an address has spent its refusals, its requests are answered 429 until the
 *       bucket refills. This is what abuse from one address looks like;
 *   <li>per signer, signing attempts after token verification.
 * </ul>
 *
 * <p>Each HTTP verticle instance has its own buckets, touched only from its event loop: no locks,
 * and a gateway of N instances lets a client through up to N times the configured rates (a client's
 * connections are spread over the instances).
 */
final class AbuseLimits {
  static final String ADDRESS_REQUESTS = "address-requests";
  static final String ADDRESS_REFUSALS = "address-refusals";
  static final String SIGNER = "signer";
  private static final String FORWARDED_FOR = "X-Forwarded-For";
  private static final int MAX_ADDRESS_CHARS = 45;
  private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f.:]{2,45}");

  /** Problem types of requests that count as refusals of their address. */
  private static final Set<String> REFUSAL_TYPES =
      Set.of(
          "/problems/invalid-request",
          "/problems/invalid-token",
          "/problems/admin-unauthorized",
          "/problems/payload-too-large",
          "/problems/uri-too-long",
          "/problems/unsupported-media-type",
          "/problems/headers-too-large",
          "/problems/not-found",
          "/problems/method-not-allowed");

  private final GatewayMeters meters;
  private final TokenBuckets addressRequests;
  private final TokenBuckets addressRefusals;
  private final TokenBuckets signers;
  private final Set<String> trustedProxies;

  AbuseLimits(GatewayConfig.Limits limits, GatewayMeters meters) {
    this.meters = meters;
    this.addressRequests =
        buckets(
            limits,
            limits.addressRequestsPerSecond(),
            limits.addressRequestBurst(),
            limits.maxTrackedKeys());
    this.addressRefusals =
        buckets(
            limits,
            limits.addressRefusalsPerSecond(),
            limits.addressRefusalBurst(),
            limits.maxTrackedKeys());
    this.signers =
        buckets(
            limits,
            limits.signerAttemptsPerSecond(),
            limits.signerAttemptBurst(),
            limits.maxTrackedKeys());
    this.trustedProxies =
        Arrays.stream(limits.trustedProxies().split(","))
            .map(String::strip)
            .filter(proxy -> !proxy.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
  }

  private static TokenBuckets buckets(
      GatewayConfig.Limits limits, double perSecond, int burst, int maxKeys) {
    return limits.enabled() && perSecond > 0 ? new TokenBuckets(perSecond, burst, maxKeys) : null;
  }

  /** Route handler: the client address's request ceiling and its spent refusals. */
  void guardAddress(RoutingContext ctx) {
    if (addressRequests == null && addressRefusals == null) {
      ctx.next();
      return;
    }
    String address = clientAddress(ctx.request());
    long nowNs = System.nanoTime();
    if (addressRefusals != null) {
      long waitNs = addressRefusals.waitFor(address, nowNs);
      if (waitNs > 0) {
        refuse(ctx, ADDRESS_REFUSALS, waitNs, "this address sent too many refused requests");
        return;
      }
    }
    if (addressRequests != null) {
      long waitNs = addressRequests.take(address, nowNs);
      if (waitNs > 0) {
        refuse(ctx, ADDRESS_REQUESTS, waitNs, "this address sends requests too fast");
        return;
      }
    }
    ctx.next();
  }

  /** Counts a refused request against its client address; called by the failure handler. */
  void refused(RoutingContext ctx, Problem problem) {
    if (addressRefusals != null && REFUSAL_TYPES.contains(problem.type())) {
      addressRefusals.take(clientAddress(ctx.request()), System.nanoTime());
    }
  }

  /**
   * Spends one signing attempt of the signer, or fails the request with 429: a double click still
   * gets its answer, a script signing in a loop with one identity does not.
   */
  void requireSigningAttempt(RoutingContext ctx, String signerKey) {
    if (signers == null) {
      return;
    }
    long waitNs = signers.take(signerKey, System.nanoTime());
    if (waitNs > 0) {
      meters.rateLimited(SIGNER);
      throw tooMany(ctx, waitNs, "this citizen is signing too often").exception();
    }
  }

  /** Forgets idle buckets; run periodically on the owning event loop. */
  void forgetIdle() {
    long nowNs = System.nanoTime();
    for (TokenBuckets buckets : new TokenBuckets[] {addressRequests, addressRefusals, signers}) {
      if (buckets != null) {
        buckets.forgetIdle(nowNs);
      }
    }
  }

  /**
   * The client's address: the peer's, or, when the peer is a trusted proxy, the last
   * X-Forwarded-For hop that is not itself a trusted proxy (hops further left were written by
   * whoever the client is, and could be forged).
   */
  String clientAddress(HttpServerRequest request) {
    // The connection's peer, not request.remoteAddress(): Vert.x Web's request wrapper parses
    // forwarding headers there on every call, which showed in the signing path's profile.
    SocketAddress remote = request.connection().remoteAddress();
    String peer = remote == null ? "unknown" : remote.hostAddress();
    if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
      return peer;
    }
    String forwarded = String.join(",", request.headers().getAll(FORWARDED_FOR));
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      if (hop.isEmpty() || trustedProxies.contains(hop)) {
        continue;
      }
      return hop.length() <= MAX_ADDRESS_CHARS && ADDRESS.matcher(hop).matches() ? hop : peer;
    }
    return peer;
  }

  private void refuse(RoutingContext ctx, String limit, long waitNs, String why) {
    meters.rateLimited(limit);
    ctx.fail(tooMany(ctx, waitNs, why).exception());
  }

  private static Problem tooMany(RoutingContext ctx, long waitNs, String why) {
    long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNs + 999_999_999L));
    ctx.response().putHeader("Retry-After", Long.toString(seconds));
    return Problem.tooManyRequests(why + "; retry after " + seconds + " s (Retry-After)")
        .with("retryAfterSeconds", seconds);
  }
}

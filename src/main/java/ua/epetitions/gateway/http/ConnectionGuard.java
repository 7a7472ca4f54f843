package ua.epetitions.gateway.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.ops.GatewayMeters;

/**
 * Limits on the connections of one HTTP verticle instance: how many may be open (in all and per
 * client address), how long a request's headers may take to arrive (from the connection's accept,
 * or from the end of the previous answer on a kept-alive connection) and how long its body may take
 * after them. Vert.x's idle timeout alone does not stop a client that trickles a byte every few
 * seconds.
 *
 * <p>The deadlines are checked by a periodic sweep rather than a timer per request, so the hot path
 * only records a request's start: they hold to within one sweep interval. All state is owned by the
 * verticle's event loop (connection, request and timer handlers all run there): no locks.
 */
final class ConnectionGuard {
  static final String PHASE_HEADERS = "headers";
  static final String PHASE_BODY = "body";
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final long NOT_WAITING = Long.MIN_VALUE;
  private static final long MIN_SWEEP_MS = 50;
  private static final long MAX_SWEEP_MS = 1000;

  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final long headerTimeoutNs;
  private final long bodyTimeoutNs;
  private final GatewayMeters meters;
  private final Map<HttpConnection, Tracked> open = new IdentityHashMap<>();
  private final Map<String, Integer> openPerAddress = new HashMap<>();

  /** One open connection: the request in progress, or since when it has waited for one. */
  private static final class Tracked {
    private final String address;
    private HttpServerRequest current;
    private long requestStartNs;
    private long waitingSinceNs;

    private Tracked(String address, long acceptedNs) {
      this.address = address;
      this.waitingSinceNs = acceptedNs;
    }
  }

  ConnectionGuard(GatewayConfig.Http http, GatewayMeters meters) {
    this.maxConnections = http.maxConnections();
    this.maxConnectionsPerAddress = http.maxConnectionsPerAddress();
    this.headerTimeoutNs = TimeUnit.MILLISECONDS.toNanos(http.requestHeaderTimeoutMs());
    this.bodyTimeoutNs = TimeUnit.MILLISECONDS.toNanos(http.requestBodyTimeoutMs());
    this.meters = meters;
  }

  /** How often {@link #sweep()} should run: a fifth of the shorter deadline, 50 ms to 1 s. */
  long sweepIntervalMs() {
    long shorterMs = TimeUnit.NANOSECONDS.toMillis(Math.min(headerTimeoutNs, bodyTimeoutNs));
    return Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, shorterMs / 5));
  }

  /** The server's connection handler: admits the connection or closes it at once. */
  void onConnection(HttpConnection connection) {
    SocketAddress remote = connection.remoteAddress();
    String address = remote == null ? "unknown" : remote.hostAddress();
    if (open.size() >= maxConnections) {
      refuse(connection, "total");
      return;
    }
    int fromAddress = openPerAddress.getOrDefault(address, 0);
    if (fromAddress >= maxConnectionsPerAddress) {
      refuse(connection, "address");
      return;
    }
    open.put(connection, new Tracked(address, System.nanoTime()));
    openPerAddress.put(address, fromAddress + 1);
    connection.closeHandler(closed -> forget(connection));
  }

  /** Called as each request's headers have arrived, before routing. */
  void onRequest(HttpServerRequest request) {
    Tracked tracked = open.get(request.connection());
    if (tracked != null) {
      tracked.current = request;
      tracked.requestStartNs = System.nanoTime();
      tracked.waitingSinceNs = NOT_WAITING;
    }
  }

  int openConnections() {
    return open.size();
  }

  /** Closes the connections past a deadline; run periodically on the owning event loop. */
  void sweep() {
    long nowNs = System.nanoTime();
    List<HttpConnection> slowHeaders = new ArrayList<>(0);
    List<HttpServerRequest> slowBodies = new ArrayList<>(0);
    for (Map.Entry<HttpConnection, Tracked> entry : open.entrySet()) {
      Tracked tracked = entry.getValue();
      HttpServerRequest request = tracked.current;
      if (request != null) {
        HttpServerResponse response = request.response();
        boolean answered = response.ended() || response.closed();
        if (answered && request.isEnded()) {
          tracked.current = null;
          tracked.waitingSinceNs = nowNs;
        } else if (!request.isEnded() && nowNs - tracked.requestStartNs > bodyTimeoutNs) {
          // Also after an early answer (413): the rest of a body nobody reads is bounded too.
          tracked.current = null;
          slowBodies.add(request);
        }
      } else if (tracked.waitingSinceNs != NOT_WAITING
          && nowNs - tracked.waitingSinceNs > headerTimeoutNs) {
        tracked.waitingSinceNs = NOT_WAITING;
        slowHeaders.add(entry.getKey());
      }
    }
    slowHeaders.forEach(this::closeSlowHeaders);
    slowBodies.forEach(this::answerSlowBody);
  }

  private void refuse(HttpConnection connection, String reason) {
    meters.connectionRefused(reason);
    connection.close();
  }

  private void forget(HttpConnection connection) {
    Tracked tracked = open.remove(connection);
    if (tracked != null) {
      openPerAddress.computeIfPresent(tracked.address, (address, n) -> n > 1 ? n - 1 : null);
    }
  }

  private void closeSlowHeaders(HttpConnection connection) {
    meters.requestTimedOut(PHASE_HEADERS);
    log.debug("http: closing a connection whose request headers came too slowly");
    connection.close();
  }

  /** 408 as a problem when nothing has been answered yet, then the connection is closed. */
  private void answerSlowBody(HttpServerRequest request) {
    meters.requestTimedOut(PHASE_BODY);
    HttpConnection connection = request.connection();
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      connection.close();
      return;
    }
    String requestId = response.headers().get(RequestIds.HEADER);
    if (requestId == null) {
      requestId = UUID.randomUUID().toString();
    }
    Problem problem =
        Problem.requestTimeout(
            "the request body did not arrive within "
                + TimeUnit.NANOSECONDS.toMillis(bodyTimeoutNs)
                + " ms; send it at once");
    response
        .setStatusCode(problem.status())
        .putHeader(RequestIds.HEADER, requestId)
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Connection", "close")
        .end(problem.toJson(requestId).encode())
        .onComplete(ended -> connection.close());
  }
}

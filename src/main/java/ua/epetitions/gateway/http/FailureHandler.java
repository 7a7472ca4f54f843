package ua.epetitions.gateway.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.petition.ConcurrentChangeException;
import ua.epetitions.gateway.petition.NotEligibleException;
import ua.epetitions.gateway.petition.NotFoundException;
import ua.epetitions.gateway.petition.TransitionRefusedException;
import ua.epetitions.gateway.store.DuplicateKeyException;

/**
 * The one place that maps failures to HTTP: every error leaves as an RFC 9457 problem with the
 * request id, and unexpected failures are logged here, once.
 */
final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);
  private static final int STORAGE_RETRY_AFTER_SECONDS = 5;
  private static final long WARN_EVERY_MS = 5_000;
  private static final AtomicLong lastWarnedAtMs = new AtomicLong();
  private final long maxBodyBytes;
  private final AbuseLimits limits;

  FailureHandler(long maxBodyBytes, AbuseLimits limits) {
    this.maxBodyBytes = maxBodyBytes;
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().closed()) {
      return;
    }
    Problem problem = toProblem(ctx);
    limits.refused(ctx, problem);
    send(ctx, problem);
  }

  static void send(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response
        .setStatusCode(problem.status())
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(problem.toJson(RequestIds.of(ctx)).encode());
  }

  /**
   * The router answers 400 by itself, with neither a failure nor a status on the context, when it
   * cannot decode the request path (a malformed percent-escape); the answer is still a problem.
   */
  void undecodablePath(RoutingContext ctx) {
    Problem problem =
        Problem.invalidRequest("the request path could not be decoded; check its escapes");
    limits.refused(ctx, problem);
    send(ctx, problem);
  }

  /**
   * Requests the HTTP codec refused before any routing: a request line or header section over its
   * limit, or a message that is not HTTP. Answered as problems, then the connection is closed, as
   * the codec's state after such a request cannot be trusted.
   */
  static void unreadableRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = Problem.uriTooLong("send a shorter path and query");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = Problem.headersTooLarge("send fewer or shorter headers");
    } else {
      problem = Problem.invalidRequest("the request is not well-formed HTTP");
    }
    String requestId = UUID.randomUUID().toString();
    request
        .response()
        .setStatusCode(problem.status())
        .putHeader(RequestIds.HEADER, requestId)
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(problem.toJson(requestId).encode())
        .onComplete(ended -> request.connection().close());
  }

  private Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException problem) {
      return problem.problem();
    }
    if (failure instanceof NotFoundException notFound) {
      return notFound.kind() == NotFoundException.Kind.PETITION
          ? Problem.petitionNotFound(Long.parseLong(notFound.key()))
          : Problem.communityNotFound(notFound.key());
    }
    if (failure instanceof TransitionRefusedException refused) {
      return Problem.transitionNotAllowed(
          refused.petitionId(),
          refused.status().wireName(),
          refused.event().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    if (failure instanceof NotEligibleException notEligible) {
      return Problem.notEligible(notEligible.getMessage());
    }
    if (failure instanceof ConcurrentChangeException changed) {
      return Problem.conflict(changed.getMessage());
    }
    if (failure instanceof DuplicateKeyException) {
      return Problem.conflict("a resource with that key already exists");
    }
    if (failure instanceof HttpException http) {
      return fromStatus(http.getStatusCode(), ctx);
    }
    if (failure == null) {
      return fromStatus(ctx.statusCode(), ctx);
    }
    if (StorageFailures.isUnavailable(failure)) {
      warnStorageUnavailable(failure);
      ctx.response().putHeader("Retry-After", Integer.toString(STORAGE_RETRY_AFTER_SECONDS));
      return Problem.unavailable(
          "the database is not reachable or too slow now; nothing was changed, retry shortly");
    }
    log.error(
        "http: unexpected failure requestId={} method={} path={}",
        RequestIds.of(ctx),
        ctx.request().method(),
        ctx.normalizedPath(),
        failure);
    return Problem.internal();
  }

  /** One WARN per few seconds: an outage fails every request that needs the database. */
  private static void warnStorageUnavailable(Throwable failure) {
    long now = System.currentTimeMillis();
    long last = lastWarnedAtMs.get();
    if (now - last >= WARN_EVERY_MS && lastWarnedAtMs.compareAndSet(last, now)) {
      log.warn(
          "http: PostgreSQL unavailable, answering 503: {} (check /health/ready and the"
              + " database; signing continues through Redis)",
          failure.toString());
    }
  }

  private Problem fromStatus(int status, RoutingContext ctx) {
    return switch (status) {
      case 400 -> Problem.invalidRequest("the request could not be read");
      case 404 -> Problem.notFound("no resource at " + abbreviatedPath(ctx));
      case 405 -> Problem.methodNotAllowed(ctx.request().method() + " is not allowed here");
      case 413 -> Problem.payloadTooLarge(maxBodyBytes);
      case 414 -> Problem.uriTooLong("send a shorter path and query");
      case 415 -> Problem.unsupportedMediaType("send Content-Type: application/json");
      case 431 -> Problem.headersTooLarge("send fewer or shorter headers");
      default -> {
        if (status >= 500 || status < 400) {
          log.error(
              "http: failed with status={} requestId={} path={}",
              status,
              RequestIds.of(ctx),
              ctx.normalizedPath());
          yield Problem.internal();
        }
        yield Problem.of("http-" + status, "Request failed", status, "status " + status);
      }
    };
  }

  private static String abbreviatedPath(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    return path.length() > 100 ? path.substring(0, 100) + "..." : path;
  }
}

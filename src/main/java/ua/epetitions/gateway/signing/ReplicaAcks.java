package ua.epetitions.gateway.signing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional wait for Redis replicas (WAIT) before an accepted signature is answered 202, so that
 * losing the primary's host loses no acknowledged signature.
 *
 * <p>WAIT counts the replicas that hold every write made so far by the connection it is sent on, so
 * it must travel on the pipelined connection that carried the signing scripts. Redis then holds
 * that connection until the replicas answer or the wait times out: every command pipelined behind
 * the WAIT waits too. One WAIT in flight therefore serves many signatures: a signature whose script
 * reply arrives while a WAIT is out was ahead of that WAIT on the connection (Redis answers in
 * order), so it joins it; the first signature accepted after the WAIT returns sends the next one.
 * The cost is one replica round trip of latency per group of signatures, not per signature, and
 * while a replica is away each group waits the whole {@code timeoutMs} and is answered 503.
 *
 * <p>Owned by the event loop of the HTTP verticle whose connection it uses; call {@link #confirm()}
 * from the callback of the script's reply on that event loop. Replies come in the order of the
 * commands, so a WAIT still unanswered then was sent after the script and covers it.
 */
public final class ReplicaAcks {
  private static final Logger log = LoggerFactory.getLogger(ReplicaAcks.class);
  private static final long WARN_EVERY_MS = 5_000;

  private final PipelinedRedis redis;
  private final int replicas;
  private final long timeoutMs;
  private final long replyGraceMs;
  private final Counter missed;
  private final Timer waitLatency;
  // Event-loop state: the WAIT sent and not yet answered, and when we last warned.
  private Future<Boolean> inFlight;
  private long lastWarnedAtMs;

  /**
   * @param replicas replicas that must confirm; 0 turns the wait off
   * @param timeoutMs how long Redis waits for them
   * @param replyGraceMs how much longer the gateway waits for the WAIT's own reply
   * @param missed counts signatures answered 503 because too few replicas confirmed in time
   * @param waitLatency records each WAIT's round trip
   */
  public ReplicaAcks(
      PipelinedRedis redis,
      int replicas,
      long timeoutMs,
      long replyGraceMs,
      Counter missed,
      Timer waitLatency) {
    this.redis = redis;
    this.replicas = replicas;
    this.timeoutMs = timeoutMs;
    this.replyGraceMs = replyGraceMs;
    this.missed = missed;
    this.waitLatency = waitLatency;
  }

  /** No wait: a signature is answered once the primary has it. */
  public static ReplicaAcks off() {
    return new ReplicaAcks(null, 0, 0, 0, null, null);
  }

  public boolean enabled() {
    return replicas > 0;
  }

  public int replicas() {
    return replicas;
  }

  public long timeoutMs() {
    return timeoutMs;
  }

  /**
   * Whether enough replicas hold every write whose reply the signing connection has delivered so
   * far. Never a failed future: a lost connection or a late reply is false.
   */
  public Future<Boolean> confirm() {
    if (!enabled()) {
      return Future.succeededFuture(true);
    }
    Future<Boolean> wait = inFlight;
    if (wait == null) {
      wait = sendWait();
      if (!wait.isComplete()) {
        Future<Boolean> sent = wait;
        inFlight = sent;
        sent.onComplete(
            done -> {
              if (inFlight == sent) {
                inFlight = null;
              }
            });
      }
    }
    return wait.map(
        confirmed -> {
          if (!confirmed) {
            missed.increment();
          }
          return confirmed;
        });
  }

  private Future<Boolean> sendWait() {
    long startedNs = System.nanoTime();
    Request wait = Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMs);
    return redis
        .sendOnSameConnection(wait)
        .timeout(timeoutMs + replyGraceMs, TimeUnit.MILLISECONDS)
        .transform(
            reply -> {
              waitLatency.record(System.nanoTime() - startedNs, TimeUnit.NANOSECONDS);
              long acknowledged =
                  reply.succeeded() && reply.result() != null ? reply.result().toLong() : -1;
              if (acknowledged < replicas) {
                warn(acknowledged, reply.cause());
              }
              return Future.succeededFuture(acknowledged >= replicas);
            });
  }

  private void warn(long acknowledged, Throwable failure) {
    long now = System.currentTimeMillis();
    if (now - lastWarnedAtMs < WARN_EVERY_MS) {
      return;
    }
    lastWarnedAtMs = now;
    log.warn(
        "signing: replicas={} of required={} confirmed within timeoutMs={}{}; answering 503"
            + " (check the replicas' link with INFO replication on the primary)",
        acknowledged < 0 ? "unknown" : acknowledged,
        replicas,
        timeoutMs,
        failure == null ? "" : " failure=" + failure);
  }
}

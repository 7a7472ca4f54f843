package ua.epetitions.gateway.signing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.identity.Citizen;
import ua.epetitions.gateway.petition.PetitionStatus;
import ua.epetitions.gateway.signing.RedisScripts.Script;
import ua.epetitions.gateway.signing.SignOutcome.Accepted;
import ua.epetitions.gateway.signing.SignOutcome.Duplicate;
import ua.epetitions.gateway.signing.SignOutcome.NotCollecting;
import ua.epetitions.gateway.signing.SignOutcome.NotEligible;
import ua.epetitions.gateway.signing.SignOutcome.NotFound;
import ua.epetitions.gateway.signing.SignOutcome.Overloaded;
import ua.epetitions.gateway.signing.SignOutcome.Paused;
import ua.epetitions.gateway.store.PetitionStore;

/**
 * Takes a signature: one Redis script decides and records it atomically (petition open, signer new,
 * backlog under its limit), and the answer is known only once Redis has replied. PostgreSQL is read
 * only for petitions Redis does not know, to tell "no such petition" from "not open".
 */
public final class SignatureIntake {
  private static final Logger log = LoggerFactory.getLogger(SignatureIntake.class);
  private static final long WARN_EVERY_MS = 5_000;
  private final RedisScripts scripts;
  private final SigningKeys keys;
  private final PetitionStore petitions;
  private final Clock clock;
  private final long maxBacklogEntries;
  private final long redisTimeoutMs;
  private final AtomicLong lastWarnedAtMs = new AtomicLong();
  private final Timer scriptLatency;
  private final ReplicaAcks replicaAcks;
  private final Counter storedAfterTimeout;
  private final AtomicLong lastLateWarnedAtMs = new AtomicLong();

  /**
   * With {@code replicaAcks} on, an accepted signature is answered once replicas hold it. {@code
   * storedAfterTimeout} counts signatures answered 503 because Redis was slower than {@code
   * redisTimeoutMs}, whose script then took them all the same.
   */
  public SignatureIntake(
      RedisScripts scripts,
      SigningKeys keys,
      PetitionStore petitions,
      Clock clock,
      long maxBacklogEntries,
      long redisTimeoutMs,
      Timer scriptLatency,
      ReplicaAcks replicaAcks,
      Counter storedAfterTimeout) {
    this.scripts = scripts;
    this.keys = keys;
    this.petitions = petitions;
    this.clock = clock;
    this.maxBacklogEntries = maxBacklogEntries;
    this.redisTimeoutMs = redisTimeoutMs;
    this.scriptLatency = scriptLatency;
    this.replicaAcks = replicaAcks;
    this.storedAfterTimeout = storedAfterTimeout;
  }

  /** Never a failed future: every failure is an outcome. */
  public Future<SignOutcome> sign(long petitionId, Citizen citizen) {
    int partition = keys.partitionOf(petitionId);
    List<String> scriptKeys =
        List.of(
            keys.petition(petitionId),
            keys.signers(petitionId),
            keys.stream(partition),
            keys.paused(partition));
    List<String> args =
        List.of(
            Long.toString(petitionId),
            citizen.signerKey(),
            citizen.displayName(),
            Long.toString(clock.millis()),
            citizen.territory() == null ? "" : citizen.territory(),
            Long.toString(maxBacklogEntries),
            keys.receiptPrefix(partition));
    long startedNs = System.nanoTime();
    Future<Response> reply = scripts.run(Script.SIGN, scriptKeys, args);
    return reply
        .timeout(redisTimeoutMs, TimeUnit.MILLISECONDS)
        .transform(
            result -> {
              scriptLatency.record(System.nanoTime() - startedNs, TimeUnit.NANOSECONDS);
              if (result.succeeded()) {
                return interpret(petitionId, result.result());
              }
              if (!reply.isComplete()) {
                reply.onSuccess(late -> lateReply(petitionId, late));
              }
              return Future.succeededFuture(redisFailed(petitionId, result.cause()));
            })
        .compose(this::confirmReplicated);
  }

  /**
   * With replica acknowledgements on, an accepted signature is answered 202 only once enough
   * replicas hold it. Fewer in time is 503: the primary keeps the signature, so the citizen's retry
   * gets 409 with its receipt.
   */
  private Future<SignOutcome> confirmReplicated(SignOutcome outcome) {
    if (!(outcome instanceof Accepted accepted) || !replicaAcks.enabled()) {
      return Future.succeededFuture(outcome);
    }
    return replicaAcks
        .confirm()
        .map(
            confirmed ->
                confirmed
                    ? outcome
                    : new Overloaded(
                        accepted.petitionId(),
                        "fewer than "
                            + replicaAcks.replicas()
                            + " Redis replicas confirmed the signature within "
                            + replicaAcks.timeoutMs()
                            + " ms"));
  }

  private Future<SignOutcome> interpret(long petitionId, Response reply) {
    String outcome = reply.get(0).toString();
    return switch (outcome) {
      case "accepted" ->
          Future.succeededFuture(
              new Accepted(petitionId, reply.get(1).toString(), reply.get(2).toLong()));
      case "duplicate" ->
          Future.succeededFuture(new Duplicate(petitionId, reply.get(1).toString()));
      case "paused" -> Future.succeededFuture(new Paused(petitionId));
      case "not-collecting" ->
          Future.succeededFuture(new NotCollecting(petitionId, reply.get(1).toString()));
      case "not-eligible" -> Future.succeededFuture(new NotEligible(petitionId));
      case "overloaded" ->
          Future.succeededFuture(
              new Overloaded(petitionId, "the petition's partition backlog is at its limit"));
      case "unknown" -> unknownToRedis(petitionId);
      case "rebuilding" ->
          Future.succeededFuture(
              new Overloaded(
                  petitionId, "the petition's signers are being reloaded after a fault"));
      default -> {
        log.error("signing: unexpected script outcome={} petitionId={}", outcome, petitionId);
        yield Future.succeededFuture(new Overloaded(petitionId, "unexpected signing outcome"));
      }
    };
  }

  /** Redis has no state for the petition: it does not exist, is not open, or Redis lost it. */
  private Future<SignOutcome> unknownToRedis(long petitionId) {
    return petitions
        .find(petitionId)
        .<SignOutcome>map(
            found -> {
              if (found.isEmpty()) {
                return new NotFound(petitionId);
              }
              PetitionStatus status = found.get().status();
              if (!status.acceptsSignatures()) {
                return new NotCollecting(petitionId, status.wireName());
              }
              log.warn(
                  "signing: petition open in PostgreSQL but unknown to Redis petitionId={};"
                      + " the periodic sync restores it, or Redis lost data: rebuild it",
                  petitionId);
              return new Overloaded(petitionId, "the petition's signing state is not loaded");
            })
        .otherwise(failure -> new Overloaded(petitionId, "the petition could not be looked up"));
  }

  /**
   * The script's reply after its 503 was sent: a command on its way cannot be called back, so a
   * signature answered 503 may be stored all the same (the citizen's retry then gets 409 with its
   * receipt). Counted, so that operators and load-test verification can tell these rows from lost
   * or doubled ones.
   */
  private void lateReply(long petitionId, Response reply) {
    if (!"accepted".equals(reply.get(0).toString())) {
      return;
    }
    storedAfterTimeout.increment();
    long now = clock.millis();
    long last = lastLateWarnedAtMs.get();
    if (now - last >= WARN_EVERY_MS && lastLateWarnedAtMs.compareAndSet(last, now)) {
      log.warn(
          "signing: a signature answered 503 after timeoutMs={} was taken by Redis all the same"
              + " petitionId={}; it will be stored and a retry answers 409 with its receipt"
              + " (Redis or this instance is overloaded: see gateway_signatures_stored_after_timeout_total)",
          redisTimeoutMs,
          petitionId);
    }
  }

  private SignOutcome redisFailed(long petitionId, Throwable failure) {
    long now = clock.millis();
    long last = lastWarnedAtMs.get();
    if (now - last >= WARN_EVERY_MS && lastWarnedAtMs.compareAndSet(last, now)) {
      log.warn(
          "signing: Redis did not take a signature within timeoutMs={}: {}; answering 503"
              + " (check Redis health and the backlog)",
          redisTimeoutMs,
          failure.toString());
    }
    return new Overloaded(petitionId, "the signature store did not answer in time");
  }
}

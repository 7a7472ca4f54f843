package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.petition.PetitionMirror;
import ua.epetitions.gateway.signing.RedisScripts.Script;
import ua.epetitions.gateway.store.SettingsStore;
import ua.epetitions.gateway.store.SignerStore;
import ua.epetitions.gateway.store.SignerStore.Signer;
import ua.epetitions.gateway.store.SigningTermsStore;
import ua.epetitions.gateway.store.SigningTermsStore.SigningTerms;

/**
 * The signing script's view of each petition, mirrored from PostgreSQL into Redis: status, closing
 * time, pause switch, residency rule and threshold, and the steps of rebuilding a petition's
 * signers and live count after Redis lost them.
 *
 * <p>A mirror never moves an existing live count, and never creates the state of an open petition
 * that has signatures in PostgreSQL: without its signers the signing script would take repeat
 * signers as new. Such a petition is reported as needing a rebuild, which marks its state
 * "rebuilding" (intake answers 503), refills its signers from PostgreSQL, then sets the live count
 * to the number of signers and clears the mark, atomically.
 */
public final class SigningState implements PetitionMirror {
  private static final Logger log = LoggerFactory.getLogger(SigningState.class);
  private static final int PIPELINE = 500;
  private static final String WRITTEN = "written";
  private static final String NEEDS_REBUILD = "rebuild";
  private static final String REBUILDING = "rebuilding";

  private final Redis redis;
  private final RedisScripts scripts;
  private final SigningKeys keys;
  private final SigningTermsStore terms;
  private final SettingsStore settings;
  private final SignerStore signers;
  private final int chunkRows;
  private final long redisTimeoutMs;

  public SigningState(
      Redis redis,
      SigningKeys keys,
      SigningTermsStore terms,
      SettingsStore settings,
      SignerStore signers,
      int chunkRows,
      long redisTimeoutMs) {
    this.redis = redis;
    this.scripts = new RedisScripts(RedisCommands.pooled(redis));
    this.keys = keys;
    this.terms = terms;
    this.settings = settings;
    this.signers = signers;
    this.chunkRows = chunkRows;
    this.redisTimeoutMs = redisTimeoutMs;
  }

  @Override
  public Future<Void> petitionChanged(long petitionId) {
    return terms.ofPetition(petitionId).compose(this::write).mapEmpty();
  }

  @Override
  public Future<Void> communityChanged(int communityId) {
    return terms.openOfCommunity(communityId).compose(this::write).mapEmpty();
  }

  @Override
  public Future<Void> gatewayPaused(boolean paused) {
    List<Request> requests = new ArrayList<>();
    for (int partition = 0; partition < keys.partitions(); partition++) {
      requests.add(
          paused
              ? Request.cmd(Command.SET).arg(keys.paused(partition)).arg("1")
              : Request.cmd(Command.DEL).arg(keys.paused(partition)));
    }
    return bounded(redis.batch(requests)).mapEmpty();
  }

  /** Mirrors every open or recently changed petition and the gateway pause; idempotent. */
  public Future<SyncResult> syncAll() {
    return settings
        .isSigningPaused()
        .compose(this::gatewayPaused)
        .compose(v -> terms.openOrRecentlyChanged())
        .compose(this::write);
  }

  /**
   * Mirrors petitions through the state script, a slice at a time; reports those whose state could
   * not be written (they need a rebuild) and those found marked as rebuilding.
   */
  public Future<SyncResult> write(List<SigningTerms> all) {
    SyncResult result = new SyncResult(all.size(), new ArrayList<>(), new ArrayList<>());
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < all.size(); from += PIPELINE) {
      List<SigningTerms> slice = all.subList(from, Math.min(all.size(), from + PIPELINE));
      chain = chain.compose(v -> writeSlice(slice, result));
    }
    return chain
        .map(result)
        .onSuccess(this::logUnwritten)
        .onFailure(
            failure ->
                log.warn(
                    "signing: could not mirror petitions={} to Redis: {}; the periodic sync"
                        + " retries",
                    all.size(),
                    failure.toString()));
  }

  private Future<Void> writeSlice(List<SigningTerms> slice, SyncResult result) {
    List<Future<Response>> replies = new ArrayList<>(slice.size());
    for (SigningTerms t : slice) {
      replies.add(
          bounded(
              scripts.run(
                  Script.SYNC_STATE,
                  List.of(keys.petition(t.petitionId()), keys.signers(t.petitionId())),
                  List.of(
                      t.status(),
                      Long.toString(closesAtMs(t)),
                      t.communityPaused() ? "1" : "0",
                      t.requiredTerritory() == null ? "" : t.requiredTerritory(),
                      t.threshold() == null ? "" : t.threshold().toString(),
                      Integer.toString(t.persistedCount()),
                      t.isOpen() ? "1" : "0",
                      t.persistedCount() > 0 ? "1" : "0"))));
    }
    return Future.all(replies)
        .map(
            done -> {
              for (int i = 0; i < slice.size(); i++) {
                String outcome = replies.get(i).result().toString();
                long petitionId = slice.get(i).petitionId();
                if (NEEDS_REBUILD.equals(outcome)) {
                  result.needRebuild().add(petitionId);
                } else if (REBUILDING.equals(outcome)) {
                  result.markedRebuilding().add(petitionId);
                } else if (!WRITTEN.equals(outcome)) {
                  log.error("signing: unexpected state script outcome={}", outcome);
                }
              }
              return null;
            });
  }

  private void logUnwritten(SyncResult result) {
    if (!result.needRebuild().isEmpty()) {
      log.warn(
          "signing: petitions={} are open with signatures in PostgreSQL but have no state in"
              + " Redis (Redis lost data?); they answer 503 until rebuilt, which the periodic"
              + " sync starts (or POST /api/v1/admin/signing/rebuild) ids={}",
          result.needRebuild().size(),
          abbreviated(result.needRebuild()));
    }
  }

  /**
   * Marks open petitions as rebuilding, writing their terms (intake answers 503 for them from now
   * on); a petition's live count is set to its persisted count only when Redis has none.
   */
  public Future<Void> markRebuilding(List<SigningTerms> open) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < open.size(); from += PIPELINE) {
      List<SigningTerms> slice = open.subList(from, Math.min(open.size(), from + PIPELINE));
      chain = chain.compose(v -> bounded(redis.batch(markRequests(slice))).mapEmpty());
    }
    return chain;
  }

  private List<Request> markRequests(List<SigningTerms> slice) {
    List<Request> requests = new ArrayList<>(slice.size() * 2);
    for (SigningTerms t : slice) {
      String key = keys.petition(t.petitionId());
      requests.add(
          Request.cmd(Command.HSET)
              .arg(key)
              .arg("status")
              .arg(t.status())
              .arg("closesAt")
              .arg(closesAtMs(t))
              .arg("paused")
              .arg(t.communityPaused() ? "1" : "0")
              .arg("territory")
              .arg(t.requiredTerritory() == null ? "" : t.requiredTerritory())
              .arg("threshold")
              .arg(t.threshold() == null ? "" : t.threshold().toString())
              .arg(REBUILDING)
              .arg("1"));
      requests.add(Request.cmd(Command.HSETNX).arg(key).arg("count").arg(t.persistedCount()));
    }
    return requests;
  }

  /**
   * Adds every signer PostgreSQL holds for a petition to its signers hash, {@code chunkRows} at a
   * time; a signer already there keeps its entry (it may still be waiting in a stream). The next
   * page is read while the current one is written, so at most two pages are held. Answers how many
   * signers were missing.
   */
  public Future<Long> refillSigners(long petitionId) {
    return refill(petitionId, signers.page(petitionId, "", chunkRows), 0);
  }

  private Future<Long> refill(long petitionId, Future<List<Signer>> pageRead, long addedSoFar) {
    return pageRead.compose(
        page -> {
          if (page.isEmpty()) {
            return Future.succeededFuture(addedSoFar);
          }
          Future<List<Signer>> nextRead =
              page.size() < chunkRows
                  ? Future.succeededFuture(List.of())
                  : signers.page(petitionId, page.get(page.size() - 1).signerKey(), chunkRows);
          return addMissing(petitionId, page)
              .compose(added -> refill(petitionId, nextRead, addedSoFar + added));
        });
  }

  private Future<Long> addMissing(long petitionId, List<Signer> page) {
    String key = keys.signers(petitionId);
    List<Request> requests = new ArrayList<>(page.size());
    for (Signer signer : page) {
      requests.add(
          Request.cmd(Command.HSETNX).arg(key).arg(signer.signerKey()).arg(signer.receipt()));
    }
    return bounded(redis.batch(requests))
        .map(replies -> replies.stream().mapToLong(Response::toLong).sum());
  }

  /**
   * Ends a petition's rebuild: live count := number of signers, mark cleared, atomically. Answers
   * the live count, or -1 when the petition's state vanished meanwhile (it needs another rebuild).
   */
  public Future<Long> finishRebuild(long petitionId) {
    return bounded(
            scripts.run(
                Script.REBUILD_FINISH,
                List.of(keys.petition(petitionId), keys.signers(petitionId)),
                List.of()))
        .map(Response::toLong);
  }

  /** Compares a petition's live count with its signers and repairs the count when they differ. */
  public Future<LiveCountCheck> repairLiveCount(long petitionId) {
    return bounded(
            scripts.run(
                Script.RECONCILE_COUNT,
                List.of(keys.petition(petitionId), keys.signers(petitionId)),
                List.of()))
        .map(
            reply ->
                new LiveCountCheck(
                    LiveCountCheck.Outcome.valueOf(
                        reply.get(0).toString().toUpperCase(Locale.ROOT)),
                    reply.get(1).toLong(),
                    reply.get(2).toLong()));
  }

  /** Whether this Redis holds a complete signing state (the loaded marker is present). */
  public Future<Boolean> isLoaded() {
    return bounded(redis.send(Request.cmd(Command.EXISTS).arg(keys.loadedMarker())))
        .map(reply -> reply.toLong() == 1);
  }

  /** Records that a complete signing state was loaded, and when. */
  public Future<Void> markLoaded() {
    return bounded(
            redis.send(
                Request.cmd(Command.SET).arg(keys.loadedMarker()).arg("loadedAt=" + Instant.now())))
        .mapEmpty();
  }

  /** Entries waiting in the streams of every partition: signatures not yet stored. */
  public Future<Long> streamEntries() {
    List<Request> requests = new ArrayList<>(keys.partitions());
    for (int partition = 0; partition < keys.partitions(); partition++) {
      requests.add(Request.cmd(Command.XLEN).arg(keys.stream(partition)));
    }
    return bounded(redis.batch(requests))
        .map(replies -> replies.stream().mapToLong(Response::toLong).sum());
  }

  private <T> Future<T> bounded(Future<T> reply) {
    return reply.timeout(redisTimeoutMs, TimeUnit.MILLISECONDS);
  }

  private static long closesAtMs(SigningTerms t) {
    return t.closesAt() == null ? 0 : t.closesAt().toInstant().toEpochMilli();
  }

  private static String abbreviated(List<Long> ids) {
    return ids.size() <= 20 ? ids.toString() : ids.subList(0, 20) + "...";
  }

  /**
   * What a mirror did.
   *
   * @param mirrored petitions looked at
   * @param needRebuild open petitions with signatures whose state Redis lacks: not written
   * @param markedRebuilding petitions whose state carries the rebuilding mark
   */
  public record SyncResult(int mirrored, List<Long> needRebuild, List<Long> markedRebuilding) {}

  /**
   * A petition's live count against its signers.
   *
   * @param countBefore the live count found (-1 when absent)
   * @param signers entries of the signers hash
   */
  public record LiveCountCheck(Outcome outcome, long countBefore, long signers) {
    /** Agreed, repaired, no state in Redis, or being rebuilt (not touched). */
    public enum Outcome {
      OK,
      REPAIRED,
      MISSING,
      REBUILDING
    }
  }
}

package ua.epetitions.gateway.signing;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ua.epetitions.gateway.petition.PetitionMirror;
import ua.epetitions.gateway.store.SettingsStore;
import ua.epetitions.gateway.store.SigningTermsStore;
import ua.epetitions.gateway.store.SigningTermsStore.SigningTerms;

/**
 * The signing script's view of each petition, mirrored from PostgreSQL into Redis: status, closing
 * time, pause switch, residency rule and threshold. The live count is set from the persisted count
 * only when Redis has none, so a sync never moves a live count backwards.
 */
public final class SigningState implements PetitionMirror {
  private static final Logger log = LoggerFactory.getLogger(SigningState.class);
  private static final int PIPELINE = 500;
  private final Redis redis;
  private final SigningKeys keys;
  private final SigningTermsStore terms;
  private final SettingsStore settings;

  public SigningState(
      Redis redis, SigningKeys keys, SigningTermsStore terms, SettingsStore settings) {
    this.redis = redis;
    this.keys = keys;
    this.terms = terms;
    this.settings = settings;
  }

  @Override
  public Future<Void> petitionChanged(long petitionId) {
    return terms.ofPetition(petitionId).compose(this::write);
  }

  @Override
  public Future<Void> communityChanged(int communityId) {
    return terms.openOfCommunity(communityId).compose(this::write);
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
    return redis.batch(requests).mapEmpty();
  }

  /** Mirrors every open or recently changed petition and the gateway pause; idempotent. */
  public Future<Integer> syncAll() {
    return settings
        .isSigningPaused()
        .compose(this::gatewayPaused)
        .compose(v -> terms.openOrRecentlyChanged())
        .compose(all -> write(all).map(v -> all.size()));
  }

  private Future<Void> write(List<SigningTerms> all) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < all.size(); from += PIPELINE) {
      List<SigningTerms> slice = all.subList(from, Math.min(all.size(), from + PIPELINE));
      chain = chain.compose(v -> redis.batch(requests(slice)).mapEmpty());
    }
    return chain.onFailure(
        failure ->
            log.warn(
                "signing: could not mirror petitions={} to Redis: {}; the periodic sync retries",
                all.size(),
                failure.toString()));
  }

  private List<Request> requests(List<SigningTerms> slice) {
    List<Request> requests = new ArrayList<>(slice.size() * 2);
    for (SigningTerms t : slice) {
      String key = keys.petition(t.petitionId());
      requests.add(
          Request.cmd(Command.HSET)
              .arg(key)
              .arg("status")
              .arg(t.status())
              .arg("closesAt")
              .arg(t.closesAt() == null ? 0 : t.closesAt().toInstant().toEpochMilli())
              .arg("paused")
              .arg(t.communityPaused() ? "1" : "0")
              .arg("territory")
              .arg(t.requiredTerritory() == null ? "" : t.requiredTerritory())
              .arg("threshold")
              .arg(t.threshold() == null ? "" : t.threshold().toString()));
      requests.add(Request.cmd(Command.HSETNX).arg(key).arg("count").arg(t.persistedCount()));
    }
    return requests;
  }
}

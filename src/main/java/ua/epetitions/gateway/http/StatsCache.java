package ua.epetitions.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import ua.epetitions.gateway.store.StatsStore;

/**
 * The statistics are a handful of whole-table aggregates: computed at most once per {@link
 * #TTL_SECONDS} per verticle instance. Owned by the instance's event loop, so unsynchronised.
 */
final class StatsCache {
  static final int TTL_SECONDS = 30;
  private final StatsStore store;
  private Future<JsonObject> cached;
  private long expiresAtMs;

  StatsCache(StatsStore store) {
    this.store = store;
  }

  Future<JsonObject> get() {
    long now = System.currentTimeMillis();
    if (cached != null && now < expiresAtMs && !cached.failed()) {
      return cached;
    }
    cached = store.snapshot().map(Representations::stats);
    expiresAtMs = now + TTL_SECONDS * 1000L;
    return cached;
  }
}

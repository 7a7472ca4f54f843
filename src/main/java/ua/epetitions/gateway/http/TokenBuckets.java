package ua.epetitions.gateway.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets by key (a client address, a signer key): each key may spend {@code burst} at once
 * and earns {@code perSecond} back. Bounded: at most {@code maxKeys} buckets, the least recently
 * used forgotten first, and buckets that have refilled to full are dropped by {@link
 * #forgetIdle(long)} (a forgotten key starts full again, so forgetting changes no answer).
 *
 * <p>Not thread-safe, on purpose: each HTTP verticle instance owns its buckets and touches them
 * only from its event loop, so the hot path takes no lock.
 */
final class TokenBuckets {
  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final double tokensPerNano;
  private final double burst;
  private final LinkedHashMap<String, Bucket> buckets;

  /** The state of one key: tokens left at {@code updatedNs}. */
  private static final class Bucket {
    private double tokens;
    private long updatedNs;

    private Bucket(double tokens, long updatedNs) {
      this.tokens = tokens;
      this.updatedNs = updatedNs;
    }
  }

  TokenBuckets(double perSecond, int burst, int maxKeys) {
    if (perSecond <= 0 || burst < 1 || maxKeys < 1) {
      throw new IllegalArgumentException(
          "a token bucket needs a positive rate, burst and key count; got rate="
              + perSecond
              + " burst="
              + burst
              + " maxKeys="
              + maxKeys);
    }
    this.tokensPerNano = perSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /**
   * Spends one token of {@code key}. Answers 0 when it was there to spend, else the nanoseconds
   * until the next token (and nothing is spent).
   */
  long take(String key, long nowNs) {
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      buckets.put(key, new Bucket(burst - 1, nowNs));
      return 0;
    }
    refill(bucket, nowNs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return nanosUntilOneToken(bucket);
  }

  /** Like {@link #take} but spends nothing: 0 while {@code key} has a token left. */
  long waitFor(String key, long nowNs) {
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      return 0;
    }
    refill(bucket, nowNs);
    return bucket.tokens >= 1 ? 0 : nanosUntilOneToken(bucket);
  }

  /** Drops the least recently used buckets that are full again; answers how many. */
  int forgetIdle(long nowNs) {
    int forgotten = 0;
    Iterator<Bucket> eldestFirst = buckets.values().iterator();
    while (eldestFirst.hasNext()) {
      Bucket bucket = eldestFirst.next();
      if (bucket.tokens + (nowNs - bucket.updatedNs) * tokensPerNano < burst) {
        break;
      }
      eldestFirst.remove();
      forgotten++;
    }
    return forgotten;
  }

  int size() {
    return buckets.size();
  }

  private void refill(Bucket bucket, long nowNs) {
    long elapsedNs = nowNs - bucket.updatedNs;
    if (elapsedNs > 0) {
      bucket.tokens = Math.min(burst, bucket.tokens + elapsedNs * tokensPerNano);
      bucket.updatedNs = nowNs;
    }
  }

  private long nanosUntilOneToken(Bucket bucket) {
    return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / tokensPerNano));
  }
}

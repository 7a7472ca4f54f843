package ua.epetitions.gateway.testing;

import java.time.Duration;

/** Retries an assertion until it holds or the patience runs out, then rethrows its failure. */
public final class Eventually {
  private static final long PAUSE_MS = 50;

  private Eventually() {}

  public static void within(Duration patience, Runnable assertion) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError | RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(PAUSE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting", e);
      }
    }
  }
}

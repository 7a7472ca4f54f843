package ua.epetitions.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The arrival rates of a capacity run (a warm-up, then steps each {@code factor} times the one
 * before) and what each step has seen so far, so that the run can stop itself as soon as a step
 * breaks its bounds instead of burying a saturated server (and the generator) under connections.
 *
 * <p>Which step a request belongs to is decided by when it is sent. The final figures are read
 * afterwards from Gatling's own report, where each step is a request name; this in-process tally
 * only decides when to stop. Thread-safety: counters are atomic; latencies are appended under the
 * step's lock, from Gatling's threads.
 */
final class CapacitySteps {

  private final int warmupSeconds;
  private final int stepSeconds;
  private final List<Integer> rates;
  private final List<Step> steps = new ArrayList<>();
  private final int maxP99Ms;
  private final double maxErrorPercent;
  private volatile long startedNs;
  private volatile String stopReason;

  CapacitySteps(
      int warmupSeconds,
      int stepSeconds,
      List<Integer> rates,
      int maxP99Ms,
      double maxErrorPercent) {
    this.warmupSeconds = warmupSeconds;
    this.stepSeconds = stepSeconds;
    this.rates = List.copyOf(rates);
    this.maxP99Ms = maxP99Ms;
    this.maxErrorPercent = maxErrorPercent;
    for (int i = 0; i < rates.size(); i++) {
      steps.add(new Step());
    }
  }

  /**
   * Rates from {@code startRate}, each step {@code factor} times the last, up to {@code maxRate}.
   */
  static List<Integer> geometricRates(int startRate, double factor, int maxRate) {
    if (startRate < 1 || factor <= 1.0 || maxRate < startRate) {
      throw new IllegalArgumentException(
          "capacity steps need startRate >= 1, factor > 1 and maxRate >= startRate; got "
              + startRate
              + ", "
              + factor
              + ", "
              + maxRate);
    }
    List<Integer> rates = new ArrayList<>();
    for (double rate = startRate; rate <= maxRate; rate *= factor) {
      rates.add((int) Math.round(rate));
    }
    return rates;
  }

  /** Arrivals the whole schedule can inject: the warm-up at the first rate, then every step. */
  static long arrivals(int warmupSeconds, int stepSeconds, List<Integer> rates) {
    long total = (long) rates.get(0) * warmupSeconds;
    for (int rate : rates) {
      total += (long) rate * stepSeconds;
    }
    return total;
  }

  List<Integer> rates() {
    return rates;
  }

  void start() {
    startedNs = System.nanoTime();
  }

  /** The step a request sent now belongs to: -1 during the warm-up, past the end the last. */
  int stepNow() {
    long elapsedMs = (System.nanoTime() - startedNs) / 1_000_000L;
    long intoSteps = elapsedMs - warmupSeconds * 1000L;
    if (intoSteps < 0) {
      return -1;
    }
    return (int) Math.min(rates.size() - 1, intoSteps / (stepSeconds * 1000L));
  }

  /** The request name of a step, as it appears in Gatling's report. */
  String name(String action, int step) {
    return step < 0 ? action + " warm-up" : action + " " + rates.get(step) + "/s";
  }

  void sent(int step) {
    if (step >= 0) {
      steps.get(step).sent.incrementAndGet();
    }
  }

  void completed(int step, int latencyMs, boolean ok) {
    if (step >= 0) {
      steps.get(step).completed(latencyMs, ok);
    }
  }

  /**
   * True once a finished step broke a bound (judged a second after it ended, requests still
   * unanswered then counting as too slow), or when unanswered requests pile up past two seconds of
   * arrivals at the current rate.
   */
  boolean shouldStop() {
    if (stopReason != null) {
      return true;
    }
    int current = stepNow();
    if (current < 0) {
      return false;
    }
    long elapsedMs = (System.nanoTime() - startedNs) / 1_000_000L - warmupSeconds * 1000L;
    for (int i = 0; i <= current; i++) {
      long judgedAtMs = (i + 1L) * stepSeconds * 1000L + 1000L;
      Step step = steps.get(i);
      if (elapsedMs >= judgedAtMs && !step.judged) {
        step.judged = true;
        String broken = step.brokenBound(maxP99Ms, maxErrorPercent);
        if (broken != null) {
          stopReason = "step " + rates.get(i) + "/s " + broken;
          return true;
        }
      }
    }
    long inFlight = steps.get(current).inFlight();
    if (inFlight > 2L * rates.get(current)) {
      stopReason = "step " + rates.get(current) + "/s has " + inFlight + " requests unanswered";
      return true;
    }
    return false;
  }

  String stopReason() {
    return stopReason == null ? "all steps held" : stopReason;
  }

  /** For run.sh: tokens a schedule needs over P petitions. Args: P and the schedule's settings. */
  public static void main(String[] args) {
    if (args.length != 6) {
      System.err.println("usage: CapacitySteps PETITIONS WARMUP_S STEP_S START FACTOR MAX");
      System.exit(2);
    }
    List<Integer> rates =
        geometricRates(
            Integer.parseInt(args[3]), Double.parseDouble(args[4]), Integer.parseInt(args[5]));
    long arrivals = arrivals(Integer.parseInt(args[1]), Integer.parseInt(args[2]), rates);
    int petitions = Integer.parseInt(args[0]);
    System.out.println((arrivals + petitions - 1) / petitions);
  }

  private static final class Step {
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private int[] latenciesMs = new int[1024];
    private int completed;
    private volatile boolean judged;

    synchronized void completed(int latencyMs, boolean ok) {
      if (completed == latenciesMs.length) {
        latenciesMs = java.util.Arrays.copyOf(latenciesMs, completed * 2);
      }
      latenciesMs[completed++] = latencyMs;
      if (!ok) {
        failed.incrementAndGet();
      }
    }

    synchronized long inFlight() {
      return sent.get() - (long) completed;
    }

    /** What bound the step broke, or null; unanswered requests count as failed and too slow. */
    synchronized String brokenBound(int maxP99Ms, double maxErrorPercent) {
      int total = sent.get();
      if (total == 0) {
        return null;
      }
      int unanswered = total - completed;
      double errorPercent = 100.0 * (failed.get() + unanswered) / total;
      if (errorPercent >= maxErrorPercent) {
        return String.format("errors %.2f%% >= %.2f%%", errorPercent, maxErrorPercent);
      }
      int[] sorted = java.util.Arrays.copyOf(latenciesMs, completed);
      java.util.Arrays.sort(sorted);
      int index = (int) Math.ceil(0.99 * total) - 1;
      if (index >= completed) {
        return "p99 unanswered after the step ended";
      }
      int p99 = sorted[Math.max(0, index)];
      return p99 >= maxP99Ms ? "p99 " + p99 + " ms >= " + maxP99Ms + " ms" : null;
    }
  }
}

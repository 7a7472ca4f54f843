package ua.epetitions.gateway.ops;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Accepted signatures per petition since the last look, for the dashboard's busiest petitions.
 * Written by every HTTP event loop, drained once a second by the operations verticle.
 */
public final class HotPetitions {
  private static final int MAX_TRACKED = 10_000;
  private final ConcurrentHashMap<Long, LongAdder> accepted = new ConcurrentHashMap<>();

  public void accepted(long petitionId) {
    LongAdder adder = accepted.get(petitionId);
    if (adder == null) {
      if (accepted.size() >= MAX_TRACKED) {
        return;
      }
      adder = accepted.computeIfAbsent(petitionId, id -> new LongAdder());
    }
    adder.increment();
  }

  /** The {@code limit} busiest petitions since the last call, busiest first; resets. */
  public List<Map.Entry<Long, Long>> drainTop(int limit) {
    List<Map.Entry<Long, Long>> all =
        accepted.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue().sumThenReset()))
            .filter(e -> e.getValue() > 0)
            .toList();
    accepted.entrySet().removeIf(e -> e.getValue().sum() == 0);
    return all.stream()
        .sorted(Comparator.comparing(Map.Entry<Long, Long>::getValue).reversed())
        .limit(limit)
        .toList();
  }
}

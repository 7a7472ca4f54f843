package ua.epetitions.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The tokens of each council's citizens, one file per council: {@code TOKENS_DIR/SLUG.txt}. */
final class CitizenPools {

  private final Map<String, List<String>> tokensByCouncil;

  private CitizenPools(Map<String, List<String>> tokensByCouncil) {
    this.tokensByCouncil = tokensByCouncil;
  }

  static CitizenPools load(String tokensDir, Iterable<String> councils) {
    Map<String, List<String>> pools = new HashMap<>();
    for (String council : councils) {
      if (pools.containsKey(council)) {
        continue;
      }
      Path file = Path.of(tokensDir, council + ".txt");
      try {
        pools.put(council, Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the citizens of council '"
                + council
                + "' from "
                + file
                + "; run.sh mints them from CityDayPlan's counts",
            e);
      }
    }
    return new CitizenPools(pools);
  }

  /** The token of the k-th citizen of a council; fails when the council has fewer citizens. */
  String token(String council, int k) {
    List<String> pool = tokensByCouncil.get(council);
    if (pool == null || k >= pool.size()) {
      throw new IllegalStateException(
          "council '"
              + council
              + "' has "
              + (pool == null ? 0 : pool.size())
              + " citizens but the plan needs citizen #"
              + k
              + "; mint more");
    }
    return pool.get(k);
  }

  int size(String council) {
    List<String> pool = tokensByCouncil.get(council);
    return pool == null ? 0 : pool.size();
  }
}

package ua.epetitions.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Which petition each signing arrival of a city day signs: petitions ranked by a seeded shuffle,
 * popularity by Zipf's law over the ranks, one precomputed choice per arrival. The same plan tells
 * run.sh how many citizens each council needs before the run (the k-th signer of a petition is the
 * k-th citizen of its council, so a citizen signs several petitions of the council, never one
 * twice) and tells the simulation whom to send.
 *
 * <p>The petitions file has one line per collecting petition: {@code ID COUNCIL_SLUG TERRITORY}
 * (TERRITORY "-" when the council has no residency rule).
 */
final class CityDayPlan {

  /** A collecting petition, its council and the territory its signers must live in (or null). */
  record PlannedPetition(long id, String council, String territory) {}

  private final List<PlannedPetition> byRank;
  private final double[] cumulative;
  private final int[] choices;

  private CityDayPlan(List<PlannedPetition> byRank, double exponent, long seed, int arrivals) {
    this.byRank = byRank;
    this.cumulative = zipfCumulative(byRank.size(), exponent);
    Random random = new Random(seed);
    this.choices = new int[arrivals];
    for (int i = 0; i < arrivals; i++) {
      choices[i] = rankOf(random.nextDouble());
    }
  }

  /** Reads the petitions and draws the choices of {@code arrivals} signing arrivals. */
  static CityDayPlan load(String petitionsFile, double exponent, long seed, int arrivals) {
    List<PlannedPetition> petitions = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of(petitionsFile))) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.trim().split("\\s+");
        if (f.length != 3) {
          throw new IllegalArgumentException(
              "petitions file line '" + line + "' must read: ID COUNCIL_SLUG TERRITORY_OR_DASH");
        }
        petitions.add(
            new PlannedPetition(Long.parseLong(f[0]), f[1], f[2].equals("-") ? null : f[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the petitions file '" + petitionsFile + "'", e);
    }
    if (petitions.isEmpty()) {
      throw new IllegalStateException("the petitions file '" + petitionsFile + "' lists none");
    }
    Collections.shuffle(petitions, new Random(seed));
    return new CityDayPlan(List.copyOf(petitions), exponent, seed, arrivals);
  }

  /** Signing arrivals the run can inject: a ramp from 10/s to the rate, then the hold. */
  static int expectedArrivals(int rate, int rampSeconds, int holdSeconds) {
    double ramp = (10 + rate) / 2.0 * rampSeconds;
    return (int) Math.ceil((ramp + (double) rate * holdSeconds) * 1.02) + 100;
  }

  int arrivals() {
    return choices.length;
  }

  /** The petition the i-th signing arrival signs. */
  PlannedPetition choice(int arrival) {
    return byRank.get(choices[arrival]);
  }

  /** A petition drawn by popularity, for readers. */
  PlannedPetition popular(double uniform) {
    return byRank.get(rankOf(uniform));
  }

  List<PlannedPetition> petitions() {
    return byRank;
  }

  /** Citizens each council needs: the most signers any one of its petitions gets in the plan. */
  Map<String, Integer> citizensPerCouncil() {
    int[] signers = new int[byRank.size()];
    for (int choice : choices) {
      signers[choice]++;
    }
    Map<String, Integer> needed = new LinkedHashMap<>();
    for (int rank = 0; rank < byRank.size(); rank++) {
      needed.merge(byRank.get(rank).council(), Math.max(1, signers[rank]), Math::max);
    }
    return needed;
  }

  private int rankOf(double uniform) {
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] < uniform) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private static double[] zipfCumulative(int size, double exponent) {
    double[] cumulative = new double[size];
    double sum = 0;
    for (int rank = 0; rank < size; rank++) {
      sum += 1.0 / Math.pow(rank + 1, exponent);
      cumulative[rank] = sum;
    }
    for (int rank = 0; rank < size; rank++) {
      cumulative[rank] /= sum;
    }
    cumulative[size - 1] = 1.0;
    return cumulative;
  }

  /**
   * For run.sh: prints {@code COUNCIL_SLUG CITIZENS TERRITORY_OR_DASH} per council. Arguments:
   * petitions file, rate, ramp seconds, hold seconds, Zipf exponent, seed (the simulation's).
   */
  public static void main(String[] args) {
    if (args.length != 6) {
      System.err.println("usage: CityDayPlan PETITIONS_FILE RATE RAMP_S HOLD_S EXPONENT SEED");
      System.exit(2);
    }
    int arrivals =
        expectedArrivals(
            Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    CityDayPlan plan =
        load(args[0], Double.parseDouble(args[4]), Long.parseLong(args[5]), arrivals);
    Map<String, String> territories = new LinkedHashMap<>();
    for (PlannedPetition petition : plan.petitions()) {
      territories.put(
          petition.council(), petition.territory() == null ? "-" : petition.territory());
    }
    plan.citizensPerCouncil()
        .forEach(
            (council, n) -> System.out.println(council + " " + n + " " + territories.get(council)));
  }
}

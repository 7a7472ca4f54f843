package ua.epetitions.gateway.identity;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Mints tokens of the development issuer for many distinct citizens, on every core, so that load
 * generators spend their time loading the gateway rather than signing tokens.
 */
public final class TokenMinting {
  private static final int CHUNK = 2_000;
  private static final String[] GIVEN_NAMES = {
    "Олена",
    "Андрій",
    "Марія",
    "Тарас",
    "Ірина",
    "Богдан",
    "Оксана",
    "Дмитро",
    "Наталія",
    "Максим",
    "Софія",
    "Олег",
    "Юлія",
    "Василь",
    "Катерина",
    "Ігор"
  };
  private static final String[] FAMILY_NAMES = {
    "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Мельник",
    "Поліщук", "Лисенко", "Гнатюк", "Савченко", "Руденко", "Мороз", "Павленко"
  };

  private TokenMinting() {}

  /**
   * Writes {@code count} tokens, one per line, for subjects {@code subjectPrefix + i}.
   *
   * @param territory the territorial code claim of every citizen, or null for none
   */
  public static void mint(
      DevIdentityIssuer issuer,
      int count,
      String subjectPrefix,
      String territory,
      Duration ttl,
      Path out)
      throws IOException {
    Instant issuedAt = Instant.now();
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.US_ASCII)) {
      for (int from = 0; from < count; from += CHUNK) {
        int to = Math.min(count, from + CHUNK);
        List<String> tokens =
            IntStream.range(from, to)
                .parallel()
                .mapToObj(i -> issuer.mint(subjectPrefix + i, name(i), territory, issuedAt, ttl))
                .toList();
        for (String token : tokens) {
          writer.write(token);
          writer.newLine();
        }
      }
    }
  }

  /** A plausible public name for the i-th synthetic citizen. */
  static String name(int i) {
    return GIVEN_NAMES[i % GIVEN_NAMES.length]
        + " "
        + FAMILY_NAMES[(i / GIVEN_NAMES.length) % FAMILY_NAMES.length];
  }
}

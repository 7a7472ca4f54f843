package ua.epetitions.gateway.petition;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Calendar rules of a petition, in its community's time zone. */
public final class CollectionPeriod {
  private CollectionPeriod() {}

  /**
   * A petition opened on a local day D with N collection days takes signatures through the end of
   * day D+N, local time: it closes at the start of day D+N+1.
   */
  public static OffsetDateTime closesAt(Instant openedAt, int collectionDays, ZoneId zone) {
    LocalDate openedOn = openedAt.atZone(zone).toLocalDate();
    return openedOn
        .plusDays(collectionDays + 1L)
        .atStartOfDay(zone)
        .toInstant()
        .atOffset(ZoneOffset.UTC);
  }

  /**
   * The end of the council's answer period: {@code workingDays} Monday-to-Friday days after the
   * local day the threshold was reached. Public holidays are not known to the gateway.
   */
  public static OffsetDateTime answerDueAt(Instant reachedAt, int workingDays, ZoneId zone) {
    LocalDate day = reachedAt.atZone(zone).toLocalDate();
    int counted = 0;
    while (counted < workingDays) {
      day = day.plusDays(1);
      if (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY) {
        counted++;
      }
    }
    return day.plusDays(1).atStartOfDay(zone).toInstant().atOffset(ZoneOffset.UTC);
  }
}

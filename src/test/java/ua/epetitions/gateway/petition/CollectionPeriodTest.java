package ua.epetitions.gateway.petition;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Collection and answer periods")
class CollectionPeriodTest {
  private static final ZoneId KYIV = ZoneId.of("Europe/Kyiv");

  @Test
  @DisplayName("a period across the spring clock change closes at local midnight in summer time")
  void closesAtLocalMidnightAcrossDaylightSaving() {
    Instant openedAt = Instant.parse("2026-03-20T10:00:00Z");

    var closesAt = CollectionPeriod.closesAt(openedAt, 10, KYIV);

    // Opened on 20 March, takes signatures through 30 March, closes at 00:00 on 31 March (UTC+3).
    assertThat(closesAt.toInstant()).isEqualTo(Instant.parse("2026-03-30T21:00:00Z"));
    assertThat(closesAt.atZoneSameInstant(KYIV).toLocalTime().toSecondOfDay()).isZero();
  }

  @Test
  @DisplayName("a period across the autumn clock change closes at local midnight in winter time")
  void closesAtLocalMidnightAcrossAutumnChange() {
    Instant openedAt = Instant.parse("2026-10-20T10:00:00Z");

    var closesAt = CollectionPeriod.closesAt(openedAt, 10, KYIV);

    // Opened on 20 October, closes at 00:00 on 31 October (UTC+2 after 25 October).
    assertThat(closesAt.toInstant()).isEqualTo(Instant.parse("2026-10-30T22:00:00Z"));
  }

  @Test
  @DisplayName("a petition opened at 22:30 UTC in winter counts from the next local day")
  void openedJustAfterLocalMidnightCountsFromLocalDay() {
    Instant openedAt = Instant.parse("2026-01-15T22:30:00Z");

    var closesAt = CollectionPeriod.closesAt(openedAt, 10, KYIV);

    // 00:30 on 16 January in Kyiv: signatures through 26 January, closed from 00:00 on 27 January.
    assertThat(closesAt.toInstant()).isEqualTo(Instant.parse("2026-01-26T22:00:00Z"));
  }

  @Test
  @DisplayName("a petition opened at 21:30 UTC in winter still counts from the same local day")
  void openedJustBeforeLocalMidnightCountsFromThatDay() {
    Instant openedAt = Instant.parse("2026-01-15T21:30:00Z");

    var closesAt = CollectionPeriod.closesAt(openedAt, 10, KYIV);

    assertThat(closesAt.toInstant()).isEqualTo(Instant.parse("2026-01-25T22:00:00Z"));
  }

  @Test
  @DisplayName("the closing time is given in UTC")
  void closesAtIsInUtc() {
    var closesAt = CollectionPeriod.closesAt(Instant.parse("2026-06-01T12:00:00Z"), 30, KYIV);

    assertThat(closesAt.getOffset().getTotalSeconds()).isZero();
  }

  @Test
  @DisplayName("ten working days from a Friday end with the second Friday after it")
  void answerDueSkipsWeekendsFromFriday() {
    Instant reachedAt = Instant.parse("2026-03-06T12:00:00Z");
    assertThat(LocalDate.of(2026, 3, 6).getDayOfWeek()).isEqualTo(DayOfWeek.FRIDAY);

    var dueAt = CollectionPeriod.answerDueAt(reachedAt, 10, KYIV);

    // Working days 9-13 and 16-20 March; due at the start of Saturday 21 March in Kyiv (UTC+2).
    assertThat(dueAt.toInstant()).isEqualTo(Instant.parse("2026-03-20T22:00:00Z"));
  }

  @Test
  @DisplayName("a threshold reached on a Saturday is due on the same day as one reached on Friday")
  void answerDueFromSaturdayStartsOnMonday() {
    Instant reachedAt = Instant.parse("2026-03-07T12:00:00Z");

    var dueAt = CollectionPeriod.answerDueAt(reachedAt, 10, KYIV);

    assertThat(dueAt.toInstant()).isEqualTo(Instant.parse("2026-03-20T22:00:00Z"));
  }

  @Test
  @DisplayName("one working day from a Monday is due at the start of Wednesday")
  void oneWorkingDayFromMonday() {
    Instant reachedAt = Instant.parse("2026-03-09T08:00:00Z");

    var dueAt = CollectionPeriod.answerDueAt(reachedAt, 1, KYIV);

    assertThat(dueAt.toInstant()).isEqualTo(Instant.parse("2026-03-10T22:00:00Z"));
  }

  @Test
  @DisplayName("the answer period counts from the local day: late Thursday UTC is Friday in Kyiv")
  void answerDueCountsFromLocalDay() {
    // 23:30 UTC on Thursday 5 March is 01:30 on Friday 6 March in Kyiv.
    Instant reachedAt = Instant.parse("2026-03-05T23:30:00Z");

    var dueAt = CollectionPeriod.answerDueAt(reachedAt, 1, KYIV);

    // One working day after Friday is Monday 9 March; due at the start of Tuesday 10 March.
    assertThat(dueAt.toInstant()).isEqualTo(Instant.parse("2026-03-09T22:00:00Z"));
  }
}

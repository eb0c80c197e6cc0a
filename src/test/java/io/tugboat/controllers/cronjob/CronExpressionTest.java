package io.tugboat.controllers.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronExpressionTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static Instant utc(String t) {
    return Instant.parse(t);
  }

  private static String next(String schedule, String after) {
    return CronExpression.parse(schedule).next(utc(after), ZoneOffset.UTC).map(Instant::toString).orElse("none");
  }

  /** The first {@code n} activations after {@code from}, as local times with offsets in {@code zone}. */
  private static List<String> times(String schedule, ZoneId zone, ZonedDateTime from, int n) {
    CronExpression e = CronExpression.parse(schedule);
    List<String> out = new ArrayList<>();
    Instant t = from.toInstant();
    for (int i = 0; i < n; i++) {
      t = e.next(t, zone).orElseThrow();
      out.add(t.atZone(zone).toOffsetDateTime().toString());
    }
    return out;
  }

  @Test
  void everyMinuteIsTheNextWholeMinute() {
    assertEquals("2026-11-22T05:01:00Z", next("*/1 * * * *", "2026-11-22T05:00:00Z"));
    assertEquals("2026-11-22T05:01:00Z", next("* * * * *", "2026-11-22T05:00:59.500Z"));
  }

  @Test
  void rangesStepsListsAndNames() {
    assertEquals("2026-11-22T05:15:00Z", next("0,15,30,45 * * * *", "2026-11-22T05:00:00Z"));
    assertEquals("2026-11-22T06:10:00Z", next("10-20/5 6 * * *", "2026-11-22T05:00:00Z"));
    assertEquals("2026-11-22T06:20:00Z", next("10-20/5 6 * * *", "2026-11-22T06:15:00Z"));
    assertEquals("2026-11-23T00:00:00Z", next("0 0 * * MON", "2026-11-22T05:00:00Z")); // the 22nd is a Sunday
    assertEquals("2027-01-01T09:00:00Z", next("0 9 1 JAN *", "2026-11-22T05:00:00Z"));
    assertEquals("2026-11-22T08:05:00Z", next("5/30 8 * * *", "2026-11-22T05:00:00Z"));
    assertEquals("2026-12-01T00:00:00Z", next("@monthly", "2026-11-22T05:00:00Z"));
    assertEquals("2026-11-22T06:00:00Z", next("@hourly", "2026-11-22T05:00:00Z"));
    assertEquals("2026-11-29T00:00:00Z", next("@weekly", "2026-11-22T05:00:00Z"));
    assertEquals("2027-01-01T00:00:00Z", next("@yearly", "2026-11-22T05:00:00Z"));
  }

  @Test
  void dayOfMonthAndDayOfWeekAreEitherUnlessOneIsAStar() {
    // The 13th or any Friday (robfig/cron and Vixie cron): Friday the 27th comes after the 13th of the month.
    assertEquals("2026-11-27T00:00:00Z", next("0 0 13 * FRI", "2026-11-22T05:00:00Z"));
    assertEquals("2026-12-13T00:00:00Z", next("0 0 13 * *", "2026-11-22T05:00:00Z"));
    // "*/2" in day of month counts as a star: both must match (odd days that are Mondays).
    assertEquals("2026-11-23T00:00:00Z", next("0 0 */2 * 1", "2026-11-22T05:00:00Z"));
  }

  @Test
  void anImpossibleDateNeverFires() {
    assertEquals("none", next("59 23 31 2 *", "2026-11-22T05:00:00Z"));
  }

  @Test
  void everyIsAConstantDelayInWholeSeconds() {
    assertEquals("2026-11-22T05:00:07Z", next("@every 5s", "2026-11-22T05:00:02.700Z"));
    assertEquals("2026-11-22T06:30:00Z", next("@every 1h30m", "2026-11-22T05:00:00Z"));
    assertEquals("2026-11-22T05:00:01Z", next("@every 10ms", "2026-11-22T05:00:00Z"));
  }

  @Test
  void aTimeZoneDecidesTheWallClock() {
    assertEquals(List.of("2026-11-23T03:00+01:00", "2026-11-24T03:00+01:00"),
        times("0 3 * * *", BERLIN, ZonedDateTime.parse("2026-11-22T05:00+01:00[Europe/Berlin]"), 2));
    assertEquals("2026-11-23T02:00:00Z",
        CronExpression.parse("0 3 * * *").next(utc("2026-11-22T05:00:00Z"), BERLIN).orElseThrow().toString());
  }

  @Test
  void springForwardSkipsTheMissingHour() {
    // Europe/Berlin 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that day.
    assertEquals(List.of("2026-03-28T02:30+01:00", "2026-03-30T02:30+02:00"),
        times("30 2 * * *", BERLIN, ZonedDateTime.parse("2026-03-28T00:00+01:00[Europe/Berlin]"), 2));
    // Hourly runs go from 01:00 straight to 03:00.
    assertEquals(List.of("2026-03-29T01:00+01:00", "2026-03-29T03:00+02:00", "2026-03-29T04:00+02:00"),
        times("0 * * * *", BERLIN, ZonedDateTime.parse("2026-03-29T00:30+01:00[Europe/Berlin]"), 3));
  }

  @Test
  void fallBackRunsTheRepeatedHourTwice() {
    // America/New_York 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens twice, as robfig/cron runs it.
    assertEquals(List.of("2026-11-01T01:30-04:00", "2026-11-01T01:30-05:00", "2026-11-02T01:30-05:00"),
        times("30 1 * * *", NEW_YORK, ZonedDateTime.parse("2026-10-31T12:00-04:00[America/New_York]"), 3));
  }

  @Test
  void refusesWhatTheValidatorRefuses() {
    assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("TZ=UTC * * * * *"));
    assertThrows(IllegalArgumentException.class, () -> CronExpression.parse("61 * * * *"));
  }
}

package io.tugboat.controllers.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduleTimesTest {

  private static ScheduleTimes.Unmet unmet(String schedule, String earliest, String now) throws Exception {
    return ScheduleTimes.mostRecent(CronExpression.parse(schedule), ZoneOffset.UTC, Instant.parse(earliest),
        Instant.parse(now));
  }

  @Test
  void nothingIsDueBeforeTheFirstTime() throws Exception {
    assertEquals(new ScheduleTimes.Unmet(Optional.empty(), 0),
        unmet("*/5 * * * *", "2026-11-22T05:00:00Z", "2026-11-22T05:04:59Z"));
  }

  @Test
  void oneTimeIsDueAtItsTime() throws Exception {
    assertEquals(new ScheduleTimes.Unmet(Optional.of(Instant.parse("2026-11-22T05:05:00Z")), 1),
        unmet("*/5 * * * *", "2026-11-22T05:00:00Z", "2026-11-22T05:05:00Z"));
  }

  @Test
  void afterDowntimeOnlyTheMostRecentCounts() throws Exception {
    ScheduleTimes.Unmet u = unmet("0 * * * *", "2026-11-20T17:00:00Z", "2026-11-22T09:30:00Z");
    assertEquals(Optional.of(Instant.parse("2026-11-22T09:00:00Z")), u.mostRecent());
    assertEquals(40, u.missed());
  }

  @Test
  void irregularSchedulesStillFindTheMostRecent() throws Exception {
    // Weekdays at 09:00; Thursday 19th and Friday 20th make the estimate overshoot into the weekend.
    ScheduleTimes.Unmet u = unmet("0 9 * * 1-5", "2026-11-18T10:00:00Z", "2026-11-23T08:00:00Z");
    assertEquals(Optional.of(Instant.parse("2026-11-20T09:00:00Z")), u.mostRecent());
    ScheduleTimes.Unmet u2 = unmet("30 6-16/4 * * 1-5", "2026-11-18T10:00:00Z", "2026-11-23T08:00:00Z");
    assertEquals(Optional.of(Instant.parse("2026-11-23T06:30:00Z")), u2.mostRecent());
  }

  @Test
  void countsManyMissedTimes() throws Exception {
    ScheduleTimes.Unmet u = unmet("* * * * *", "2026-11-01T00:00:00Z", "2026-11-22T05:00:30Z");
    assertEquals(Optional.of(Instant.parse("2026-11-22T05:00:00Z")), u.mostRecent());
    assertEquals(30_540, u.missed());
  }

  @Test
  void everyCountsFromTheEarliestTime() throws Exception {
    ScheduleTimes.Unmet u = unmet("@every 7s", "2026-11-22T05:00:00Z", "2026-11-22T05:01:00Z");
    assertEquals(Optional.of(Instant.parse("2026-11-22T05:00:56Z")), u.mostRecent());
    assertEquals(8, u.missed());
  }

  @Test
  void aScheduleThatNeverFiresIsInvalid() {
    assertThrows(ScheduleTimes.InvalidSchedule.class,
        () -> unmet("0 0 30 2 *", "2026-11-22T05:00:00Z", "2026-11-22T06:00:00Z"));
  }

  @Test
  void wakesJustAfterTheNextTime() {
    assertEquals(Optional.of(Instant.parse("2026-11-22T06:00:00.100Z")), ScheduleTimes.wakeAt(
        CronExpression.parse("@hourly"), ZoneOffset.UTC, Instant.parse("2026-11-22T04:00:00Z"),
        Instant.parse("2026-11-22T05:30:00Z")));
  }
}

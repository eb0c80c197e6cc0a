package io.tugboat.api.printers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

  private static String h(Duration d) {
    return HumanDuration.format(d);
  }

  @Test
  void secondsUpToTwoMinutes() {
    assertEquals("0s", h(Duration.ZERO));
    assertEquals("59s", h(Duration.ofSeconds(59)));
    assertEquals("119s", h(Duration.ofSeconds(119)));
  }

  @Test
  void minutesWithSecondsBelowTenMinutes() {
    assertEquals("2m", h(Duration.ofMinutes(2)));
    assertEquals("5m30s", h(Duration.ofSeconds(5 * 60 + 30)));
    assertEquals("9m59s", h(Duration.ofSeconds(599)));
  }

  @Test
  void wholeMinutesBelowThreeHours() {
    assertEquals("10m", h(Duration.ofSeconds(10 * 60 + 30)));
    assertEquals("179m", h(Duration.ofMinutes(179)));
  }

  @Test
  void hoursWithMinutesBelowEightHours() {
    assertEquals("3h", h(Duration.ofHours(3)));
    assertEquals("3h20m", h(Duration.ofMinutes(200)));
    assertEquals("7h59m", h(Duration.ofMinutes(8 * 60 - 1)));
  }

  @Test
  void wholeHoursBelowTwoDays() {
    assertEquals("8h", h(Duration.ofMinutes(8 * 60 + 30)));
    assertEquals("47h", h(Duration.ofHours(47)));
  }

  @Test
  void daysWithHoursBelowEightDays() {
    assertEquals("2d", h(Duration.ofHours(48)));
    assertEquals("2d4h", h(Duration.ofHours(52)));
    assertEquals("7d23h", h(Duration.ofHours(8 * 24 - 1)));
  }

  @Test
  void wholeDaysBelowTwoYears() {
    assertEquals("8d", h(Duration.ofHours(8 * 24 + 5)));
    assertEquals("400d", h(Duration.ofDays(400)));
    assertEquals("729d", h(Duration.ofDays(729)));
  }

  @Test
  void yearsWithDaysBelowEightYears() {
    assertEquals("2y", h(Duration.ofDays(730)));
    assertEquals("3y", h(Duration.ofDays(3 * 365)));
    assertEquals("3y20d", h(Duration.ofDays(3 * 365 + 20)));
  }

  @Test
  void wholeYearsFromEightYears() {
    assertEquals("8y", h(Duration.ofDays(8 * 365 + 100)));
    assertEquals("12y", h(Duration.ofDays(12 * 365)));
  }

  @Test
  void toleratesOneSecondOfClockSkewAndRejectsMore() {
    assertEquals("0s", h(Duration.ofMillis(-500)));
    assertEquals("0s", h(Duration.ofMillis(-1500)));
    assertEquals("<invalid>", h(Duration.ofSeconds(-2)));
  }
}

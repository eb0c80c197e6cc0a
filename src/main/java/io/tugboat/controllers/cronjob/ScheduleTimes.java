package io.tugboat.controllers.cronjob;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Which scheduled time a CronJob owes, as Kubernetes' cronjob controller (utils.go, mostRecentScheduleTime)
 * decides it: the schedule is walked from the later of the last scheduled time (else the creation time) and, with
 * startingDeadlineSeconds, now minus the deadline; of the times not after now only the most recent counts.
 */
public final class ScheduleTimes {

  /** Kubernetes' "too many missed start times" threshold. */
  public static final int TOO_MANY_MISSED = 100;
  /** Kubernetes wakes this long after a scheduled time, so the time has surely passed when it looks. */
  public static final Duration WAKE_DELTA = Duration.ofMillis(100);

  private ScheduleTimes() {}

  /**
   * The outcome of walking the schedule: the most recent unmet time (empty if none is due) and about how many
   * times were missed (Kubernetes estimates from the interval between the first two, as here).
   */
  public record Unmet(Optional<Instant> mostRecent, long missed) {
    static final Unmet NONE = new Unmet(Optional.empty(), 0);
  }

  /** A schedule whose next two times are under a second apart, or that never fires (Feb 31). */
  public static final class InvalidSchedule extends Exception {
    InvalidSchedule(String message) {
      super(message);
    }
  }

  /** The most recent time at or before {@code now} after {@code earliest}, with the number missed. */
  public static Unmet mostRecent(CronExpression schedule, ZoneId zone, Instant earliest, Instant now)
      throws InvalidSchedule {
    Optional<Instant> first = schedule.next(earliest, zone);
    if (first.isEmpty()) {
      throw new InvalidSchedule("time difference between two schedules is less than 1 second");
    }
    Instant t1 = first.get();
    if (now.isBefore(t1)) {
      return Unmet.NONE;
    }
    Optional<Instant> second = schedule.next(t1, zone);
    if (second.isEmpty() || now.isBefore(second.get())) {
      return new Unmet(first, 1);
    }
    long between = Math.round(Duration.between(t1, second.get()).toMillis() / 1000.0);
    if (between < 1) {
      throw new InvalidSchedule("time difference between two schedules is less than 1 second");
    }
    long missed = Duration.between(t1, now).getSeconds() / between + 1;
    // Start one interval before the estimate, as Kubernetes does (right for @every and regular schedules), and
    // from t1 if irregular gaps (weekdays only) made the estimate overshoot.
    Optional<Instant> recent = walk(schedule, zone, t1.plusSeconds((missed - 2) * between), now);
    if (recent.isEmpty()) {
      recent = walk(schedule, zone, t1.minusSeconds(1), now);
    }
    return new Unmet(recent, missed);
  }

  private static Optional<Instant> walk(CronExpression schedule, ZoneId zone, Instant from, Instant now) {
    Instant recent = null;
    for (Optional<Instant> t = schedule.next(from, zone); t.isPresent() && !t.get().isAfter(now);
        t = schedule.next(t.get(), zone)) {
      recent = t.get();
    }
    return Optional.ofNullable(recent);
  }

  /**
   * When to look at the CronJob again: the schedule's next time after the most recent one due (ignoring the
   * deadline), else after {@code earliest}, plus {@link #WAKE_DELTA}. Empty if the schedule never fires.
   */
  public static Optional<Instant> wakeAt(CronExpression schedule, ZoneId zone, Instant earliest, Instant now) {
    Instant from;
    try {
      from = mostRecent(schedule, zone, earliest, now).mostRecent().orElse(earliest);
    } catch (InvalidSchedule e) {
      return Optional.empty();
    }
    return schedule.next(from, zone).map(t -> t.plus(WAKE_DELTA));
  }
}

package io.tugboat.controllers.cronjob;

import io.tugboat.model.kinds.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed CronJob schedule that answers the next activation after a time, as robfig/cron v3's standard parser
 * (which kube-controller-manager uses) computes it: five fields (minute, hour, day of month, month, day of week)
 * with ranges, steps, lists and names; the descriptors @yearly ... @hourly; {@code @every <duration>}. Validation
 * (and its messages) stays in {@link CronSchedule}; this only parses what passed it.
 *
 * <p>Time zones as robfig walks them: the search moves by calendar months and days but by absolute hours and
 * minutes, so a wall-clock time skipped by a spring-forward change does not run that day, and one repeated by a
 * fall-back change runs twice.
 */
public sealed interface CronExpression {

  /** The first activation strictly after {@code after} in {@code zone}, or empty if none within five years. */
  Optional<Instant> next(Instant after, ZoneId zone);

  /** Parses a schedule that {@link CronSchedule#problem} accepts; throws IllegalArgumentException otherwise. */
  static CronExpression parse(String schedule) {
    CronSchedule.problem(schedule).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    String s = schedule.trim();
    if (s.startsWith("@every ")) {
      return Every.parse(s.substring(7).trim());
    }
    if (s.startsWith("@")) {
      s = Fields.DESCRIPTORS.get(s);
    }
    String[] f = s.split("\\s+");
    return new Fields(field(f[0], 0, 59, null, 0), field(f[1], 0, 23, null, 0), field(f[2], 1, 31, null, 0),
        field(f[3], 1, 12, Fields.MONTHS, 1), field(f[4], 0, 6, Fields.DAYS, 0));
  }

  /** Bit i set when value i matches; bit 63 (STAR) when the field began with "*" or "?". */
  private static long field(String expr, int min, int max, List<String> names, int nameBase) {
    long bits = 0;
    for (String range : expr.split(",")) {
      String[] rangeAndStep = range.split("/");
      String[] lowAndHigh = rangeAndStep[0].split("-");
      boolean star = lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?");
      int start;
      int end;
      if (star) {
        start = min;
        end = max;
        if (rangeAndStep.length == 1) {
          bits |= Fields.STAR;
        }
      } else {
        start = value(lowAndHigh[0], names, nameBase);
        end = lowAndHigh.length == 2 ? value(lowAndHigh[1], names, nameBase) : start;
      }
      int step = 1;
      if (rangeAndStep.length == 2) {
        step = Integer.parseInt(rangeAndStep[1]);
        if (lowAndHigh.length == 1 && !star) {
          end = max;
        }
      }
      for (int i = start; i <= end; i += step) {
        bits |= 1L << i;
      }
    }
    return bits;
  }

  private static int value(String text, List<String> names, int nameBase) {
    if (names != null) {
      int i = names.indexOf(text.toLowerCase(Locale.ROOT));
      if (i >= 0) {
        return i + nameBase;
      }
    }
    return Integer.parseInt(text.startsWith("+") ? text.substring(1) : text);
  }

  /** "@every d": d after the given time, at whole seconds (robfig's ConstantDelaySchedule; at least 1 s). */
  record Every(Duration delay) implements CronExpression {
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)");

    static Every parse(String text) {
      Matcher m = PART.matcher(text);
      double nanos = 0;
      while (m.find()) {
        double unit = switch (m.group(2)) {
          case "ns" -> 1;
          case "us", "µs" -> 1e3;
          case "ms" -> 1e6;
          case "s" -> 1e9;
          case "m" -> 60e9;
          default -> 3600e9;
        };
        nanos += Double.parseDouble(m.group(1)) * unit;
      }
      long seconds = Math.max(1, (long) (nanos / 1e9));
      return new Every(Duration.ofSeconds(seconds));
    }

    @Override
    public Optional<Instant> next(Instant after, ZoneId zone) {
      return Optional.of(after.truncatedTo(ChronoUnit.SECONDS).plus(delay));
    }
  }

  /** The five fields as bit sets. */
  record Fields(long minute, long hour, long dom, long month, long dow) implements CronExpression {
    static final long STAR = 1L << 63;
    static final Map<String, String> DESCRIPTORS = Map.of(
        "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
        "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    static final List<String> MONTHS =
        List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

    private static boolean has(long bits, int i) {
      return (bits & (1L << i)) != 0;
    }

    /** robfig's dayMatches: with a "*" in either day field both must match, else either may. */
    private boolean dayMatches(ZonedDateTime t) {
      boolean domMatch = has(dom, t.getDayOfMonth());
      boolean dowMatch = has(dow, t.getDayOfWeek().getValue() % 7);
      if ((dom & STAR) != 0 || (dow & STAR) != 0) {
        return domMatch && dowMatch;
      }
      return domMatch || dowMatch;
    }

    @Override
    public Optional<Instant> next(Instant after, ZoneId zone) {
      // The upcoming whole second, then robfig's search: the first field that does not match moves, and every
      // lower field restarts from its minimum the first time anything moves.
      ZonedDateTime t = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).atZone(zone);
      boolean added = false;
      int yearLimit = t.getYear() + 5;
      wrap:
      while (true) {
        if (t.getYear() > yearLimit) {
          return Optional.empty();
        }
        while (!has(month, t.getMonthValue())) {
          added = true;
          t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(zone);
          if (t.getMonthValue() == 1) {
            continue wrap;
          }
        }
        while (!dayMatches(t)) {
          // The next day's first instant (robfig corrects its midnight arithmetic for DST to the same end).
          added = true;
          t = t.toLocalDate().plusDays(1).atStartOfDay(zone);
          if (t.getDayOfMonth() == 1) {
            continue wrap;
          }
        }
        while (!has(hour, t.getHour())) {
          if (!added) {
            added = true;
            t = t.truncatedTo(ChronoUnit.HOURS);
          }
          t = t.plusHours(1);
          if (t.getHour() == 0) {
            continue wrap;
          }
        }
        while (!has(minute, t.getMinute())) {
          if (!added) {
            added = true;
            t = t.truncatedTo(ChronoUnit.MINUTES);
          }
          t = t.plusMinutes(1);
          if (t.getMinute() == 0) {
            continue wrap;
          }
        }
        if (t.getSecond() != 0) {
          // Standard schedules run at second 0: move to the next minute and search again.
          t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
          added = true;
          continue wrap;
        }
        return Optional.of(t.toInstant());
      }
    }
  }
}

package io.tugboat.model.kinds;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Parser of CronJob schedules as robfig/cron's standard parser accepts them, with its error messages. */
public final class CronSchedule {

  private static final Map<String, String> DESCRIPTORS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final int[][] BOUNDS = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}};
  private static final List<String> MONTHS =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
  private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

  private CronSchedule() {}

  /** The reason the schedule does not parse, or empty if it does. */
  public static Optional<String> problem(String schedule) {
    String s = schedule.trim();
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      return Optional.of("cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
    }
    if (s.startsWith("@")) {
      if (s.startsWith("@every ")) {
        return s.substring(7).trim().matches("([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+")
            ? Optional.empty() : Optional.of("failed to parse duration " + s + ": time: invalid duration \""
                + s.substring(7).trim() + "\"");
      }
      return DESCRIPTORS.containsKey(s) ? Optional.empty() : Optional.of("unrecognized descriptor: " + s);
    }
    String[] fields = s.isEmpty() ? new String[0] : s.split("\\s+");
    if (fields.length != 5) {
      return Optional.of("expected exactly 5 fields, found " + fields.length + ": [" + String.join(" ", fields) + "]");
    }
    for (int i = 0; i < 5; i++) {
      for (String range : fields[i].split(",", -1)) {
        Optional<String> p = rangeProblem(range, BOUNDS[i][0], BOUNDS[i][1], i == 3 ? MONTHS : i == 4 ? DAYS : null,
            i == 3 ? 1 : 0);
        if (p.isPresent()) {
          return p;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> rangeProblem(String expr, int min, int max, List<String> names, int nameBase) {
    String[] rangeAndStep = expr.split("/", -1);
    String[] lowAndHigh = rangeAndStep[0].split("-", -1);
    boolean single = lowAndHigh.length == 1;
    long start;
    long end;
    if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
      start = min;
      end = max;
    } else {
      Result low = parse(lowAndHigh[0], names, nameBase, expr);
      if (low.error != null) {
        return Optional.of(low.error);
      }
      start = low.value;
      end = start;
      if (lowAndHigh.length == 2) {
        Result high = parse(lowAndHigh[1], names, nameBase, expr);
        if (high.error != null) {
          return Optional.of(high.error);
        }
        end = high.value;
      } else if (lowAndHigh.length > 2) {
        return Optional.of("too many hyphens: " + expr);
      }
    }
    if (rangeAndStep.length == 2) {
      Result step = parse(rangeAndStep[1], null, 0, expr);
      if (step.error != null) {
        return Optional.of(step.error);
      }
      if (step.value <= 0) {
        return Optional.of("step of range should be a positive number: " + expr);
      }
      if (single && !(lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?"))) {
        end = max;
      }
    } else if (rangeAndStep.length > 2) {
      return Optional.of("too many slashes: " + expr);
    }
    if (start < min) {
      return Optional.of("beginning of range (" + start + ") below minimum (" + min + "): " + expr);
    }
    if (end > max) {
      return Optional.of("end of range (" + end + ") above maximum (" + max + "): " + expr);
    }
    if (start > end) {
      return Optional.of("beginning of range (" + start + ") beyond end of range (" + end + "): " + expr);
    }
    return Optional.empty();
  }

  private record Result(long value, String error) {}

  private static Result parse(String text, List<String> names, int nameBase, String expr) {
    if (names != null) {
      int i = names.indexOf(text.toLowerCase(Locale.ROOT));
      if (i >= 0) {
        return new Result(i + nameBase, null);
      }
    }
    if (!text.matches("[+-]?[0-9]+") || text.length() > 18) {
      return new Result(0, "failed to parse int from " + text + ": strconv.Atoi: parsing \"" + text
          + "\": invalid syntax");
    }
    long v = Long.parseLong(text);
    if (v < 0) {
      return new Result(0, "negative number (" + v + ") not allowed: " + text);
    }
    return new Result(v, null);
  }
}

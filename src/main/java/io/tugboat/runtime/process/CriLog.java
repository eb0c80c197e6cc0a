package io.tugboat.runtime.process;

import io.tugboat.runtime.LogOptions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CRI log format the kubelet reads: one line per chunk of output,
 * {@code "2016-10-06T00:17:09.669794202Z stdout F text"}; F ends a line of the container's output, P is part of a
 * line longer than the writer's buffer (the next lines continue it). Pure functions: formatting, parsing, and the
 * selection kubectl logs asks for (since, tail).
 */
public final class CriLog {
  private CriLog() {}

  /** The longest chunk written as one log line; longer output lines are split into partial (P) lines. */
  public static final int MAX_LINE_BYTES = 16 * 1024;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'").withZone(ZoneOffset.UTC);

  /** One parsed log line: when, which stream, whether it continues on the next line, the text without newline. */
  public record Line(Instant time, String stream, boolean partial, String text) {}

  /** A log line in the CRI format, newline included; {@code text} must not contain a newline. */
  public static String format(Instant time, String stream, boolean partial, String text) {
    return TIME.format(time) + " " + stream + " " + (partial ? "P" : "F") + " " + text + "\n";
  }

  /** The RFC 3339 time with nanoseconds, as kubectl logs --timestamps shows it. */
  public static String timestamp(Instant time) {
    return TIME.format(time);
  }

  /** Parses one line (without its newline); empty for anything not in the format. */
  public static Optional<Line> parse(String line) {
    int a = line.indexOf(' ');
    int b = a < 0 ? -1 : line.indexOf(' ', a + 1);
    if (b < 0 || line.length() < b + 2) {
      return Optional.empty();
    }
    String stream = line.substring(a + 1, b);
    char tag = line.charAt(b + 1);
    if (!(stream.equals("stdout") || stream.equals("stderr")) || (tag != 'F' && tag != 'P')) {
      return Optional.empty();
    }
    String text = line.length() > b + 2 ? line.substring(Math.min(line.length(), b + 3)) : "";
    try {
      return Optional.of(new Line(Instant.parse(line.substring(0, a)), stream, tag == 'P', text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Parses every well-formed line of a log's text, skipping the rest. */
  public static List<Line> parseAll(String content) {
    List<Line> lines = new ArrayList<>();
    for (String raw : content.split("\n")) {
      parse(raw).ifPresent(lines::add);
    }
    return lines;
  }

  /**
   * The lines kubectl logs shows: those at or after {@code options.since(now)}, then the last
   * {@code tailLines} of them, counting an output line split into partial pieces once.
   */
  public static List<Line> select(List<Line> lines, LogOptions options, Instant now) {
    Optional<Instant> since = options.since(now);
    List<Line> kept = since.isEmpty() ? lines
        : lines.stream().filter(l -> !l.time().isBefore(since.get())).toList();
    if (options.tailLines().isEmpty()) {
      return kept;
    }
    long wanted = options.tailLines().get();
    int start = kept.size();
    long complete = 0;
    // Walk back over whole output lines: a run of P lines belongs to the F line after it.
    while (start > 0) {
      Line previous = kept.get(start - 1);
      if (!previous.partial()) {
        if (complete == wanted) {
          break;
        }
        complete++;
      }
      start--;
    }
    return kept.subList(start, kept.size());
  }

  /** What kubectl logs prints for a line: its time first when asked, its text, a newline unless partial. */
  public static String render(Line line, boolean timestamps) {
    return (timestamps ? timestamp(line.time()) + " " : "") + line.text() + (line.partial() ? "" : "\n");
  }
}

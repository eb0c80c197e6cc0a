package io.tugboat.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run found: facts about the machine and the settings, then one row per measured figure with its target
 * and verdict. Printed as a plain table, written as Markdown, and kept in a tab-separated results file so the
 * launcher can add the figures it measures itself (heap, restart) and print one table at the end.
 */
final class Report {
  /** A fact about the machine or the settings of the run. */
  record Fact(String name, String value) {}

  /** One measured figure. {@code target} is empty when the project sets none. */
  record Row(String phase, String metric, String value, String target, String verdict) {}

  private final List<Fact> facts = new ArrayList<>();
  private final List<Row> rows = new ArrayList<>();

  void fact(String name, String value) {
    facts.add(new Fact(name, value));
  }

  void row(String phase, String metric, String value) {
    rows.add(new Row(phase, metric, value, "", ""));
  }

  /** A figure against a target: met when {@code value <= limit} (or {@code >=} when {@code atLeast}). */
  void row(String phase, String metric, double value, String unit, double limit, boolean atLeast) {
    boolean met = atLeast ? value >= limit : value <= limit;
    rows.add(new Row(phase, metric, fmt(value) + " " + unit, (atLeast ? ">= " : "<= ") + fmt(limit) + " " + unit,
        met ? "met" : "MISSED"));
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Machine facts of this JVM's host, taken now. */
  void machineFacts(String label) {
    Runtime rt = Runtime.getRuntime();
    fact("time (" + label + ")", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    fact("load average (" + label + ")", loadAverage());
    if (facts.stream().noneMatch(f -> f.name().equals("cores"))) {
      fact("cores", Integer.toString(rt.availableProcessors()));
      fact("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
          + System.getProperty("os.arch"));
      fact("bench client JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
          + ", max heap " + rt.maxMemory() / (1024 * 1024) + " MiB");
    }
  }

  /** 1, 5 and 15 minute load from /proc/loadavg where there is one; else the 1 minute figure. */
  static String loadAverage() {
    Path proc = Path.of("/proc/loadavg");
    try {
      if (Files.isReadable(proc)) {
        String[] f = Files.readString(proc).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
      }
    } catch (IOException e) {
      // fall through to the MXBean
    }
    double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return one < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", one);
  }

  String plain() {
    StringBuilder out = new StringBuilder();
    int w = facts.stream().mapToInt(f -> f.name().length()).max().orElse(0);
    for (Fact f : facts) {
      out.append(String.format(Locale.ROOT, "%-" + w + "s  %s%n", f.name(), f.value()));
    }
    out.append('\n');
    String[] head = {"phase", "metric", "value", "target", "verdict"};
    int[] widths = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      widths[i] = head[i].length();
    }
    for (Row r : rows) {
      String[] c = cells(r);
      for (int i = 0; i < c.length; i++) {
        widths[i] = Math.max(widths[i], c[i].length());
      }
    }
    line(out, head, widths);
    String[] rule = new String[head.length];
    for (int i = 0; i < head.length; i++) {
      rule[i] = "-".repeat(widths[i]);
    }
    line(out, rule, widths);
    for (Row r : rows) {
      line(out, cells(r), widths);
    }
    return out.toString();
  }

  String markdown() {
    StringBuilder out = new StringBuilder("| fact | value |\n| --- | --- |\n");
    for (Fact f : facts) {
      out.append("| ").append(md(f.name())).append(" | ").append(md(f.value())).append(" |\n");
    }
    out.append("\n| phase | metric | value | target | verdict |\n| --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      out.append('|');
      for (String c : cells(r)) {
        out.append(' ').append(md(c)).append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Appends this report to a results file: {@code fact\tNAME\tVALUE} and {@code row\tPHASE\t...} lines. */
  void appendTo(Path file) throws IOException {
    StringBuilder out = new StringBuilder();
    for (Fact f : facts) {
      out.append(String.join("\t", "fact", tsv(f.name()), tsv(f.value()))).append('\n');
    }
    for (Row r : rows) {
      out.append(String.join("\t", "row", tsv(r.phase()), tsv(r.metric()), tsv(r.value()), tsv(r.target()),
          tsv(r.verdict()))).append('\n');
    }
    Files.writeString(file, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** A report from a results file; a fact named twice keeps its first value (the earliest run's). */
  static Report readFrom(Path file) throws IOException {
    Report r = new Report();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      if (f[0].equals("fact") && f.length >= 3) {
        if (r.facts.stream().noneMatch(x -> x.name().equals(f[1]))) {
          r.facts.add(new Fact(f[1], f[2]));
        }
      } else if (f[0].equals("row") && f.length >= 6) {
        r.rows.add(new Row(f[1], f[2], f[3], f[4], f[5]));
      }
    }
    return r;
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e12) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
  }

  private static String[] cells(Row r) {
    return new String[] {r.phase(), r.metric(), r.value(), r.target(), r.verdict()};
  }

  private static void line(StringBuilder out, String[] cells, int[] widths) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      l.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", cells[i])).append("  ");
    }
    out.append(l.toString().stripTrailing()).append(System.lineSeparator());
  }

  private static String md(String s) {
    return s.replace("|", "\\|");
  }

  private static String tsv(String s) {
    return s.replace('\t', ' ').replace('\n', ' ');
  }
}

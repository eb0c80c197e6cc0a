package io.tugboat.controllers.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Completion indexes of an Indexed Job as Kubernetes writes them in status.completedIndexes: ascending ranges
 * "0-2,4,7-9". Parsing keeps only indexes below {@code completions} and ignores what does not parse.
 */
public final class JobIndexes {

  private JobIndexes() {}

  /** The indexes in a "0-2,4" string that are below {@code completions}. */
  public static SortedSet<Integer> parse(String ranges, int completions) {
    SortedSet<Integer> out = new TreeSet<>();
    if (ranges == null || ranges.isBlank()) {
      return out;
    }
    for (String part : ranges.split(",")) {
      String p = part.trim();
      try {
        int dash = p.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
        for (int i = Math.max(0, from); i <= to && i < completions; i++) {
          out.add(i);
        }
      } catch (NumberFormatException e) {
        // a malformed range counts for nothing; the controller rewrites the field from what it knows
      }
    }
    return out;
  }

  /** Ascending ranges of these indexes: consecutive runs of two or more as "a-b". */
  public static String format(SortedSet<Integer> indexes) {
    List<String> parts = new ArrayList<>();
    Integer start = null;
    Integer prev = null;
    for (int i : indexes) {
      if (prev != null && i == prev + 1) {
        prev = i;
        continue;
      }
      if (start != null) {
        parts.add(start.equals(prev) ? Integer.toString(start) : start + "-" + prev);
      }
      start = i;
      prev = i;
    }
    if (start != null) {
      parts.add(start.equals(prev) ? Integer.toString(start) : start + "-" + prev);
    }
    return String.join(",", parts);
  }

  /** The completion index of a pod (its annotation, else its label), or -1. */
  public static int of(com.fasterxml.jackson.databind.JsonNode pod) {
    String v = io.tugboat.model.Json.text(pod.path("metadata").path("annotations").path(JobSync.INDEX));
    if (v.isEmpty()) {
      v = io.tugboat.model.Json.text(pod.path("metadata").path("labels").path(JobSync.INDEX));
    }
    try {
      return v.isEmpty() ? -1 : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

package io.tugboat.api.printers;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelector;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Small formatting helpers shared by the printers, each mirroring a helper of Kubernetes' printers.go. */
final class Cells {

  static final String NONE = "<none>";
  static final String UNSET = "<unset>";
  static final String UNKNOWN = "<unknown>";

  private Cells() {}

  static String name(JsonNode o) {
    return Json.metaText(o, "name");
  }

  /** The text of a node, "" when absent. */
  static String text(JsonNode node) {
    return Json.text(node);
  }

  /** The text of a node, or the fallback when absent or empty. */
  static String textOr(JsonNode node, String fallback) {
    String s = Json.text(node);
    return s.isEmpty() ? fallback : s;
  }

  /** An integer field as the int64 Kubernetes puts in a cell (0 when absent). */
  static Long integer(JsonNode node) {
    return node.asLong(0);
  }

  /** The node at a path of field names. */
  static JsonNode at(JsonNode o, String... path) {
    JsonNode n = o;
    for (String p : path) {
      n = n.path(p);
    }
    return n;
  }

  /** A timestamp, or null when absent or unparsable (Kubernetes' zero time). */
  static Instant instant(JsonNode timestamp) {
    String s = Json.text(timestamp);
    if (s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** translateTimestampSince: the human duration from a timestamp to now, "<unknown>" when absent. */
  static String since(JsonNode timestamp, Instant now) {
    return since(instant(timestamp), now);
  }

  static String since(Instant t, Instant now) {
    return t == null ? UNKNOWN : HumanDuration.format(Duration.between(t, now));
  }

  /** A timestamp as RFC3339 in UTC, whole seconds, as Go formats a metav1.Time (the zero time when absent). */
  static String rfc3339(JsonNode timestamp) {
    Instant t = instant(timestamp);
    return t == null ? "0001-01-01T00:00:00Z" : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** labels.FormatLabels: "k=v,k2=v2" sorted by key, "<none>" when empty. */
  static String labels(JsonNode map) {
    Map<String, String> sorted = new TreeMap<>(Json.stringMap(map));
    if (sorted.isEmpty()) {
      return NONE;
    }
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  /** The string form of a metav1.LabelSelector ("" for an empty or absent one). */
  static String selector(JsonNode selector) {
    if (!selector.isObject()) {
      return "";
    }
    try {
      return LabelSelector.fromJson(selector).toString();
    } catch (RuntimeException e) {
      return "<invalid>";
    }
  }

  /** metav1.FormatLabelSelector: like {@link #selector} but "<none>" when empty and "<error>" when invalid. */
  static String formatSelector(JsonNode selector) {
    String s = selector(selector);
    if (s.equals("<invalid>")) {
      return "<error>";
    }
    return s.isEmpty() ? NONE : s;
  }

  /** layoutContainerCells: one field of every container of a pod spec, comma-joined. */
  static String containerField(JsonNode podSpec, String field) {
    List<String> parts = new ArrayList<>();
    for (JsonNode c : podSpec.path("containers")) {
      parts.add(Json.text(c.path(field)));
    }
    return String.join(",", parts);
  }

  /** Unique, sorted IPs (or hostnames) of a load balancer status' ingress points, comma-joined. */
  static String loadBalancerIngress(JsonNode loadBalancerStatus) {
    TreeSet<String> result = new TreeSet<>();
    for (JsonNode in : loadBalancerStatus.path("ingress")) {
      String ip = Json.text(in.path("ip"));
      String host = Json.text(in.path("hostname"));
      if (!ip.isEmpty()) {
        result.add(ip);
      } else if (!host.isEmpty()) {
        result.add(host);
      }
    }
    return String.join(",", result);
  }

  /** printBoolPtr: "True"/"False", "<unset>" when absent. */
  static String boolPtr(JsonNode node) {
    if (!node.isBoolean()) {
      return UNSET;
    }
    return node.asBoolean() ? "True" : "False";
  }

  /** The string elements of an array node. */
  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      out.add(Json.text(n));
    }
    return out;
  }
}

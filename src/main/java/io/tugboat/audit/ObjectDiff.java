package io.tugboat.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A compact, line-friendly diff of two versions of an object: changed leaf paths with old and new values. */
public final class ObjectDiff {
  private static final Set<String> IGNORED = Set.of("metadata.resourceVersion", "metadata.managedFields",
      "metadata.generation");
  private static final int MAX_VALUE = 60;

  private ObjectDiff() {}

  /** The changes from {@code before} to {@code after}, e.g. {@code spec.replicas: 1 -> 3}. */
  public static List<String> diff(JsonNode before, JsonNode after) {
    List<String> out = new ArrayList<>();
    walk("", before, after, out);
    return out;
  }

  private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
    if (IGNORED.contains(path)) {
      return;
    }
    boolean aMissing = a == null || a.isMissingNode() || a.isNull();
    boolean bMissing = b == null || b.isMissingNode() || b.isNull();
    if (aMissing && bMissing) {
      return;
    }
    if (!aMissing && !bMissing && a.isObject() && b.isObject()) {
      Set<String> keys = new LinkedHashSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        if (path.isEmpty() && (k.equals("apiVersion") || k.equals("kind"))) {
          continue;
        }
        walk(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k), out);
      }
      return;
    }
    if (!aMissing && !bMissing && a.isArray() && b.isArray() && a.size() == b.size()) {
      Iterator<JsonNode> ia = a.elements();
      Iterator<JsonNode> ib = b.elements();
      for (int i = 0; ia.hasNext(); i++) {
        walk(path + "[" + i + "]", ia.next(), ib.next(), out);
      }
      return;
    }
    if (aMissing) {
      out.add("+" + path + "=" + show(b));
    } else if (bMissing) {
      out.add("-" + path);
    } else if (!a.equals(b)) {
      out.add(path + ": " + show(a) + " -> " + show(b));
    }
  }

  private static String show(JsonNode v) {
    String s = v.isTextual() ? v.asText() : v.toString();
    s = s.replace('\n', ' ');
    return s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE - 3) + "..." : s;
  }
}

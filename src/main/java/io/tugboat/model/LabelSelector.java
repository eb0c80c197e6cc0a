package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Stand-in (equality only). */
public final class LabelSelector {
  private final Map<String, String> equals;
  private final boolean nothing;

  private LabelSelector(Map<String, String> equals, boolean nothing) {
    this.equals = equals;
    this.nothing = nothing;
  }

  public static LabelSelector parse(String s) {
    Map<String, String> m = new LinkedHashMap<>();
    if (s != null && !s.isBlank()) {
      for (String part : s.split(",")) {
        String[] kv = part.split("==?", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("unable to parse requirement: " + part);
        }
        m.put(kv[0].trim(), kv[1].trim());
      }
    }
    return new LabelSelector(m, false);
  }

  public static LabelSelector fromJson(JsonNode selector) {
    if (selector == null || selector.isNull() || selector.isMissingNode()) {
      return new LabelSelector(Map.of(), true);
    }
    return new LabelSelector(Json.stringMap(selector.path("matchLabels")), false);
  }

  public static LabelSelector everything() {
    return new LabelSelector(Map.of(), false);
  }

  public boolean matches(Map<String, String> labels) {
    if (nothing) {
      return false;
    }
    for (Map.Entry<String, String> e : equals.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  public boolean matches(JsonNode labels) {
    return matches(Json.stringMap(labels));
  }

  public boolean isEverything() {
    return !nothing && equals.isEmpty();
  }

  public boolean isNothing() {
    return nothing;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    equals.forEach((k, v) -> sb.append(sb.length() > 0 ? "," : "").append(k).append('=').append(v));
    return sb.toString();
  }
}

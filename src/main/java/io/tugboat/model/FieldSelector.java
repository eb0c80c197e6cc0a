package io.tugboat.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Stand-in. */
public final class FieldSelector {
  public record Requirement(String field, boolean equals, String value) {}

  private final List<Requirement> requirements;

  private FieldSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  public static FieldSelector parse(String s) {
    List<Requirement> reqs = new ArrayList<>();
    if (s != null && !s.isBlank()) {
      for (String part : s.split(",")) {
        int ne = part.indexOf("!=");
        if (ne > 0) {
          reqs.add(new Requirement(part.substring(0, ne), false, part.substring(ne + 2)));
          continue;
        }
        String[] kv = part.split("==?", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("invalid selector: " + part);
        }
        reqs.add(new Requirement(kv[0], true, kv[1]));
      }
    }
    return new FieldSelector(reqs);
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  public boolean matches(Function<String, String> fieldValue) {
    for (Requirement r : requirements) {
      if (r.value().equals(fieldValue.apply(r.field())) != r.equals()) {
        return false;
      }
    }
    return true;
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }
}

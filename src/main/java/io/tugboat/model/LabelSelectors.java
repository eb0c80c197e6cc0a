package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Kubernetes label selectors ({@code matchLabels} and {@code matchExpressions}) as JSON: matching and validation. */
public final class LabelSelectors {

  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private LabelSelectors() {}

  /** True if the selector selects nothing in particular (no labels, no expressions): it matches everything. */
  public static boolean isEmpty(JsonNode selector) {
    return selector == null || selector.isNull() || selector.isMissingNode()
        || (selector.path("matchLabels").size() == 0 && selector.path("matchExpressions").size() == 0);
  }

  /** True if {@code labels} (a JSON object, possibly missing) satisfies every requirement of the selector. */
  public static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector == null || selector.isNull() || selector.isMissingNode()) {
      return true;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode actual = labels == null ? null : labels.get(e.getKey());
      if (actual == null || !actual.asText().equals(e.getValue().asText())) {
        return false;
      }
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asText();
      JsonNode actual = labels == null ? null : labels.get(key);
      boolean in = false;
      for (JsonNode v : expr.path("values")) {
        in |= actual != null && v.asText().equals(actual.asText());
      }
      boolean ok = switch (expr.path("operator").asText()) {
        case "In" -> in;
        case "NotIn" -> !in;
        case "Exists" -> actual != null;
        case "DoesNotExist" -> actual == null;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Validates a selector's keys, values and operators; errors are reported under {@code path}. */
  public static List<FieldError> validate(JsonNode selector, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (selector == null || selector.isNull() || selector.isMissingNode()) {
      return errs;
    }
    errs.addAll(NameRules.validateLabels(selector.get("matchLabels"), path + ".matchLabels"));
    int i = 0;
    for (JsonNode expr : selector.path("matchExpressions")) {
      String at = path + ".matchExpressions[" + i++ + "]";
      String op = expr.path("operator").asText("");
      int values = expr.path("values").size();
      if (!OPERATORS.contains(op)) {
        errs.add(FieldError.notSupported(at + ".operator", op, List.of("In", "NotIn", "Exists", "DoesNotExist")));
      } else if ((op.equals("In") || op.equals("NotIn")) && values == 0) {
        errs.add(FieldError.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
      } else if ((op.equals("Exists") || op.equals("DoesNotExist")) && values > 0) {
        errs.add(FieldError.forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      for (String msg : NameRules.qualifiedName(expr.path("key").asText(""))) {
        errs.add(FieldError.invalid(at + ".key", expr.path("key").asText(""), msg));
      }
    }
    return errs;
  }
}

package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;

/**
 * Matching of node selector terms (node affinity): terms are ORed, the expressions and fields of one term ANDed,
 * and a term with neither matches nothing. Operators In, NotIn, Exists, DoesNotExist, Gt, Lt on labels; In and
 * NotIn on the field metadata.name. A malformed term (admission rejects those) matches nothing.
 */
public final class NodeSelectorTerms {

  private NodeSelectorTerms() {}

  /** Whether any of the terms matches the node. */
  public static boolean anyMatches(JsonNode terms, NodeInfo node) {
    for (JsonNode term : terms) {
      if (matches(term, node)) {
        return true;
      }
    }
    return false;
  }

  /** Whether one term matches the node. */
  public static boolean matches(JsonNode term, NodeInfo node) {
    JsonNode exprs = term.path("matchExpressions");
    JsonNode fields = term.path("matchFields");
    if (exprs.size() == 0 && fields.size() == 0) {
      return false;
    }
    for (JsonNode e : exprs) {
      if (!requirement(e, node.label(Json.text(e.path("key"))))) {
        return false;
      }
    }
    for (JsonNode f : fields) {
      String key = Json.text(f.path("key"));
      String op = Json.text(f.path("operator"));
      if (!key.equals("metadata.name") || !(op.equals("In") || op.equals("NotIn"))
          || !requirement(f, node.name())) {
        return false;
      }
    }
    return true;
  }

  /** One requirement against a label's value (null when the node lacks the label). */
  static boolean requirement(JsonNode req, String actual) {
    JsonNode values = req.path("values");
    return switch (Json.text(req.path("operator"))) {
      case "In" -> actual != null && contains(values, actual);
      case "NotIn" -> actual == null || !contains(values, actual);
      case "Exists" -> actual != null;
      case "DoesNotExist" -> actual == null;
      case "Gt", "Lt" -> compare(req, actual, values);
      default -> false;
    };
  }

  private static boolean compare(JsonNode req, String actual, JsonNode values) {
    if (actual == null || values.size() != 1) {
      return false;
    }
    try {
      long have = Long.parseLong(actual);
      long want = Long.parseLong(values.get(0).asText());
      return "Gt".equals(Json.text(req.path("operator"))) ? have > want : have < want;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean contains(JsonNode values, String actual) {
    for (JsonNode v : values) {
      if (actual.equals(v.asText())) {
        return true;
      }
    }
    return false;
  }
}

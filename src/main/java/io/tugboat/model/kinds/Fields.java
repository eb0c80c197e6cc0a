package io.tugboat.model.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Small helpers for reading and defaulting JSON trees, and for Kubernetes' common numeric checks. */
final class Fields {

  static final String PORT_RANGE = "must be between 1 and 65535, inclusive";
  static final String NON_NEGATIVE = "must be greater than or equal to 0";

  private Fields() {}

  /** True if the field is present and not JSON null. */
  static boolean has(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && !v.isNull();
  }

  /** The field's text, or "" when absent or null. */
  static String text(JsonNode node, String field) {
    return has(node, field) ? node.get(field).asText() : "";
  }

  /** The child object, created (replacing a null) when absent. */
  static ObjectNode object(ObjectNode parent, String field) {
    JsonNode v = parent.get(field);
    if (v instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(field);
  }

  /** The child array, created when absent. */
  static ArrayNode array(ObjectNode parent, String field) {
    JsonNode v = parent.get(field);
    if (v instanceof ArrayNode a) {
      return a;
    }
    return parent.putArray(field);
  }

  static void defaultText(ObjectNode node, String field, String value) {
    if (!has(node, field) || node.get(field).asText().isEmpty()) {
      node.put(field, value);
    }
  }

  static void defaultInt(ObjectNode node, String field, long value) {
    if (!has(node, field)) {
      if (value == (int) value) {
        node.put(field, (int) value);
      } else {
        node.put(field, value);
      }
    }
  }

  /** Deep equality in which numbers compare by value (30 equals 30L equals 30.0), as Go's decoded structs would. */
  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals((x, y) -> x.isNumber() && y.isNumber()
        ? x.decimalValue().compareTo(y.decimalValue()) : x.equals(y) ? 0 : 1, b);
  }

  static void defaultBool(ObjectNode node, String field, boolean value) {
    if (!has(node, field)) {
      node.put(field, value);
    }
  }

  /** The object elements of an array field (non-objects skipped), for defaulting in place. */
  static List<ObjectNode> objects(JsonNode node, String field) {
    List<ObjectNode> out = new ArrayList<>();
    if (node != null && node.get(field) instanceof ArrayNode a) {
      for (JsonNode e : a) {
        if (e instanceof ObjectNode o) {
          out.add(o);
        }
      }
    }
    return out;
  }

  static Iterable<Map.Entry<String, JsonNode>> entries(JsonNode node) {
    if (node == null) {
      return List.of();
    }
    return node::fields;
  }

  /** Adds a "must be greater than or equal to 0" error when the integer field is negative. */
  static void nonNegative(List<FieldError> errs, JsonNode node, String field, String path) {
    if (has(node, field) && node.get(field).asLong() < 0) {
      errs.add(FieldError.invalid(path, node.get(field).asLong(), NON_NEGATIVE));
    }
  }

  /** Adds a not-supported error when the field is set to a value outside {@code allowed}. */
  static void oneOf(List<FieldError> errs, JsonNode node, String field, String path, List<String> allowed) {
    if (has(node, field) && !allowed.contains(node.get(field).asText())) {
      errs.add(FieldError.notSupported(path, node.get(field).asText(), allowed));
    }
  }

  /** A value printed verbatim in an error (Kubernetes prints structs and int-or-strings unquoted). */
  static Object raw(String text) {
    return new Object() {
      @Override
      public String toString() {
        return text;
      }
    };
  }

  /** Go's %#v of a map[string]string, as Kubernetes prints label maps in errors. */
  static Object goMap(JsonNode map) {
    StringBuilder sb = new StringBuilder("map[string]string{");
    int i = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      sb.append(i++ > 0 ? ", " : "").append('"').append(e.getKey()).append("\":\"").append(e.getValue().asText())
          .append('"');
    }
    return raw(map.isMissingNode() || map.isNull() ? "map[string]string(nil)" : sb.append('}').toString());
  }

  /** Kubernetes' IsValidPortName: an IANA service name. */
  static List<String> portName(String name) {
    List<String> errs = new ArrayList<>();
    if (name.length() > 15) {
      errs.add("must be no more than 15 characters");
    }
    if (!name.matches("[-a-z0-9]+")) {
      errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!name.matches(".*[a-z].*")) {
      errs.add("must contain at least one letter (a-z)");
    }
    if (name.contains("--")) {
      errs.add("must not contain consecutive hyphens");
    }
    if (name.startsWith("-") || name.endsWith("-")) {
      errs.add("must not begin or end with a hyphen");
    }
    return errs;
  }

  /** Validates a port given as a number (1-65535) or an IANA name, as targetPort and probe ports are. */
  static void portNumOrName(List<FieldError> errs, JsonNode port, String path) {
    if (port == null || port.isNull()) {
      return;
    }
    if (port.isNumber()) {
      if (port.asLong() < 1 || port.asLong() > 65535) {
        errs.add(FieldError.invalid(path, port.asLong(), PORT_RANGE));
      }
    } else {
      for (String msg : portName(port.asText())) {
        errs.add(FieldError.invalid(path, port.asText(), msg));
      }
    }
  }
}

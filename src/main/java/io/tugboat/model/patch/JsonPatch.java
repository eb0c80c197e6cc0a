package io.tugboat.model.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON patch (RFC 6902) with RFC 6901 pointers, as served for {@code application/json-patch+json}. */
public final class JsonPatch {

  private JsonPatch() {}

  /**
   * Applies the operations in order to a copy of {@code target}; neither argument is modified. The patch is
   * all-or-nothing: the first operation that fails aborts it.
   *
   * @throws PatchException if {@code operations} is not a list, an operation is malformed, a path is missing or
   *     out of bounds, or a {@code test} fails; the message names the operation and path
   */
  public static JsonNode apply(JsonNode target, JsonNode operations) throws PatchException {
    if (operations == null || !operations.isArray()) {
      throw new PatchException("a JSON patch must be a list of operations, e.g. "
          + "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]");
    }
    JsonNode doc = target == null ? JsonNodeFactory.instance.nullNode() : target.deepCopy();
    for (JsonNode op : operations) {
      doc = applyOne(doc, op);
    }
    return doc;
  }

  /** JSON equality as RFC 6902 {@code test} defines it: numbers by value, objects regardless of member order. */
  static boolean jsonEquals(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        JsonNode other = b.get(e.getKey());
        if (other == null || !jsonEquals(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!jsonEquals(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  // `doc` is the patch's private copy, so operations change it in place; returns the (possibly new) root.
  private static JsonNode applyOne(JsonNode doc, JsonNode op) {
    if (!op.isObject() || !op.path("op").isTextual()) {
      throw new PatchException("each JSON patch operation must be an object with an \"op\", got " + op);
    }
    String kind = op.get("op").asText();
    String path = member(op, kind, "path");
    List<String> tokens = parsePointer(path, kind);
    switch (kind) {
      case "add" -> {
        return add(doc, tokens, value(op, kind).deepCopy(), kind, path);
      }
      case "remove" -> {
        remove(doc, tokens, kind, path);
        return doc;
      }
      case "replace" -> {
        JsonNode value = value(op, kind).deepCopy();
        if (tokens.isEmpty()) {
          return value;
        }
        resolve(doc, tokens, kind, path);
        remove(doc, tokens, kind, path);
        return add(doc, tokens, value, kind, path);
      }
      case "move" -> {
        String from = member(op, kind, "from");
        List<String> fromTokens = parsePointer(from, kind);
        JsonNode value = resolveFrom(doc, fromTokens, kind, from);
        if (from.equals(path)) {
          return doc;
        }
        if (path.startsWith(from + "/")) {
          throw new PatchException(kind + " operation does not apply: cannot move " + from + " into its own child "
              + path);
        }
        remove(doc, fromTokens, kind, from);
        return add(doc, tokens, value, kind, path);
      }
      case "copy" -> {
        String from = member(op, kind, "from");
        JsonNode value = resolveFrom(doc, parsePointer(from, kind), kind, from).deepCopy();
        return add(doc, tokens, value, kind, path);
      }
      case "test" -> {
        JsonNode expected = value(op, kind);
        JsonNode actual = resolve(doc, tokens, kind, path);
        if (!jsonEquals(actual, expected)) {
          throw new PatchException("testing value " + path + " failed: it is " + actual + ", not " + expected);
        }
        return doc;
      }
      default -> throw new PatchException("unknown JSON patch operation \"" + kind
          + "\"; expected add, remove, replace, move, copy or test");
    }
  }

  private static String member(JsonNode op, String kind, String name) {
    JsonNode v = op.get(name);
    if (v == null || !v.isTextual()) {
      throw new PatchException(kind + " operation needs a \"" + name + "\" string, got " + op);
    }
    return v.asText();
  }

  // A JSON null is a value like any other; only an absent member is an error.
  private static JsonNode value(JsonNode op, String kind) {
    JsonNode v = op.get("value");
    if (v == null) {
      throw new PatchException(kind + " operation needs a \"value\", got " + op);
    }
    return v;
  }

  private static List<String> parsePointer(String pointer, String kind) {
    List<String> tokens = new ArrayList<>();
    if (pointer.isEmpty()) {
      return tokens;
    }
    if (pointer.charAt(0) != '/') {
      throw new PatchException(kind + " operation has an invalid JSON pointer \"" + pointer
          + "\": it must be empty or start with '/'");
    }
    for (String raw : pointer.substring(1).split("/", -1)) {
      StringBuilder sb = new StringBuilder(raw.length());
      for (int i = 0; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c != '~') {
          sb.append(c);
          continue;
        }
        char next = i + 1 < raw.length() ? raw.charAt(i + 1) : ' ';
        if (next != '0' && next != '1') {
          throw new PatchException(kind + " operation has an invalid JSON pointer \"" + pointer
              + "\": '~' must be followed by 0 or 1");
        }
        sb.append(next == '0' ? '~' : '/');
        i++;
      }
      tokens.add(sb.toString());
    }
    return tokens;
  }

  private static PatchException missing(String kind, String path) {
    return new PatchException(kind + " operation does not apply: doc is missing path: " + path);
  }

  private static JsonNode resolveFrom(JsonNode doc, List<String> tokens, String kind, String from) {
    try {
      return resolve(doc, tokens, kind, from);
    } catch (PatchException e) {
      throw new PatchException(kind + " operation does not apply: doc is missing from path: " + from);
    }
  }

  private static JsonNode resolve(JsonNode doc, List<String> tokens, String kind, String path) {
    JsonNode node = doc;
    for (String token : tokens) {
      node = child(node, token);
      if (node == null) {
        throw missing(kind, path);
      }
    }
    return node;
  }

  private static JsonNode child(JsonNode node, String token) {
    if (node.isObject()) {
      return node.get(token);
    }
    if (node.isArray()) {
      int index = arrayIndex(token);
      return index >= 0 && index < node.size() ? node.get(index) : null;
    }
    return null;
  }

  // -1 for anything that is not a canonical decimal index ("-", "01", "x"), which then never resolves.
  private static int arrayIndex(String token) {
    if (token.isEmpty() || token.length() > 9 || !token.chars().allMatch(Character::isDigit)
        || (token.length() > 1 && token.charAt(0) == '0')) {
      return -1;
    }
    return Integer.parseInt(token);
  }

  private static JsonNode add(JsonNode doc, List<String> tokens, JsonNode value, String kind, String path) {
    if (tokens.isEmpty()) {
      return value;
    }
    JsonNode parent = resolve(doc, tokens.subList(0, tokens.size() - 1), kind, path);
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof ObjectNode obj) {
      obj.set(last, value);
    } else if (parent instanceof ArrayNode arr) {
      if (last.equals("-")) {
        arr.add(value);
      } else {
        int index = arrayIndex(last);
        if (index < 0 || index > arr.size()) {
          throw new PatchException(kind + " operation does not apply: index " + last + " of " + path
              + " is out of bounds for a list of " + arr.size());
        }
        arr.insert(index, value);
      }
    } else {
      throw missing(kind, path);
    }
    return doc;
  }

  private static void remove(JsonNode doc, List<String> tokens, String kind, String path) {
    if (tokens.isEmpty()) {
      throw new PatchException(kind + " operation does not apply: the whole document cannot be removed");
    }
    JsonNode parent = resolve(doc, tokens.subList(0, tokens.size() - 1), kind, path);
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof ObjectNode obj && obj.has(last)) {
      obj.remove(last);
    } else if (parent instanceof ArrayNode arr && arrayIndex(last) >= 0 && arrayIndex(last) < arr.size()) {
      arr.remove(arrayIndex(last));
    } else {
      throw missing(kind, path);
    }
  }
}

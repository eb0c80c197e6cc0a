package io.tugboat.model.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One step of a field path, as structured-merge-diff names it: a field of a map ({@code f:name}), an element of
 * a keyed list ({@code k:{"name":"nginx"}}), an element of a set of values ({@code v:"x"}), or a list element by
 * position ({@code i:0}, only for elements a keyed list cannot identify). Elements order as Kubernetes
 * serializes them: fields by name, then keys, values and indexes.
 */
public sealed interface PathElement extends Comparable<PathElement> {

  /** The element's key in the fieldsV1 format. */
  String encode();

  /** The element as Kubernetes prints it in a path: {@code .image}, {@code [name="nginx"]}, {@code [="x"]}. */
  String describe();

  /** Sort rank of the element's variant: fields first, then keys, values, indexes. */
  int rank();

  @Override
  default int compareTo(PathElement other) {
    int byRank = Integer.compare(rank(), other.rank());
    return byRank != 0 ? byRank : encode().compareTo(other.encode());
  }

  /** A field of a map or struct. */
  record Field(String name) implements PathElement {
    @Override
    public String encode() {
      return "f:" + name;
    }

    @Override
    public String describe() {
      return "." + name;
    }

    @Override
    public int rank() {
      return 0;
    }
  }

  /** An element of a keyed list, by the values of its key fields (sorted by name). */
  record Key(Map<String, JsonNode> fields) implements PathElement {
    public Key {
      fields = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(fields));
    }

    /** The key of one element: its value of each key field. */
    public static Key of(String field, JsonNode value) {
      return new Key(Map.of(field, value));
    }

    @Override
    public String encode() {
      ObjectNode o = Json.object();
      fields.forEach(o::set);
      return "k:" + o;
    }

    @Override
    public String describe() {
      List<String> parts = new ArrayList<>();
      fields.forEach((k, v) -> parts.add(k + "=" + v));
      return "[" + String.join(",", parts) + "]";
    }

    @Override
    public int rank() {
      return 1;
    }

    /** Whether a list element carries this key. */
    public boolean matches(JsonNode element) {
      for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
        JsonNode own = element.get(e.getKey());
        if (own == null || !Values.same(own, e.getValue())) {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && encode().equals(k.encode());
    }

    @Override
    public int hashCode() {
      return encode().hashCode();
    }
  }

  /** An element of a set of primitive values. */
  record Value(JsonNode value) implements PathElement {
    @Override
    public String encode() {
      return "v:" + value;
    }

    @Override
    public String describe() {
      return "[=" + value + "]";
    }

    @Override
    public int rank() {
      return 2;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Value v && encode().equals(v.encode());
    }

    @Override
    public int hashCode() {
      return encode().hashCode();
    }
  }

  /** A list element by position. */
  record Index(int index) implements PathElement {
    @Override
    public String encode() {
      return "i:" + index;
    }

    @Override
    public String describe() {
      return "[" + index + "]";
    }

    @Override
    public int rank() {
      return 3;
    }

    @Override
    public int compareTo(PathElement other) {
      return other instanceof Index i ? Integer.compare(index, i.index) : PathElement.super.compareTo(other);
    }
  }

  /**
   * Parses a fieldsV1 key.
   *
   * @throws IllegalArgumentException when the key has no known prefix or its JSON is malformed
   */
  static PathElement decode(String encoded) {
    if (encoded.length() < 2 || encoded.charAt(1) != ':') {
      throw new IllegalArgumentException("unknown field path element " + encoded);
    }
    String rest = encoded.substring(2);
    try {
      return switch (encoded.charAt(0)) {
        case 'f' -> new Field(rest);
        case 'k' -> {
          JsonNode key = Json.MAPPER.readTree(rest);
          if (!key.isObject() || key.isEmpty()) {
            throw new IllegalArgumentException("a list key must be a non-empty JSON object: " + encoded);
          }
          Map<String, JsonNode> fields = new TreeMap<>();
          key.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
          yield new Key(fields);
        }
        case 'v' -> new Value(Json.MAPPER.readTree(rest));
        case 'i' -> new Index(Integer.parseInt(rest));
        default -> throw new IllegalArgumentException("unknown field path element " + encoded);
      };
    } catch (JsonProcessingException | NumberFormatException e) {
      throw new IllegalArgumentException("malformed field path element " + encoded, e);
    }
  }
}

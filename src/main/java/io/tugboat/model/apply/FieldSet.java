package io.tugboat.model.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * An immutable set of field paths: the fields one manager owns. Serialized as Kubernetes' {@code fieldsV1}: a tree
 * of path elements ({@code f:}, {@code k:}, {@code v:}, {@code i:}) where {@code {}} marks a member leaf and
 * {@code ".": {}} marks a member that also has members below it, e.g.
 * {@code {"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{}}}}}}.
 */
public final class FieldSet implements Iterable<FieldPath> {

  /** The empty set. */
  public static final FieldSet EMPTY = new FieldSet(new TreeSet<>());

  private final SortedSet<FieldPath> paths;

  FieldSet(Collection<FieldPath> paths) {
    this.paths = Collections.unmodifiableSortedSet(new TreeSet<>(paths));
  }

  /** A set of the given paths. */
  public static FieldSet of(FieldPath... paths) {
    return new FieldSet(List.of(paths));
  }

  /** The fields an object sets, for a kind's list and map rules (see {@link Structure}). */
  public static FieldSet of(String kind, JsonNode object) {
    return Structure.of(kind).fieldSetOf(object, false);
  }

  /** Whether the set is empty. */
  public boolean isEmpty() {
    return paths.isEmpty();
  }

  /** Whether the path is a member. */
  public boolean contains(FieldPath path) {
    return paths.contains(path);
  }

  /** Number of members. */
  public int size() {
    return paths.size();
  }

  /** Members in either set. */
  public FieldSet union(FieldSet other) {
    TreeSet<FieldPath> s = new TreeSet<>(paths);
    s.addAll(other.paths);
    return new FieldSet(s);
  }

  /** Members of this set not in {@code other}. */
  public FieldSet difference(FieldSet other) {
    TreeSet<FieldPath> s = new TreeSet<>(paths);
    s.removeAll(other.paths);
    return new FieldSet(s);
  }

  /** Members in both sets. */
  public FieldSet intersection(FieldSet other) {
    TreeSet<FieldPath> s = new TreeSet<>(paths);
    s.retainAll(other.paths);
    return new FieldSet(s);
  }

  /** The members a predicate accepts. */
  public FieldSet filter(Predicate<FieldPath> keep) {
    TreeSet<FieldPath> s = new TreeSet<>();
    paths.stream().filter(keep).forEach(s::add);
    return new FieldSet(s);
  }

  /** The members and every path above one (the root excluded): what must stay for the members to stay. */
  public FieldSet withAncestors() {
    TreeSet<FieldPath> s = new TreeSet<>();
    for (FieldPath p : paths) {
      for (FieldPath q = p; q.size() > 0 && s.add(q); q = q.parent()) {
        // walk up until a path already collected
      }
    }
    return new FieldSet(s);
  }

  @Override
  public Iterator<FieldPath> iterator() {
    return paths.iterator();
  }

  /** The members in order. */
  public List<FieldPath> paths() {
    return new ArrayList<>(paths);
  }

  // ---- fieldsV1 ----

  /** The set in the fieldsV1 format, elements in Kubernetes' order. */
  public ObjectNode toFieldsV1() {
    ObjectNode root = Json.object();
    for (FieldPath p : paths) {
      ObjectNode node = root;
      for (PathElement e : p.elements()) {
        JsonNode next = node.get(e.encode());
        node = next instanceof ObjectNode o ? o : node.putObject(e.encode());
      }
      // Sorted order puts a member before the paths below it, so "." is always a node's first key.
      node.putObject(".");
    }
    collapse(root);
    return root;
  }

  /** A member with nothing below it is written {@code {}}, not {@code {".":{}}}. */
  private static void collapse(ObjectNode node) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      ObjectNode child = (ObjectNode) e.getValue();
      if (child.size() == 1 && child.has(".")) {
        child.remove(".");
      } else {
        collapse(child);
      }
    }
  }

  /**
   * Reads a fieldsV1 tree.
   *
   * @throws IllegalArgumentException when it is not a tree of objects with known path elements
   */
  public static FieldSet fromFieldsV1(JsonNode fieldsV1) {
    TreeSet<FieldPath> out = new TreeSet<>();
    if (fieldsV1 == null || fieldsV1.isNull() || fieldsV1.isMissingNode()) {
      return EMPTY;
    }
    read(fieldsV1, FieldPath.ROOT, out);
    return new FieldSet(out);
  }

  private static void read(JsonNode node, FieldPath path, TreeSet<FieldPath> out) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("fieldsV1 at " + (path.size() == 0 ? "the top" : path) + " must be an object,"
          + " not " + node);
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (e.getKey().equals(".")) {
        if (path.size() > 0) {
          out.add(path);
        }
        continue;
      }
      FieldPath child = path.child(PathElement.decode(e.getKey()));
      if (e.getValue().isObject() && e.getValue().isEmpty()) {
        out.add(child);
      } else {
        read(e.getValue(), child, out);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet f && paths.equals(f.paths);
  }

  @Override
  public int hashCode() {
    return paths.hashCode();
  }

  /** The fieldsV1 JSON. */
  @Override
  public String toString() {
    return toFieldsV1().toString();
  }
}

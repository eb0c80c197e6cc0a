package io.tugboat.model.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.patch.StrategicMergePatch;
import io.tugboat.model.patch.StrategicMergePatch.ListMerge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * How the objects of one kind nest, as field ownership sees them, and the walks over them that server-side apply
 * needs: the field set of an object, the difference of two objects, the merge of an applied configuration and
 * the removal of fields.
 *
 * <p>A map's fields are its children (unless the map is atomic); a keyed list's elements are identified by their
 * merge key and a set's by their value, both from the strategic merge patch table; every other list is atomic,
 * owned and replaced whole. Schema paths join field names with '.'; entering a list element adds nothing, as in
 * {@link StrategicMergePatch}.
 */
final class Structure {

  /** Maps owned and replaced whole: the LabelSelectors, atomic in the Kubernetes types. */
  private static final Map<String, Set<String>> ATOMIC_MAPS = Map.of(
      "Deployment", Set.of("spec.selector"),
      "ReplicaSet", Set.of("spec.selector"),
      "DaemonSet", Set.of("spec.selector"),
      "StatefulSet", Set.of("spec.selector"),
      "Job", Set.of("spec.selector"),
      "CronJob", Set.of("spec.jobTemplate.spec.selector"),
      "NetworkPolicy", Set.of("spec.podSelector"),
      "PodDisruptionBudget", Set.of("spec.selector"));

  /** One child of a map or list: where it is, its value and its schema path. */
  record Child(PathElement element, JsonNode value, String schemaPath, String field, int index, boolean keyField) {}

  /** What changed between two objects: paths that appeared, changed value, or disappeared. */
  record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
    /** Added and modified together: the paths a writer set. */
    FieldSet changed() {
      return added.union(modified);
    }
  }

  private final String kind;

  private Structure(String kind) {
    this.kind = kind;
  }

  /** The structure of a kind's objects. */
  static Structure of(String kind) {
    return new Structure(kind == null ? "" : kind);
  }

  private Optional<ListMerge> listMerge(String schemaPath) {
    return StrategicMergePatch.listMerge(kind, schemaPath);
  }

  private boolean atomicMap(String schemaPath) {
    return ATOMIC_MAPS.getOrDefault(kind, Set.of()).contains(schemaPath);
  }

  private static String childSchema(String schemaPath, String field) {
    return schemaPath.isEmpty() ? field : schemaPath + "." + field;
  }

  /** Whether a value is owned whole: a scalar, an atomic list or an atomic map. */
  private boolean isLeaf(JsonNode value, String schemaPath) {
    if (value.isObject()) {
      return atomicMap(schemaPath);
    }
    if (value.isArray()) {
      return listMerge(schemaPath).isEmpty();
    }
    return true;
  }

  /**
   * The children of a map or non-atomic list, in order; null for a leaf. Strictly (for an applied configuration)
   * an element of a keyed list without its key, or two elements with one key, is an error; otherwise such
   * elements are named by position, or the later duplicate ignored.
   */
  private Map<PathElement, Child> children(JsonNode value, String schemaPath, boolean strict) {
    if (value == null || isLeaf(value, schemaPath)) {
      return null;
    }
    Map<PathElement, Child> out = new LinkedHashMap<>();
    if (value.isObject()) {
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        out.put(new PathElement.Field(e.getKey()),
            new Child(new PathElement.Field(e.getKey()), e.getValue(), childSchema(schemaPath, e.getKey()), e.getKey(),
                -1, false));
      }
      return out;
    }
    String key = listMerge(schemaPath).orElseThrow().mergeKey();
    for (int i = 0; i < value.size(); i++) {
      JsonNode el = value.get(i);
      PathElement pe;
      if (key == null) {
        pe = new PathElement.Value(el);
      } else if (el.isObject() && el.hasNonNull(key)) {
        pe = PathElement.Key.of(key, el.get(key));
      } else if (strict) {
        throw new ApplyException(schemaPath + ": associative list with keys has an element that omits key field \""
            + key + "\": " + el);
      } else {
        pe = new PathElement.Index(i);
      }
      if (out.containsKey(pe)) {
        if (strict) {
          throw new ApplyException(schemaPath + ": duplicate entries for key " + pe.describe());
        }
        continue;
      }
      out.put(pe, new Child(pe, el, schemaPath, null, i, false));
    }
    return out;
  }

  /** The children of a keyed list element, marking its key fields (never removed while the element stays). */
  private Map<PathElement, Child> elementAware(Child parent, Map<PathElement, Child> children) {
    if (!(parent.element() instanceof PathElement.Key k) || children == null) {
      return children;
    }
    Map<PathElement, Child> out = new LinkedHashMap<>();
    children.forEach((pe, c) -> out.put(pe, k.fields().containsKey(c.field())
        ? new Child(c.element(), c.value(), c.schemaPath(), c.field(), c.index(), true) : c));
    return out;
  }

  // ---- field sets ----

  /**
   * The fields an object sets, as structured-merge-diff's ToFieldSet: every scalar and atomic value, every list
   * element (with its fields); maps themselves are not members, so an empty map sets nothing.
   *
   * @throws ApplyException when {@code strict} and a keyed list element lacks its key or repeats one
   */
  FieldSet fieldSetOf(JsonNode object, boolean strict) {
    TreeSet<FieldPath> paths = new TreeSet<>();
    collect(object, FieldPath.ROOT, "", strict, paths);
    return new FieldSet(paths);
  }

  private void collect(JsonNode value, FieldPath path, String schemaPath, boolean strict, TreeSet<FieldPath> out) {
    Map<PathElement, Child> children = children(value, schemaPath, strict);
    if (children == null) {
      if (!path.elements().isEmpty()) {
        out.add(path);
      }
      return;
    }
    for (Child c : children.values()) {
      FieldPath p = path.child(c.element());
      if (c.field() == null) {
        out.add(p);
      }
      collect(c.value(), p, c.schemaPath(), strict, out);
    }
  }

  // ---- comparing ----

  /** What changed from {@code old} to {@code updated} (either may be null), as structured-merge-diff compares. */
  Comparison compare(JsonNode old, JsonNode updated) {
    TreeSet<FieldPath> added = new TreeSet<>();
    TreeSet<FieldPath> modified = new TreeSet<>();
    TreeSet<FieldPath> removed = new TreeSet<>();
    compare(old, updated, FieldPath.ROOT, "", added, modified, removed);
    return new Comparison(new FieldSet(added), new FieldSet(modified), new FieldSet(removed));
  }

  private void compare(JsonNode a, JsonNode b, FieldPath path, String schemaPath, TreeSet<FieldPath> added,
      TreeSet<FieldPath> modified, TreeSet<FieldPath> removed) {
    if (a == null && b == null) {
      return;
    }
    boolean leaf = (a != null && isLeaf(a, schemaPath)) || (b != null && isLeaf(b, schemaPath))
        || (a != null && b != null && a.getNodeType() != b.getNodeType())
        || (emptyOrAbsent(a) && emptyOrAbsent(b));
    if (leaf) {
      if (a == null) {
        added.add(path);
      } else if (b == null) {
        removed.add(path);
      } else if (!Values.same(a, b)) {
        modified.add(path);
      }
      return;
    }
    Map<PathElement, Child> ca = a == null ? Map.of() : children(a, schemaPath, false);
    Map<PathElement, Child> cb = b == null ? Map.of() : children(b, schemaPath, false);
    Set<PathElement> all = new java.util.LinkedHashSet<>(ca.keySet());
    all.addAll(cb.keySet());
    for (PathElement pe : all) {
      Child x = ca.get(pe);
      Child y = cb.get(pe);
      String s = x != null ? x.schemaPath() : y.schemaPath();
      compare(x == null ? null : x.value(), y == null ? null : y.value(), path.child(pe), s, added, modified, removed);
    }
    // A map or list element present on one side only is itself added or removed (a list is not: its elements
    // are); the top-level fields always exist in a typed object, so they are not.
    boolean list = (a != null && a.isArray()) || (b != null && b.isArray());
    if (path.size() > 1 && !list) {
      if (a == null) {
        added.add(path);
      } else if (b == null) {
        removed.add(path);
      }
    }
  }

  private static boolean emptyOrAbsent(JsonNode n) {
    return n == null || (n.isContainerNode() && n.isEmpty());
  }

  // ---- merging an applied configuration ----

  /** The live object with the applied configuration merged in; neither is modified. */
  JsonNode merge(JsonNode live, JsonNode applied, String schemaPath) {
    if (applied.isObject() && !atomicMap(schemaPath)) {
      ObjectNode result = live != null && live.isObject() ? ((ObjectNode) live).deepCopy() : Json.object();
      for (Map.Entry<String, JsonNode> e : applied.properties()) {
        if (e.getValue().isNull()) {
          result.remove(e.getKey());
        } else {
          result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue(), childSchema(schemaPath, e.getKey())));
        }
      }
      return result;
    }
    Optional<ListMerge> rule = listMerge(schemaPath);
    if (applied.isArray() && rule.isPresent()) {
      ArrayNode result = live != null && live.isArray() ? ((ArrayNode) live).deepCopy() : Json.NODES.arrayNode();
      String key = rule.get().mergeKey();
      for (JsonNode el : applied) {
        int at = -1;
        for (int i = 0; i < result.size() && at < 0; i++) {
          JsonNode own = result.get(i);
          if (key == null ? Values.same(own, el) : Values.same(own.get(key), el.get(key))) {
            at = i;
          }
        }
        if (key == null) {
          if (at < 0) {
            result.add(el.deepCopy());
          }
        } else if (at < 0) {
          result.add(merge(null, el, schemaPath));
        } else {
          result.set(at, merge(result.get(at), el, schemaPath));
        }
      }
      return result;
    }
    return applied.deepCopy();
  }

  // ---- removing fields ----

  /**
   * Removes from {@code object}, top down, every field or list element whose path {@code doomed} accepts; what lies
   * under a removed one goes with it. The key fields of a list element that stays are kept.
   */
  void remove(JsonNode object, Predicate<FieldPath> doomed) {
    remove(object, FieldPath.ROOT, "", null, doomed);
  }

  private void remove(JsonNode node, FieldPath path, String schemaPath, Child self, Predicate<FieldPath> doomed) {
    Map<PathElement, Child> children = children(node, schemaPath, false);
    if (self != null) {
      children = elementAware(self, children);
    }
    if (children == null) {
      return;
    }
    List<Integer> gone = new ArrayList<>();
    for (Child c : children.values()) {
      FieldPath p = path.child(c.element());
      if (!c.keyField() && doomed.test(p)) {
        if (c.field() != null) {
          ((ObjectNode) node).remove(c.field());
        } else {
          gone.add(c.index());
        }
      } else {
        remove(c.value(), p, c.schemaPath(), c, doomed);
      }
    }
    for (int i = gone.size() - 1; i >= 0; i--) {
      ((ArrayNode) node).remove(gone.get(i));
    }
  }
}

package io.tugboat.model.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes strategic merge patch ({@code application/strategic-merge-patch+json}) for the built-in kinds.
 *
 * <p>Objects merge key by key and {@code null} deletes. How a list merges depends on where it is: {@link #RULES}
 * gives, per kind and field path, the merge key that identifies an element (as the {@code patchMergeKey} tags of
 * the Kubernetes Go types do), or that the list is a set of primitives to union; every other list is atomic and
 * replaced whole. Field paths join field names with '.'; entering a list element adds nothing to the path.
 *
 * <p>Directives: {@code $patch} (replace, delete, merge) in a map or list element, {@code $retainKeys},
 * {@code $setElementOrder/<list>} and {@code $deleteFromPrimitiveList/<list>}. None of them reaches the result.
 *
 * <p>Known differences from Kubernetes: {@code $patch: merge} is accepted as a no-op where Kubernetes rejects it;
 * {@code $patch: delete} on a map removes the field rather than leaving {@code {}}; new list elements are appended
 * and {@code $setElementOrder} puts unlisted elements after the listed ones, where Kubernetes interleaves them by
 * their former positions.
 */
public final class StrategicMergePatch {

  private StrategicMergePatch() {}

  /** How a list field merges: by the value of an element's key, or (no key) as a set of primitive values. */
  public record ListMerge(String mergeKey) {
    /** A set of primitive values (finalizers). */
    public static final ListMerge PRIMITIVES = new ListMerge(null);
  }

  private static final String PATCH = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String SET_ORDER = "$setElementOrder/";
  private static final String DELETE_PRIMITIVES = "$deleteFromPrimitiveList/";

  // ---- the table: which lists merge, by what ----

  private static final Map<String, ListMerge> OBJECT_META = Map.of(
      "ownerReferences", new ListMerge("uid"),
      "finalizers", ListMerge.PRIMITIVES);

  private static final Map<String, ListMerge> POD_SPEC = podSpecRules();

  private static Map<String, ListMerge> podSpecRules() {
    Map<String, ListMerge> m = new HashMap<>();
    for (String containers : List.of("containers", "initContainers", "ephemeralContainers")) {
      m.put(containers, new ListMerge("name"));
      m.put(containers + ".env", new ListMerge("name"));
      m.put(containers + ".ports", new ListMerge("containerPort"));
      m.put(containers + ".volumeMounts", new ListMerge("mountPath"));
      m.put(containers + ".volumeDevices", new ListMerge("devicePath"));
    }
    m.put("volumes", new ListMerge("name"));
    m.put("imagePullSecrets", new ListMerge("name"));
    m.put("hostAliases", new ListMerge("ip"));
    m.put("topologySpreadConstraints", new ListMerge("topologyKey"));
    m.put("resourceClaims", new ListMerge("name"));
    m.put("schedulingGates", new ListMerge("name"));
    // tolerations, readinessGates and the rest have no patch strategy in Kubernetes: atomic.
    return Map.copyOf(m);
  }

  /** Where each workload kind keeps its pod template. */
  private static final Map<String, String> POD_TEMPLATE_AT = Map.of(
      "PodTemplate", "template",
      "Deployment", "spec.template",
      "ReplicaSet", "spec.template",
      "DaemonSet", "spec.template",
      "StatefulSet", "spec.template",
      "Job", "spec.template",
      "ReplicationController", "spec.template",
      "CronJob", "spec.jobTemplate.spec.template");

  /** Lists outside object metadata and pod specs, per kind. */
  private static final Map<String, Map<String, ListMerge>> KIND_RULES = Map.ofEntries(
      Map.entry("Pod", Map.of(
          "status.conditions", new ListMerge("type"),
          "status.podIPs", new ListMerge("ip"),
          "status.hostIPs", new ListMerge("ip"),
          "status.resourceClaimStatuses", new ListMerge("name"))),
      Map.entry("Node", Map.of(
          "spec.podCIDRs", ListMerge.PRIMITIVES,
          "status.addresses", new ListMerge("type"),
          "status.conditions", new ListMerge("type"))),
      Map.entry("Service", Map.of(
          "spec.ports", new ListMerge("port"),
          "status.conditions", new ListMerge("type"))),
      Map.entry("ServiceAccount", Map.of("secrets", new ListMerge("name"))),
      Map.entry("ComponentStatus", Map.of("conditions", new ListMerge("type"))),
      Map.entry("Namespace", Map.of("status.conditions", new ListMerge("type"))),
      Map.entry("PersistentVolumeClaim", Map.of("status.conditions", new ListMerge("type"))),
      Map.entry("Deployment", Map.of("status.conditions", new ListMerge("type"))),
      Map.entry("ReplicaSet", Map.of("status.conditions", new ListMerge("type"))),
      Map.entry("DaemonSet", Map.of("status.conditions", new ListMerge("type"))),
      Map.entry("StatefulSet", Map.of("status.conditions", new ListMerge("type"))),
      Map.entry("Job", Map.of("status.conditions", new ListMerge("type"))),
      Map.entry("ReplicationController", Map.of("status.conditions", new ListMerge("type"))),
      Map.entry("HorizontalPodAutoscaler", Map.of("status.conditions", new ListMerge("type"))));

  /** Kind, then field path, to list strategy; "" holds the rules every kind shares (its metadata). */
  private static final Map<String, Map<String, ListMerge>> RULES = buildRules();

  private static Map<String, Map<String, ListMerge>> buildRules() {
    Set<String> kinds = new HashSet<>(KIND_RULES.keySet());
    kinds.addAll(POD_TEMPLATE_AT.keySet());
    kinds.add("Pod");
    Map<String, Map<String, ListMerge>> rules = new HashMap<>();
    rules.put("", prefixed("metadata", OBJECT_META));
    for (String kind : kinds) {
      Map<String, ListMerge> m = new HashMap<>(rules.get(""));
      m.putAll(KIND_RULES.getOrDefault(kind, Map.of()));
      if (kind.equals("Pod")) {
        m.putAll(prefixed("spec", POD_SPEC));
      }
      String template = POD_TEMPLATE_AT.get(kind);
      if (template != null) {
        m.putAll(prefixed(template + ".metadata", OBJECT_META));
        m.putAll(prefixed(template + ".spec", POD_SPEC));
      }
      if (kind.equals("CronJob")) {
        m.putAll(prefixed("spec.jobTemplate.metadata", OBJECT_META));
      }
      rules.put(kind, Map.copyOf(m));
    }
    return Map.copyOf(rules);
  }

  private static Map<String, ListMerge> prefixed(String prefix, Map<String, ListMerge> relative) {
    Map<String, ListMerge> m = new HashMap<>();
    relative.forEach((path, merge) -> m.put(prefix + "." + path, merge));
    return m;
  }

  /**
   * How the list at {@code path} (field names joined by '.', list elements adding nothing) of a {@code kind}
   * merges; empty when the list is atomic. Server-side apply identifies list elements by the same table.
   */
  public static java.util.Optional<ListMerge> listMerge(String kind, String path) {
    return java.util.Optional.ofNullable(RULES.getOrDefault(kind, RULES.get("")).get(path));
  }

  // ---- applying a patch ----

  /**
   * Applies {@code patch} to a copy of {@code target} (null meaning an empty object); neither is modified. Kinds
   * without a table entry merge only their metadata lists strategically, all others atomically.
   *
   * @throws PatchException if the patch is not an object, a directive is unknown or malformed, or an element of a
   *     keyed list lacks its merge key
   */
  public static JsonNode apply(String kind, JsonNode target, JsonNode patch) throws PatchException {
    if (patch == null || !patch.isObject()) {
      throw new PatchException("a strategic merge patch must be a JSON object, e.g. {\"spec\":{\"replicas\":3}}");
    }
    Map<String, ListMerge> rules = RULES.getOrDefault(kind, RULES.get(""));
    ObjectNode base = target != null && target.isObject() ? (ObjectNode) target.deepCopy() : null;
    JsonNode merged = new Merger(rules).mergeObject(base, patch, "");
    return merged == null ? JsonNodeFactory.instance.objectNode() : merged;
  }

  /** One application: the rules of the target's kind. Nodes passed as {@code owned} belong to the result. */
  private record Merger(Map<String, ListMerge> rules) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Merges a patch map into {@code owned} (null if absent); returns null if the map is to be deleted. */
    JsonNode mergeObject(ObjectNode owned, JsonNode patch, String path) {
      String directive = directive(patch, path);
      if ("delete".equals(directive)) {
        return null;
      }
      ObjectNode result = owned == null || "replace".equals(directive) ? NODES.objectNode() : owned;
      // Kubernetes prunes with $retainKeys before merging, so the patch's own keys always survive.
      JsonNode retain = patch.get(RETAIN_KEYS);
      if (retain != null) {
        Set<String> keep = new HashSet<>();
        for (JsonNode k : strings(retain, RETAIN_KEYS, path)) {
          keep.add(k.asText());
        }
        List<String> names = new ArrayList<>();
        result.fieldNames().forEachRemaining(names::add);
        names.stream().filter(n -> !keep.contains(n)).forEach(result::remove);
      }
      for (Map.Entry<String, JsonNode> e : patch.properties()) {
        if (e.getKey().startsWith(DELETE_PRIMITIVES)) {
          String field = e.getKey().substring(DELETE_PRIMITIVES.length());
          JsonNode doomed = list(e.getValue(), e.getKey(), path);
          if (result.get(field) instanceof ArrayNode list) {
            removeMatching(list, doomed);
          }
        }
      }
      for (Map.Entry<String, JsonNode> e : patch.properties()) {
        String key = e.getKey();
        if (isDirective(key)) {
          continue;
        }
        JsonNode value = e.getValue();
        if (value.isNull()) {
          result.remove(key);
          continue;
        }
        JsonNode merged = mergeValue(result.get(key), value, child(path, key));
        if (merged == null) {
          result.remove(key);
        } else {
          result.set(key, merged);
        }
      }
      for (Map.Entry<String, JsonNode> e : patch.properties()) {
        if (e.getKey().startsWith(SET_ORDER)) {
          String field = e.getKey().substring(SET_ORDER.length());
          JsonNode order = list(e.getValue(), e.getKey(), path);
          if (result.get(field) instanceof ArrayNode list) {
            reorder(list, order, child(path, field));
          }
        }
      }
      return result;
    }

    private JsonNode mergeValue(JsonNode existing, JsonNode patch, String path) {
      if (patch.isObject()) {
        return mergeObject(existing instanceof ObjectNode o ? o : null, patch, path);
      }
      if (patch.isArray()) {
        return mergeList(existing instanceof ArrayNode a ? a : null, patch, path);
      }
      return patch.deepCopy();
    }

    private ArrayNode mergeList(ArrayNode owned, JsonNode patch, String path) {
      ListMerge rule = rules.get(path);
      if (rule == null) {
        return atomicList(patch, path);
      }
      ArrayNode result = owned == null ? NODES.arrayNode() : owned;
      if (rule.mergeKey() == null) {
        for (JsonNode v : patch) {
          if (v.isContainerNode()) {
            throw new PatchException(path + " is a list of values, so it cannot merge " + v);
          }
          if (indexOf(result, null, v) < 0) {
            result.add(v.deepCopy());
          }
        }
        return result;
      }
      String key = rule.mergeKey();
      // Directive elements act first, as in Kubernetes, so deleting and re-adding an element in one patch works.
      List<JsonNode> elements = new ArrayList<>();
      boolean replace = false;
      for (JsonNode el : patch) {
        if (!el.isObject()) {
          throw new PatchException(path + " merges its elements by \"" + key + "\"; " + el + " is not an object");
        }
        String directive = directive(el, path);
        if ("delete".equals(directive)) {
          JsonNode id = mergeKeyOf(el, key, path);
          int i;
          while ((i = indexOf(result, key, id)) >= 0) {
            result.remove(i);
          }
        } else if ("replace".equals(directive)) {
          replace = true;
        } else {
          elements.add(el);
        }
      }
      if (replace) {
        result = NODES.arrayNode();
      }
      for (JsonNode el : elements) {
        int i = indexOf(result, key, mergeKeyOf(el, key, path));
        JsonNode merged = mergeObject(i >= 0 ? (ObjectNode) result.get(i) : null, el, path);
        if (i >= 0) {
          result.set(i, merged);
        } else {
          result.add(merged);
        }
      }
      return result;
    }

    /** A list replaced whole: copied from the patch with nulls and directives cleaned out of its elements. */
    private ArrayNode atomicList(JsonNode patch, String path) {
      ArrayNode result = NODES.arrayNode();
      for (JsonNode el : patch) {
        if (el.isObject() && el.size() == 1 && el.has(PATCH)) {
          // A bare {"$patch": "replace"} only restates that the list is replaced.
          directive(el, path);
          continue;
        }
        if (el.isObject()) {
          JsonNode cleaned = mergeObject(null, el, path);
          if (cleaned != null) {
            result.add(cleaned);
          }
        } else if (el.isArray()) {
          result.add(atomicList(el, path));
        } else {
          result.add(el.deepCopy());
        }
      }
      return result;
    }

    /** Puts the listed elements first, in the given order; the rest follow in their merged order. */
    private void reorder(ArrayNode list, JsonNode order, String path) {
      ListMerge rule = rules.get(path);
      String key = rule == null ? null : rule.mergeKey();
      List<JsonNode> remaining = new ArrayList<>();
      list.forEach(remaining::add);
      List<JsonNode> sorted = new ArrayList<>();
      for (JsonNode o : order) {
        JsonNode id = key == null ? o : mergeKeyOf(o, key, path);
        for (int i = 0; i < remaining.size(); i++) {
          if (matches(remaining.get(i), key, id)) {
            sorted.add(remaining.remove(i));
            break;
          }
        }
      }
      sorted.addAll(remaining);
      list.removeAll();
      list.addAll(sorted);
    }

    private static boolean isDirective(String key) {
      return key.equals(PATCH) || key.equals(RETAIN_KEYS) || key.startsWith(SET_ORDER)
          || key.startsWith(DELETE_PRIMITIVES);
    }

    private static String directive(JsonNode map, String path) {
      JsonNode d = map.get(PATCH);
      if (d == null) {
        return null;
      }
      String v = d.asText();
      if (!d.isTextual() || !(v.equals("replace") || v.equals("delete") || v.equals("merge"))) {
        throw new PatchException("unknown patch type: " + d + " in map: " + map + " at " + where(path)
            + "; $patch must be replace, delete or merge");
      }
      return v;
    }

    private static JsonNode mergeKeyOf(JsonNode el, String key, String path) {
      JsonNode id = el.get(key);
      if (id == null || id.isNull()) {
        throw new PatchException("map: " + el + " does not contain declared merge key: " + key + " (at "
            + where(path) + ")");
      }
      return id;
    }

    private static int indexOf(ArrayNode list, String key, JsonNode id) {
      for (int i = 0; i < list.size(); i++) {
        if (matches(list.get(i), key, id)) {
          return i;
        }
      }
      return -1;
    }

    private static boolean matches(JsonNode el, String key, JsonNode id) {
      JsonNode own = key == null ? el : el.get(key);
      return own != null && JsonPatch.jsonEquals(own, id);
    }

    private static void removeMatching(ArrayNode list, JsonNode doomed) {
      for (int i = list.size() - 1; i >= 0; i--) {
        for (JsonNode d : doomed) {
          if (JsonPatch.jsonEquals(list.get(i), d)) {
            list.remove(i);
            break;
          }
        }
      }
    }

    private static JsonNode list(JsonNode value, String directive, String path) {
      if (!value.isArray()) {
        throw new PatchException(directive + " at " + where(path) + " must be a list, not " + value);
      }
      return value;
    }

    private static JsonNode strings(JsonNode value, String directive, String path) {
      for (JsonNode v : list(value, directive, path)) {
        if (!v.isTextual()) {
          throw new PatchException(directive + " at " + where(path) + " must list field names, not " + v);
        }
      }
      return value;
    }

    private static String child(String path, String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    private static String where(String path) {
      return path.isEmpty() ? "the top level" : path;
    }
  }
}

package io.tugboat.model.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Kubernetes' LimitRanger admission plugin as pure functions: a namespace's LimitRanges fill default requests and
 * limits into a new pod's containers (writing the {@code kubernetes.io/limit-ranger} annotation), then their
 * min, max and maxLimitRequestRatio are enforced per Container, per Pod (summed over containers) and per
 * PersistentVolumeClaim (storage requests). A violation is the reason text of a 403, worded as Kubernetes does.
 */
public final class LimitRanger {

  /** The annotation naming what the plugin filled in. */
  public static final String ANNOTATION = "kubernetes.io/limit-ranger";

  private LimitRanger() {}

  /**
   * Fills defaults into the pod (in place) and checks every range. A container's requests first default to its
   * own limits, as the API's defaulting does before admission, so a range's defaultRequest never overrides them.
   *
   * @return the violations joined as Kubernetes joins them, empty when the pod is admitted
   */
  public static Optional<String> admitPod(ObjectNode pod, List<? extends JsonNode> limitRanges) {
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode c : pod.path("spec").path(list)) {
        if (c.path("resources").path("limits") instanceof ObjectNode limits && limits.size() > 0) {
          ObjectNode res = (ObjectNode) c.get("resources");
          ObjectNode requests = res.get("requests") instanceof ObjectNode r ? r : res.putObject("requests");
          limits.fields().forEachRemaining(e -> {
            if (!requests.has(e.getKey())) {
              requests.set(e.getKey(), e.getValue().deepCopy());
            }
          });
        }
      }
    }
    for (JsonNode range : limitRanges) {
      applyDefaults(pod, range);
    }
    List<String> errors = new ArrayList<>();
    for (JsonNode range : limitRanges) {
      errors.addAll(validatePod(pod, range));
    }
    return aggregate(errors);
  }

  /** Checks a claim's storage request against the PersistentVolumeClaim ranges. */
  public static Optional<String> admitClaim(JsonNode claim, List<? extends JsonNode> limitRanges) {
    List<String> errors = new ArrayList<>();
    Map<String, Amount> requests = resources(claim.path("spec").path("resources").path("requests"));
    for (JsonNode range : limitRanges) {
      for (JsonNode item : range.path("spec").path("limits")) {
        if (!"PersistentVolumeClaim".equals(item.path("type").asText())) {
          continue;
        }
        resources(item.path("min")).forEach((k, v) -> min("PersistentVolumeClaim", k, v, requests, Map.of())
            .ifPresent(errors::add));
        resources(item.path("max")).forEach((k, v) -> maxRequest("PersistentVolumeClaim", k, v, requests)
            .ifPresent(errors::add));
      }
    }
    return aggregate(errors);
  }

  /** Kubernetes' aggregate error text: one message alone, several in brackets, duplicates dropped. */
  static Optional<String> aggregate(List<String> errors) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(errors));
    if (distinct.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(distinct.size() == 1 ? distinct.get(0) : "[" + String.join(", ", distinct) + "]");
  }

  private static void applyDefaults(ObjectNode pod, JsonNode range) {
    Map<String, Amount> defaultLimits = new TreeMap<>();
    Map<String, Amount> defaultRequests = new TreeMap<>();
    for (JsonNode item : range.path("spec").path("limits")) {
      if ("Container".equals(item.path("type").asText())) {
        defaultRequests.putAll(resources(item.path("defaultRequest")));
        defaultLimits.putAll(resources(item.path("default")));
      }
    }
    if (defaultLimits.isEmpty() && defaultRequests.isEmpty()) {
      return;
    }
    List<String> notes = new ArrayList<>();
    JsonNode spec = pod.path("spec");
    merge(spec.path("containers"), "container", defaultLimits, defaultRequests, notes);
    merge(spec.path("initContainers"), "init container", defaultLimits, defaultRequests, notes);
    if (!notes.isEmpty()) {
      ObjectNode meta = Json.meta(pod);
      ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
      annotations.put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", notes));
    }
  }

  private static void merge(JsonNode containers, String prefix, Map<String, Amount> limits,
      Map<String, Amount> requests, List<String> notes) {
    for (JsonNode c : containers) {
      if (!(c instanceof ObjectNode container)) {
        continue;
      }
      ObjectNode res = container.get("resources") instanceof ObjectNode r ? r : container.putObject("resources");
      List<String> setRequests = fill(res, "requests", requests);
      List<String> setLimits = fill(res, "limits", limits);
      String name = container.path("name").asText();
      if (!setRequests.isEmpty()) {
        notes.add(String.join(", ", setRequests) + " request for " + prefix + " " + name);
      }
      if (!setLimits.isEmpty()) {
        notes.add(String.join(", ", setLimits) + " limit for " + prefix + " " + name);
      }
    }
  }

  private static List<String> fill(ObjectNode resources, String field, Map<String, Amount> defaults) {
    List<String> set = new ArrayList<>();
    if (defaults.isEmpty()) {
      return set;
    }
    ObjectNode target = resources.get(field) instanceof ObjectNode t ? t : resources.putObject(field);
    defaults.forEach((k, v) -> {
      if (!target.has(k)) {
        target.put(k, v.toString());
        set.add(k);
      }
    });
    return set;
  }

  private static List<String> validatePod(JsonNode pod, JsonNode range) {
    List<String> errors = new ArrayList<>();
    JsonNode spec = pod.path("spec");
    for (JsonNode item : range.path("spec").path("limits")) {
      String type = item.path("type").asText();
      if (type.equals("Container")) {
        for (String list : List.of("containers", "initContainers")) {
          for (JsonNode c : spec.path(list)) {
            Map<String, Amount> req = resources(c.path("resources").path("requests"));
            Map<String, Amount> lim = resources(c.path("resources").path("limits"));
            check("Container", item, req, lim, errors);
          }
        }
      } else if (type.equals("Pod")) {
        check("Pod", item, podTotal(spec, "requests"), podTotal(spec, "limits"), errors);
      }
    }
    return errors;
  }

  private static void check(String type, JsonNode item, Map<String, Amount> req, Map<String, Amount> lim,
      List<String> errors) {
    resources(item.path("min")).forEach((k, v) -> min(type, k, v, req, lim).ifPresent(errors::add));
    resources(item.path("max")).forEach((k, v) -> max(type, k, v, req, lim).ifPresent(errors::add));
    resources(item.path("maxLimitRequestRatio")).forEach((k, v) -> ratio(type, k, v, req, lim)
        .ifPresent(errors::add));
  }

  /** A pod's requests or limits: the sum over its containers, raised to any init container's that is larger. */
  static Map<String, Amount> podTotal(JsonNode spec, String field) {
    Map<String, Amount> total = new TreeMap<>();
    for (JsonNode c : spec.path("containers")) {
      resources(c.path("resources").path(field)).forEach((k, v) -> total.merge(k, v, Amount::plus));
    }
    for (JsonNode c : spec.path("initContainers")) {
      resources(c.path("resources").path(field)).forEach((k, v) -> total.merge(k, v,
          (a, b) -> a.compareTo(b) >= 0 ? a : b));
    }
    return total;
  }

  private static Optional<String> min(String type, String resource, Amount enforced, Map<String, Amount> req,
      Map<String, Amount> lim) {
    Amount r = req.get(resource);
    Amount l = lim.get(resource);
    if (r == null) {
      return Optional.of("minimum " + resource + " usage per " + type + " is " + enforced + ".  No request is specified");
    }
    if (r.compareTo(enforced) < 0) {
      return Optional.of("minimum " + resource + " usage per " + type + " is " + enforced + ", but request is " + r);
    }
    if (l != null && l.compareTo(enforced) < 0) {
      return Optional.of("minimum " + resource + " usage per " + type + " is " + enforced + ", but limit is " + l);
    }
    return Optional.empty();
  }

  private static Optional<String> max(String type, String resource, Amount enforced, Map<String, Amount> req,
      Map<String, Amount> lim) {
    Amount r = req.get(resource);
    Amount l = lim.get(resource);
    if (l == null) {
      return Optional.of("maximum " + resource + " usage per " + type + " is " + enforced + ".  No limit is specified");
    }
    if (l.compareTo(enforced) > 0) {
      return Optional.of("maximum " + resource + " usage per " + type + " is " + enforced + ", but limit is " + l);
    }
    if (r != null && r.compareTo(enforced) > 0) {
      return Optional.of("maximum " + resource + " usage per " + type + " is " + enforced + ", but request is " + r);
    }
    return Optional.empty();
  }

  private static Optional<String> maxRequest(String type, String resource, Amount enforced, Map<String, Amount> req) {
    Amount r = req.get(resource);
    if (r == null) {
      return Optional.of("maximum " + resource + " usage per " + type + " is " + enforced
          + ".  No request is specified");
    }
    if (r.compareTo(enforced) > 0) {
      return Optional.of("maximum " + resource + " usage per " + type + " is " + enforced + ", but request is " + r);
    }
    return Optional.empty();
  }

  private static Optional<String> ratio(String type, String resource, Amount enforced, Map<String, Amount> req,
      Map<String, Amount> lim) {
    Amount r = req.get(resource);
    Amount l = lim.get(resource);
    String head = resource + " max limit to request ratio per " + type + " is " + enforced;
    if (r == null || r.value().signum() == 0) {
      return Optional.of(head + ", but no request is specified or request is 0");
    }
    if (l == null || l.value().signum() == 0) {
      return Optional.of(head + ", but no limit is specified or limit is 0");
    }
    double observed = l.value().doubleValue() / r.value().doubleValue();
    if (observed > enforced.value().doubleValue()) {
      return Optional.of(head + ", but provided ratio is " + String.format(java.util.Locale.ROOT, "%f", observed));
    }
    return Optional.empty();
  }

  /** The parseable quantities of a resource list, by name (sorted, so messages come in a stable order). */
  static Map<String, Amount> resources(JsonNode list) {
    Map<String, Amount> out = new TreeMap<>();
    list.fields().forEachRemaining(e -> Amount.parse(e.getValue()).ifPresent(a -> out.put(e.getKey(), a)));
    return out;
  }
}

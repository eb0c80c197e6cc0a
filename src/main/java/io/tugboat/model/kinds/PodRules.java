package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import io.tugboat.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Admission of Pods: the PodSpec rules plus pod-only defaults, status on create, and the narrow update rule. */
public final class PodRules implements KindRules {

  /** Kubernetes' message when an update touches a pod field that may not change. */
  public static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than"
      + " `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
      + "`spec.tolerations` (only additions to existing tolerations),"
      + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

  private static final Set<String> QOS_RESOURCES = Set.of("cpu", "memory");

  /** The taint a node gets when it reports Ready False. */
  public static final String TAINT_NOT_READY = "node.kubernetes.io/not-ready";
  /** The taint a node gets when it stops reporting (Ready Unknown). */
  public static final String TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";

  /**
   * The tolerationSeconds DefaultTolerationSeconds gives every pod for the not-ready and unreachable NoExecute
   * taints. Kubernetes sets it by API-server flags; Tugboat's start-up sets it once from configuration
   * ({@code tugboat.node-lifecycle.default-eviction-toleration}) before the API serves.
   */
  private static volatile long defaultTolerationSeconds = 300;

  /** Sets the tolerationSeconds of the default not-ready and unreachable tolerations (start-up only). */
  public static void setDefaultTolerationSeconds(long seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException("default toleration seconds must be >= 0, not " + seconds);
    }
    defaultTolerationSeconds = seconds;
  }

  @Override
  public void applyDefaults(ObjectNode pod) {
    ObjectNode spec = Fields.object(pod, "spec");
    PodSpecRules.applyDefaults(spec);
    // Pod-only defaults: templates do not get these, so that changing them does not roll every workload.
    Fields.defaultBool(spec, "enableServiceLinks", true);
    for (String list : List.of("initContainers", "containers")) {
      for (ObjectNode c : Fields.objects(spec, list)) {
        if (c.path("resources").get("limits") instanceof ObjectNode limits && limits.size() > 0) {
          ObjectNode requests = Fields.object((ObjectNode) c.get("resources"), "requests");
          limits.fields().forEachRemaining(e -> {
            if (!requests.has(e.getKey())) {
              requests.set(e.getKey(), e.getValue().deepCopy());
            }
          });
        }
      }
    }
    defaultTolerations(spec);
    ObjectNode status = Fields.object(pod, "status");
    Fields.defaultText(status, "phase", "Pending");
    Fields.defaultText(status, "qosClass", qosClass(spec));
  }

  /**
   * Kubernetes' DefaultTolerationSeconds admission: a pod that does not already tolerate the not-ready or
   * unreachable NoExecute taint gets a toleration for it (operator Exists) for a bounded time, so pods leave a
   * dead node after that long rather than at once. A toleration with an empty key or effect counts as one.
   */
  static void defaultTolerations(ObjectNode spec) {
    boolean notReady = false;
    boolean unreachable = false;
    for (JsonNode t : spec.path("tolerations")) {
      String key = Fields.text(t, "key");
      String effect = Fields.text(t, "effect");
      if (effect.isEmpty() || effect.equals("NoExecute")) {
        notReady |= key.isEmpty() || key.equals(TAINT_NOT_READY);
        unreachable |= key.isEmpty() || key.equals(TAINT_UNREACHABLE);
      }
    }
    if (notReady && unreachable) {
      return;
    }
    ArrayNode tolerations = Fields.array(spec, "tolerations");
    // An int, as a JSON body would parse it, so the toleration compares equal when an update sends it back.
    int seconds = (int) Math.min(Integer.MAX_VALUE, defaultTolerationSeconds);
    if (!notReady) {
      tolerations.addObject().put("key", TAINT_NOT_READY).put("operator", "Exists").put("effect", "NoExecute")
          .put("tolerationSeconds", seconds);
    }
    if (!unreachable) {
      tolerations.addObject().put("key", TAINT_UNREACHABLE).put("operator", "Exists").put("effect", "NoExecute")
          .put("tolerationSeconds", seconds);
    }
  }

  @Override
  public List<FieldError> validate(ObjectNode pod) {
    return PodSpecRules.validate(pod.path("spec"), "spec");
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode pod, ObjectNode old) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode newSpec = pod.path("spec");
    JsonNode oldSpec = old.path("spec");
    boolean newDeadline = has(newSpec, "activeDeadlineSeconds");
    boolean oldDeadline = has(oldSpec, "activeDeadlineSeconds");
    if (newDeadline && oldDeadline
        && newSpec.get("activeDeadlineSeconds").asLong() > oldSpec.get("activeDeadlineSeconds").asLong()) {
      errs.add(FieldError.invalid("spec.activeDeadlineSeconds", newSpec.get("activeDeadlineSeconds").asLong(),
          "must be less than or equal to previous value"));
      return errs;
    }
    if (!newDeadline && oldDeadline) {
      errs.add(FieldError.invalid("spec.activeDeadlineSeconds", "nil", "must not update from a positive integer to nil value"));
      return errs;
    }
    Set<JsonNode> newTolerations = new HashSet<>();
    newSpec.path("tolerations").forEach(newTolerations::add);
    int i = 0;
    for (JsonNode t : oldSpec.path("tolerations")) {
      if (!newTolerations.contains(t)) {
        errs.add(FieldError.forbidden("spec.tolerations[" + i + "]",
            "existing toleration can not be modified except its tolerationSeconds"));
      }
      i++;
    }
    if (!errs.isEmpty()) {
      return errs;
    }
    // Compare the specs with every field that may change copied from the old one.
    ObjectNode munged = newSpec.isObject() ? ((ObjectNode) newSpec).deepCopy() : pod.objectNode();
    for (String list : List.of("initContainers", "containers")) {
      JsonNode oldList = oldSpec.path(list);
      if (munged.get(list) instanceof ArrayNode containers && containers.size() == oldList.size()) {
        for (int c = 0; c < containers.size(); c++) {
          if (containers.get(c) instanceof ObjectNode container && oldList.get(c).has("image")) {
            container.set("image", oldList.get(c).get("image"));
          }
        }
      }
    }
    copyOrRemove(munged, oldSpec, "activeDeadlineSeconds");
    copyOrRemove(munged, oldSpec, "tolerations");
    if (oldSpec.path("terminationGracePeriodSeconds").asLong(0) < 0
        && munged.path("terminationGracePeriodSeconds").asLong(0) == 1) {
      copyOrRemove(munged, oldSpec, "terminationGracePeriodSeconds");
    }
    if (!Fields.same(munged, oldSpec)) {
      errs.add(FieldError.forbidden("spec", UPDATE_FORBIDDEN));
    }
    return errs;
  }

  private static void copyOrRemove(ObjectNode target, JsonNode source, String field) {
    if (source.has(field)) {
      target.set(field, source.get(field).deepCopy());
    } else {
      target.remove(field);
    }
  }

  /** The pod's QoS class from its containers' cpu and memory requests and limits (after requests default to limits). */
  public static String qosClass(JsonNode spec) {
    Map<String, BigDecimal> requests = new HashMap<>();
    Map<String, BigDecimal> limits = new HashMap<>();
    boolean guaranteed = true;
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : spec.path(list)) {
        sum(c.path("resources").path("requests"), requests);
        Set<String> found = sum(c.path("resources").path("limits"), limits);
        if (!found.containsAll(QOS_RESOURCES)) {
          guaranteed = false;
        }
      }
    }
    if (requests.isEmpty() && limits.isEmpty()) {
      return "BestEffort";
    }
    if (guaranteed) {
      for (Map.Entry<String, BigDecimal> r : requests.entrySet()) {
        BigDecimal l = limits.get(r.getKey());
        if (l == null || l.compareTo(r.getValue()) != 0) {
          guaranteed = false;
          break;
        }
      }
    }
    return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
  }

  private static Set<String> sum(JsonNode resources, Map<String, BigDecimal> totals) {
    Set<String> found = new HashSet<>();
    for (Map.Entry<String, JsonNode> e : Fields.entries(resources)) {
      Optional<BigDecimal> q = Quantity.tryParse(e.getValue());
      if (QOS_RESOURCES.contains(e.getKey()) && q.isPresent() && q.get().signum() > 0) {
        found.add(e.getKey());
        totals.merge(e.getKey(), q.get(), BigDecimal::add);
      }
    }
    return found;
  }
}

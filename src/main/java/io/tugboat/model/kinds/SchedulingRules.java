package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.FieldError;
import io.tugboat.model.Json;
import io.tugboat.model.KindRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * scheduling.k8s.io PriorityClasses, and the Priority admission plugin that resolves a pod's
 * spec.priorityClassName into spec.priority (and spec.preemptionPolicy) when the pod is created.
 */
public final class SchedulingRules implements KindRules {

  /** The rules of PriorityClass objects. */
  public static final KindRules PRIORITY_CLASS = new SchedulingRules();

  /** The highest priority a user-defined class may have; higher values are reserved for system classes. */
  public static final long HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000L;

  /** The classes Kubernetes always has, with their values: pods may name them even if no object exists. */
  public static final Map<String, Long> SYSTEM_CLASSES = Map.of(
      "system-node-critical", 2_000_001_000L, "system-cluster-critical", 2_000_000_000L);

  private static final List<String> POLICIES = List.of("Never", "PreemptLowerPriority");

  private SchedulingRules() {}

  @Override
  public void applyDefaults(ObjectNode pc) {
    Fields.defaultText(pc, "preemptionPolicy", "PreemptLowerPriority");
  }

  @Override
  public List<FieldError> validate(ObjectNode pc) {
    List<FieldError> errs = new ArrayList<>();
    String name = Json.metaText(pc, "name");
    JsonNode value = pc.get("value");
    if (value == null || value.isNull()) {
      errs.add(FieldError.required("value"));
    } else if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      errs.add(FieldError.invalid("value", value.asText(), "must be a 32-bit integer"));
    } else if (name.startsWith("system-")) {
      if (!SYSTEM_CLASSES.containsKey(name)) {
        errs.add(FieldError.forbidden("metadata.name", "priority class names with 'system-' prefix are reserved"
            + " for system use only"));
      } else if (value.asLong() != SYSTEM_CLASSES.get(name)) {
        errs.add(FieldError.forbidden("value", "value of " + name + " must be " + SYSTEM_CLASSES.get(name)));
      }
    } else if (value.asLong() > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.add(FieldError.forbidden("value", "maximum allowed value of a user defined priority is "
          + HIGHEST_USER_DEFINABLE_PRIORITY));
    }
    Fields.oneOf(errs, pc, "preemptionPolicy", "preemptionPolicy", POLICIES);
    return errs;
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode pc, ObjectNode old) {
    List<FieldError> errs = new ArrayList<>();
    for (String field : List.of("value", "preemptionPolicy")) {
      if (!Fields.same(pc.path(field), old.path(field))) {
        errs.add(FieldError.invalid(field, pc.path(field).asText(), "field is immutable"));
      }
    }
    return errs;
  }

  /**
   * Kubernetes' Priority admission for a new pod, in place: an empty priorityClassName takes the global
   * default class (priority 0 when there is none); a named class must exist; a priority or preemptionPolicy
   * the client set must agree with the class.
   *
   * @param classes a PriorityClass by name, as the server stores it
   * @param globalDefault the class marked globalDefault, if any
   * @throws ApiException 403 Forbidden as Kubernetes' admission plugin answers
   */
  public static void resolvePodPriority(ObjectNode pod, Function<String, Optional<JsonNode>> classes,
      Optional<JsonNode> globalDefault) {
    JsonNode specNode = pod.get("spec");
    if (!(specNode instanceof ObjectNode spec)) {
      return;
    }
    String className = Fields.text(spec, "priorityClassName");
    long priority;
    String policy = null;
    if (className.isEmpty()) {
      if (globalDefault.isPresent()) {
        className = Json.metaText(globalDefault.get(), "name");
        priority = globalDefault.get().path("value").asLong(0);
        policy = Json.text(globalDefault.get().path("preemptionPolicy"));
        spec.put("priorityClassName", className);
      } else {
        priority = 0;
      }
    } else {
      Optional<JsonNode> pc = classes.apply(className);
      if (pc.isPresent()) {
        priority = pc.get().path("value").asLong(0);
        policy = Json.text(pc.get().path("preemptionPolicy"));
      } else if (SYSTEM_CLASSES.containsKey(className)) {
        priority = SYSTEM_CLASSES.get(className);
        policy = "PreemptLowerPriority";
      } else {
        throw forbidden(pod, "no PriorityClass with name " + className + " was found");
      }
    }
    if (has(spec, "priority") && spec.get("priority").asLong() != priority) {
      throw forbidden(pod, "the integer value of priority (" + spec.get("priority").asLong() + ") must not be"
          + " provided in pod spec; priority admission controller computed " + priority
          + " from the given PriorityClass name");
    }
    spec.put("priority", (int) priority);
    if (policy != null && !policy.isEmpty()) {
      String given = Fields.text(spec, "preemptionPolicy");
      if (!given.isEmpty() && !given.equals(policy)) {
        throw forbidden(pod, "the string value of PreemptionPolicy (" + given + ") must not be provided in pod"
            + " spec; priority admission controller computed " + policy + " from the given PriorityClass name");
      }
      spec.put("preemptionPolicy", policy);
    }
  }

  /**
   * Kubernetes' check when a PriorityClass is created: at most one class may be the global default.
   *
   * @throws ApiException 403 Forbidden naming the class that already is
   */
  public static void checkSingleDefault(ObjectNode pc, Optional<JsonNode> globalDefault) {
    if (pc.path("globalDefault").asBoolean(false) && globalDefault.isPresent()) {
      throw new ApiException(ApiError.forbidden("priorityclasses", Json.metaText(pc, "name"), "PriorityClass "
          + Json.metaText(globalDefault.get(), "name") + " is already marked as default. Only one default can exist"));
    }
  }

  private static ApiException forbidden(JsonNode pod, String why) {
    return new ApiException(ApiError.forbidden("pods", Json.metaText(pod, "name"), why));
  }
}

package io.tugboat.controllers.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.autoscaling.MetricReplicas.Event;
import io.tugboat.controllers.autoscaling.Scaling.Behavior;
import io.tugboat.controllers.autoscaling.Scaling.Condition;
import io.tugboat.controllers.autoscaling.Scaling.History;
import io.tugboat.controllers.autoscaling.Scaling.Normalized;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelector;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Scale;
import io.tugboat.node.NodeUsage;
import io.tugboat.store.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One HPA's reconcile step (Kubernetes' reconcileAutoscaler), pure: read the target's scale, let the metrics
 * propose replicas, keep them within min/max, the stabilization window and the rate limits ({@link Scaling}),
 * and say what to write: the target's new replicas (if any), the HPA's status (AbleToScale, ScalingActive,
 * ScalingLimited, currentMetrics, currentReplicas, desiredReplicas, lastScaleTime) and the events.
 */
final class HpaSync {

  private HpaSync() {}

  /**
   * The controller's knobs (kube-controller-manager's HPA flags).
   *
   * @param calculator tolerance and the CPU initialization and readiness delays
   * @param downscaleStabilization the scale-down window of HPAs without behavior (and behavior's default)
   */
  record Settings(ReplicaCalculator.Params calculator, Duration downscaleStabilization) {}

  /**
   * What to do for one HPA.
   *
   * @param target the scale target, null when it could not be read
   * @param scaleTo the replicas to write to the target, null to leave it
   * @param from the target's replicas before
   * @param status the HPA's status once the rescale (if any) succeeded
   * @param events what to report once the rescale (if any) succeeded
   * @param history what to remember once the rescale (if any) succeeded
   * @param historyIfFailed what to remember when the rescale fails
   * @param failedStatus the status when the rescale fails (add the error with {@link #rescaleFailed})
   * @param reason the rescale's reason ("cpu resource utilization (percentage of request) above target")
   */
  record Decision(ObjectKey target, Integer scaleTo, int from, ObjectNode status, List<Event> events,
      History history, History historyIfFailed, ObjectNode failedStatus, String reason) {}

  /**
   * The step for {@code hpa} (stored, autoscaling/v2) at {@code now}: {@code objects} reads the cache,
   * {@code pods} lists a namespace's pods matching a selector, {@code usage} is the cluster's latest usage.
   */
  static Decision sync(JsonNode hpa, Function<ObjectKey, Optional<JsonNode>> objects,
      BiFunction<String, LabelSelector, List<JsonNode>> pods, Map<String, NodeUsage> usage, History history,
      Settings settings, Instant now) {
    return sync(hpa, objects, pods, selected -> List.of(), usage, history, settings, now);
  }

  /**
   * Likewise, where {@code selecting} names ("namespace/name", sorted) the HPAs whose targets select any of the
   * given pods: pods under more than one HPA are left alone (AmbiguousSelector), as Kubernetes does.
   */
  static Decision sync(JsonNode hpa, Function<ObjectKey, Optional<JsonNode>> objects,
      BiFunction<String, LabelSelector, List<JsonNode>> pods, Function<List<JsonNode>, List<String>> selecting,
      Map<String, NodeUsage> usage, History history, Settings settings, Instant now) {
    JsonNode spec = hpa.path("spec");
    String namespace = Json.metaText(hpa, "namespace");
    ObjectNode status = hpa.path("status").isObject() ? hpa.path("status").deepCopy() : Json.object();
    List<Event> events = new ArrayList<>();
    JsonNode ref = spec.path("scaleTargetRef");
    String kind = Json.text(ref.path("kind"));
    String name = Json.text(ref.path("name"));
    Optional<ResourceType> type = targetType(Json.text(ref.path("apiVersion")), kind);
    Optional<JsonNode> target = type.flatMap(t -> objects.apply(ObjectKey.of(t, namespace, name)));
    if (target.isEmpty()) {
      String error = type.map(t -> t.plural() + (t.group().isEmpty() ? "" : "." + t.group()) + " \"" + name
          + "\" not found").orElse("no matches for kind \"" + kind + "\" in group \""
          + group(Json.text(ref.path("apiVersion"))) + "\"");
      String message = "the HPA controller was unable to get the target's current scale: " + error;
      setCondition(status, new Condition("AbleToScale", "False", "FailedGetScale", message), now);
      setCondition(status, new Condition("ScalingActive", "False", "FailedGetScale", message), now);
      events.add(new Event("Warning", "FailedGetScale", error));
      return new Decision(null, null, 0, withGeneration(status, hpa), events, history, history, null, "");
    }
    ObjectKey targetKey = ObjectKey.of(type.get(), namespace, name);
    setCondition(status, new Condition("AbleToScale", "True", "SucceededGetScale",
        "the HPA controller was able to get the target's current scale"), now);
    int current = Scale.replicas(target.get());
    History h = history.withInitial(current, now);
    int min = spec.path("minReplicas").asInt(1);
    int max = spec.path("maxReplicas").asInt();
    int desired = 0;
    String reason = "";
    boolean rescale = true;
    List<ObjectNode> metricStatuses = null;
    if (current == 0 && min != 0) {
      rescale = false;
      setCondition(status, new Condition("ScalingActive", "False", "ScalingDisabled",
          "scaling is disabled since the replica count of the target is zero"), now);
    } else if (current > max) {
      reason = "Current number of replicas above Spec.MaxReplicas";
      desired = max;
    } else if (current < min) {
      reason = "Current number of replicas below Spec.MinReplicas";
      desired = min;
    } else {
      String selector = Scale.selector(target.get());
      LabelSelector parsed = null;
      String selectorError = null;
      if (selector == null || selector.isEmpty()) {
        selectorError = "selector is required";
        events.add(new Event("Warning", "SelectorRequired", selectorError));
        setCondition(status, new Condition("ScalingActive", "False", "InvalidSelector",
            "the HPA target's scale is missing a selector"), now);
      } else {
        try {
          parsed = LabelSelector.parse(selector);
        } catch (IllegalArgumentException e) {
          selectorError = "couldn't convert selector into a corresponding internal selector object: "
              + e.getMessage();
          events.add(new Event("Warning", "InvalidSelector", selectorError));
          setCondition(status, new Condition("ScalingActive", "False", "InvalidSelector", selectorError), now);
        }
      }
      List<JsonNode> selected = parsed == null ? List.of() : pods.apply(namespace, parsed);
      List<String> controlling = parsed == null ? List.of() : selecting.apply(selected);
      if (controlling.size() > 1) {
        selectorError = "pods by selector " + selector + " are controlled by multiple HPAs: ["
            + String.join(" ", controlling) + "]";
        events.add(new Event("Warning", "AmbiguousSelector", selectorError));
        setCondition(status, new Condition("ScalingActive", "False", "AmbiguousSelector", selectorError), now);
      }
      MetricReplicas.Outcome outcome = selectorError != null ? null : MetricReplicas.compute(spec, current,
          selected, usage, settings.calculator(), now);
      if (outcome != null) {
        events.addAll(outcome.events());
        metricStatuses = outcome.statuses();
        setCondition(status, outcome.condition(), now);
      }
      if (outcome == null || outcome.replicas() == -1) {
        String error = outcome == null ? selectorError : outcome.error();
        events.add(new Event("Warning", "FailedComputeMetricsReplicas", error));
        setStatus(status, current, status.path("desiredReplicas").asInt(0), metricStatuses, null);
        return new Decision(targetKey, null, current, withGeneration(status, hpa), events, h, h, null, "");
      }
      desired = Math.max(0, outcome.replicas());
      if (desired > current) {
        reason = outcome.metric() + " above target";
      } else if (desired < current) {
        reason = "All metrics below target";
      }
      Behavior behavior = Behavior.of(spec, settings.downscaleStabilization());
      Normalized n = behavior == null
          ? Scaling.withoutBehavior(h, current, desired, min, max, settings.downscaleStabilization(), now)
          : Scaling.withBehavior(h, behavior, current, desired, min, max, now);
      n.conditions().forEach(c -> setCondition(status, c, now));
      h = n.history();
      desired = n.replicas();
      rescale = desired != current;
    }
    if (!rescale) {
      setStatus(status, current, current, metricStatuses, null);
      return new Decision(targetKey, null, current, withGeneration(status, hpa), events, h, h, null, reason);
    }
    ObjectNode failed = status.deepCopy();
    setStatus(failed, current, failed.path("desiredReplicas").asInt(0), metricStatuses, null);
    setCondition(status, new Condition("AbleToScale", "True", "SucceededRescale",
        "the HPA controller was able to update the target scale to " + desired), now);
    setStatus(status, current, desired, metricStatuses, now);
    events.add(new Event("Normal", "SuccessfulRescale", "New size: " + desired + "; reason: " + reason));
    History after = h.withRescale(Behavior.of(spec, settings.downscaleStabilization()), current, desired, now);
    return new Decision(targetKey, desired, current, withGeneration(status, hpa), events, after, h,
        withGeneration(failed, hpa), reason);
  }

  /** The status and event when writing the target's replicas failed with {@code error}. */
  static ObjectNode rescaleFailed(Decision d, String error, Instant now) {
    ObjectNode status = d.failedStatus().deepCopy();
    setCondition(status, new Condition("AbleToScale", "False", "FailedUpdateScale",
        "the HPA controller was unable to update the target scale: " + error), now);
    return status;
  }

  /** The Warning event of a failed rescale. */
  static Event rescaleFailedEvent(Decision d, String error) {
    return new Event("Warning", "FailedRescale", "New size: " + d.scaleTo() + "; reason: " + d.reason()
        + "; error: " + error);
  }

  /** The selector of the pods an HPA's target runs, if its target is there and has one. */
  static Optional<LabelSelector> targetSelector(JsonNode hpa, Function<ObjectKey, Optional<JsonNode>> objects) {
    JsonNode ref = hpa.path("spec").path("scaleTargetRef");
    return targetType(Json.text(ref.path("apiVersion")), Json.text(ref.path("kind")))
        .flatMap(t -> objects.apply(ObjectKey.of(t, Json.metaText(hpa, "namespace"), Json.text(ref.path("name")))))
        .map(Scale::selector).filter(s -> !s.isEmpty()).map(LabelSelector::parse);
  }

  /** The scalable resource a scaleTargetRef names; without apiVersion, any scalable kind of that name. */
  static Optional<ResourceType> targetType(String apiVersion, String kind) {
    if (apiVersion.isEmpty()) {
      return ResourceRegistry.all().stream().filter(t -> t.kind().equals(kind) && t.hasScale()).findFirst();
    }
    return ResourceRegistry.byKind(apiVersion, kind).filter(ResourceType::hasScale);
  }

  private static String group(String apiVersion) {
    return apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
  }

  private static ObjectNode withGeneration(ObjectNode status, JsonNode hpa) {
    if (hpa.path("metadata").path("generation").isNumber()) {
      status.put("observedGeneration", hpa.path("metadata").path("generation").asLong());
    }
    return status;
  }

  /** setStatus: replicas and metrics; lastScaleTime moves only when {@code rescaledAt} is given. */
  private static void setStatus(ObjectNode status, int current, int desired, List<ObjectNode> metrics,
      Instant rescaledAt) {
    status.put("currentReplicas", current);
    status.put("desiredReplicas", desired);
    if (rescaledAt != null) {
      status.put("lastScaleTime", ObjectLifecycle.timestamp(rescaledAt));
    }
    if (metrics == null || metrics.isEmpty()) {
      status.remove("currentMetrics");
    } else {
      ArrayNode list = status.putArray("currentMetrics");
      metrics.forEach(list::add);
    }
  }

  /** Sets a condition in place (appended when new); its lastTransitionTime moves only when its status changes. */
  static void setCondition(ObjectNode status, Condition c, Instant now) {
    ArrayNode conditions = status.path("conditions").isArray() ? (ArrayNode) status.get("conditions")
        : status.putArray("conditions");
    ObjectNode existing = null;
    for (JsonNode node : conditions) {
      if (c.type().equals(Json.text(node.path("type")))) {
        existing = (ObjectNode) node;
      }
    }
    if (existing == null) {
      existing = conditions.addObject().put("type", c.type());
    }
    if (!c.status().equals(Json.text(existing.path("status")))) {
      existing.put("lastTransitionTime", ObjectLifecycle.timestamp(now));
    }
    existing.put("status", c.status());
    existing.put("reason", c.reason());
    existing.put("message", c.message());
  }
}

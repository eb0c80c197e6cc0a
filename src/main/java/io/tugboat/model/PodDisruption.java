package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * PodDisruptionBudgets as pure functions: the status a budget should have given the pods it selects (what the
 * disruption controller writes), and what an eviction of a pod may do given the budgets that select it (what
 * the pods/eviction subresource checks). Mirrors Kubernetes' disruption controller and eviction REST.
 */
public final class PodDisruption {

  /** How long an eviction's entry in status.disruptedPods keeps its pod out of the healthy count. */
  public static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);
  /** The message of the 429 an eviction gets when a budget allows no disruption. */
  public static final String VIOLATES_BUDGET = "Cannot evict pod as it would violate the pod's disruption budget.";

  private PodDisruption() {}

  /** What an eviction may do. */
  public sealed interface Decision {}

  /** Delete the pod without touching a budget (none selects it, or it is not healthy anyway). */
  public record DeleteFreely() implements Decision {}

  /** Refused: the error to answer with (429 when the budget allows no disruption now). */
  public record Refused(ApiError error) implements Decision {}

  /** Write the budget's status (one disruption fewer, the pod in disruptedPods), then delete the pod. */
  public record TakeDisruption(JsonNode budget, ObjectNode newStatus) implements Decision {}

  // ---- pods ----

  /** Whether a pod has finished (Succeeded or Failed). */
  public static boolean terminal(JsonNode pod) {
    return Set.of("Succeeded", "Failed").contains(Json.text(pod.path("status").path("phase")));
  }

  /** Whether a pod is being deleted. */
  public static boolean deleting(JsonNode pod) {
    return pod.path("metadata").hasNonNull("deletionTimestamp");
  }

  /** Whether the pod's Ready condition is True. */
  public static boolean ready(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  /** Whether a budget's selector selects a pod of its namespace (a budget without selector selects nothing). */
  public static boolean selects(JsonNode budget, JsonNode pod) {
    JsonNode selector = budget.path("spec").get("selector");
    return selector != null && !selector.isNull()
        && Json.metaText(budget, "namespace").equals(Json.metaText(pod, "namespace"))
        && LabelSelectors.matches(selector, pod.path("metadata").path("labels"));
  }

  // ---- status ----

  /**
   * The status a budget should have: expectedPods counts the selected pods that have not finished (Kubernetes
   * asks their controllers' scale; counting pods is the same for workloads at their scale), currentHealthy the
   * Ready ones not being deleted nor recently evicted, desiredHealthy follows minAvailable or maxUnavailable
   * (percentages rounded up), and disruptionsAllowed is their difference, 0 when nothing is expected.
   *
   * @param pods the pods of the budget's namespace (any; the selector picks)
   */
  public static ObjectNode status(JsonNode budget, List<? extends JsonNode> pods, Instant now) {
    JsonNode spec = budget.path("spec");
    JsonNode oldStatus = budget.path("status");
    List<JsonNode> selected = new ArrayList<>();
    for (JsonNode p : pods) {
      if (selects(budget, p)) {
        selected.add(p);
      }
    }
    ObjectNode disrupted = Json.object();
    int expected = 0;
    int healthy = 0;
    for (JsonNode p : selected) {
      if (!terminal(p)) {
        expected++;
      }
      if (deleting(p)) {
        continue; // gone for the budget's purposes; its disruptedPods entry has done its job
      }
      String name = Json.metaText(p, "name");
      Instant evictedAt = instant(oldStatus.path("disruptedPods").get(name));
      if (evictedAt != null && evictedAt.plus(DELETION_TIMEOUT).isAfter(now)) {
        disrupted.put(name, oldStatus.path("disruptedPods").get(name).asText());
        continue;
      }
      if (ready(p)) {
        healthy++;
      }
    }
    int desired;
    if (has(spec, "maxUnavailable")) {
      desired = Math.max(0, expected - scaled(spec.get("maxUnavailable"), expected));
    } else if (has(spec, "minAvailable")) {
      desired = scaled(spec.get("minAvailable"), expected);
    } else {
      desired = 0;
    }
    int allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
    ObjectNode status = Json.object();
    status.put("observedGeneration", budget.path("metadata").path("generation").asLong(0));
    if (disrupted.size() > 0) {
      status.set("disruptedPods", disrupted);
    }
    status.put("disruptionsAllowed", allowed);
    status.put("currentHealthy", healthy);
    status.put("desiredHealthy", desired);
    status.put("expectedPods", expected);
    setAllowedCondition(status, oldStatus, now);
    return status;
  }

  /** Whether two statuses say the same thing (lastTransitionTime aside, which only moves with a change). */
  public static boolean sameStatus(JsonNode a, JsonNode b) {
    return ObjectLifecycle.same(stripTimes(a), stripTimes(b));
  }

  /** An int-or-percent scaled against {@code total}, percentages rounded up, as GetScaledValueFromIntOrPercent. */
  public static int scaled(JsonNode intOrPercent, int total) {
    if (intOrPercent == null || intOrPercent.isNull()) {
      return 0;
    }
    if (intOrPercent.isTextual()) {
      String s = intOrPercent.asText();
      if (s.endsWith("%")) {
        long percent = Long.parseLong(s.substring(0, s.length() - 1));
        return (int) ((percent * total + 99) / 100);
      }
      return Integer.parseInt(s);
    }
    return intOrPercent.asInt();
  }

  // ---- eviction ----

  /**
   * What evicting {@code pod} may do, given the budgets of its namespace, at {@code now}. Finished, pending and
   * deleting pods need no budget; more than one selecting budget is an error (as in Kubernetes); a pod that is
   * not Ready may go while the budget is met (IfHealthyBudget) or always (AlwaysAllow).
   */
  public static Decision evict(JsonNode pod, List<? extends JsonNode> budgets, Instant now) {
    String phase = Json.text(pod.path("status").path("phase"));
    if (terminal(pod) || phase.equals("Pending") || deleting(pod)) {
      return new DeleteFreely();
    }
    List<JsonNode> selecting = new ArrayList<>();
    for (JsonNode b : budgets) {
      if (selects(b, pod)) {
        selecting.add(b);
      }
    }
    if (selecting.isEmpty()) {
      return new DeleteFreely();
    }
    if (selecting.size() > 1) {
      return new Refused(ApiError.internal("This pod has more than one PodDisruptionBudget, which the eviction "
          + "subresource does not support."));
    }
    JsonNode budget = selecting.get(0);
    JsonNode status = budget.path("status");
    String name = Json.metaText(budget, "name");
    long current = status.path("currentHealthy").asLong(0);
    long desired = status.path("desiredHealthy").asLong(0);
    if (!ready(pod)) {
      String policy = Json.text(budget.path("spec").path("unhealthyPodEvictionPolicy"));
      if (policy.equals("AlwaysAllow") || current >= desired) {
        return new DeleteFreely();
      }
    }
    if (status.path("observedGeneration").asLong(0) < budget.path("metadata").path("generation").asLong(0)) {
      return new Refused(tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.",
          "The disruption budget " + name + " is still being processed by the server."));
    }
    long allowed = status.path("disruptionsAllowed").asLong(0);
    if (allowed <= 0) {
      return new Refused(tooManyRequests(VIOLATES_BUDGET, "The disruption budget " + name + " needs " + desired
          + " healthy pods and has " + current + " currently"));
    }
    ObjectNode newStatus = status.isObject() ? ((ObjectNode) status).deepCopy() : Json.object();
    newStatus.put("disruptionsAllowed", allowed - 1);
    newStatus.with("disruptedPods").put(Json.metaText(pod, "name"), ObjectLifecycle.timestamp(now));
    if (allowed - 1 == 0) {
      setAllowedCondition(newStatus, status, now);
    }
    return new TakeDisruption(budget, newStatus);
  }

  private static ApiError tooManyRequests(String message, String cause) {
    return new ApiError(429, "TooManyRequests", message, null, null,
        List.of(new FieldError("DisruptionBudget", cause, null)));
  }

  /** The DisruptionAllowed condition: True (SufficientPods) when a disruption is allowed, else InsufficientPods. */
  private static void setAllowedCondition(ObjectNode status, JsonNode oldStatus, Instant now) {
    boolean allowed = status.path("disruptionsAllowed").asLong(0) > 0;
    String value = allowed ? "True" : "False";
    String transition = ObjectLifecycle.timestamp(now);
    for (JsonNode c : oldStatus.path("conditions")) {
      if ("DisruptionAllowed".equals(c.path("type").asText()) && value.equals(c.path("status").asText())) {
        transition = c.path("lastTransitionTime").asText(transition);
      }
    }
    ArrayNode conditions = status.putArray("conditions");
    conditions.addObject()
        .put("type", "DisruptionAllowed")
        .put("status", value)
        .put("observedGeneration", status.path("observedGeneration").asLong(0))
        .put("lastTransitionTime", transition)
        .put("reason", allowed ? "SufficientPods" : "InsufficientPods")
        .put("message", "");
  }

  private static JsonNode stripTimes(JsonNode status) {
    if (!(status instanceof ObjectNode o)) {
      return Json.object();
    }
    ObjectNode copy = o.deepCopy();
    for (JsonNode c : copy.path("conditions")) {
      ((ObjectNode) c).remove("lastTransitionTime");
    }
    return copy;
  }

  private static boolean has(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  private static Instant instant(JsonNode timestamp) {
    if (timestamp == null || !timestamp.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(timestamp.asText());
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}

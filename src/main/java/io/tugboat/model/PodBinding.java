package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** What binding a pod to a node changes, as the pods/binding subresource does it. */
public final class PodBinding {
  private PodBinding() {}

  /**
   * The pod bound to {@code nodeName}: spec.nodeName set and the PodScheduled condition True.
   *
   * @throws ApiException 409 when the pod is already bound or being deleted
   */
  public static ObjectNode bind(ObjectNode pod, String nodeName, Instant now) {
    String name = Json.metaText(pod, "name");
    String current = Json.text(pod.path("spec").path("nodeName"));
    if (!current.isEmpty()) {
      throw new ApiException(ApiError.conflict("pods/binding", name,
          "pod " + name + " is already assigned to node \"" + current + "\""));
    }
    if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
      throw new ApiException(ApiError.conflict("pods/binding", name, "pod " + name + " is being deleted, cannot be"
          + " assigned to a host"));
    }
    ObjectNode bound = pod.deepCopy();
    bound.with("spec").put("nodeName", nodeName);
    setCondition(bound, "PodScheduled", "True", null, null, now);
    return bound;
  }

  /** Sets (or replaces) a pod status condition; lastTransitionTime moves only when the status changes. */
  public static void setCondition(ObjectNode pod, String type, String status, String reason, String message,
      Instant now) {
    ArrayNode conditions = pod.with("status").withArray("conditions");
    ObjectNode condition = null;
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asText())) {
        condition = (ObjectNode) c;
      }
    }
    if (condition == null) {
      condition = conditions.addObject();
      condition.put("type", type);
    }
    if (!status.equals(condition.path("status").asText())) {
      condition.put("lastTransitionTime", ObjectLifecycle.timestamp(now));
    }
    condition.put("status", status);
    condition.putNull("lastProbeTime");
    if (reason == null) {
      condition.remove("reason");
    } else {
      condition.put("reason", reason);
    }
    if (message == null) {
      condition.remove("message");
    } else {
      condition.put("message", message);
    }
  }
}

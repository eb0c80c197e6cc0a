package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Events;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PodBinding;
import io.tugboat.model.PodEvents;
import java.time.Instant;

/** What the scheduler writes besides bindings, as pure functions: core v1 Events and the pod status patch. */
public final class SchedulerEvents {

  /** The component name Kubernetes' scheduler reports as. */
  public static final String COMPONENT = "default-scheduler";

  private SchedulerEvents() {}

  private static final Events.Source SOURCE = new Events.Source(COMPONENT, null);

  /** A core v1 Event about a pod, as {@link PodEvents#event} writes it, from the scheduler. */
  public static ObjectNode event(PodInfo pod, String type, String reason, String message, Instant now) {
    return PodEvents.event(pod.object(), SOURCE, null, type, reason, message, "Scheduling", now);
  }

  /** The Normal event of a successful binding. */
  public static ObjectNode scheduled(PodInfo pod, String node, Instant now) {
    return event(pod, "Normal", "Scheduled",
        "Successfully assigned " + pod.fullName() + " to " + node, now);
  }

  /** The Warning event of a failed attempt. */
  public static ObjectNode failedScheduling(PodInfo pod, String message, Instant now) {
    return event(pod, "Warning", "FailedScheduling", message, now);
  }

  /** The Normal event on a pod evicted to make room. */
  public static ObjectNode preempted(PodInfo victim, PodInfo preemptor, String node, Instant now) {
    ObjectNode e = event(victim, "Normal", "Preempted",
        "Preempted by pod " + preemptor.uid() + " on node " + node, now);
    e.put("action", "Preempting");
    return e;
  }

  /**
   * The merge patch of the pod's status for an unschedulable attempt: PodScheduled False (Unschedulable) with
   * the message, and nominatedNodeName when preemption chose a node; null when the status already says so.
   */
  public static ObjectNode unschedulablePatch(ObjectNode pod, String message, String nominatedNode, Instant now) {
    JsonNode status = pod.path("status");
    boolean same = false;
    for (JsonNode c : status.path("conditions")) {
      if ("PodScheduled".equals(c.path("type").asText())) {
        same = "False".equals(Json.text(c.path("status"))) && "Unschedulable".equals(Json.text(c.path("reason")))
            && message.equals(Json.text(c.path("message")));
      }
    }
    boolean nominationSame = nominatedNode == null
        || nominatedNode.equals(Json.text(status.path("nominatedNodeName")));
    if (same && nominationSame) {
      return null;
    }
    ObjectNode copy = pod.deepCopy();
    PodBinding.setCondition(copy, "PodScheduled", "False", "Unschedulable", message, now);
    ObjectNode patch = Json.object();
    ObjectNode st = patch.putObject("status");
    st.set("conditions", copy.path("status").path("conditions"));
    if (nominatedNode != null) {
      st.put("nominatedNodeName", nominatedNode);
    }
    return patch;
  }

  /** A patch that counts one more occurrence of an aggregated event. */
  public static ObjectNode repeatPatch(int count, Instant now) {
    return Events.repeatPatch(count, now);
  }
}

package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PodBinding;
import java.time.Instant;

/** What the scheduler writes besides bindings, as pure functions: core v1 Events and the pod status patch. */
public final class SchedulerEvents {

  /** The component name Kubernetes' scheduler reports as. */
  public static final String COMPONENT = "default-scheduler";

  private SchedulerEvents() {}

  private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

  /**
   * A core v1 Event about a pod in the pod's namespace, named as Kubernetes' event recorder names them:
   * "pod.hex-nanoseconds" (a generateName of "pod." would end in a dot, which names may not). The sequence keeps
   * two events of the same instant apart.
   */
  public static ObjectNode event(PodInfo pod, String type, String reason, String message, Instant now) {
    ObjectNode e = Json.object();
    e.put("apiVersion", "v1");
    e.put("kind", "Event");
    ObjectNode meta = Json.meta(e);
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + SEQUENCE.incrementAndGet();
    meta.put("name", pod.name() + "." + Long.toHexString(nanos));
    meta.put("namespace", pod.namespace());
    ObjectNode involved = e.putObject("involvedObject");
    involved.put("apiVersion", "v1");
    involved.put("kind", "Pod");
    involved.put("namespace", pod.namespace());
    involved.put("name", pod.name());
    involved.put("uid", pod.uid());
    String rv = Json.metaText(pod.object(), "resourceVersion");
    if (!rv.isEmpty()) {
      involved.put("resourceVersion", rv);
    }
    e.put("reason", reason);
    e.put("message", message);
    e.put("type", type);
    e.putObject("source").put("component", COMPONENT);
    e.put("reportingComponent", COMPONENT);
    e.put("reportingInstance", COMPONENT);
    e.put("action", "Scheduling");
    String ts = ObjectLifecycle.timestamp(now);
    e.put("firstTimestamp", ts);
    e.put("lastTimestamp", ts);
    e.put("count", 1);
    return e;
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
    ObjectNode patch = Json.object();
    patch.put("count", count);
    patch.put("lastTimestamp", ObjectLifecycle.timestamp(now));
    return patch;
  }
}

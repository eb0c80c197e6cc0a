package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node and the pods assigned to it (bound, or assumed by the scheduler while their binding is in flight),
 * with what they request summed. Immutable: {@link #withPod} and {@link #withoutPod} return copies, so a
 * scheduling decision always sees one consistent node. A NodeInfo without a node object holds pods bound to a
 * node the scheduler has not seen (yet); it is never a candidate.
 *
 * @param taints spec.taints plus the taints its conditions imply (not-ready, unreachable), so a node that
 *     stopped reporting Ready is filtered before the node lifecycle controller taints it
 */
public record NodeInfo(String name, ObjectNode node, JsonNode labels, Resources allocatable,
    List<Taints.Taint> taints, boolean unschedulable, Map<String, PodInfo> pods, Resources requested,
    Resources nonZeroRequested, int podsWithAffinity) {

  /** A node object with no pods yet. */
  public static NodeInfo of(ObjectNode node) {
    return empty(Json.metaText(node, "name")).withNode(node);
  }

  /** A placeholder for pods bound to a node not seen yet. */
  public static NodeInfo empty(String name) {
    return new NodeInfo(name, null, Json.object(), Resources.ZERO, List.of(), false, Map.of(), Resources.ZERO,
        Resources.ZERO, 0);
  }

  /** This node's pods with a new version of the node object. */
  public NodeInfo withNode(ObjectNode updated) {
    if (updated == null) {
      return new NodeInfo(name, null, Json.object(), Resources.ZERO, List.of(), false, pods, requested,
          nonZeroRequested, podsWithAffinity);
    }
    JsonNode status = updated.path("status");
    JsonNode alloc = status.has("allocatable") ? status.path("allocatable") : status.path("capacity");
    List<Taints.Taint> taints = new ArrayList<>(Taints.taints(updated.path("spec").path("taints")));
    impliedTaint(status, taints);
    return new NodeInfo(name, updated, updated.path("metadata").path("labels"), Resources.of(alloc),
        List.copyOf(taints), updated.path("spec").path("unschedulable").asBoolean(false), pods, requested,
        nonZeroRequested, podsWithAffinity);
  }

  /** A Ready condition that is False or Unknown implies the taint the lifecycle controller would set. */
  private static void impliedTaint(JsonNode status, List<Taints.Taint> taints) {
    for (JsonNode c : status.path("conditions")) {
      if ("Ready".equals(Json.text(c.path("type")))) {
        String key = switch (Json.text(c.path("status"))) {
          case "False" -> Taints.NOT_READY;
          case "Unknown" -> Taints.UNREACHABLE;
          default -> null;
        };
        if (key != null && taints.stream().noneMatch(t -> t.key().equals(key))) {
          taints.add(new Taints.Taint(key, "", Taints.NO_SCHEDULE));
        }
      }
    }
  }

  /** Whether there is a node object (pods may be known on a node before the node itself). */
  public boolean exists() {
    return node != null;
  }

  /** A node label's value, null when absent. */
  public String label(String key) {
    JsonNode v = labels.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The node with one more pod (replacing an earlier version of the same pod). */
  public NodeInfo withPod(PodInfo pod) {
    NodeInfo base = pods.containsKey(pod.uid()) ? withoutPod(pod.uid()) : this;
    Map<String, PodInfo> next = new LinkedHashMap<>(base.pods);
    next.put(pod.uid(), pod);
    return new NodeInfo(name, node, labels, allocatable, taints, unschedulable, Collections.unmodifiableMap(next),
        base.requested.plus(pod.requests()), base.nonZeroRequested.plus(pod.nonZeroRequests()),
        base.podsWithAffinity + (pod.hasPodAffinity() ? 1 : 0));
  }

  /** The node without a pod; the same node when the pod is not on it. */
  public NodeInfo withoutPod(String uid) {
    PodInfo pod = pods.get(uid);
    if (pod == null) {
      return this;
    }
    Map<String, PodInfo> next = new LinkedHashMap<>(pods);
    next.remove(uid);
    return new NodeInfo(name, node, labels, allocatable, taints, unschedulable, Collections.unmodifiableMap(next),
        requested.minus(pod.requests()), nonZeroRequested.minus(pod.nonZeroRequests()),
        podsWithAffinity - (pod.hasPodAffinity() ? 1 : 0));
  }

  /** The pods on the node. */
  public Collection<PodInfo> podList() {
    return pods.values();
  }

  /** The host ports the node's pods use. */
  public List<PodInfo.HostPort> usedPorts() {
    List<PodInfo.HostPort> out = new ArrayList<>();
    for (PodInfo p : pods.values()) {
      out.addAll(p.hostPorts());
    }
    return out;
  }
}

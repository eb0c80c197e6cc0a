package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.store.ObjectKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The scheduler's view of the cluster (kube-scheduler's cache): nodes with the pods assigned to them, the
 * pods still waiting for a node, and the pods the scheduler assumed on a node while their binding is in
 * flight. Built only from watch events and the scheduler's own decisions, so a new scheduler rebuilds it from
 * the watch cache. Mutable and confined to the scheduler actor: a burst of thousands of pods must not copy
 * the cluster per decision; each NodeInfo inside is immutable.
 *
 * <p>A pod is in exactly one of: pending (unbound, ours, not deleting), assumed (decided, binding in flight),
 * assigned (bound, seen through the watch), or unknown.
 */
public final class ClusterState implements Snapshot {

  private final Map<String, NodeInfo> nodes = new HashMap<>();
  private final Map<String, String> nodeOfPod = new HashMap<>();
  private final Map<String, String> assumed = new HashMap<>();
  private final Map<String, PodInfo> pending = new HashMap<>();
  private final Map<String, Map<String, PodInfo>> nominated = new HashMap<>();
  private final Function<String, Map<String, String>> namespaceLabels;
  private List<String> nodeOrder = List.of();
  private boolean orderStale;
  private int podsWithAffinity;

  /** An empty view; {@code namespaceLabels} answers a namespace's labels (for affinity namespaceSelectors). */
  public ClusterState(Function<String, Map<String, String>> namespaceLabels) {
    this.namespaceLabels = namespaceLabels;
  }

  // ---- watch events ----

  /**
   * Applies a node added, changed or (with null) deleted. Answers whether it may let waiting pods fit: a new
   * node, or a change of what the filters read (allocatable, labels, taints, cordon, readiness) — not a
   * heartbeat.
   */
  public boolean applyNode(String name, ObjectNode node) {
    NodeInfo before = nodes.get(name);
    if (node == null) {
      if (before != null) {
        if (before.pods().isEmpty()) {
          nodes.remove(name);
        } else {
          nodes.put(name, before.withNode(null));
        }
        orderStale = true;
      }
      return false;
    }
    NodeInfo after = before == null ? NodeInfo.of(node) : before.withNode(node);
    nodes.put(name, after);
    if (before == null || !before.exists()) {
      orderStale = true;
      return true;
    }
    return !before.allocatable().equals(after.allocatable()) || !before.labels().equals(after.labels())
        || !before.taints().equals(after.taints()) || before.unschedulable() != after.unschedulable();
  }

  /**
   * Applies a pod added, changed or (with null) deleted. Answers whether it may let waiting pods fit: an
   * assigned pod gone (deleted, finished, moved) or relabelled (affinity).
   */
  public boolean applyPod(ObjectKey key, String uid, ObjectNode pod) {
    PodInfo info = pod == null ? null : PodInfo.of(key, pod);
    if (info == null || info.finished()) {
      removePending(uid);
      assumed.remove(uid);
      return unassign(uid);
    }
    if (!info.nodeName().isEmpty()) {
      removePending(uid);
      assumed.remove(uid);
      String old = nodeOfPod.get(uid);
      boolean freed = false;
      if (old != null && !old.equals(info.nodeName())) {
        freed = unassign(uid);
      } else if (old != null) {
        PodInfo previous = nodes.get(old).pods().get(uid);
        freed = previous != null && !previous.labels().equals(info.labels());
      }
      assign(info);
      return freed;
    }
    if (assumed.containsKey(uid)) {
      return false; // our binding is in flight; its outcome decides
    }
    if (!info.schedulerName().equals(PodInfo.DEFAULT_SCHEDULER) || info.deleting()) {
      removePending(uid);
      return false;
    }
    putPending(info);
    return false;
  }

  // ---- the scheduler's own decisions ----

  /** Assumes the pod on the node while its binding is in flight: its resources count there from now on. */
  public void assume(PodInfo pod, String node) {
    removePending(pod.uid());
    assumed.put(pod.uid(), node);
    assign(pod.onNode(node));
  }

  /** Forgets an assumption whose binding failed; the pod is pending again. Answers whether it was assumed. */
  public boolean forget(PodInfo pod) {
    if (assumed.remove(pod.uid()) == null) {
      return false;
    }
    unassign(pod.uid());
    putPending(pod);
    return true;
  }

  /** Records that preemption nominated the pod to a node (until the status write comes back). */
  public void nominate(String uid, String node) {
    PodInfo p = pending.get(uid);
    if (p != null) {
      putPending(p.withNominatedNode(node));
    }
  }

  // ---- reading ----

  /** The pending pod with this uid, null when it is not pending. */
  public PodInfo pending(String uid) {
    return pending.get(uid);
  }

  /** Whether the pod is assumed (binding in flight). */
  public boolean isAssumed(String uid) {
    return assumed.containsKey(uid);
  }

  /** The node a pod is assigned or assumed to, null if none. */
  public String nodeOf(String uid) {
    return nodeOfPod.get(uid);
  }

  /** All pending pods. */
  public Collection<PodInfo> pendingPods() {
    return pending.values();
  }

  @Override
  public List<String> nodeNames() {
    if (orderStale) {
      TreeSet<String> names = new TreeSet<>();
      nodes.forEach((n, info) -> {
        if (info.exists()) {
          names.add(n);
        }
      });
      nodeOrder = List.copyOf(names);
      orderStale = false;
    }
    return nodeOrder;
  }

  @Override
  public NodeInfo node(String name) {
    return nodes.get(name);
  }

  @Override
  public List<PodInfo> nominatedPods(String node) {
    Map<String, PodInfo> m = nominated.get(node);
    return m == null ? List.of() : new ArrayList<>(m.values());
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    Map<String, String> labels = namespaceLabels.apply(namespace);
    return labels == null ? Map.of() : labels;
  }

  @Override
  public boolean anyPodWithAffinity() {
    return podsWithAffinity > 0;
  }

  // ---- internals ----

  private void assign(PodInfo pod) {
    unassign(pod.uid());
    NodeInfo node = nodes.computeIfAbsent(pod.nodeName(), NodeInfo::empty);
    nodes.put(pod.nodeName(), node.withPod(pod));
    nodeOfPod.put(pod.uid(), pod.nodeName());
    podsWithAffinity += pod.hasPodAffinity() ? 1 : 0;
  }

  private boolean unassign(String uid) {
    String name = nodeOfPod.remove(uid);
    if (name == null) {
      return false;
    }
    NodeInfo node = nodes.get(name);
    PodInfo pod = node.pods().get(uid);
    podsWithAffinity -= pod != null && pod.hasPodAffinity() ? 1 : 0;
    NodeInfo after = node.withoutPod(uid);
    if (!after.exists() && after.pods().isEmpty()) {
      nodes.remove(name);
    } else {
      nodes.put(name, after);
    }
    return true;
  }

  private void putPending(PodInfo pod) {
    removePending(pod.uid());
    pending.put(pod.uid(), pod);
    if (!pod.nominatedNodeName().isEmpty()) {
      nominated.computeIfAbsent(pod.nominatedNodeName(), n -> new HashMap<>()).put(pod.uid(), pod);
    }
  }

  private void removePending(String uid) {
    PodInfo old = pending.remove(uid);
    if (old != null && !old.nominatedNodeName().isEmpty()) {
      Map<String, PodInfo> m = nominated.get(old.nominatedNodeName());
      if (m != null) {
        m.remove(uid);
        if (m.isEmpty()) {
          nominated.remove(old.nominatedNodeName());
        }
      }
    }
  }
}

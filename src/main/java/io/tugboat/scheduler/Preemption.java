package io.tugboat.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Preemption (kube-scheduler's DefaultPreemption, without PodDisruptionBudgets): for a pod that fits nowhere,
 * find the node where evicting the fewest, least important lower-priority pods makes it fit.
 *
 * <p>Per node that failed for a reason eviction can change: remove every lower-priority pod not already
 * terminating; if the pod then fits, give pods back (highest priority first) while it still fits; what is left
 * are the victims. Among the candidates the node whose most important victim has the lowest priority wins,
 * then the lowest priority sum, then the fewest victims, then the node order.
 */
public final class Preemption {

  /** Where to preempt, and whom. */
  public record Candidate(String node, List<PodInfo> victims) {}

  /** The outcome: a candidate, or none with the "preemption: ..." message that explains why. */
  public record Outcome(Optional<Candidate> candidate, String message) {}

  static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
  static final String NO_VICTIMS = "No preemption victims found for incoming pod";

  private final List<Filter> filters;

  /** Preemption checking fit with these filters (the scheduler's). */
  public Preemption(List<Filter> filters) {
    this.filters = List.copyOf(filters);
  }

  /** Why the pod may not preempt now, empty when it may (Kubernetes' PodEligibleToPreemptOthers). */
  public static Optional<String> ineligible(PodInfo pod, Snapshot snapshot) {
    if (!pod.mayPreempt()) {
      return Optional.of("preemption: not eligible due to preemptionPolicy=Never.");
    }
    NodeInfo nominated = pod.nominatedNodeName().isEmpty() ? null : snapshot.node(pod.nominatedNodeName());
    if (nominated != null) {
      for (PodInfo p : nominated.podList()) {
        if (p.deleting() && p.priority() < pod.priority()) {
          return Optional.of("preemption: not eligible due to a terminating pod on the nominated node.");
        }
      }
    }
    return Optional.empty();
  }

  /** The best place to preempt for a pod the algorithm found unschedulable. */
  public Outcome find(PodInfo pod, Snapshot snapshot, SchedulingAlgorithm.Unschedulable failed) {
    Map<String, Integer> why = new TreeMap<>();
    List<Candidate> candidates = new ArrayList<>();
    for (Map.Entry<String, Filter.Result> f : failed.failures().entrySet()) {
      NodeInfo node = snapshot.node(f.getKey());
      if (!f.getValue().resolvable() || node == null || !node.exists()) {
        why.merge(NOT_HELPFUL, 1, Integer::sum);
        continue;
      }
      Optional<Candidate> c = victimsOn(pod, node, snapshot);
      if (c.isPresent()) {
        candidates.add(c.get());
      } else {
        why.merge(NO_VICTIMS, 1, Integer::sum);
      }
    }
    if (candidates.isEmpty()) {
      return new Outcome(Optional.empty(), "preemption: 0/" + failed.totalNodes() + " nodes are available: "
          + SchedulingAlgorithm.histogram(why) + ".");
    }
    Candidate best = candidates.stream().min(Comparator
        .comparingInt((Candidate c) -> c.victims().stream().mapToInt(PodInfo::priority).max().orElse(Integer.MIN_VALUE))
        .thenComparingLong(c -> c.victims().stream().mapToLong(PodInfo::priority).sum())
        .thenComparingInt(c -> c.victims().size())).orElseThrow();
    return new Outcome(Optional.of(best), "");
  }

  private Optional<Candidate> victimsOn(PodInfo pod, NodeInfo node, Snapshot snapshot) {
    List<PodInfo> lower = new ArrayList<>();
    NodeInfo stripped = node;
    for (PodInfo p : node.podList()) {
      if (p.priority() < pod.priority() && !p.deleting()) {
        lower.add(p);
        stripped = stripped.withoutPod(p.uid());
      }
    }
    if (lower.isEmpty() || !fits(pod, stripped, snapshot)) {
      return Optional.empty();
    }
    lower.sort(Comparator.comparingInt(PodInfo::priority).reversed()
        .thenComparing(PodInfo::creationTimestamp));
    List<PodInfo> victims = new ArrayList<>();
    for (PodInfo p : lower) {
      NodeInfo with = stripped.withPod(p);
      if (fits(pod, with, snapshot)) {
        stripped = with;
      } else {
        victims.add(p);
      }
    }
    return Optional.of(new Candidate(node.name(), List.copyOf(victims)));
  }

  private boolean fits(PodInfo pod, NodeInfo node, Snapshot snapshot) {
    Snapshot overlay = new Overlay(snapshot, node);
    for (Filter f : filters) {
      if (!f.prepare(pod, overlay).check(node).fits()) {
        return false;
      }
    }
    return true;
  }

  /** The snapshot with one node replaced (its pods as they would be after the eviction). */
  private record Overlay(Snapshot base, NodeInfo replaced) implements Snapshot {
    @Override
    public List<String> nodeNames() {
      return base.nodeNames();
    }

    @Override
    public NodeInfo node(String name) {
      return name.equals(replaced.name()) ? replaced : base.node(name);
    }

    @Override
    public List<PodInfo> nominatedPods(String node) {
      return base.nominatedPods(node);
    }

    @Override
    public Map<String, String> namespaceLabels(String namespace) {
      return base.namespaceLabels(namespace);
    }

    @Override
    public boolean anyPodWithAffinity() {
      return base.anyPodWithAffinity();
    }
  }
}

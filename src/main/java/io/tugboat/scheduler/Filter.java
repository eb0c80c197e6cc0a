package io.tugboat.scheduler;

import java.util.List;

/**
 * One family of feasibility checks (kube-scheduler's filter plugins). {@link #prepare} runs once per pod and
 * scheduling cycle over the whole snapshot (PreFilter), then the returned check runs per node.
 */
public interface Filter {

  /** The per-node check for this pod. */
  Check prepare(PodInfo pod, Snapshot snapshot);

  /** Whether one node passes, for one pod. */
  @FunctionalInterface
  interface Check {
    /** The verdict for a node. */
    Result check(NodeInfo node);
  }

  /**
   * A verdict: fits when there are no reasons. {@code resolvable} says whether evicting pods from the node could
   * change it (resources, ports, anti-affinity) or not (selectors, taints, cordon): preemption only tries the
   * former, as UnschedulableAndUnresolvable does in Kubernetes.
   */
  record Result(List<String> reasons, boolean resolvable) {
    /** The node passes. */
    public static final Result FITS = new Result(List.of(), true);

    /** The node fails for reasons preemption could change. */
    public static Result unschedulable(List<String> reasons) {
      return new Result(List.copyOf(reasons), true);
    }

    /** The node fails for a reason preemption cannot change. */
    public static Result unresolvable(String reason) {
      return new Result(List.of(reason), false);
    }

    /** Whether the node passes. */
    public boolean fits() {
      return reasons.isEmpty();
    }
  }
}

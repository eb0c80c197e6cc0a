package io.tugboat.scheduler;

import java.util.List;

/**
 * Prefers nodes whose cpu and memory would be used in equal fractions after placing the pod, so neither runs
 * out while the other is idle (Kubernetes' NodeResourcesBalancedAllocation: 100 × (1 − standard deviation)).
 */
public record BalancedAllocation(int weight) implements Scorer {

  @Override
  public long[] score(PodInfo pod, List<NodeInfo> nodes, Snapshot snapshot) {
    long[] out = new long[nodes.size()];
    for (int i = 0; i < out.length; i++) {
      NodeInfo n = nodes.get(i);
      double cpu = fraction(Resources.add(n.nonZeroRequested().milliCpu(), pod.nonZeroRequests().milliCpu()),
          n.allocatable().milliCpu());
      double memory = fraction(Resources.add(n.nonZeroRequested().memory(), pod.nonZeroRequests().memory()),
          n.allocatable().memory());
      double std = Math.abs(cpu - memory) / 2;
      out[i] = (long) ((1 - std) * MAX_SCORE);
    }
    return out;
  }

  private static double fraction(long requested, long capacity) {
    if (capacity <= 0) {
      return 1;
    }
    return Math.min(1.0, requested / (double) capacity);
  }
}

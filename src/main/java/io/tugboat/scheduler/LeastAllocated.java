package io.tugboat.scheduler;

import java.util.List;

/** Prefers nodes with more cpu and memory left after placing the pod (Kubernetes' LeastAllocated strategy). */
public record LeastAllocated(int weight) implements Scorer {

  @Override
  public long[] score(PodInfo pod, List<NodeInfo> nodes, Snapshot snapshot) {
    long[] out = new long[nodes.size()];
    for (int i = 0; i < out.length; i++) {
      NodeInfo n = nodes.get(i);
      long cpu = free(n.allocatable().milliCpu(),
          Resources.add(n.nonZeroRequested().milliCpu(), pod.nonZeroRequests().milliCpu()));
      long memory = free(n.allocatable().memory(),
          Resources.add(n.nonZeroRequested().memory(), pod.nonZeroRequests().memory()));
      out[i] = (cpu + memory) / 2;
    }
    return out;
  }

  private static long free(long capacity, long requested) {
    if (capacity <= 0 || requested > capacity) {
      return 0;
    }
    return (long) ((capacity - requested) * (double) MAX_SCORE / capacity);
  }
}

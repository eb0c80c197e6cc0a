package io.tugboat.scheduler;

import java.util.List;

/** One family of node preferences (kube-scheduler's score plugins), with its weight in the total. */
public interface Scorer {

  /** The largest normalized score of a node, as Kubernetes' MaxNodeScore. */
  long MAX_SCORE = 100;

  /** This scorer's weight in the weighted sum. */
  int weight();

  /** The scores of the feasible nodes for this pod, each normalized to 0..{@link #MAX_SCORE}, in list order. */
  long[] score(PodInfo pod, List<NodeInfo> nodes, Snapshot snapshot);

  /** Scales raw scores to 0..MAX_SCORE by the largest one, reversed when a lower raw score is better. */
  static long[] normalize(long[] raw, boolean reverse) {
    long max = 0;
    for (long r : raw) {
      max = Math.max(max, r);
    }
    long[] out = new long[raw.length];
    for (int i = 0; i < raw.length; i++) {
      long s = max == 0 ? (reverse ? MAX_SCORE : 0) : raw[i] * MAX_SCORE / max;
      out[i] = reverse && max != 0 ? MAX_SCORE - s : s;
    }
    return out;
  }
}

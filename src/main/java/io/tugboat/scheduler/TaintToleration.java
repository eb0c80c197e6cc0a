package io.tugboat.scheduler;

import java.util.List;

/**
 * Taints and tolerations: a NoSchedule or NoExecute taint the pod does not tolerate rules the node out; the
 * score prefers nodes with fewer untolerated PreferNoSchedule taints.
 */
public final class TaintToleration implements Filter, Scorer {

  private final int weight;

  /** The family with its score weight (Kubernetes' default is 3). */
  public TaintToleration(int weight) {
    this.weight = weight;
  }

  @Override
  public Check prepare(PodInfo pod, Snapshot snapshot) {
    return node -> {
      for (Taints.Taint taint : node.taints()) {
        boolean hard = taint.effect().equals(Taints.NO_SCHEDULE) || taint.effect().equals(Taints.NO_EXECUTE);
        if (hard && !Taints.tolerated(taint, pod.tolerations())) {
          return Result.unresolvable("node(s) had untolerated taint " + taint.describe());
        }
      }
      return Result.FITS;
    };
  }

  @Override
  public int weight() {
    return weight;
  }

  @Override
  public long[] score(PodInfo pod, List<NodeInfo> nodes, Snapshot snapshot) {
    // Only tolerations that could match a PreferNoSchedule taint count, as in Kubernetes.
    List<Taints.Toleration> tolerations = pod.tolerations().stream()
        .filter(t -> t.effect().isEmpty() || t.effect().equals(Taints.PREFER_NO_SCHEDULE)).toList();
    long[] raw = new long[nodes.size()];
    for (int i = 0; i < raw.length; i++) {
      for (Taints.Taint taint : nodes.get(i).taints()) {
        if (taint.effect().equals(Taints.PREFER_NO_SCHEDULE) && !Taints.tolerated(taint, tolerations)) {
          raw[i]++;
        }
      }
    }
    return Scorer.normalize(raw, true);
  }
}

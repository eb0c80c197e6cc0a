package io.tugboat.scheduler;

/** Cordoned nodes (spec.unschedulable) take only pods tolerating node.kubernetes.io/unschedulable:NoSchedule. */
public final class NodeUnschedulable implements Filter {

  /** Kubernetes' reason for a cordoned node. */
  public static final String REASON = "node(s) were unschedulable";

  private static final Taints.Taint CORDON = new Taints.Taint(Taints.UNSCHEDULABLE, "", Taints.NO_SCHEDULE);

  @Override
  public Check prepare(PodInfo pod, Snapshot snapshot) {
    boolean tolerates = Taints.tolerated(CORDON, pod.tolerations());
    return node -> node.unschedulable() && !tolerates ? Result.unresolvable(REASON) : Result.FITS;
  }
}

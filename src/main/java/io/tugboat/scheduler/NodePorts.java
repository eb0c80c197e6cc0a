package io.tugboat.scheduler;

import java.util.List;

/** Host ports: a node whose pods already bind a port the pod wants (same port and protocol, overlapping IP) fails. */
public final class NodePorts implements Filter {

  /** Kubernetes' reason for a host port conflict. */
  public static final String REASON = "node(s) didn't have free ports for the requested pod ports";

  @Override
  public Check prepare(PodInfo pod, Snapshot snapshot) {
    List<PodInfo.HostPort> wanted = pod.hostPorts();
    if (wanted.isEmpty()) {
      return node -> Result.FITS;
    }
    return node -> {
      for (PodInfo other : node.podList()) {
        for (PodInfo.HostPort used : other.hostPorts()) {
          for (PodInfo.HostPort want : wanted) {
            if (want.conflicts(used)) {
              return Result.unschedulable(List.of(REASON));
            }
          }
        }
      }
      return Result.FITS;
    };
  }
}

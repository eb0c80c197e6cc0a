package io.tugboat.scheduler;

import java.util.List;

/**
 * Spreads the pods of one owner (the same controlling ownerReference uid: a ReplicaSet, a StatefulSet, a Job)
 * across nodes: fewer pods of the owner on a node scores higher, as Kubernetes' former SelectorSpread did per
 * node. Pods without a controller are not spread.
 */
public record OwnerSpread(int weight) implements Scorer {

  @Override
  public long[] score(PodInfo pod, List<NodeInfo> nodes, Snapshot snapshot) {
    long[] raw = new long[nodes.size()];
    if (pod.ownerUid().isEmpty()) {
      return raw;
    }
    for (int i = 0; i < raw.length; i++) {
      for (PodInfo p : nodes.get(i).podList()) {
        if (p.ownerUid().equals(pod.ownerUid()) && !p.uid().equals(pod.uid())) {
          raw[i]++;
        }
      }
    }
    return Scorer.normalize(raw, true);
  }
}

package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * spec.nodeSelector and node affinity: the filter requires the nodeSelector labels and one of the required
 * terms; the score sums the weights of the preferred terms a node matches.
 */
public final class NodeAffinity implements Filter, Scorer {

  /** Kubernetes' reason for a node outside the pod's selector or required affinity. */
  public static final String REASON = "node(s) didn't match Pod's node affinity/selector";

  private final int weight;

  /** The family with its score weight (Kubernetes' default is 2). */
  public NodeAffinity(int weight) {
    this.weight = weight;
  }

  @Override
  public Check prepare(PodInfo pod, Snapshot snapshot) {
    Map<String, String> selector = pod.nodeSelector();
    JsonNode required = pod.nodeAffinity().path("requiredDuringSchedulingIgnoredDuringExecution");
    boolean hasRequired = required.isObject();
    JsonNode terms = required.path("nodeSelectorTerms");
    return node -> {
      for (Map.Entry<String, String> e : selector.entrySet()) {
        if (!e.getValue().equals(node.label(e.getKey()))) {
          return Result.unresolvable(REASON);
        }
      }
      if (hasRequired && !NodeSelectorTerms.anyMatches(terms, node)) {
        return Result.unresolvable(REASON);
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
    JsonNode preferred = pod.nodeAffinity().path("preferredDuringSchedulingIgnoredDuringExecution");
    long[] raw = new long[nodes.size()];
    if (preferred.size() > 0) {
      for (int i = 0; i < raw.length; i++) {
        for (JsonNode term : preferred) {
          if (NodeSelectorTerms.matches(term.path("preference"), nodes.get(i))) {
            raw[i] += term.path("weight").asLong(0);
          }
        }
      }
    }
    return Scorer.normalize(raw, false);
  }
}

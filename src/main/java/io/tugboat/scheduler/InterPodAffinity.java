package io.tugboat.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Inter-pod affinity and anti-affinity over any topology key (kubernetes.io/hostname, zones, ...). The
 * filter counts, per topology domain (key=value of the node label), the assigned pods each required term
 * selects, once per pod (PreFilter), then checks each node's domains:
 * <ul>
 *   <li>the pod's required affinity terms each need a selected pod in the node's domain; the first pod of a
 *       group that selects itself may go anywhere the topology key exists;
 *   <li>the pod's required anti-affinity terms need no selected pod in the node's domain;
 *   <li>no assigned pod's required anti-affinity term may select the pod within its domain.
 * </ul>
 * The score sums, per domain, the weights of the preferred terms of both sides (and existing pods' required
 * affinity with weight 1, Kubernetes' hardPodAffinityWeight), and scales them to 0..100 from min to max.
 */
public final class InterPodAffinity implements Filter, Scorer {

  /** Kubernetes' reasons. */
  public static final String AFFINITY = "node(s) didn't match pod affinity rules";
  public static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
  public static final String EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

  private static final int HARD_POD_AFFINITY_WEIGHT = 1;

  private final int weight;

  /** The family with its score weight (Kubernetes' default is 2). */
  public InterPodAffinity(int weight) {
    this.weight = weight;
  }

  @Override
  public Check prepare(PodInfo pod, Snapshot snapshot) {
    if (!pod.hasPodAffinity() && !snapshot.anyPodWithAffinity()) {
      return node -> Result.FITS;
    }
    Function<String, Map<String, String>> nsLabels = snapshot::namespaceLabels;
    Map<String, Integer> existingAnti = new HashMap<>();
    Map<String, Integer> affinity = new HashMap<>();
    Map<String, Integer> anti = new HashMap<>();
    for (String name : snapshot.nodeNames()) {
      NodeInfo node = snapshot.node(name);
      if (node == null || !node.exists() || (!pod.hasPodAffinity() && node.podsWithAffinity() == 0)) {
        continue;
      }
      for (PodInfo existing : node.podList()) {
        if (existing.uid().equals(pod.uid())) {
          continue;
        }
        for (AffinityTerm t : existing.requiredAntiAffinity()) {
          if (t.matches(pod, nsLabels)) {
            countDomain(existingAnti, node, t.topologyKey());
          }
        }
        if (!pod.requiredAffinity().isEmpty() && matchesAll(pod.requiredAffinity(), existing, nsLabels)) {
          for (AffinityTerm t : pod.requiredAffinity()) {
            countDomain(affinity, node, t.topologyKey());
          }
        }
        for (AffinityTerm t : pod.requiredAntiAffinity()) {
          if (t.matches(existing, nsLabels)) {
            countDomain(anti, node, t.topologyKey());
          }
        }
      }
    }
    boolean firstOfGroup = affinity.isEmpty() && matchesAll(pod.requiredAffinity(), pod, nsLabels);
    return node -> {
      if (!existingAnti.isEmpty()) {
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> l : node.labels().properties()) {
          if (existingAnti.containsKey(domain(l.getKey(), l.getValue().asText()))) {
            return Result.unschedulable(List.of(EXISTING_ANTI_AFFINITY));
          }
        }
      }
      for (AffinityTerm t : pod.requiredAntiAffinity()) {
        String value = node.label(t.topologyKey());
        if (value != null && anti.containsKey(domain(t.topologyKey(), value))) {
          return Result.unschedulable(List.of(ANTI_AFFINITY));
        }
      }
      for (AffinityTerm t : pod.requiredAffinity()) {
        String value = node.label(t.topologyKey());
        if (value == null) {
          return Result.unresolvable(AFFINITY);
        }
        if (!affinity.containsKey(domain(t.topologyKey(), value)) && !firstOfGroup) {
          return Result.unresolvable(AFFINITY);
        }
      }
      return Result.FITS;
    };
  }

  private static boolean matchesAll(List<AffinityTerm> terms, PodInfo pod,
      Function<String, Map<String, String>> nsLabels) {
    for (AffinityTerm t : terms) {
      if (!t.matches(pod, nsLabels)) {
        return false;
      }
    }
    return true;
  }

  private static void countDomain(Map<String, Integer> counts, NodeInfo node, String key) {
    String value = node.label(key);
    if (value != null) {
      counts.merge(domain(key, value), 1, Integer::sum);
    }
  }

  private static String domain(String key, String value) {
    return key + "\u0000" + value;
  }

  @Override
  public int weight() {
    return weight;
  }

  @Override
  public long[] score(PodInfo pod, List<NodeInfo> nodes, Snapshot snapshot) {
    long[] out = new long[nodes.size()];
    boolean podPrefers = !pod.preferredAffinity().isEmpty() || !pod.preferredAntiAffinity().isEmpty();
    if (!podPrefers && !snapshot.anyPodWithAffinity()) {
      return out;
    }
    Function<String, Map<String, String>> nsLabels = snapshot::namespaceLabels;
    Map<String, Long> domains = new HashMap<>();
    for (String name : snapshot.nodeNames()) {
      NodeInfo node = snapshot.node(name);
      if (node == null || !node.exists() || (!podPrefers && node.podsWithAffinity() == 0)) {
        continue;
      }
      for (PodInfo existing : node.podList()) {
        if (existing.uid().equals(pod.uid())) {
          continue;
        }
        for (AffinityTerm t : pod.preferredAffinity()) {
          add(domains, node, t, t.matches(existing, nsLabels), t.weight());
        }
        for (AffinityTerm t : pod.preferredAntiAffinity()) {
          add(domains, node, t, t.matches(existing, nsLabels), -t.weight());
        }
        if (existing.hasPodAffinity()) {
          for (AffinityTerm t : existing.requiredAffinity()) {
            add(domains, node, t, t.matches(pod, nsLabels), HARD_POD_AFFINITY_WEIGHT);
          }
          for (AffinityTerm t : existing.preferredAffinity()) {
            add(domains, node, t, t.matches(pod, nsLabels), t.weight());
          }
          for (AffinityTerm t : existing.preferredAntiAffinity()) {
            add(domains, node, t, t.matches(pod, nsLabels), -t.weight());
          }
        }
      }
    }
    if (domains.isEmpty()) {
      return out;
    }
    long[] raw = new long[nodes.size()];
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < raw.length; i++) {
      for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> l : nodes.get(i).labels().properties()) {
        raw[i] += domains.getOrDefault(domain(l.getKey(), l.getValue().asText()), 0L);
      }
      min = Math.min(min, raw[i]);
      max = Math.max(max, raw[i]);
    }
    for (int i = 0; i < raw.length; i++) {
      out[i] = max == min ? 0 : (raw[i] - min) * MAX_SCORE / (max - min);
    }
    return out;
  }

  private static void add(Map<String, Long> domains, NodeInfo node, AffinityTerm t, boolean matches, long w) {
    String value = node.label(t.topologyKey());
    if (matches && value != null && w != 0) {
      domains.merge(domain(t.topologyKey(), value), w, Long::sum);
    }
  }
}

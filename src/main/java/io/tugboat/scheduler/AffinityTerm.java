package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelectors;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One pod (anti-)affinity term: which pods it selects (label selector, in which namespaces) and the topology
 * key that defines "together"; {@code weight} is 0 for required terms.
 *
 * @param selector the labelSelector; null selects no pod, as Kubernetes defines it
 * @param namespaces the namespaces listed, or the owning pod's own when neither list nor selector is given
 * @param namespaceSelector null when absent; an empty one selects every namespace
 */
public record AffinityTerm(JsonNode selector, Set<String> namespaces, JsonNode namespaceSelector,
    String topologyKey, int weight) {

  /** Reads the terms of one list (required: the terms; preferred: podAffinityTerm with weight). */
  static List<AffinityTerm> parse(JsonNode list, String ownNamespace, boolean weighted) {
    List<AffinityTerm> out = new ArrayList<>();
    for (JsonNode item : list) {
      JsonNode term = weighted ? item.path("podAffinityTerm") : item;
      int weight = weighted ? item.path("weight").asInt(0) : 0;
      JsonNode selector = term.get("labelSelector");
      if (selector != null && selector.isNull()) {
        selector = null;
      }
      Set<String> namespaces = new LinkedHashSet<>();
      term.path("namespaces").forEach(n -> namespaces.add(n.asText()));
      JsonNode nsSelector = term.get("namespaceSelector");
      if (nsSelector != null && nsSelector.isNull()) {
        nsSelector = null;
      }
      if (namespaces.isEmpty() && nsSelector == null) {
        namespaces.add(ownNamespace);
      }
      out.add(new AffinityTerm(selector, Set.copyOf(namespaces), nsSelector, Json.text(term.path("topologyKey")),
          weight));
    }
    return List.copyOf(out);
  }

  /** Whether the term selects this pod; {@code namespaceLabels} gives a namespace's labels. */
  public boolean matches(PodInfo pod, Function<String, Map<String, String>> namespaceLabels) {
    if (selector == null || !selectsNamespace(pod.namespace(), namespaceLabels)) {
      return false;
    }
    return LabelSelectors.matches(selector, pod.labels());
  }

  private boolean selectsNamespace(String namespace, Function<String, Map<String, String>> namespaceLabels) {
    if (namespaces.contains(namespace)) {
      return true;
    }
    if (namespaceSelector == null) {
      return false;
    }
    if (LabelSelectors.isEmpty(namespaceSelector)) {
      return true;
    }
    return LabelSelectors.matches(namespaceSelector, Json.MAPPER.valueToTree(namespaceLabels.apply(namespace)));
  }
}

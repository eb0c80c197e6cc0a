package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.scheduler.NodeInfo;
import io.tugboat.scheduler.NodeSelectorTerms;
import io.tugboat.scheduler.Taints;
import java.util.List;
import java.util.Map;

/**
 * Which nodes a DaemonSet's pod belongs on, and the pod it puts there (Kubernetes' NodeShouldRunDaemonPod,
 * AddOrUpdateDaemonPodTolerations, ReplaceDaemonSetPodNodeNameNodeAffinity and GetTargetNodeName). Only the
 * node's spec.taints count, as in Kubernetes: a node that stopped reporting Ready keeps its daemon pod, whose
 * automatic tolerations cover the not-ready and unreachable NoExecute taints.
 */
public final class DaemonNodes {

  /** The label pods and ControllerRevisions carry with the hash of the revision they were made from. */
  public static final String HASH_LABEL = "controller-revision-hash";

  private static final String NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";

  /** The tolerations Kubernetes adds to every daemon pod (network-unavailable only with hostNetwork). */
  static final List<Taints.Toleration> AUTOMATIC = List.of(
      new Taints.Toleration(Taints.NOT_READY, "Exists", "", Taints.NO_EXECUTE),
      new Taints.Toleration(Taints.UNREACHABLE, "Exists", "", Taints.NO_EXECUTE),
      new Taints.Toleration("node.kubernetes.io/disk-pressure", "Exists", "", Taints.NO_SCHEDULE),
      new Taints.Toleration("node.kubernetes.io/memory-pressure", "Exists", "", Taints.NO_SCHEDULE),
      new Taints.Toleration("node.kubernetes.io/pid-pressure", "Exists", "", Taints.NO_SCHEDULE),
      new Taints.Toleration(Taints.UNSCHEDULABLE, "Exists", "", Taints.NO_SCHEDULE));

  private DaemonNodes() {}

  /**
   * Whether a daemon pod should be created on a node ({@code run}) and whether one already there may stay
   * ({@code keep}): the node name, nodeSelector and required node affinity must fit for both; NoSchedule and
   * NoExecute taints must be tolerated to run, only NoExecute ones to stay.
   */
  public record Fit(boolean run, boolean keep) {}

  /** Where the daemon set's pod belongs with respect to this node. */
  public static Fit fit(JsonNode node, JsonNode podSpec) {
    String name = Json.metaText(node, "name");
    String wanted = Json.text(podSpec.path("nodeName"));
    if (!wanted.isEmpty() && !wanted.equals(name)) {
      return new Fit(false, false);
    }
    if (!affinityFits(node, podSpec)) {
      return new Fit(false, false);
    }
    List<Taints.Toleration> tolerations = Taints.tolerations(withTolerations(podSpec).path("tolerations"));
    boolean untoleratedNoSchedule = false;
    for (Taints.Taint taint : Taints.taints(node.path("spec").path("taints"))) {
      if (Taints.tolerated(taint, tolerations)) {
        continue;
      }
      if (taint.effect().equals(Taints.NO_EXECUTE)) {
        return new Fit(false, false);
      }
      if (taint.effect().equals(Taints.NO_SCHEDULE)) {
        untoleratedNoSchedule = true;
      }
    }
    return new Fit(!untoleratedNoSchedule, true);
  }

  /** spec.nodeSelector and the required node affinity (GetRequiredNodeAffinity(pod).Match(node)). */
  static boolean affinityFits(JsonNode node, JsonNode podSpec) {
    JsonNode labels = node.path("metadata").path("labels");
    for (Map.Entry<String, String> e : Json.stringMap(podSpec.path("nodeSelector")).entrySet()) {
      JsonNode value = labels.path(e.getKey());
      if (!value.isTextual() || !e.getValue().equals(value.asText())) {
        return false;
      }
    }
    JsonNode required = podSpec.path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution");
    return !required.isObject()
        || NodeSelectorTerms.anyMatches(required.path("nodeSelectorTerms"), NodeInfo.of((ObjectNode) node));
  }

  /** A copy of the pod spec with the automatic daemon tolerations added where an equal one is missing. */
  static ObjectNode withTolerations(JsonNode podSpec) {
    ObjectNode spec = podSpec.isObject() ? (ObjectNode) podSpec.deepCopy() : Json.object();
    ArrayNode tolerations = spec.withArray("tolerations");
    List<Taints.Toleration> present = Taints.tolerations(tolerations);
    List<Taints.Toleration> wanted = new java.util.ArrayList<>(AUTOMATIC);
    if (spec.path("hostNetwork").asBoolean(false)) {
      wanted.add(new Taints.Toleration(NETWORK_UNAVAILABLE, "Exists", "", Taints.NO_SCHEDULE));
    }
    for (Taints.Toleration t : wanted) {
      if (!present.contains(t)) {
        ObjectNode added = tolerations.addObject();
        added.put("key", t.key());
        added.put("operator", t.operator());
        added.put("effect", t.effect());
      }
    }
    return spec;
  }

  /**
   * The daemon pod for a node: the template's pod (generateName "ds-", labels, controller reference) with the
   * revision hash label, the automatic tolerations, and its required node affinity replaced by
   * {@code matchFields metadata.name In [node]}, for the default scheduler to bind it there.
   */
  public static ObjectNode pod(JsonNode ds, String node, String hash) {
    ObjectNode pod = ReplicaSetSync.podFromTemplate(ds);
    Json.meta(pod).with("labels").put(HASH_LABEL, hash);
    ObjectNode spec = withTolerations(pod.path("spec"));
    ObjectNode required = spec.with("affinity").with("nodeAffinity")
        .with("requiredDuringSchedulingIgnoredDuringExecution");
    ObjectNode field = required.putArray("nodeSelectorTerms").addObject().putArray("matchFields").addObject();
    field.put("key", "metadata.name");
    field.put("operator", "In");
    field.putArray("values").add(node);
    pod.set("spec", spec);
    return pod;
  }

  /**
   * The node a daemon pod is on or meant for: spec.nodeName once bound, before that the single name of a
   * {@code matchFields metadata.name In} term (GetTargetNodeName); "" when neither says.
   */
  public static String targetNode(JsonNode pod) {
    String bound = Json.text(pod.path("spec").path("nodeName"));
    if (!bound.isEmpty()) {
      return bound;
    }
    JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
    for (JsonNode term : terms) {
      for (JsonNode f : term.path("matchFields")) {
        if ("metadata.name".equals(Json.text(f.path("key"))) && "In".equals(Json.text(f.path("operator")))
            && f.path("values").size() == 1) {
          return f.path("values").get(0).asText();
        }
      }
    }
    return "";
  }
}

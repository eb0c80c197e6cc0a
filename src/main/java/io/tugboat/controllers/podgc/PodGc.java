package io.tugboat.controllers.podgc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pass of Kubernetes' pod garbage collector (pkg/controller/podgc), as a pure function of the pods and nodes
 * in the cache:
 *
 * <ul>
 *   <li><b>orphaned</b>: a pod bound to a node that has not existed for a whole quarantine (the node may be
 *       registering again) is marked Failed with the DisruptionTarget condition (DeletionByPodGC), then force
 *       deleted: no agent will ever stop it or report it, so its owner could wait forever (a Job with a pod
 *       failure policy waits for a terminal phase; a StatefulSet never replaces a name still taken);
 *   <li><b>unscheduled terminating</b>: a pod being deleted that was never bound has no agent to finish its
 *       deletion: force deleted;
 *   <li><b>terminated</b>: above {@code terminatedThreshold} Succeeded or Failed pods, the oldest beyond it are
 *       deleted.
 * </ul>
 */
public final class PodGc {

  /** What to do to one pod: mark it Failed first (the status to write), then delete it with grace 0. */
  public record Collect(JsonNode pod, ObjectNode failedStatus, String why) {}

  /** The pass's writes, and the nodes found missing with when they were first missed (for the next pass). */
  public record Pass(List<Collect> collect, Map<String, Instant> missingSince) {}

  private PodGc() {}

  /**
   * The pods to collect now.
   *
   * @param missingSince nodes that pods name and the cache lacked at earlier passes, with the first such time
   */
  public static Pass plan(List<? extends JsonNode> pods, Set<String> nodes, Map<String, Instant> missingSince,
      Instant now, Duration quarantine, int terminatedThreshold) {
    List<Collect> collect = new ArrayList<>();
    Map<String, Instant> missing = new HashMap<>();
    List<JsonNode> terminated = new ArrayList<>();
    for (JsonNode pod : pods) {
      String node = Json.text(pod.path("spec").path("nodeName"));
      String phase = Json.text(pod.path("status").path("phase"));
      boolean deleting = pod.path("metadata").has("deletionTimestamp");
      if (!node.isEmpty() && !nodes.contains(node)) {
        Instant since = missingSince.getOrDefault(node, missing.getOrDefault(node, now));
        missing.put(node, since);
        if (!since.plus(quarantine).isAfter(now)) {
          boolean finished = phase.equals("Succeeded") || phase.equals("Failed");
          collect.add(new Collect(pod, finished ? null : failed(pod, now), "node " + node + " no longer exists"));
        }
        continue;
      }
      if (node.isEmpty() && deleting) {
        collect.add(new Collect(pod, null, "never scheduled and being deleted"));
        continue;
      }
      if (!deleting && (phase.equals("Succeeded") || phase.equals("Failed"))) {
        terminated.add(pod);
      }
    }
    int excess = terminated.size() - terminatedThreshold;
    if (terminatedThreshold > 0 && excess > 0) {
      terminated.sort(Comparator.comparing((JsonNode p) -> Json.metaText(p, "creationTimestamp"))
          .thenComparing(p -> Json.metaText(p, "name")));
      for (JsonNode pod : terminated.subList(0, excess)) {
        collect.add(new Collect(pod, null, "more than " + terminatedThreshold + " terminated pods"));
      }
    }
    return new Pass(collect, missing);
  }

  /** The status Kubernetes writes before deleting an orphaned pod: Failed, with DisruptionTarget. */
  static ObjectNode failed(JsonNode pod, Instant now) {
    ObjectNode status = pod.path("status").isObject() ? ((ObjectNode) pod.get("status")).deepCopy() : Json.object();
    status.put("phase", "Failed");
    var conditions = Json.NODES.arrayNode();
    for (JsonNode c : status.path("conditions")) {
      if (!"DisruptionTarget".equals(c.path("type").asText())) {
        conditions.add(c);
      }
    }
    ObjectNode target = conditions.addObject();
    target.put("type", "DisruptionTarget");
    target.put("status", "True");
    target.put("lastTransitionTime", ObjectLifecycle.timestamp(now));
    target.put("reason", "DeletionByPodGC");
    target.put("message", "PodGC: node no longer exists");
    status.set("conditions", conditions);
    return status;
  }
}

package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One step of a DaemonSet's RollingUpdate (Kubernetes' rollingUpdate in pkg/controller/daemon/update.go), once
 * every node already has what the manage step wants. Without surge it deletes old pods while the unavailable
 * count stays within maxUnavailable (old pods that are not available anyway go first) and lets the manage step
 * create their replacements; with surge it creates a new pod beside an old one on at most maxSurge nodes at a
 * time (at once where the old one is unavailable) and deletes the old pod when the new one is available.
 * Counting: a node with no pod, or with both an old and a new one, is unavailable; deleted pods do not count.
 */
public final class DaemonRollout {

  private DaemonRollout() {}

  /** The pods to delete and the nodes to create a (surge) pod on. */
  public record Step(List<JsonNode> delete, List<String> createOn) {}

  /** The limits of a rollout over {@code desired} scheduled nodes: percentages rounded up; never both 0. */
  public record Limits(int maxUnavailable, int maxSurge) {
    /** The DaemonSet's limits (updatedDesiredNodeCounts). */
    public static Limits of(JsonNode ds, int desired) {
      JsonNode rolling = ds.path("spec").path("updateStrategy").path("rollingUpdate");
      int surge = Rollout.scaled(rolling.get("maxSurge"), desired, true, 0);
      int unavailable = Rollout.scaled(rolling.get("maxUnavailable"), desired, true, 1);
      if (surge == 0 && unavailable == 0) {
        unavailable = 1;
      }
      return new Limits(unavailable, surge);
    }
  }

  /** Whether the DaemonSet rolls with surge (a non-zero maxSurge: two pods may share a node). */
  public static boolean surges(JsonNode ds) {
    JsonNode strategy = ds.path("spec").path("updateStrategy");
    return "RollingUpdate".equals(Json.text(strategy.path("type")))
        && Rollout.scaled(strategy.path("rollingUpdate").get("maxSurge"), 1, true, 0) > 0;
  }

  /** The new (current hash) and old pod of a node, neither being deleted; null when a node has two of a kind. */
  record OnNode(JsonNode newPod, JsonNode oldPod) {
    static OnNode of(List<JsonNode> pods, String hash) {
      JsonNode newPod = null;
      JsonNode oldPod = null;
      for (JsonNode p : pods) {
        if (Owners.deleting(p)) {
          continue;
        }
        if (updated(p, hash)) {
          if (newPod != null) {
            return null;
          }
          newPod = p;
        } else {
          if (oldPod != null) {
            return null;
          }
          oldPod = p;
        }
      }
      return new OnNode(newPod, oldPod);
    }
  }

  /** Whether a pod was made from the revision with this hash. */
  public static boolean updated(JsonNode pod, String hash) {
    return !hash.isEmpty()
        && hash.equals(Json.text(pod.path("metadata").path("labels").path(DaemonNodes.HASH_LABEL)));
  }

  /**
   * The next step of the rollout. {@code nodeToPods} holds every node with daemon pods plus every node that should
   * run one (possibly with none), {@code shouldRun} the nodes that should run one.
   */
  public static Step step(JsonNode ds, Map<String, List<JsonNode>> nodeToPods, java.util.Set<String> shouldRun,
      String hash, Instant now) {
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    Limits limits = Limits.of(ds, shouldRun.size());
    if (limits.maxSurge() == 0) {
      int unavailable = 0;
      List<JsonNode> replace = new ArrayList<>();
      List<JsonNode> candidates = new ArrayList<>();
      for (Map.Entry<String, List<JsonNode>> e : nodeToPods.entrySet()) {
        OnNode on = OnNode.of(e.getValue(), hash);
        if (on == null || (on.oldPod() == null) == (on.newPod() == null)) {
          unavailable++;
        } else if (on.newPod() != null) {
          if (!Pods.available(on.newPod(), minReady, now)) {
            unavailable++;
          }
        } else if (!Pods.available(on.oldPod(), minReady, now)) {
          replace.add(on.oldPod());
        } else if (unavailable < limits.maxUnavailable()) {
          candidates.add(on.oldPod());
        }
      }
      int remaining = Math.max(0, Math.min(limits.maxUnavailable() - unavailable, candidates.size()));
      List<JsonNode> delete = new ArrayList<>(replace);
      delete.addAll(candidates.subList(0, remaining));
      return new Step(delete, List.of());
    }
    List<JsonNode> delete = new ArrayList<>();
    List<JsonNode> shouldNotRun = new ArrayList<>();
    List<String> allowed = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    int surge = 0;
    int available = 0;
    for (Map.Entry<String, List<JsonNode>> e : nodeToPods.entrySet()) {
      String node = e.getKey();
      OnNode on = OnNode.of(e.getValue(), hash);
      if (on == null) {
        surge++;
        continue;
      }
      JsonNode counted = on.oldPod() != null ? on.oldPod() : on.newPod();
      if (counted != null && Pods.available(counted, minReady, now)) {
        available++;
      }
      if (on.oldPod() == null) {
        continue;
      }
      if (on.newPod() == null) {
        if (!Pods.available(on.oldPod(), minReady, now)) {
          if (!shouldRun.contains(node)) {
            delete.add(on.oldPod());
          } else {
            allowed.add(node);
          }
        } else if (!shouldRun.contains(node)) {
          shouldNotRun.add(on.oldPod());
        } else if (surge < limits.maxSurge()) {
          candidates.add(node);
        }
      } else if (!Pods.available(on.newPod(), minReady, now)) {
        surge++;
      } else {
        delete.add(on.oldPod());
      }
    }
    // With surge the owner expects full availability: a pod on a node it no longer fits goes only once as many
    // pods are available elsewhere.
    int deletable = Math.min(available - shouldRun.size(), shouldNotRun.size());
    if (deletable > 0) {
      delete.addAll(shouldNotRun.subList(0, deletable));
    }
    int remaining = Math.max(0, Math.min(limits.maxSurge() - surge, candidates.size()));
    List<String> create = new ArrayList<>(allowed);
    create.addAll(candidates.subList(0, remaining));
    return new Step(delete, create);
  }
}

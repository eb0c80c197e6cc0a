package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.WatchCache;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DaemonSets (apps/v1): {@link DaemonSetSync} over the nodes and the namespace's pods and ControllerRevisions.
 * Holds the failed-pod backoff per DaemonSet and node in memory, as Kubernetes' controller does (a restart
 * forgets it; DaemonSets that are gone are forgotten at the next step of another). A node added or deleted wakes every DaemonSet; a node changed wakes those whose fit to it changed.
 */
public final class DaemonSetReconciler implements Reconciler {

  private final int burst;
  private final Map<String, Map<String, DaemonSetSync.Backoff>> backoff = new ConcurrentHashMap<>();

  /** The reconciler creating or deleting at most {@code burst} pods per step. */
  public DaemonSetReconciler(int burst) {
    this.burst = burst;
  }

  /** The DaemonSets whose failed-pod backoff is remembered (tests). */
  int remembered() {
    return backoff.size();
  }

  @Override
  public ResourceType type() {
    return DaemonSetSync.DAEMON_SETS;
  }

  @Override
  public String component() {
    return DaemonSetSync.COMPONENT;
  }

  @Override
  public Plan plan(JsonNode owner, WatchCache cache, Instant now) {
    String ns = Json.metaText(owner, "namespace");
    String uid = Json.metaText(owner, "uid");
    List<JsonNode> nodes = cache.list(DaemonSetSync.NODES.storageKey(), null, e -> true, null, 0).items().stream()
        .map(e -> (JsonNode) e.object()).toList();
    DaemonSetSync.Step step = DaemonSetSync.plan(owner, nodes, Reconciler.objects(cache, ReplicaSetSync.PODS, ns),
        Reconciler.objects(cache, DaemonHistory.REVISIONS, ns), backoff.getOrDefault(uid, Map.of()), now, burst);
    if (step.backoff().isEmpty()) {
      backoff.remove(uid);
    } else {
      backoff.put(uid, Map.copyOf(step.backoff()));
    }
    if (!backoff.isEmpty()) {
      // Forget DaemonSets that are gone (their loops stopped without another step).
      java.util.Set<String> live = new java.util.HashSet<>();
      cache.list(type().storageKey(), null, e -> true, null, 0).items()
          .forEach(e -> live.add(Json.metaText(e.object(), "uid")));
      backoff.keySet().retainAll(live);
    }
    return step.plan();
  }

  @Override
  public List<ResourceType> children() {
    return List.of(ReplicaSetSync.PODS, DaemonHistory.REVISIONS);
  }

  @Override
  public List<ResourceType> alsoWatches() {
    return List.of(DaemonSetSync.NODES);
  }

  @Override
  public List<ObjectKey> alsoWake(WatchCache cache, WatchCache.Change change) {
    if (!change.entry().key().storageKey().equals(DaemonSetSync.NODES.storageKey())) {
      return List.of();
    }
    JsonNode now = change.entry().object();
    JsonNode before = change.previous() == null ? null : change.previous().object();
    boolean addedOrDeleted = !change.type().equals("MODIFIED") || before == null;
    if (!addedOrDeleted && now.path("spec").equals(before.path("spec"))
        && now.path("metadata").path("labels").equals(before.path("metadata").path("labels"))) {
      return List.of(); // a status heartbeat: what fits reads (name, labels, taints) did not change
    }
    List<ObjectKey> keys = new ArrayList<>();
    for (WatchCache.Entry ds : cache.list(type().storageKey(), null, e -> true, null, 0).items()) {
      JsonNode spec = ds.object().path("spec").path("template").path("spec");
      if (addedOrDeleted || !DaemonNodes.fit(now, spec).equals(DaemonNodes.fit(before, spec))) {
        keys.add(ds.key());
      }
    }
    return keys;
  }
}

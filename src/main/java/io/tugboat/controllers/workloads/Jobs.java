package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import io.tugboat.store.WatchCache;
import java.time.Instant;
import java.util.List;

/** The Job kind's {@link Reconciler}: {@link JobSync} over the pods of the Job's namespace. */
public record Jobs(int burst, JobSettings settings) implements Reconciler {

  @Override
  public ResourceType type() {
    return JobSync.JOBS;
  }

  @Override
  public String component() {
    return JobSync.COMPONENT;
  }

  /**
   * Only the pods the step can concern (its own, and orphans it might adopt): with 100 Jobs in a namespace, a step
   * would otherwise match its selector against 1,000 pods of other Jobs on every pod change.
   */
  @Override
  public Plan plan(JsonNode owner, WatchCache cache, Instant now) {
    String uid = Json.metaText(owner, "uid");
    List<JsonNode> pods = cache.list(ReplicaSetSync.PODS.storageKey(), Json.metaText(owner, "namespace"), e -> {
      String controller = Owners.controllerUid(e.object());
      return controller.isEmpty() || controller.equals(uid);
    }, null, 0).items().stream().map(e -> (JsonNode) e.object()).toList();
    return JobSync.plan(owner, pods, now, burst, settings);
  }

  @Override
  public List<ResourceType> children() {
    return List.of(ReplicaSetSync.PODS);
  }
}

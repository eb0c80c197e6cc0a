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

  @Override
  public Plan plan(JsonNode owner, WatchCache cache, Instant now) {
    return JobSync.plan(owner, Reconciler.objects(cache, ReplicaSetSync.PODS, Json.metaText(owner, "namespace")),
        now, burst, settings);
  }

  @Override
  public List<ResourceType> children() {
    return List.of(ReplicaSetSync.PODS);
  }
}

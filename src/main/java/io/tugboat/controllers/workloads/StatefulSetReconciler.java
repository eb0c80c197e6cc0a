package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import io.tugboat.store.WatchCache;
import java.time.Instant;
import java.util.List;

/** StatefulSets (apps/v1): owners of pods and of the ControllerRevisions of their template history. */
public record StatefulSetReconciler() implements Reconciler {

  @Override
  public ResourceType type() {
    return StatefulSetSync.STATEFUL_SETS;
  }

  @Override
  public String component() {
    return StatefulSetSync.COMPONENT;
  }

  @Override
  public Plan plan(JsonNode owner, WatchCache cache, Instant now) {
    String ns = Json.metaText(owner, "namespace");
    return StatefulSetSync.plan(owner, Reconciler.objects(cache, StatefulSetRevisions.REVISIONS, ns),
        Reconciler.objects(cache, ReplicaSetSync.PODS, ns), Reconciler.objects(cache, StatefulSetPods.CLAIMS, ns),
        now);
  }

  @Override
  public List<ResourceType> children() {
    return List.of(ReplicaSetSync.PODS, StatefulSetRevisions.REVISIONS);
  }
}

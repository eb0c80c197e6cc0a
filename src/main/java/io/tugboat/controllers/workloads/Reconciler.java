package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.WatchCache;
import java.time.Instant;
import java.util.List;

/**
 * The reconcile step of one owner kind: reads what the step needs from the local cache and hands it to the kind's
 * pure plan function. {@link OwnerController} does the I/O around it.
 */
public interface Reconciler {

  /** The owner kind this reconciles. */
  ResourceType type();

  /** The component its writes and Events are reported as. */
  String component();

  /** The next step for {@code owner}, from the cache as it is now. */
  Plan plan(JsonNode owner, WatchCache cache, Instant now);

  /** ReplicaSets (apps/v1). */
  static Reconciler replicaSets(int burst) {
    return new PodOwner(ResourceRegistry.byPath("apps", "v1", "replicasets").orElseThrow(), "replicaset-controller",
        burst);
  }

  /** ReplicationControllers (core/v1), by the same logic with an equality-based selector. */
  static Reconciler replicationControllers(int burst) {
    return new PodOwner(ResourceRegistry.byPath("", "v1", "replicationcontrollers").orElseThrow(),
        "replication-controller", burst);
  }

  /** Deployments. */
  static Reconciler deployments() {
    return new Reconciler() {
      @Override
      public ResourceType type() {
        return DeploymentSync.DEPLOYMENTS;
      }

      @Override
      public String component() {
        return DeploymentSync.COMPONENT;
      }

      @Override
      public Plan plan(JsonNode owner, WatchCache cache, Instant now) {
        String ns = Json.metaText(owner, "namespace");
        return DeploymentSync.plan(owner, objects(cache, DeploymentSync.REPLICA_SETS, ns),
            objects(cache, ReplicaSetSync.PODS, ns), now);
      }
    };
  }

  /** The objects of a resource in one namespace. */
  static List<JsonNode> objects(WatchCache cache, ResourceType type, String namespace) {
    return cache.list(type.storageKey(), namespace, e -> true, null, 0).items().stream()
        .map(e -> (JsonNode) e.object()).toList();
  }

  /** ReplicaSet and ReplicationController: owners of pods. */
  record PodOwner(ResourceType type, String component, int burst) implements Reconciler {
    @Override
    public Plan plan(JsonNode owner, WatchCache cache, Instant now) {
      return ReplicaSetSync.plan(owner, objects(cache, ReplicaSetSync.PODS, Json.metaText(owner, "namespace")), now,
          burst);
    }
  }
}

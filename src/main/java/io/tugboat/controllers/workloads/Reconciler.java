package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.WatchCache;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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

  /**
   * The next step, knowing whether a create or delete of the previous step failed (kinds that report it in their
   * status override this; the rest ignore it).
   */
  default Plan plan(JsonNode owner, WatchCache cache, Instant now, Optional<Plan.Failure> lastFailure) {
    return plan(owner, cache, now);
  }

  /**
   * The kinds this owner controls: a change of one wakes the owner its controller ownerReference names, or, for an
   * orphan, every owner of this kind in the namespace whose {@link #selector} matches it (it may adopt it).
   */
  default List<ResourceType> children() {
    return List.of();
  }

  /** The owner's selector as a metav1.LabelSelector, matching the orphans it adopts (empty: adopts none). */
  default JsonNode selector(JsonNode owner) {
    return owner.path("spec").path("selector");
  }

  /** Further kinds whose changes {@link #alsoWake} looks at (nodes, for one pod per node). */
  default List<ResourceType> alsoWatches() {
    return List.of();
  }

  /** Owners of this kind a change of a watched object concerns beyond its controller and selectors. */
  default List<ObjectKey> alsoWake(WatchCache cache, WatchCache.Change change) {
    return List.of();
  }

  /** Every kind's reconciler: what {@link Workloads} runs and the dispatcher wakes. */
  static List<Reconciler> all(WorkloadSettings settings) {
    return List.of(replicaSets(settings.burst()), replicationControllers(settings.burst()), deployments(),
        new Jobs(settings.burst(), settings.job()), new DaemonSetReconciler(settings.burst()),
        new StatefulSetReconciler());
  }

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

      @Override
      public List<ResourceType> children() {
        return List.of(DeploymentSync.REPLICA_SETS);
      }

      @Override
      public List<ResourceType> alsoWatches() {
        return List.of(ReplicaSetSync.PODS);
      }

      /** A pod that is gone wakes its ReplicaSet's Deployment too: Recreate waits for old pods to go. */
      @Override
      public List<ObjectKey> alsoWake(WatchCache cache, WatchCache.Change change) {
        ObjectKey key = change.entry().key();
        if (!key.storageKey().equals(ReplicaSetSync.PODS.storageKey()) || !change.type().equals("DELETED")) {
          return List.of();
        }
        return Owners.controllerRef(change.entry().object())
            .filter(ref -> "ReplicaSet".equals(ref.path("kind").asText()))
            .flatMap(ref -> cache.get(ObjectKey.of(DeploymentSync.REPLICA_SETS, key.namespace(),
                Json.text(ref.path("name")))))
            .flatMap(rs -> Owners.controllerRef(rs.object()))
            .filter(ref -> "Deployment".equals(ref.path("kind").asText()))
            .map(ref -> List.of(ObjectKey.of(DeploymentSync.DEPLOYMENTS, key.namespace(), Json.text(ref.path("name")))))
            .orElse(List.of());
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
      return plan(owner, cache, now, Optional.empty());
    }

    @Override
    public Plan plan(JsonNode owner, WatchCache cache, Instant now, Optional<Plan.Failure> lastFailure) {
      return ReplicaSetSync.plan(owner, objects(cache, ReplicaSetSync.PODS, Json.metaText(owner, "namespace")), now,
          burst, lastFailure);
    }

    @Override
    public List<ResourceType> children() {
      return List.of(ReplicaSetSync.PODS);
    }

    @Override
    public JsonNode selector(JsonNode owner) {
      return ReplicaSetSync.selector(owner);
    }
  }
}

package io.tugboat.controllers.workloads;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Start-up of the workload controllers: one sharded loop per owner object, and the dispatcher singleton. */
public final class Workloads {

  private Workloads() {}

  /** Starts the loops' sharding on this node and the dispatcher as a cluster singleton (every control-plane node). */
  public static void init(ActorSystem<?> system, ObjectStore store, Clock clock) {
    WorkloadSettings settings = WorkloadSettings.create(system.settings().config());
    Consumer<ObjectKey> reconcile = initLoops(system, store, clock, settings);
    ClusterSingleton.get(system).init(SingletonActor.of(WorkloadDispatcher.create(store, reconcile, settings),
        "workload-dispatcher"));
    ClusterSingleton.get(system).init(SingletonActor.of(JobPodJanitor.create(store, clock, settings.resyncPeriod()),
        "job-pod-janitor"));
  }

  /** Starts sharding of every owner kind's loops; the result sends "reconcile" to the loop of a key. */
  public static Consumer<ObjectKey> initLoops(ActorSystem<?> system, ObjectStore store, Clock clock,
      WorkloadSettings settings) {
    Map<String, ResourceType> kinds = new HashMap<>();
    for (Reconciler r : Reconciler.all(settings)) {
      OwnerController.initSharding(system, r, store, clock, settings);
      kinds.put(r.type().storageKey(), r.type());
    }
    ClusterSharding sharding = ClusterSharding.get(system);
    return key -> {
      ResourceType type = kinds.get(key.storageKey());
      if (type != null) {
        sharding.entityRefFor(OwnerController.typeKey(type), key.entityId()).tell(OwnerController.Reconcile.INSTANCE);
      }
    };
  }
}

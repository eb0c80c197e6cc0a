package io.tugboat.controllers.workloads;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelectors;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.WatchCache;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns changes in the local watch cache into "reconcile KEY" for the owners they concern (a cluster singleton,
 * so one JVM sends each change once): an owner's own changes; a child's changes to its controller (pods to their
 * ReplicaSet or ReplicationController, ReplicaSets to their Deployment) or, for orphans, to every owner in the
 * namespace whose selector matches them before or after; a pod that is gone also to its ReplicaSet's Deployment
 * (Recreate waits for old pods to go). Every owner is also reconciled when the dispatcher starts and every resync
 * period. Keys are coalesced: a burst of changes sends each owner one message.
 */
public final class WorkloadDispatcher {

  /** Messages of the dispatcher. */
  public sealed interface Command {}

  private record Changed(WatchCache.Change change) implements Command {}

  private enum Flush implements Command { INSTANCE }

  private enum Resync implements Command { INSTANCE }

  private enum Start implements Command { INSTANCE }

  static final ResourceType PODS = ReplicaSetSync.PODS;
  static final ResourceType RS = DeploymentSync.REPLICA_SETS;
  static final ResourceType RC = ResourceRegistry.byPath("", "v1", "replicationcontrollers").orElseThrow();
  static final ResourceType DEPLOYMENTS = DeploymentSync.DEPLOYMENTS;
  private static final List<ResourceType> OWNERS = List.of(DEPLOYMENTS, RS, RC);

  private WorkloadDispatcher() {}

  /** The dispatcher over this node's cache, handing each owner key to {@code reconcile}. */
  public static Behavior<Command> create(ObjectStore store, Consumer<ObjectKey> reconcile, WorkloadSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      // Only once the cache has replayed the journal: owners judged from a partial cache would over-create.
      ctx.pipeToSelf(store.cache().ready(), (ok, e) -> Start.INSTANCE);
      List<Runnable> cancels = new ArrayList<>();
      Set<ObjectKey> pending = new LinkedHashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Start.class, s -> {
            for (ResourceType t : List.of(DEPLOYMENTS, RS, RC, PODS)) {
              cancels.add(store.cache().watch(t.storageKey(), null, -1, false, new WatchCache.Watcher() {
                @Override
                public boolean offer(WatchCache.Change change) {
                  ctx.getSelf().tell(new Changed(change));
                  return true;
                }

                @Override
                public void close() {}
              }).cancel());
            }
            // Every owner once at start (the watches only bring changes from now on), then every resync period.
            ctx.getSelf().tell(Resync.INSTANCE);
            timers.startTimerWithFixedDelay(Resync.INSTANCE, settings.resyncPeriod());
            return Behaviors.same();
          })
          .onMessage(Changed.class, c -> {
            add(ctx, pending, keysFor(store.cache(), c.change()));
            return Behaviors.same();
          })
          .onMessage(Resync.class, r -> {
            List<ObjectKey> all = new ArrayList<>();
            for (ResourceType t : OWNERS) {
              store.cache().list(t.storageKey(), null, e -> true, null, 0).items().forEach(e -> all.add(e.key()));
            }
            add(ctx, pending, all);
            return Behaviors.same();
          })
          .onMessage(Flush.class, f -> {
            pending.forEach(reconcile);
            pending.clear();
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            cancels.forEach(Runnable::run);
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static void add(ActorContext<Command> ctx, Set<ObjectKey> pending, List<ObjectKey> keys) {
    if (pending.isEmpty() && !keys.isEmpty()) {
      ctx.getSelf().tell(Flush.INSTANCE);
    }
    pending.addAll(keys);
  }

  /** The owners a change concerns, each once. */
  static List<ObjectKey> keysFor(WatchCache cache, WatchCache.Change change) {
    List<ObjectKey> keys = new ArrayList<>();
    ObjectKey key = change.entry().key();
    JsonNode now = change.entry().object();
    JsonNode before = change.previous() == null ? null : change.previous().object();
    String storage = key.storageKey();
    if (storage.equals(DEPLOYMENTS.storageKey())) {
      keys.add(key);
    } else if (storage.equals(RS.storageKey()) || storage.equals(RC.storageKey())) {
      keys.add(key);
      if (storage.equals(RS.storageKey())) {
        owners(cache, key.namespace(), now, before, List.of(DEPLOYMENTS), keys);
      }
    } else if (storage.equals(PODS.storageKey())) {
      owners(cache, key.namespace(), now, before, List.of(RS, RC), keys);
      if (change.type().equals("DELETED")) {
        for (ObjectKey owner : List.copyOf(keys)) {
          cache.get(owner).flatMap(e -> Owners.controllerRef(e.object()))
              .filter(ref -> "Deployment".equals(ref.path("kind").asText()))
              .ifPresent(ref -> keys.add(ObjectKey.of(DEPLOYMENTS, owner.namespace(), Json.text(ref.path("name")))));
        }
      }
    }
    return List.copyOf(new LinkedHashSet<>(keys));
  }

  /** The controller of the child before and after the change, or, for an orphan, the owners selecting it. */
  private static void owners(WatchCache cache, String namespace, JsonNode now, JsonNode before,
      List<ResourceType> kinds, List<ObjectKey> into) {
    for (JsonNode version : before == null ? List.of(now) : List.of(now, before)) {
      var ref = Owners.controllerRef(version);
      if (ref.isPresent()) {
        for (ResourceType t : kinds) {
          if (t.kind().equals(ref.get().path("kind").asText())) {
            into.add(ObjectKey.of(t, namespace, Json.text(ref.get().path("name"))));
          }
        }
      } else {
        JsonNode labels = version.path("metadata").path("labels");
        for (ResourceType t : kinds) {
          for (WatchCache.Entry owner : cache.list(t.storageKey(), namespace, e -> true, null, 0).items()) {
            JsonNode selector = ReplicaSetSync.selector(owner.object());
            if (!LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, labels)) {
              into.add(owner.key());
            }
          }
        }
      }
    }
  }
}

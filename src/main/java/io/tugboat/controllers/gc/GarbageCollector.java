package io.tugboat.controllers.gc;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.controllers.workloads.Plan;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The garbage collector (a cluster singleton): keeps Kubernetes' owner graph of every cached object (uid to key,
 * owner uid to dependents) from the local watch cache, and for every object whose owners or dependents changed
 * decides with {@link GarbageCollection} what to write: Background, Foreground and Orphan propagation through
 * ownerReferences. It holds nothing the cache cannot rebuild; a new instance starts from the cache's objects.
 *
 * <p>Phases: waiting for the cache to serve -> building the graph from every resource's current objects ->
 * following changes, checking dirty keys in coalesced passes; a key with a write in flight is checked again once
 * the write is answered.
 */
public final class GarbageCollector {

  /** Messages of the collector. */
  public sealed interface Command {}

  private enum Start implements Command { INSTANCE }

  private record Changed(WatchCache.Change change) implements Command {}

  private enum Pass implements Command { INSTANCE }

  private record Written(ObjectKey key, Throwable error) implements Command {}

  private static final String COMPONENT = "generic-garbage-collector";

  private GarbageCollector() {}

  /** The collector over this node's store. */
  public static Behavior<Command> create(ObjectStore store, Clock clock) {
    return Behaviors.setup(ctx -> {
      ctx.pipeToSelf(store.cache().ready(), (ok, e) -> Start.INSTANCE);
      return new Graph(ctx, store, clock).behavior();
    });
  }

  private static final class Graph {
    private final ActorContext<Command> ctx;
    private final ObjectStore store;
    private final Clock clock;
    private final Map<String, ObjectKey> byUid = new HashMap<>();
    private final Map<ObjectKey, List<String>> ownersOf = new HashMap<>();
    private final Map<String, Set<ObjectKey>> dependents = new HashMap<>();
    private final Set<ObjectKey> dirty = new LinkedHashSet<>();
    private final Set<ObjectKey> inFlight = new HashSet<>();
    private final List<Runnable> cancels = new ArrayList<>();

    Graph(ActorContext<Command> ctx, ObjectStore store, Clock clock) {
      this.ctx = ctx;
      this.store = store;
      this.clock = clock;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Start.class, s -> {
            start();
            return Behaviors.same();
          })
          .onMessage(Changed.class, c -> {
            apply(c.change());
            return Behaviors.same();
          })
          .onMessage(Pass.class, p -> {
            pass();
            return Behaviors.same();
          })
          .onMessage(Written.class, w -> {
            inFlight.remove(w.key());
            if (w.error() != null) {
              ctx.getLog().debug("garbage collection of {} failed; checking again: {}", w.key().sortKey(),
                  w.error().getMessage());
            }
            markDirty(w.key());
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            cancels.forEach(Runnable::run);
            return Behaviors.same();
          })
          .build();
    }

    private void start() {
      Set<String> seen = new HashSet<>();
      for (ResourceType t : ResourceRegistry.all()) {
        if (!seen.add(t.storageKey())) {
          continue;
        }
        WatchCache.Start st = store.cache().watch(t.storageKey(), null, -1, true,
            WatchCache.Watcher.of(change -> ctx.getSelf().tell(new Changed(change))));
        cancels.add(st.cancel());
        st.backlog().forEach(this::apply);
      }
    }

    private void apply(WatchCache.Change change) {
      ObjectKey key = change.entry().key();
      JsonNode obj = change.entry().object();
      String uid = Json.metaText(obj, "uid");
      List<String> before = ownersOf.getOrDefault(key, List.of());
      for (String owner : before) {
        Set<ObjectKey> deps = dependents.get(owner);
        if (deps != null) {
          deps.remove(key);
          if (deps.isEmpty()) {
            dependents.remove(owner);
          }
        }
        markOwner(owner);
      }
      if (change.type().equals("DELETED")) {
        byUid.remove(uid);
        ownersOf.remove(key);
        for (ObjectKey dep : dependents.getOrDefault(uid, Set.of())) {
          markDirty(dep);
        }
        return;
      }
      byUid.put(uid, key);
      List<String> owners = new ArrayList<>();
      for (JsonNode ref : obj.path("metadata").path("ownerReferences")) {
        String ownerUid = Json.text(ref.path("uid"));
        owners.add(ownerUid);
        dependents.computeIfAbsent(ownerUid, k -> new LinkedHashSet<>()).add(key);
      }
      if (owners.isEmpty()) {
        ownersOf.remove(key);
      } else {
        ownersOf.put(key, owners);
        markDirty(key);
      }
      if (GarbageCollection.deleting(obj)) {
        markDirty(key);
        // Its dependents may now have to go (foreground) or be orphaned.
        dependents.getOrDefault(uid, Set.of()).forEach(this::markDirty);
      }
    }

    private void markOwner(String ownerUid) {
      ObjectKey owner = byUid.get(ownerUid);
      if (owner != null) {
        markDirty(owner);
      }
    }

    private void markDirty(ObjectKey key) {
      if (dirty.isEmpty()) {
        ctx.getSelf().tell(Pass.INSTANCE);
      }
      dirty.add(key);
    }

    private void pass() {
      List<ObjectKey> keys = new ArrayList<>(dirty);
      dirty.clear();
      for (ObjectKey key : keys) {
        if (inFlight.contains(key)) {
          continue; // checked again when its write is answered
        }
        WatchCache.Entry entry = store.get(key).orElse(null);
        if (entry == null) {
          continue;
        }
        JsonNode obj = entry.object();
        List<Plan.Action> actions = new ArrayList<>(GarbageCollection.forDependent(key, obj, this::owner));
        if (GarbageCollection.deleting(obj)) {
          Map<ObjectKey, JsonNode> deps = new LinkedHashMap<>();
          for (ObjectKey dep : dependents.getOrDefault(Json.metaText(obj, "uid"), Set.of())) {
            store.get(dep).ifPresent(e -> deps.put(dep, e.object()));
          }
          actions.addAll(GarbageCollection.forOwner(key, obj, deps));
        }
        for (Plan.Action action : actions) {
          ObjectKey target = target(action);
          if (inFlight.add(target)) {
            ctx.pipeToSelf(perform(action), (r, e) -> new Written(target, e));
          }
        }
      }
    }

    private JsonNode owner(String uid) {
      ObjectKey key = byUid.get(uid);
      if (key == null) {
        return null;
      }
      JsonNode obj = store.get(key).map(WatchCache.Entry::object).orElse(null);
      return obj != null && uid.equals(Json.metaText(obj, "uid")) ? obj : null;
    }

    private static ObjectKey target(Plan.Action action) {
      if (action instanceof Plan.Update u) {
        return u.key();
      }
      return ((Plan.Delete) action).key();
    }

    private CompletionStage<ObjectStore.WriteResult> perform(Plan.Action action) {
      RequestInfo request = new RequestInfo("system:serviceaccount:kube-system:generic-garbage-collector",
          "kube-controller-manager/v1.33.0 (linux/amd64) tugboat/" + COMPONENT, UUID.randomUUID().toString(),
          action instanceof Plan.Delete ? "delete" : "update", clock.instant());
      if (action instanceof Plan.Update u) {
        return store.update(u.key(), u.object(), u.subresource(), request);
      }
      Plan.Delete d = (Plan.Delete) action;
      return store.delete(d.key(), d.uid(), null, null, d.propagationPolicy(), request);
    }
  }
}

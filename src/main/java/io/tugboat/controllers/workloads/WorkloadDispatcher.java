package io.tugboat.controllers.workloads;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelectors;
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
 * so one JVM sends each change once). What wakes an owner, each kind's {@link Reconciler} declares: its own
 * changes; a child's changes wake the owner its controller ownerReference names, before and after the change, or,
 * for an orphan, every owner in the namespace whose selector matches it before or after; and whatever else the
 * kind asks for ({@link Reconciler#alsoWake}: a gone pod wakes its ReplicaSet's Deployment, a node every
 * DaemonSet). Every owner is also reconciled when the dispatcher starts and every resync period. Keys are
 * coalesced: a burst of changes sends each owner one message.
 */
public final class WorkloadDispatcher {

  /** Messages of the dispatcher. */
  public sealed interface Command {}

  private record Changed(WatchCache.Change change) implements Command {}

  private enum Flush implements Command { INSTANCE }

  private enum Resync implements Command { INSTANCE }

  private enum Start implements Command { INSTANCE }

  private WorkloadDispatcher() {}

  /** The dispatcher over this node's cache for every kind, handing each owner key to {@code reconcile}. */
  public static Behavior<Command> create(ObjectStore store, Consumer<ObjectKey> reconcile, WorkloadSettings settings) {
    return create(store, Reconciler.all(settings), reconcile, settings);
  }

  /** The dispatcher of these kinds. */
  public static Behavior<Command> create(ObjectStore store, List<Reconciler> kinds, Consumer<ObjectKey> reconcile,
      WorkloadSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      // Only once the cache has replayed the journal: owners judged from a partial cache would over-create.
      ctx.pipeToSelf(store.cache().ready(), (ok, e) -> Start.INSTANCE);
      List<Runnable> cancels = new ArrayList<>();
      Set<ObjectKey> pending = new LinkedHashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Start.class, s -> {
            for (String storageKey : watched(kinds)) {
              cancels.add(store.cache().watch(storageKey, null, -1, false,
                  WatchCache.Watcher.of(change -> ctx.getSelf().tell(new Changed(change)))).cancel());
            }
            // Every owner once at start (the watches only bring changes from now on), then every resync period.
            ctx.getSelf().tell(Resync.INSTANCE);
            timers.startTimerWithFixedDelay(Resync.INSTANCE, settings.resyncPeriod());
            return Behaviors.same();
          })
          .onMessage(Changed.class, c -> {
            add(ctx, pending, keysFor(kinds, store.cache(), c.change()));
            return Behaviors.same();
          })
          .onMessage(Resync.class, r -> {
            List<ObjectKey> all = new ArrayList<>();
            for (Reconciler kind : kinds) {
              store.cache().list(kind.type().storageKey(), null, e -> true, null, 0).items()
                  .forEach(e -> all.add(e.key()));
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

  /** The storage keys whose changes concern some kind. */
  private static Set<String> watched(List<Reconciler> kinds) {
    Set<String> keys = new LinkedHashSet<>();
    for (Reconciler kind : kinds) {
      keys.add(kind.type().storageKey());
      kind.children().forEach(t -> keys.add(t.storageKey()));
      kind.alsoWatches().forEach(t -> keys.add(t.storageKey()));
    }
    return keys;
  }

  private static void add(ActorContext<Command> ctx, Set<ObjectKey> pending, List<ObjectKey> keys) {
    if (pending.isEmpty() && !keys.isEmpty()) {
      ctx.getSelf().tell(Flush.INSTANCE);
    }
    pending.addAll(keys);
  }

  /** The owners of these kinds a change concerns, each once. */
  static List<ObjectKey> keysFor(List<Reconciler> kinds, WatchCache cache, WatchCache.Change change) {
    List<ObjectKey> keys = new ArrayList<>();
    ObjectKey key = change.entry().key();
    JsonNode now = change.entry().object();
    JsonNode before = change.previous() == null ? null : change.previous().object();
    String storage = key.storageKey();
    for (Reconciler kind : kinds) {
      if (storage.equals(kind.type().storageKey())) {
        keys.add(key);
      }
      if (kind.children().stream().anyMatch(t -> t.storageKey().equals(storage))) {
        owners(kind, cache, key.namespace(), now, before, keys);
      }
      if (kind.alsoWatches().stream().anyMatch(t -> t.storageKey().equals(storage))) {
        keys.addAll(kind.alsoWake(cache, change));
      }
    }
    return List.copyOf(new LinkedHashSet<>(keys));
  }

  /** The child's controller of this kind before and after the change, or, for an orphan, the owners selecting it. */
  private static void owners(Reconciler kind, WatchCache cache, String namespace, JsonNode now, JsonNode before,
      List<ObjectKey> into) {
    for (JsonNode version : before == null ? List.of(now) : List.of(now, before)) {
      var ref = Owners.controllerRef(version);
      if (ref.isPresent()) {
        if (kind.type().kind().equals(ref.get().path("kind").asText())) {
          into.add(ObjectKey.of(kind.type(), namespace, Json.text(ref.get().path("name"))));
        }
      } else {
        JsonNode labels = version.path("metadata").path("labels");
        for (WatchCache.Entry owner : cache.list(kind.type().storageKey(), namespace, e -> true, null, 0).items()) {
          JsonNode selector = kind.selector(owner.object());
          if (!LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, labels)) {
            into.add(owner.key());
          }
        }
      }
    }
  }
}

package io.tugboat.controllers;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespace lifecycle controller (a cluster singleton): for every namespace being deleted it deletes
 * everything in it, and once nothing is left it clears the namespace's "kubernetes" finalizer so the
 * namespace goes. Woken by namespace changes; resyncs while a namespace is terminating.
 */
public final class NamespaceLifecycle {

  /** Messages of the controller. */
  public sealed interface Command {}

  private enum Sync implements Command { INSTANCE }

  private static final Duration RESYNC = Duration.ofSeconds(1);

  private NamespaceLifecycle() {}

  /** The controller's behaviour over this node's store. */
  public static Behavior<Command> create(ObjectStore store) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ResourceType nsType = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
      WatchCache.Start start = store.cache().watch(nsType.storageKey(), null, -1, false,
          WatchCache.Watcher.of(change -> ctx.getSelf().tell(Sync.INSTANCE)));
      ctx.getSelf().tell(Sync.INSTANCE);
      return Behaviors.receive(Command.class)
          .onMessage(Sync.class, s -> {
            sync(ctx, timers, store, nsType);
            return Behaviors.same();
          })
          .onSignal(akka.actor.typed.PostStop.class, sig -> {
            start.cancel().run();
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** One level-triggered pass over the terminating namespaces. */
  private static void sync(ActorContext<Command> ctx, TimerScheduler<Command> timers, ObjectStore store,
      ResourceType nsType) {
    List<WatchCache.Entry> terminating = store.cache().list(nsType.storageKey(), null,
        e -> e.object().path("metadata").hasNonNull("deletionTimestamp"), null, 0).items();
    for (WatchCache.Entry ns : terminating) {
      String name = ns.key().name();
      List<WatchCache.Entry> contents = new ArrayList<>();
      for (ResourceType t : ResourceRegistry.all()) {
        if (t.namespaced() && ResourceRegistry.byStorageKey(t.storageKey()).orElseThrow() == t) {
          contents.addAll(store.cache().list(t.storageKey(), name, e -> true, null, 0).items());
        }
      }
      if (contents.isEmpty()) {
        if (!Json.isEmpty(ns.object().path("spec").path("finalizers"))) {
          ObjectNode patch = Json.object();
          patch.putObject("spec").putArray("finalizers");
          store.patch(ns.key(), PatchType.MERGE, patch, Subresource.MAIN,
              RequestInfo.system("namespace-controller", "finalize"));
        }
      } else {
        for (WatchCache.Entry e : contents) {
          if (!e.object().path("metadata").hasNonNull("deletionTimestamp")) {
            store.delete(e.key(), null, null, null, "Background", RequestInfo.system("namespace-controller", "delete"));
          }
        }
      }
    }
    if (!terminating.isEmpty()) {
      timers.startSingleTimer(Sync.INSTANCE, RESYNC);
    }
  }

  /** The key of a namespace object. */
  static ObjectKey namespaceKey(String name) {
    return ObjectKey.of(ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow(), "", name);
  }
}

package io.tugboat.controllers.workloads;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Removes the Job tracking finalizer from pods whose Job is gone (Kubernetes' job controller does it for orphan
 * pods): a Job deleted with Background propagation disappears before its pods, and its own loop stops with it, so
 * without this the garbage collector's deletes of those pods would wait forever. A cluster singleton over the
 * local cache: each pod change is looked at, and every pod once per resync period.
 */
public final class JobPodJanitor {

  /** Messages of the janitor. */
  public sealed interface Command {}

  private record Changed(ObjectKey pod) implements Command {}

  private enum Sweep implements Command { INSTANCE }

  private enum Start implements Command { INSTANCE }

  private JobPodJanitor() {}

  /** The janitor over this node's cache. */
  public static Behavior<Command> create(ObjectStore store, Clock clock, Duration period) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.pipeToSelf(store.cache().ready(), (ok, e) -> Start.INSTANCE);
      Set<Runnable> cancels = new LinkedHashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Start.class, s -> {
            cancels.add(store.cache().watch(ReplicaSetSync.PODS.storageKey(), null, -1, false,
                WatchCache.Watcher.of(change -> {
                  if (!change.type().equals("DELETED") && JobTracking.tracked(change.entry().object())) {
                    ctx.getSelf().tell(new Changed(change.entry().key()));
                  }
                })).cancel());
            timers.startTimerWithFixedDelay(Sweep.INSTANCE, Sweep.INSTANCE, Duration.ZERO, period);
            return Behaviors.same();
          })
          .onMessage(Changed.class, c -> {
            store.get(c.pod()).ifPresent(e -> release(store, clock, e.key(), e.object()));
            return Behaviors.same();
          })
          .onMessage(Sweep.class, s -> {
            for (WatchCache.Entry e : store.cache().list(ReplicaSetSync.PODS.storageKey(), null,
                x -> JobTracking.tracked(x.object()), null, 0).items()) {
              release(store, clock, e.key(), e.object());
            }
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            cancels.forEach(Runnable::run);
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** Whether a tracked pod's controlling Job is gone from the cache (by name and uid). */
  static boolean orphaned(JsonNode pod, WatchCache cache) {
    return Owners.controllerRef(pod).filter(ref -> "Job".equals(Json.text(ref.path("kind")))).map(ref -> {
      var job = cache.get(ObjectKey.of(JobSync.JOBS, Json.metaText(pod, "namespace"), Json.text(ref.path("name"))));
      return job.isEmpty() || !Json.metaText(job.get().object(), "uid").equals(Json.text(ref.path("uid")));
    }).orElse(true);
  }

  private static void release(ObjectStore store, Clock clock, ObjectKey key, JsonNode pod) {
    if (!JobTracking.tracked(pod) || !orphaned(pod, store.cache())) {
      return;
    }
    store.update(key, JobTracking.withoutFinalizer(pod), Subresource.MAIN, new RequestInfo(
        "system:serviceaccount:kube-system:" + JobSync.COMPONENT, "kube-controller-manager/v1.33.0 tugboat/"
        + JobSync.COMPONENT, UUID.randomUUID().toString(), "update", clock.instant()));
    // a conflict leaves the finalizer: the pod's next change or the next sweep tries again
  }
}

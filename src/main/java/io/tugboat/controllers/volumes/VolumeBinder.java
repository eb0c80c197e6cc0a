package io.tugboat.controllers.volumes;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.controllers.workloads.Plan;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The persistent-volume binder, a cluster singleton: runs {@link VolumeBinding} over the local cache whenever a
 * claim, volume or StorageClass changes (and every 30 s), one write in flight per object, and removes the
 * directory of a provisioned hostPath volume once the volume is deleted.
 */
public final class VolumeBinder {

  /** Messages of the binder. */
  public sealed interface Command {}

  /** Look at everything again. */
  public enum Tick implements Command { INSTANCE }

  private record Done(String target, Throwable error) implements Command {}

  private static final Duration RESYNC = Duration.ofSeconds(30);
  private static final String COMPONENT = "persistentvolume-binder-controller";

  private VolumeBinder() {}

  /** The binder over this node's store; provisioned volumes live under {@code volumesDir}. */
  public static Behavior<Command> create(ObjectStore store, Path volumesDir, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      AtomicBoolean pending = new AtomicBoolean();
      Runnable cancel = store.cache().onChanges(List.of(VolumeBinding.CLAIMS.storageKey(),
          VolumeBinding.VOLUMES.storageKey(), VolumeBinding.CLASSES.storageKey()), () -> {
            if (pending.compareAndSet(false, true)) {
              ctx.getSelf().tell(Tick.INSTANCE);
            }
          });
      timers.startTimerWithFixedDelay("resync", Tick.INSTANCE, RESYNC);
      ctx.getSelf().tell(Tick.INSTANCE);
      Set<String> inFlight = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, t -> {
            pending.set(false);
            pass(ctx, store, volumesDir, clock, inFlight);
            return Behaviors.same();
          })
          .onMessage(Done.class, d -> {
            inFlight.remove(d.target());
            if (d.error() != null) {
              ctx.getLog().debug("{} not done; the next pass decides again: {}", d.target(), d.error().getMessage());
            }
            // One pass for a burst of answers (a pass reads every claim and volume).
            if (pending.compareAndSet(false, true)) {
              ctx.getSelf().tell(Tick.INSTANCE);
            }
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            cancel.run();
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static List<JsonNode> all(ObjectStore store, String storageKey) {
    List<JsonNode> out = new ArrayList<>();
    store.cache().list(storageKey, null, e -> true, null, 0).items().forEach(e -> out.add(e.object()));
    return out;
  }

  private static void pass(ActorContext<Command> ctx, ObjectStore store, Path volumesDir, Clock clock,
      Set<String> inFlight) {
    List<Plan.Action> plan = VolumeBinding.plan(all(store, VolumeBinding.CLAIMS.storageKey()),
        all(store, VolumeBinding.VOLUMES.storageKey()), all(store, VolumeBinding.CLASSES.storageKey()), volumesDir);
    for (Plan.Action action : plan) {
      String target = target(action);
      if (!inFlight.add(target)) {
        continue;
      }
      RequestInfo request = new RequestInfo("system:serviceaccount:kube-system:" + COMPONENT,
          "kube-controller-manager/v1.33.0 (linux/amd64) tugboat/" + COMPONENT, UUID.randomUUID().toString(),
          action.getClass().getSimpleName().toLowerCase(), clock.instant());
      CompletionStage<?> write;
      if (action instanceof Plan.Create c) {
        write = store.create(c.type(), c.object(), request);
      } else if (action instanceof Plan.Update u) {
        write = store.update(u.key(), u.object(), u.subresource(), request);
      } else {
        Plan.Delete d = (Plan.Delete) action;
        JsonNode volume = store.get(d.key()).map(e -> (JsonNode) e.object()).orElse(null);
        write = store.delete(d.key(), d.uid(), null, null, null, request).thenApply(ok -> {
          if (volume != null) {
            VolumeBinding.provisionedDir(volume, volumesDir).ifPresent(VolumeBinder::removeTree);
          }
          return ok;
        });
      }
      ctx.pipeToSelf(write, (ok, error) -> new Done(target, error));
    }
  }

  private static String target(Plan.Action a) {
    if (a instanceof Plan.Create c) {
      return "create/" + io.tugboat.model.Json.metaText(c.object(), "name");
    } else if (a instanceof Plan.Update u) {
      return u.key().entityId();
    }
    return ((Plan.Delete) a).key().entityId();
  }

  /** Removes a provisioned volume's directory; a failure only leaves it behind. */
  static void removeTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(VolumeBinder.class).warn("cannot remove {}: {}", dir, e.toString());
    }
  }

}

package io.tugboat.controllers.podgc;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.Futures;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Kubernetes' pod garbage collector as a cluster singleton: every {@code check-period} one pass of {@link PodGc}
 * over the local cache, its writes sent together (an orphaned pod's Failed status, then its delete with grace 0);
 * the next pass waits until they are answered. Settings {@code tugboat.pod-gc} in workloads.conf.
 *
 * <p>Phases: waiting for the cache to have replayed the journal -> idle -Tick-> writing -all answered-> idle.
 */
public final class PodGarbageCollector {

  /** The settings, read once. */
  public record Settings(boolean enabled, Duration checkPeriod, Duration quarantine, int terminatedThreshold) {
    /** Reads {@code tugboat.pod-gc}. */
    public static Settings create(Config config) {
      Config c = config.getConfig("tugboat.pod-gc");
      return new Settings(c.getBoolean("enabled"), c.getDuration("check-period"), c.getDuration("quarantine"),
          c.getInt("terminated-pod-threshold"));
    }
  }

  /** Messages of the collector. */
  public sealed interface Command {}

  /** Make a pass now (the timer's message; tests send it). */
  public enum Tick implements Command { INSTANCE }

  private enum Ready implements Command { INSTANCE }

  private record Done(int failures) implements Command {}

  static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();
  private static final String COMPONENT = "pod-garbage-collector";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PodGarbageCollector.class);

  private PodGarbageCollector() {}

  /** Starts the singleton on every control-plane node, unless {@code tugboat.pod-gc.enabled} is off. */
  public static void init(ActorSystem<?> system, ObjectStore store) {
    Settings settings = Settings.create(system.settings().config());
    if (settings.enabled()) {
      ClusterSingleton.get(system).init(SingletonActor.of(create(store, settings, Clock.systemUTC()),
          "pod-garbage-collector"));
    }
  }

  /** The collector over this node's store. */
  public static Behavior<Command> create(ObjectStore store, Settings settings, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.pipeToSelf(store.cache().ready(), (ok, e) -> Ready.INSTANCE);
      Map<String, Instant> missingSince = new HashMap<>();
      boolean[] busy = {true};
      return Behaviors.receive(Command.class)
          .onMessage(Ready.class, r -> {
            busy[0] = false;
            timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.checkPeriod());
            return Behaviors.same();
          })
          .onMessage(Tick.class, t -> {
            if (busy[0]) {
              return Behaviors.same();
            }
            Set<String> nodes = new HashSet<>();
            store.cache().list(NODES.storageKey(), null, e -> true, null, 0).items()
                .forEach(e -> nodes.add(e.key().name()));
            List<JsonNode> pods = store.cache().list(PODS.storageKey(), null, e -> true, null, 0).items().stream()
                .map(e -> (JsonNode) e.object()).toList();
            PodGc.Pass pass = PodGc.plan(pods, nodes, missingSince, clock.instant(), settings.quarantine(),
                settings.terminatedThreshold());
            missingSince.clear();
            missingSince.putAll(pass.missingSince());
            if (pass.collect().isEmpty()) {
              return Behaviors.same();
            }
            busy[0] = true;
            CompletableFuture<?>[] writes = pass.collect().stream()
                .map(c -> collect(store, c, clock).toCompletableFuture()).toArray(CompletableFuture[]::new);
            ctx.pipeToSelf(Futures.on(CompletableFuture.allOf(writes), ctx.getExecutionContext()),
                (ok, e) -> new Done((int) java.util.Arrays.stream(writes).filter(w -> w.isCompletedExceptionally())
                    .count()));
            return Behaviors.same();
          })
          .onMessage(Done.class, d -> {
            busy[0] = false;
            if (d.failures() > 0) {
              LOG.debug("pod GC: {} writes failed; the next pass tries again", d.failures());
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** Marks the pod Failed when it is not finished, then deletes it with grace 0 (uid as precondition). */
  private static CompletionStage<?> collect(ObjectStore store, PodGc.Collect c, Clock clock) {
    ObjectKey key = ObjectKey.of(PODS, Json.metaText(c.pod(), "namespace"), Json.metaText(c.pod(), "name"));
    LOG.info("pod GC: deleting pod {}/{}: {}", key.namespace(), key.name(), c.why());
    CompletionStage<?> marked = CompletableFuture.completedFuture(null);
    if (c.failedStatus() != null) {
      ObjectNode failed = (ObjectNode) c.pod().deepCopy();
      failed.set("status", c.failedStatus());
      marked = store.update(key, failed, Subresource.STATUS, request("update", clock));
    }
    return marked.thenCompose(x -> store.delete(key, Json.metaText(c.pod(), "uid"), null, 0L, null,
        request("delete", clock)));
  }

  private static RequestInfo request(String verb, Clock clock) {
    return new RequestInfo("system:serviceaccount:kube-system:" + COMPONENT,
        "kube-controller-manager/v1.33.0 (linux/amd64) tugboat/" + COMPONENT, UUID.randomUUID().toString(), verb,
        clock.instant());
  }
}

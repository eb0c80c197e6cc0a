package io.tugboat.controllers.autoscaling;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.autoscaling.HpaSync.Decision;
import io.tugboat.controllers.autoscaling.MetricReplicas.Event;
import io.tugboat.controllers.autoscaling.Scaling.History;
import io.tugboat.model.Events;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelector;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PatchType;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.node.ClusterUsage;
import io.tugboat.node.NodeUsage;
import io.tugboat.store.Futures;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The horizontal pod autoscaler (a cluster singleton): every sync period it gathers the cluster's usage once,
 * runs {@link HpaSync} for every HPA against the watch cache, writes the targets' replicas (with their cached
 * resourceVersion), then the HPAs' statuses when they changed, and the events (a repeat counts up on the same
 * Event, as Kubernetes' recorder aggregates).
 *
 * <p>Phases: Waiting (for the cache to replay the journal) → Idle ⇄ Measuring (usage asked) → Writing (writes
 * of the pass in flight) → Idle. A tick while Measuring or Writing is dropped: the next period syncs again. The
 * recommendations and scale events of each HPA (its {@link History}) live here only; a new singleton after
 * fail-over starts without them, as kube-controller-manager does after a restart.
 */
public final class HorizontalPodAutoscaling {

  private HorizontalPodAutoscaling() {}

  /** Messages of the controller. */
  public sealed interface Command {}

  /** Sync every HPA now (what the timer sends). */
  public enum Tick implements Command { INSTANCE }

  /** Sync every HPA now and say when the pass's writes are done (tests). */
  public record Sync(ActorRef<Synced> replyTo) implements Command {}

  /** A pass finished: every write it made was answered. */
  public enum Synced { INSTANCE }

  private record Measured(Map<String, NodeUsage> usage) implements Command {}

  private record Rescaled(JsonNode hpa, Decision decision, Throwable error) implements Command {}

  private record Written(EventKey event, Throwable error) implements Command {}

  private enum Phase { WAITING, IDLE, MEASURING, WRITING }

  /** An aggregated event: same HPA, type, reason and message. */
  private record EventKey(String hpaUid, String type, String reason, String message) {}

  private record Recorded(ObjectKey key, int count) {}

  static final ResourceType HPAS = ResourceRegistry.byPath("autoscaling", "v2", "horizontalpodautoscalers")
      .orElseThrow();
  static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();

  /** The component Kubernetes' HPA controller reports events as. */
  static final String COMPONENT = "horizontal-pod-autoscaler";

  private static final String TIMER = "sync";

  /** Starts the controller as a cluster singleton (call on every control-plane node), unless disabled. */
  public static void init(ActorSystem<?> system, ObjectStore store) {
    HpaSettings settings = HpaSettings.create(system.settings().config());
    if (!settings.enabled()) {
      return;
    }
    ClusterUsage usage = new ClusterUsage(system, settings.metricsTimeout());
    ClusterSingleton.get(system).init(SingletonActor.of(create(store, settings, () -> usage.nodes(Set.of()),
        Clock.systemUTC()), "horizontal-pod-autoscaler"));
  }

  /** The controller over this node's store, reading usage from {@code usage} and time from {@code clock}. */
  public static Behavior<Command> create(ObjectStore store, HpaSettings settings,
      Supplier<CompletionStage<Map<String, NodeUsage>>> usage, Clock clock) {
    // A failure restarts the controller (forgetting its histories) rather than stopping the singleton for good.
    return Behaviors.supervise(Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.pipeToSelf(store.cache().ready(), (rv, e) -> Tick.INSTANCE);
      timers.startTimerWithFixedDelay(TIMER, Tick.INSTANCE, settings.syncPeriod());
      return new Controller(ctx, store, settings, usage, clock).behavior();
    }))).onFailure(Exception.class, akka.actor.typed.SupervisorStrategy.restartWithBackoff(
        java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30), 0.2));
  }

  /** The controller's state, touched only by its actor. */
  private static final class Controller {
    private final ActorContext<Command> ctx;
    private final ObjectStore store;
    private final HpaSettings settings;
    private final Supplier<CompletionStage<Map<String, NodeUsage>>> usage;
    private final Clock clock;
    private final Map<String, History> histories = new HashMap<>();
    private final Map<EventKey, Recorded> recorded = new HashMap<>();
    private final List<ActorRef<Synced>> waiting = new ArrayList<>(); // told when this pass ends
    private final List<ActorRef<Synced>> next = new ArrayList<>(); // asked for a pass starting after theirs
    private Phase phase = Phase.WAITING;
    private int pending;

    Controller(ActorContext<Command> ctx, ObjectStore store, HpaSettings settings,
        Supplier<CompletionStage<Map<String, NodeUsage>>> usage, Clock clock) {
      this.ctx = ctx;
      this.store = store;
      this.settings = settings;
      this.usage = usage;
      this.clock = clock;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, t -> {
            if (phase == Phase.WAITING && store.cache().ready().isDone()) {
              phase = Phase.IDLE;
            }
            measure();
            return Behaviors.same();
          })
          .onMessage(Sync.class, s -> {
            next.add(s.replyTo());
            measure();
            return Behaviors.same();
          })
          .onMessage(Measured.class, m -> {
            pass(m.usage());
            return Behaviors.same();
          })
          .onMessage(Rescaled.class, r -> {
            rescaled(r);
            done();
            return Behaviors.same();
          })
          .onMessage(Written.class, w -> {
            if (w.error() != null) {
              if (w.event() != null) {
                recorded.remove(w.event()); // gone or refused: the next occurrence starts a new Event
              }
              ctx.getLog().debug("HPA write failed; the next sync decides again: {}", w.error().getMessage());
            }
            done();
            return Behaviors.same();
          })
          .build();
    }

    private void measure() {
      if (phase != Phase.IDLE) {
        return;
      }
      phase = Phase.MEASURING;
      waiting.addAll(next);
      next.clear();
      ctx.pipeToSelf(usage.get(), (u, e) -> new Measured(e == null ? u : Map.of()));
    }

    private void pass(Map<String, NodeUsage> nodes) {
      Instant now = clock.instant();
      WatchCache cache = store.cache();
      phase = Phase.WRITING;
      pending = 1; // the pass itself, so writes answered at once do not end it early
      Set<String> seen = new HashSet<>();
      java.util.function.Function<ObjectKey, Optional<JsonNode>> objects =
          key -> cache.get(key).map(x -> (JsonNode) x.object());
      List<JsonNode> hpas = cache.list(HPAS.storageKey(), null, x -> true, null, 0).items().stream()
          .map(x -> (JsonNode) x.object()).filter(h -> Json.metaText(h, "deletionTimestamp").isEmpty()).toList();
      Map<String, LabelSelector> selectors = new java.util.TreeMap<>();
      for (JsonNode hpa : hpas) {
        try {
          HpaSync.targetSelector(hpa, objects).ifPresent(s -> selectors.put(Json.metaText(hpa, "namespace") + "/"
              + Json.metaText(hpa, "name"), s));
        } catch (IllegalArgumentException e) {
          // A selector that does not parse: the HPA's own step reports it.
        }
      }
      for (JsonNode hpa : hpas) {
        String uid = Json.metaText(hpa, "uid");
        seen.add(uid);
        String namespace = Json.metaText(hpa, "namespace");
        Decision d;
        try {
          d = HpaSync.sync(hpa, objects, this::pods, selected -> selecting(selectors, namespace, selected), nodes,
              histories.getOrDefault(uid, History.EMPTY), settings.sync(), now);
        } catch (RuntimeException e) {
          // One HPA the step cannot handle must not stop the others (nor the singleton).
          ctx.getLog().error("HPA {}/{} could not be reconciled", namespace, Json.metaText(hpa, "name"), e);
          continue;
        }
        if (d.scaleTo() == null) {
          histories.put(uid, d.history());
          finish(hpa, d.status(), d.events(), now);
        } else {
          pending++;
          ctx.pipeToSelf(rescale(d, now), (ok, error) -> new Rescaled(hpa, d, error));
        }
      }
      histories.keySet().retainAll(seen);
      recorded.keySet().removeIf(k -> !seen.contains(k.hpaUid()));
      done();
    }

    /** The HPAs of the namespace whose targets select any of these pods, by "namespace/name" in order. */
    private static List<String> selecting(Map<String, LabelSelector> selectors, String namespace,
        List<JsonNode> pods) {
      List<String> names = new ArrayList<>();
      selectors.forEach((name, selector) -> {
        if (name.startsWith(namespace + "/") && pods.stream().anyMatch(p -> selector.matches(p.path("metadata")
            .path("labels")))) {
          names.add(name);
        }
      });
      return names;
    }

    private List<JsonNode> pods(String namespace, LabelSelector selector) {
      return store.cache().list(PODS.storageKey(), namespace, e -> selector.matches(e.object().path("metadata")
          .path("labels")), null, 0).items().stream().map(e -> (JsonNode) e.object()).toList();
    }

    /** Writes the target's spec.replicas against the version the decision was made from. */
    private CompletionStage<?> rescale(Decision d, Instant now) {
      Optional<WatchCache.Entry> target = store.cache().get(d.target());
      if (target.isEmpty()) {
        return CompletableFuture.failedFuture(new IllegalStateException(d.target().name() + " not found"));
      }
      ObjectNode copy = target.get().object().deepCopy();
      copy.with("spec").put("replicas", d.scaleTo());
      return Futures.on(store.update(d.target(), copy, Subresource.MAIN, request("update", now)),
          ctx.getSystem().executionContext());
    }

    private void rescaled(Rescaled r) {
      Instant now = clock.instant();
      String uid = Json.metaText(r.hpa(), "uid");
      Decision d = r.decision();
      if (r.error() == null) {
        histories.put(uid, d.history());
        ctx.getLog().info("rescaled {} {}/{} from {} to {}: {}", d.target().storageKey(), d.target().namespace(),
            d.target().name(), d.from(), d.scaleTo(), d.reason());
        finish(r.hpa(), d.status(), d.events(), now);
      } else {
        histories.put(uid, d.historyIfFailed());
        String error = r.error().getMessage();
        List<Event> events = new ArrayList<>(d.events().stream()
            .filter(e -> !e.reason().equals("SuccessfulRescale")).toList());
        events.add(HpaSync.rescaleFailedEvent(d, error));
        finish(r.hpa(), HpaSync.rescaleFailed(d, error, now), events, now);
      }
    }

    /** Writes the status when it changed, and the events. */
    private void finish(JsonNode hpa, ObjectNode status, List<Event> events, Instant now) {
      ObjectKey key = ObjectKey.of(HPAS, Json.metaText(hpa, "namespace"), Json.metaText(hpa, "name"));
      if (!ObjectLifecycle.same(hpa.path("status"), status)) {
        ObjectNode copy = ((ObjectNode) hpa).deepCopy();
        copy.set("status", status);
        write(null, store.update(key, copy, Subresource.STATUS, request("update", now)));
      }
      for (Event e : events) {
        EventKey ek = new EventKey(Json.metaText(hpa, "uid"), e.type(), e.reason(), e.message());
        Recorded seen = recorded.get(ek);
        if (seen != null) {
          recorded.put(ek, new Recorded(seen.key(), seen.count() + 1));
          write(ek, store.patch(seen.key(), PatchType.MERGE, Events.repeatPatch(seen.count() + 1, now),
              Subresource.MAIN, request("patch", now)));
        } else {
          ObjectNode event = Events.about(hpa, COMPONENT, e.type(), e.reason(), e.message(), null, now);
          String name = Json.metaText(event, "name");
          recorded.put(ek, new Recorded(ObjectKey.of(EVENTS, Json.metaText(event, "namespace"), name), 1));
          write(ek, store.create(EVENTS, event, request("create", now)));
        }
      }
    }

    private void write(EventKey event, CompletionStage<?> stage) {
      pending++;
      ctx.pipeToSelf(Futures.on(stage, ctx.getSystem().executionContext()),
          (ok, error) -> new Written(event, error));
    }

    private void done() {
      if (--pending > 0) {
        return;
      }
      phase = Phase.IDLE;
      waiting.forEach(w -> w.tell(Synced.INSTANCE));
      waiting.clear();
      if (!next.isEmpty()) {
        measure();
      }
    }

    private static RequestInfo request(String verb, Instant now) {
      return new RequestInfo("system:serviceaccount:kube-system:horizontal-pod-autoscaler", COMPONENT,
          java.util.UUID.randomUUID().toString(), verb, now);
    }
  }
}

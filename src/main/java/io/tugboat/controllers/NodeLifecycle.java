package io.tugboat.controllers;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.PodBinding;
import io.tugboat.model.PodDisruption;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.model.kinds.PodRules;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The node lifecycle controller (a cluster singleton): a node whose Lease stops renewing is marked Unknown after
 * the grace period and tainted unreachable (one reporting Ready False, not-ready); the pods on a node with
 * NoExecute taints are force-deleted once their tolerations run out; a node that reports Ready again loses the
 * taints. Its child, the {@link DisruptionController}, keeps PodDisruptionBudget statuses.
 *
 * <p>Level-triggered: every pass reads nodes, leases and pods from the cache and {@link #plan plans} the writes
 * that bring them where they should be at this instant; watches of the three, a monitor timer and a timer for
 * the next deadline (a node going stale, a toleration running out) start passes. Nothing is remembered between
 * passes but the writes still in flight, so a new instance after fail-over carries on where the old one stopped.
 */
public final class NodeLifecycle {

  /** Messages of the controller. */
  public sealed interface Command {}

  /** Examine every node now (what watches and timers send; tests send it after moving the clock). */
  public enum Tick implements Command { INSTANCE }

  /** A write finished, well or with an error: the key may be written again. */
  private record Done(Action action, Throwable error) implements Command {}

  // ---- the plan ----

  /** One write the controller decided on. */
  sealed interface Action {
    /** The object written. */
    ObjectKey key();
  }

  /** Write a node's status: its agent's conditions set to Unknown. */
  record MarkNodeUnknown(ObjectKey key, ObjectNode node) implements Action {}

  /** Replace a node's taints with those its conditions call for. */
  record SetTaints(ObjectKey key, ObjectNode node) implements Action {}

  /** Set the Ready condition of a pod on an unreachable node to False (nothing confirms it is serving). */
  record MarkPodNotReady(ObjectKey key, ObjectNode pod) implements Action {}

  /** Force-delete (grace period 0) a pod whose tolerations of its node's NoExecute taints ran out. */
  record EvictPod(ObjectKey key, String uid, String node) implements Action {}

  /** The writes to make now, and when to look again if nothing changes before. */
  record Plan(List<Action> actions, Optional<Instant> wakeAt) {}

  static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();
  static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  static final ResourceType LEASES = ResourceRegistry.byPath("coordination.k8s.io", "v1", "leases").orElseThrow();
  /** The namespace of node Leases, each named after its node. */
  static final String LEASE_NAMESPACE = "kube-node-lease";

  private static final String COMPONENT = "node-lifecycle-controller";
  private static final String MONITOR = "monitor";
  private static final String DEADLINE = "deadline";

  private NodeLifecycle() {}

  /**
   * Starts the controller as a cluster singleton on this node's store (call on every control-plane node), and
   * gives pod admission the configured default not-ready/unreachable toleration.
   */
  public static void init(ActorSystem<?> system, ObjectStore store) {
    NodeLifecycleSettings settings = NodeLifecycleSettings.create(system.settings().config());
    PodRules.setDefaultTolerationSeconds(settings.defaultEvictionToleration().toSeconds());
    ClusterSingleton.get(system).init(SingletonActor.of(create(store, settings, Clock.systemUTC()),
        "node-lifecycle"));
  }

  /** The controller over this node's store, judging time by {@code clock}. */
  public static Behavior<Command> create(ObjectStore store, NodeLifecycleSettings settings, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.spawn(DisruptionController.create(store, clock), "disruption");
      AtomicBoolean pending = new AtomicBoolean();
      // Coalesce a burst of changes into one pass.
      Runnable cancel = store.cache().onChanges(List.of(NODES.storageKey(), LEASES.storageKey(), PODS.storageKey()), () -> {
        if (pending.compareAndSet(false, true)) {
          ctx.getSelf().tell(Tick.INSTANCE);
        }
      });
      timers.startTimerWithFixedDelay(MONITOR, Tick.INSTANCE, settings.monitorPeriod());
      ctx.getSelf().tell(Tick.INSTANCE);
      Set<ObjectKey> inFlight = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, t -> {
            pending.set(false);
            pass(ctx, timers, store, settings, clock, inFlight);
            return Behaviors.same();
          })
          .onMessage(Done.class, d -> {
            inFlight.remove(d.action().key());
            if (d.error() != null) {
              ctx.getLog().debug("{} failed; the next pass decides again: {}", describe(d.action()),
                  d.error().getMessage());
            } else {
              ctx.getLog().info("{}", describe(d.action()));
            }
            pass(ctx, timers, store, settings, clock, inFlight);
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            cancel.run();
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** One pass: plan from the cache, write what is not already being written, and set the deadline timer. */
  private static void pass(ActorContext<Command> ctx, TimerScheduler<Command> timers, ObjectStore store,
      NodeLifecycleSettings settings, Clock clock, Set<ObjectKey> inFlight) {
    Instant now = clock.instant();
    WatchCache cache = store.cache();
    List<JsonNode> nodes = objects(cache.list(NODES.storageKey(), null, e -> true, null, 0));
    Map<String, JsonNode> leases = new HashMap<>();
    for (JsonNode lease : objects(cache.list(LEASES.storageKey(), LEASE_NAMESPACE, e -> true, null, 0))) {
      leases.put(Json.metaText(lease, "name"), lease);
    }
    Set<String> troubled = new HashSet<>();
    for (JsonNode n : nodes) {
      if (!NodeHealth.noExecuteTaints(n).isEmpty() || NodeHealth.conditionStatus(n, "Ready").equals("Unknown")) {
        troubled.add(Json.metaText(n, "name"));
      }
    }
    List<JsonNode> pods = troubled.isEmpty() ? List.of() : objects(cache.list(PODS.storageKey(), null,
        e -> troubled.contains(Json.text(e.object().path("spec").path("nodeName"))), null, 0));
    Plan plan = plan(nodes, leases::get, pods, now, settings.gracePeriod());
    for (Action action : plan.actions()) {
      if (inFlight.add(action.key())) {
        ctx.pipeToSelf(write(store, action, now), (ok, error) -> new Done(action, error));
      }
    }
    timers.cancel(DEADLINE);
    plan.wakeAt().ifPresent(at -> timers.startSingleTimer(DEADLINE, Tick.INSTANCE,
        Duration.between(now, at).isNegative() ? Duration.ZERO : Duration.between(now, at)));
  }

  /**
   * What to write at {@code now}, given every node, its Lease, and the pods on nodes that are unreachable or
   * carry NoExecute taints. Per node, one step at a time (each lands before the next is planned): a stale node
   * is marked Unknown; then its taints follow its conditions. Pods are evicted from the taints the nodes carry.
   */
  static Plan plan(List<JsonNode> nodes, Function<String, JsonNode> leaseOf, List<JsonNode> pods, Instant now,
      Duration grace) {
    List<Action> actions = new ArrayList<>();
    Instant wake = null;
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode node : nodes) {
      String name = Json.metaText(node, "name");
      byName.put(name, node);
      ObjectKey key = ObjectKey.of(NODES, "", name);
      JsonNode lease = leaseOf.apply(name);
      if (NodeHealth.stale(node, lease, now, grace)) {
        Optional<ObjectNode> unknown = NodeHealth.markUnknown(node, now);
        if (unknown.isPresent()) {
          actions.add(new MarkNodeUnknown(key, unknown.get()));
          continue;
        }
      } else {
        wake = earliest(wake, NodeHealth.staleAt(node, lease, grace));
      }
      ArrayNode taints = NodeHealth.desiredTaints(node, now);
      if (!NodeHealth.sameTaints(taints, node.path("spec").path("taints"))) {
        ObjectNode tainted = node.deepCopy();
        if (taints.isEmpty()) {
          tainted.with("spec").remove("taints");
        } else {
          tainted.with("spec").set("taints", taints);
        }
        actions.add(new SetTaints(key, tainted));
      }
    }
    for (JsonNode pod : pods) {
      JsonNode node = byName.get(Json.text(pod.path("spec").path("nodeName")));
      if (node == null) {
        continue;
      }
      ObjectKey key = ObjectKey.of(PODS, Json.metaText(pod, "namespace"), Json.metaText(pod, "name"));
      Optional<Instant> due = TaintEviction.evictionTime(pod, NodeHealth.noExecuteTaints(node));
      if (due.isPresent() && !now.isBefore(due.get())) {
        actions.add(new EvictPod(key, Json.metaText(pod, "uid"), Json.metaText(node, "name")));
        continue;
      }
      if (due.isPresent()) {
        wake = earliest(wake, due.get());
      }
      if (NodeHealth.conditionStatus(node, "Ready").equals("Unknown") && PodDisruption.ready(pod)
          && !PodDisruption.terminal(pod)) {
        ObjectNode notReady = pod.deepCopy();
        PodBinding.setCondition(notReady, "Ready", "False", null, null, now);
        actions.add(new MarkPodNotReady(key, notReady));
      }
    }
    return new Plan(actions, Optional.ofNullable(wake));
  }

  private static CompletionStage<ObjectStore.WriteResult> write(ObjectStore store, Action action, Instant now) {
    // Node and pod writes carry the cached resourceVersion: a write that raced with the node agent fails (409)
    // and the next pass decides again from what the agent wrote.
    if (action instanceof MarkNodeUnknown m) {
      return store.update(m.key(), m.node(), Subresource.STATUS, request("update", now));
    } else if (action instanceof SetTaints s) {
      return store.update(s.key(), s.node(), Subresource.MAIN, request("update", now));
    } else if (action instanceof MarkPodNotReady p) {
      return store.update(p.key(), p.pod(), Subresource.STATUS, request("update", now));
    }
    EvictPod e = (EvictPod) action;
    return store.delete(e.key(), e.uid().isEmpty() ? null : e.uid(), null, 0L, null, request("delete", now));
  }

  private static String describe(Action action) {
    if (action instanceof MarkNodeUnknown m) {
      return "node " + m.key().name() + " stopped reporting: conditions Unknown";
    } else if (action instanceof SetTaints s) {
      return "node " + s.key().name() + " taints set to " + s.node().path("spec").path("taints");
    } else if (action instanceof MarkPodNotReady p) {
      return "pod " + p.key().namespace() + "/" + p.key().name() + " marked not ready (its node is unreachable)";
    }
    EvictPod e = (EvictPod) action;
    return "pod " + e.key().namespace() + "/" + e.key().name() + " evicted from node " + e.node();
  }

  private static RequestInfo request(String verb, Instant now) {
    return new RequestInfo("system:" + COMPONENT, "tugboat", UUID.randomUUID().toString(), verb, now);
  }

  private static List<JsonNode> objects(WatchCache.Snapshot snapshot) {
    List<JsonNode> out = new ArrayList<>(snapshot.items().size());
    snapshot.items().forEach(e -> out.add(e.object()));
    return out;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}

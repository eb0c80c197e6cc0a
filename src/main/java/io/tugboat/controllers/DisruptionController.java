package io.tugboat.controllers;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.PodDisruption;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The disruption controller: keeps every PodDisruptionBudget's status (expectedPods, currentHealthy,
 * desiredHealthy, disruptionsAllowed, disruptedPods) equal to what its pods say, through the status
 * subresource. Runs as a child of the node lifecycle singleton; woken by changes of budgets and pods, by a
 * periodic resync, and when an eviction's disruptedPods entry expires.
 */
public final class DisruptionController {

  /** Messages of the controller. */
  public sealed interface Command {}

  /** Recompute every budget now. */
  public enum Tick implements Command { INSTANCE }

  private record Done(ObjectKey key, Throwable error) implements Command {}

  /** A budget's new status (the whole object, with the cached resourceVersion as precondition). */
  record StatusUpdate(ObjectKey key, ObjectNode budget) {}

  /** The status writes to make now, and when to look again if nothing changes before. */
  record Plan(List<StatusUpdate> updates, Optional<Instant> wakeAt) {}

  static final ResourceType BUDGETS = ResourceRegistry.byPath("policy", "v1", "poddisruptionbudgets").orElseThrow();
  private static final Duration RESYNC = Duration.ofSeconds(30);
  private static final String DEADLINE = "deadline";

  private DisruptionController() {}

  /** The controller over this node's store, judging time by {@code clock}. */
  public static Behavior<Command> create(ObjectStore store, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      AtomicBoolean pending = new AtomicBoolean();
      // Coalesce a burst of changes into one pass.
      Runnable cancel = store.cache().onChanges(List.of(BUDGETS.storageKey(), NodeLifecycle.PODS.storageKey()), () -> {
        if (pending.compareAndSet(false, true)) {
          ctx.getSelf().tell(Tick.INSTANCE);
        }
      });
      timers.startTimerWithFixedDelay("resync", Tick.INSTANCE, RESYNC);
      ctx.getSelf().tell(Tick.INSTANCE);
      Set<ObjectKey> inFlight = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, t -> {
            pending.set(false);
            pass(ctx, timers, store, clock, inFlight);
            return Behaviors.same();
          })
          .onMessage(Done.class, d -> {
            inFlight.remove(d.key());
            if (d.error() != null) {
              ctx.getLog().debug("status of {} not written; the next pass decides again: {}", d.key(),
                  d.error().getMessage());
            }
            pass(ctx, timers, store, clock, inFlight);
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            cancel.run();
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static void pass(ActorContext<Command> ctx, TimerScheduler<Command> timers, ObjectStore store,
      Clock clock, Set<ObjectKey> inFlight) {
    Instant now = clock.instant();
    List<JsonNode> budgets = new ArrayList<>();
    store.cache().list(BUDGETS.storageKey(), null, e -> true, null, 0).items().forEach(e -> budgets.add(e.object()));
    Map<String, List<JsonNode>> podsByNamespace = new HashMap<>();
    for (JsonNode b : budgets) {
      String ns = Json.metaText(b, "namespace");
      podsByNamespace.computeIfAbsent(ns, n -> {
        List<JsonNode> pods = new ArrayList<>();
        store.cache().list(NodeLifecycle.PODS.storageKey(), n, e -> true, null, 0).items()
            .forEach(e -> pods.add(e.object()));
        return pods;
      });
    }
    Plan plan = plan(budgets, podsByNamespace, now);
    for (StatusUpdate u : plan.updates()) {
      if (inFlight.add(u.key())) {
        RequestInfo request = new RequestInfo("system:disruption-controller", "tugboat", UUID.randomUUID().toString(),
            "update", now);
        ctx.pipeToSelf(store.update(u.key(), u.budget(), Subresource.STATUS, request),
            (ok, error) -> new Done(u.key(), error));
      }
    }
    timers.cancel(DEADLINE);
    plan.wakeAt().ifPresent(at -> timers.startSingleTimer(DEADLINE, Tick.INSTANCE,
        Duration.between(now, at).isNegative() ? Duration.ZERO : Duration.between(now, at)));
  }

  /**
   * The budgets whose status should change at {@code now}, given the pods of their namespaces; wakes when the
   * first disruptedPods entry expires.
   */
  static Plan plan(List<JsonNode> budgets, Map<String, List<JsonNode>> podsByNamespace, Instant now) {
    List<StatusUpdate> updates = new ArrayList<>();
    Instant wake = null;
    for (JsonNode budget : budgets) {
      String ns = Json.metaText(budget, "namespace");
      ObjectNode status = PodDisruption.status(budget, podsByNamespace.getOrDefault(ns, List.of()), now);
      for (JsonNode at : (Iterable<JsonNode>) () -> status.path("disruptedPods").elements()) {
        Instant expires = NodeHealth.instant(at).orElse(now).plus(PodDisruption.DELETION_TIMEOUT);
        wake = wake == null || expires.isBefore(wake) ? expires : wake;
      }
      if (!PodDisruption.sameStatus(status, budget.path("status"))) {
        ObjectNode updated = budget.deepCopy();
        updated.set("status", status);
        updates.add(new StatusUpdate(ObjectKey.of(BUDGETS, ns, Json.metaText(budget, "name")), updated));
      }
    }
    return new Plan(updates, Optional.ofNullable(wake));
  }
}

package io.tugboat.controllers.workloads;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiException;
import io.tugboat.model.Events;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.CborSerializable;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The reconcile loop of one owner object (a Deployment, ReplicaSet or ReplicationController), a Cluster Sharding
 * entity whose id is the object's key. Not event-sourced: the object's own entity is the source of truth and
 * everything this one knows comes from the local watch cache, so a restart anywhere loses nothing but the writes
 * in flight, which the cache then shows.
 *
 * <p>Phases: idle -Reconcile-> syncing (plan from the cache, send the writes) -> waiting (writes in flight: the
 * expectations; further Reconciles only mark it dirty, so a burst of pod events never makes it create twice) -last
 * write answered-> syncing again, since what it wrote is now in this node's cache (a store write completes once
 * the local cache has it). A failed write (conflict, timeout) retries after the error backoff. When the object is
 * gone the entity stops.
 */
public final class OwnerController {

  /** Messages of an owner's loop. */
  public sealed interface Command extends CborSerializable {}

  /** Look again: the owner or one of its children changed, or the resync period passed. */
  public enum Reconcile implements Command { INSTANCE }

  /** Stop and forget everything (sharding's stop message; tests use it as a controller restart). */
  public enum Stop implements Command { INSTANCE }

  private enum Run implements Command { INSTANCE }

  private record Written(Plan.Action action, ObjectNode result, Throwable error) implements Command {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OwnerController.class);
  private static final String WAKE = "wake";
  private static final String RETRY = "retry";

  private OwnerController() {}

  /** The sharding type of the loops of one owner kind: "ctl-" and the kind's storage key. */
  public static EntityTypeKey<Command> typeKey(ResourceType type) {
    return EntityTypeKey.create(Command.class, "ctl-" + type.storageKey().replace('/', '.'));
  }

  /** Starts sharding of the loops of one kind on this node (control-plane role). */
  public static void initSharding(ActorSystem<?> system, Reconciler reconciler, ObjectStore store, Clock clock,
      WorkloadSettings settings) {
    ClusterSharding.get(system).init(Entity.of(typeKey(reconciler.type()),
            ctx -> create(ObjectKey.parse(ctx.getEntityId()), reconciler, store, clock, settings))
        .withRole("control-plane")
        .withStopMessage(Stop.INSTANCE));
  }

  /** The loop of the owner with this key. */
  public static Behavior<Command> create(ObjectKey key, Reconciler reconciler, ObjectStore store, Clock clock,
      WorkloadSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Loop(ctx, timers, key, reconciler, store, clock, settings).behavior()));
  }

  /** The mutable state of one loop, confined to its actor. */
  private static final class Loop {
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ObjectKey key;
    private final Reconciler reconciler;
    private final ObjectStore store;
    private final Clock clock;
    private final WorkloadSettings settings;
    private int inFlight;
    private boolean queued;
    private boolean dirty;
    private boolean failed;
    /** Failed steps in a row: the retry waits longer after each. */
    private int failedSteps;
    /** The first create or delete that failed in the step in flight, and in the step before (given to the plan). */
    private Plan.Failure stepFailure;
    private Plan.Failure lastFailure;
    private final EventBudget events = new EventBudget();

    Loop(ActorContext<Command> ctx, TimerScheduler<Command> timers, ObjectKey key, Reconciler reconciler,
        ObjectStore store, Clock clock, WorkloadSettings settings) {
      this.ctx = ctx;
      this.timers = timers;
      this.key = key;
      this.reconciler = reconciler;
      this.store = store;
      this.clock = clock;
      this.settings = settings;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Reconcile.class, r -> {
            if (!queued) {
              queued = true;
              ctx.getSelf().tell(Run.INSTANCE);
            }
            return Behaviors.same();
          })
          .onMessage(Run.class, r -> run())
          .onMessage(Written.class, this::written)
          .onMessage(Stop.class, s -> Behaviors.stopped())
          .build();
    }

    private Behavior<Command> run() {
      queued = false;
      if (inFlight > 0) {
        dirty = true;
        return Behaviors.same();
      }
      var owner = store.get(key);
      if (owner.isEmpty()) {
        return Behaviors.stopped();
      }
      Instant now = clock.instant();
      Plan plan;
      try {
        plan = reconciler.plan(owner.get().object(), store.cache(), now, java.util.Optional.ofNullable(lastFailure));
      } catch (RuntimeException e) {
        ctx.getLog().warn("{} {}: cannot reconcile: {}", key.resourceName(), key.sortKey(), e.toString());
        timers.startSingleTimer(RETRY, Reconcile.INSTANCE, settings.backoffAfter(++failedSteps));
        return Behaviors.same();
      }
      dirty = false;
      failed = false;
      stepFailure = null;
      if (plan.actions().isEmpty()) {
        lastFailure = null;
      }
      for (Plan.Action action : plan.actions()) {
        inFlight++;
        ctx.pipeToSelf(action.perform(store, verb -> request(verb, now)), (result, error) ->
            new Written(action, result == null ? null : result.object(), error));
      }
      timers.cancel(WAKE);
      plan.wakeAt().ifPresent(at -> timers.startSingleTimer(WAKE, Reconcile.INSTANCE,
          Duration.between(now, at).isNegative() ? Duration.ZERO : Duration.between(now, at)));
      return Behaviors.same();
    }

    private Behavior<Command> written(Written w) {
      inFlight--;
      Throwable error = w.error() instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : w.error();
      Plan.Note note = w.action().note(error == null);
      if (error != null) {
        failed = true;
        if (stepFailure == null && !(w.action() instanceof Plan.Update)) {
          stepFailure = new Plan.Failure(w.action() instanceof Plan.Create ? "FailedCreate" : "FailedDelete",
              error instanceof ApiException ae ? ae.error().message() : String.valueOf(error.getMessage()));
        }
        ctx.getLog().debug("{} {}: {} failed; trying again: {}", key.resourceName(), key.sortKey(),
            w.action().getClass().getSimpleName(), error.getMessage());
      }
      if (note != null) {
        String detail = error == null ? io.tugboat.model.Json.metaText(w.result(), "name")
            : error instanceof ApiException ae ? ae.error().message() : String.valueOf(error.getMessage());
        report(note, detail);
      }
      if (inFlight == 0) {
        lastFailure = stepFailure;
        if (failed) {
          timers.startSingleTimer(RETRY, Reconcile.INSTANCE, settings.backoffAfter(++failedSteps));
        } else {
          failedSteps = 0;
          ctx.getSelf().tell(Reconcile.INSTANCE);
        }
      }
      return Behaviors.same();
    }

    /** Writes the Event of a write about the owner, as it is cached now. */
    private void report(Plan.Note note, String detail) {
      if (!events.take(clock.instant())) {
        return;
      }
      store.get(key).ifPresent(owner -> {
        JsonNode involved = owner.object();
        String message = note.message().contains("%s") ? note.message().replace("%s", detail) : note.message();
        ObjectNode event = Events.about(involved, reconciler.component(), note.type(), note.reason(), message, null,
            clock.instant());
        store.create(EVENTS, event, request("create", clock.instant())).whenComplete((r, e) -> {
          if (e != null) {
            LOG.debug("event not written: {}", e.getMessage());
          }
        });
      });
    }

    private RequestInfo request(String verb, Instant now) {
      return new RequestInfo("system:serviceaccount:kube-system:" + reconciler.component(),
          "kube-controller-manager/v1.33.0 (linux/amd64) tugboat/" + reconciler.component(),
          UUID.randomUUID().toString(), verb, now);
    }
  }

  private static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();
}

package io.tugboat.controllers.cronjob;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.workloads.Owners;
import io.tugboat.controllers.workloads.Plan;
import io.tugboat.model.ApiException;
import io.tugboat.model.Events;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.Futures;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The CronJob controller: a cluster singleton that is the cluster's clock for CronJobs. It keeps, for every CronJob
 * in the local watch cache, when it must look at it next (its next scheduled time, from {@link CronJobSync}) and
 * one timer for the earliest of those times, so nothing polls. A CronJob is synced when it changes, when a Job it
 * controls changes, and when its time comes. It holds nothing the cache cannot rebuild: a new instance (fail-over)
 * syncs every CronJob once the cache has replayed the journal, and Kubernetes' rules (the most recent missed time
 * only, within startingDeadlineSeconds) decide what downtime owes.
 *
 * <p>Per CronJob: idle -sync-> writes in flight (the expectations: further syncs of it only mark it dirty, so it
 * never creates a Job twice) -last write answered-> synced again at once, since a store write completes once this
 * node's cache holds it; a failed write syncs it again after {@code error-backoff}, doubled with every failure in a
 * row up to {@code max-error-backoff}. A CronJob that is gone is
 * forgotten. Why a singleton and not a sharded loop per CronJob: sharded entities are passivated after two idle
 * minutes, which would drop the timer of any schedule less frequent than that.
 */
public final class CronJobController {

  /** Messages of the controller. */
  public sealed interface Command {}

  /** Sync every CronJob whose time has come by the clock (the timer sends it; tests send it after moving time). */
  public enum Tick implements Command { INSTANCE }

  private enum Start implements Command { INSTANCE }

  private enum Flush implements Command { INSTANCE }

  private record Changed(WatchCache.Change change) implements Command {}

  private record Written(ObjectKey cronJob, Plan.Action action, ObjectNode result, Throwable error)
      implements Command {}

  private static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();
  private static final String TIMER = "next";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CronJobController.class);

  private CronJobController() {}

  /** Starts the controller as a cluster singleton when {@code tugboat.cronjob.enabled}. */
  public static void init(ActorSystem<?> system, ObjectStore store, Clock clock) {
    CronJobSettings settings = CronJobSettings.create(system.settings().config());
    if (settings.enabled()) {
      ClusterSingleton.get(system).init(SingletonActor.of(create(store, clock, settings), "cronjob-controller"));
    }
  }

  /** The controller over this node's cache. */
  public static Behavior<Command> create(ObjectStore store, Clock clock, CronJobSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Controller(ctx, timers, store, clock, settings).behavior()));
  }

  /** The controller's mutable state, confined to its actor. */
  private static final class Controller {
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ObjectStore store;
    private final Clock clock;
    private final CronJobSettings settings;
    private final Map<ObjectKey, Instant> wakeAt = new HashMap<>();
    private final Map<ObjectKey, Integer> inFlight = new HashMap<>();
    private final Set<ObjectKey> dirty = new HashSet<>();
    private final Set<ObjectKey> failed = new HashSet<>();
    private final Map<ObjectKey, Integer> failures = new HashMap<>();
    private final Set<ObjectKey> pending = new LinkedHashSet<>();
    private final Map<ObjectKey, Set<String>> reported = new HashMap<>();
    private final List<Runnable> cancels = new ArrayList<>();

    Controller(ActorContext<Command> ctx, TimerScheduler<Command> timers, ObjectStore store, Clock clock,
        CronJobSettings settings) {
      this.ctx = ctx;
      this.timers = timers;
      this.store = store;
      this.clock = clock;
      this.settings = settings;
      // Only once the cache has replayed the journal: judged from a partial cache a CronJob would look idle.
      ctx.pipeToSelf(store.cache().ready(), (ok, e) -> Start.INSTANCE);
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Start.class, s -> start())
          .onMessage(Changed.class, c -> {
            enqueue(keysFor(c.change()));
            return Behaviors.same();
          })
          .onMessage(Flush.class, f -> {
            List<ObjectKey> keys = List.copyOf(pending);
            pending.clear();
            keys.forEach(this::sync);
            rearm();
            return Behaviors.same();
          })
          .onMessage(Tick.class, t -> {
            Instant now = clock.instant();
            List<ObjectKey> due = wakeAt.entrySet().stream().filter(e -> !e.getValue().isAfter(now))
                .map(Map.Entry::getKey).toList();
            due.forEach(wakeAt::remove);
            due.forEach(this::sync);
            rearm();
            return Behaviors.same();
          })
          .onMessage(Written.class, this::written)
          .onSignal(PostStop.class, s -> {
            cancels.forEach(Runnable::run);
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> start() {
      for (ResourceType t : List.of(CronJobSync.CRON_JOBS, CronJobSync.JOBS)) {
        cancels.add(store.cache().watch(t.storageKey(), null, -1, false,
            WatchCache.Watcher.of(change -> ctx.getSelf().tell(new Changed(change)))).cancel());
      }
      // Every CronJob once: the watches only bring changes from now on.
      enqueue(store.cache().list(CronJobSync.CRON_JOBS.storageKey(), null, e -> true, null, 0).items().stream()
          .map(WatchCache.Entry::key).toList());
      return Behaviors.same();
    }

    private void enqueue(List<ObjectKey> keys) {
      if (pending.isEmpty() && !keys.isEmpty()) {
        ctx.getSelf().tell(Flush.INSTANCE);
      }
      pending.addAll(keys);
    }

    /** The CronJobs a change concerns: a CronJob itself, a Job's controlling CronJob before and after. */
    private static List<ObjectKey> keysFor(WatchCache.Change change) {
      ObjectKey key = change.entry().key();
      if (key.storageKey().equals(CronJobSync.CRON_JOBS.storageKey())) {
        return List.of(key);
      }
      Set<ObjectKey> keys = new LinkedHashSet<>();
      for (WatchCache.Entry version : change.previous() == null ? List.of(change.entry())
          : List.of(change.entry(), change.previous())) {
        Owners.controllerRef(version.object()).filter(ref -> "CronJob".equals(Json.text(ref.path("kind"))))
            .ifPresent(ref -> keys.add(ObjectKey.of(CronJobSync.CRON_JOBS, key.namespace(),
                Json.text(ref.path("name")))));
      }
      return List.copyOf(keys);
    }

    private void sync(ObjectKey key) {
      if (inFlight.getOrDefault(key, 0) > 0) {
        dirty.add(key);
        return;
      }
      Optional<WatchCache.Entry> entry = store.get(key);
      if (entry.isEmpty()) {
        wakeAt.remove(key);
        reported.remove(key);
        failures.remove(key);
        return;
      }
      JsonNode cronJob = entry.get().object();
      Instant now = clock.instant();
      CronJobSync.Decision decision;
      try {
        List<JsonNode> jobs = store.cache().list(CronJobSync.JOBS.storageKey(), key.namespace(),
            CronJobSync.concerns(cronJob), null, 0).items().stream().map(e -> (JsonNode) e.object()).toList();
        decision = CronJobSync.plan(cronJob, jobs, now);
      } catch (RuntimeException e) {
        ctx.getLog().warn("cronjob {}: cannot sync: {}", key.sortKey(), e.toString());
        retryLater(key, now);
        return;
      }
      dirty.remove(key);
      failed.remove(key);
      for (CronJobSync.Notice n : decision.notices()) {
        Set<String> seen = reported.computeIfAbsent(key, k -> new LinkedHashSet<>());
        if (n.once() == null || seen.add(n.once())) {
          report(cronJob, n.note(), null, now);
        }
        if (seen.size() > 64) {
          seen.remove(seen.iterator().next());
        }
      }
      decision.wakeAt().ifPresentOrElse(at -> wakeAt.put(key, at), () -> wakeAt.remove(key));
      for (Plan.Action action : decision.writes()) {
        inFlight.merge(key, 1, Integer::sum);
        ctx.pipeToSelf(action.perform(store, verb -> request(verb, now)), (result, error) ->
            new Written(key, action, result == null ? null : result.object(), error));
      }
    }

    /** Sync again after the error backoff, doubled with each failure in a row up to the maximum. */
    private void retryLater(ObjectKey key, Instant now) {
      int n = failures.merge(key, 1, Integer::sum);
      Duration backoff = settings.errorBackoff().multipliedBy(1L << Math.min(n - 1, 20));
      if (backoff.compareTo(settings.maxErrorBackoff()) > 0) {
        backoff = settings.maxErrorBackoff();
      }
      Instant retry = now.plus(backoff);
      wakeAt.merge(key, retry, (a, b) -> a.isBefore(b) ? a : b);
    }

    private Behavior<Command> written(Written w) {
      ObjectKey key = w.cronJob();
      int left = inFlight.merge(key, -1, Integer::sum);
      Throwable error = w.error() instanceof CompletionException ce && ce.getCause() != null ? ce.getCause()
          : w.error();
      if (error != null) {
        failed.add(key);
        ctx.getLog().debug("cronjob {}: {} failed: {}", key.sortKey(), w.action().getClass().getSimpleName(),
            error.getMessage());
      }
      Plan.Note note = w.action().note(error == null);
      if (note != null) {
        String detail = error == null ? Json.metaText(w.result(), "name")
            : error instanceof ApiException ae ? ae.error().message() : String.valueOf(error.getMessage());
        // A write that keeps failing (a quota, say) reports each distinct error once, not every retry.
        if (error == null || reported.computeIfAbsent(key, k -> new LinkedHashSet<>())
            .add(note.reason() + ":" + detail)) {
          store.get(key).ifPresent(e -> report(e.object(), note, detail, clock.instant()));
        }
      }
      if (left <= 0) {
        inFlight.remove(key);
        if (failed.remove(key)) {
          retryLater(key, clock.instant());
          rearm();
        } else {
          // What was written is in this node's cache now: look again at once.
          failures.remove(key);
          enqueue(List.of(key));
        }
      }
      return Behaviors.same();
    }

    private void rearm() {
      timers.cancel(TIMER);
      wakeAt.values().stream().min(Instant::compareTo).ifPresent(at -> {
        Duration delay = Duration.between(clock.instant(), at);
        timers.startSingleTimer(TIMER, Tick.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
      });
    }

    private void report(JsonNode cronJob, Plan.Note note, String detail, Instant now) {
      String message = detail != null && note.message().contains("%s") ? note.message().replace("%s", detail)
          : note.message();
      ObjectNode event = Events.about(cronJob, CronJobSync.COMPONENT, note.type(), note.reason(), message, null, now);
      Futures.on(store.create(EVENTS, event, request("create", now)), ctx.getExecutionContext())
          .whenComplete((r, e) -> {
            if (e != null) {
              LOG.debug("event not written: {}", e.getMessage());
            }
          });
    }

    private static RequestInfo request(String verb, Instant now) {
      return new RequestInfo("system:serviceaccount:kube-system:" + CronJobSync.COMPONENT,
          "kube-controller-manager/v1.33.0 (linux/amd64) tugboat/" + CronJobSync.COMPONENT,
          UUID.randomUUID().toString(), verb, now);
    }
  }
}

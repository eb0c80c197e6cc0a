package io.tugboat.scheduler;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The scheduler, a cluster singleton: binds pending pods to nodes.
 *
 * <p>Reading order: it watches nodes and pods in this node's watch cache and keeps a {@link ClusterState}
 * from them (rebuilt from the cache on start and on fail-over; it holds nothing else that matters); pending
 * pods wait in a {@link SchedulingQueue}. Each SCHEDULE pass takes up to batch-size pods, decides with
 * {@link SchedulingAlgorithm}, assumes the pod on its node at once (so a burst never over-commits a node) and
 * sends the binding; at most max-binds-in-flight bindings are outstanding. A failed binding forgets the
 * assumption and retries the pod after a backoff. A pod that fits nowhere gets PodScheduled=False with the
 * reasons and a FailedScheduling event, may preempt lower-priority pods, and waits until a node or pod change
 * may help (or a slow safety-net flush).
 */
public final class Scheduler extends AbstractBehavior<Scheduler.Command> {

  /** Messages of the scheduler. */
  public sealed interface Command {}

  private record PodChanged(WatchCache.Change change) implements Command {}

  private record NodeChanged(WatchCache.Change change) implements Command {}

  private record WatchEnded(String resource) implements Command {}

  private record BindDone(PodInfo pod, String node, Throwable error) implements Command {}

  private record EventWritten(String podUid, String name, String message) implements Command {}

  private enum Tick implements Command { READY, SCHEDULE, BACKOFF, FLUSH }

  /** What the last FailedScheduling event of a pod said, so repeats count up instead of piling up. */
  private record LastEvent(String name, String message, int count) {}

  private static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  private static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();
  private static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();
  private static final ResourceType NAMESPACES = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
  private static final String USER = "kube-scheduler";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Scheduler.class);

  private final ObjectStore store;
  private final SchedulerSettings settings;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  private final ClusterState state;
  private final SchedulingQueue queue;
  private final SchedulingAlgorithm algorithm;
  private final Preemption preemption;
  private final Set<String> binding = new HashSet<>();
  private final Map<String, LastEvent> lastEvents = new HashMap<>();
  private final List<Runnable> cancels;
  private boolean ready;
  private boolean scheduleRequested;

  /** The scheduler over this node's store, on the system clock. */
  public static Behavior<Command> create(ObjectStore store, SchedulerSettings settings) {
    return create(store, settings, Clock.systemUTC());
  }

  /** The scheduler with an injected clock (backoffs, condition and event times). */
  public static Behavior<Command> create(ObjectStore store, SchedulerSettings settings, Clock clock) {
    return Behaviors.supervise(Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers ->
            new Scheduler(ctx, timers, store, settings, clock))))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
  }

  private Scheduler(ActorContext<Command> ctx, TimerScheduler<Command> timers, ObjectStore store,
      SchedulerSettings settings, Clock clock) {
    super(ctx);
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.timers = timers;
    this.state = new ClusterState(this::namespaceLabels);
    this.queue = new SchedulingQueue(settings.initialBackoff(), settings.maxBackoff());
    long seed = settings.seed() != 0 ? settings.seed() : clock.millis();
    this.algorithm = SchedulingAlgorithm.defaults(settings.percentageOfNodesToScore(), seed);
    this.preemption = new Preemption(algorithm.filters());
    // Nodes first, so the pods' nodes are known when the pods arrive.
    Runnable nodes = watch(NODES, NodeChanged::new, this::onNode);
    Runnable pods = watch(PODS, PodChanged::new, this::onPod);
    this.cancels = List.of(nodes, pods);
    store.cache().ready().thenRun(() -> ctx.getSelf().tell(Tick.READY));
    timers.startTimerWithFixedDelay(Tick.FLUSH, settings.unschedulableFlushInterval());
  }

  private Runnable watch(ResourceType type, Function<WatchCache.Change, Command> wrap,
      java.util.function.Consumer<WatchCache.Change> apply) {
    var self = getContext().getSelf();
    WatchCache.Start start = store.cache().watch(type.storageKey(), null, -1, true, new WatchCache.Watcher() {
      @Override
      public boolean offer(WatchCache.Change change) {
        self.tell(wrap.apply(change));
        return true;
      }

      @Override
      public void close() {
        self.tell(new WatchEnded(type.plural()));
      }
    });
    start.backlog().forEach(apply);
    return start.cancel();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PodChanged.class, m -> {
          onPod(m.change());
          return this;
        })
        .onMessage(NodeChanged.class, m -> {
          onNode(m.change());
          return this;
        })
        .onMessage(BindDone.class, this::onBindDone)
        .onMessage(EventWritten.class, m -> {
          LastEvent last = lastEvents.get(m.podUid());
          if (last != null && last.name() == null && last.message().equals(m.message())) {
            lastEvents.put(m.podUid(), new LastEvent(m.name(), m.message(), last.count()));
          }
          return this;
        })
        .onMessage(WatchEnded.class, m -> {
          // The cache cut the watch: start over from the cache (the supervisor restarts us).
          throw new IllegalStateException("the watch of " + m.resource() + " ended; rebuilding");
        })
        .onMessageEquals(Tick.READY, () -> {
          ready = true;
          requestSchedule();
          return this;
        })
        .onMessageEquals(Tick.SCHEDULE, this::onSchedule)
        .onMessageEquals(Tick.BACKOFF, () -> {
          requestSchedule();
          return this;
        })
        .onMessageEquals(Tick.FLUSH, () -> {
          queue.flushUnschedulable(clock.instant(), settings.unschedulableMaxWait());
          requestSchedule();
          return this;
        })
        .onSignal(PreRestart.class, s -> stopWatching())
        .onSignal(PostStop.class, s -> stopWatching())
        .build();
  }

  private Behavior<Command> stopWatching() {
    cancels.forEach(Runnable::run);
    return this;
  }

  // ---- watch events: update the view, enqueue, and retry waiting pods when something may help ----

  private void onPod(WatchCache.Change change) {
    ObjectNode obj = change.entry().object();
    String uid = Json.metaText(obj, "uid");
    boolean deleted = "DELETED".equals(change.type());
    PodInfo before = state.pending(uid);
    boolean freed = state.applyPod(change.entry().key(), uid, deleted ? null : obj);
    PodInfo after = state.pending(uid);
    if (after == null) {
      if (!state.isAssumed(uid)) {
        queue.remove(uid);
        lastEvents.remove(uid);
      }
    } else if (before == null) {
      queue.add(after);
    } else {
      queue.update(after, after.schedulingChanged(before));
    }
    if (freed) {
      queue.moveAllToActive(clock.instant());
    }
    requestSchedule();
  }

  private void onNode(WatchCache.Change change) {
    boolean deleted = "DELETED".equals(change.type());
    if (state.applyNode(change.entry().key().name(), deleted ? null : change.entry().object())) {
      queue.moveAllToActive(clock.instant());
    }
    requestSchedule();
  }

  // ---- the scheduling pass ----

  private void requestSchedule() {
    if (!ready || scheduleRequested) {
      return;
    }
    Instant now = clock.instant();
    if (binding.size() < settings.maxBindsInFlight() && queue.hasActive(now)) {
      scheduleRequested = true;
      getContext().getSelf().tell(Tick.SCHEDULE);
      return;
    }
    Optional<Instant> next = queue.nextBackoffExpiry();
    if (next.isPresent()) {
      Duration wait = Duration.between(now, next.get());
      timers.startSingleTimer(Tick.BACKOFF, wait.isNegative() ? Duration.ZERO : wait);
    }
  }

  private Behavior<Command> onSchedule() {
    scheduleRequested = false;
    Instant now = clock.instant();
    for (int n = 0; n < settings.batchSize() && binding.size() < settings.maxBindsInFlight(); n++) {
      PodInfo pod = queue.pop(now);
      if (pod == null) {
        break;
      }
      PodInfo current = state.pending(pod.uid());
      if (current == null) {
        queue.remove(pod.uid());
        continue;
      }
      scheduleOne(current, now);
    }
    requestSchedule();
    return this;
  }

  private void scheduleOne(PodInfo pod, Instant now) {
    SchedulingAlgorithm.Decision decision;
    try {
      decision = algorithm.schedule(pod, state);
    } catch (RuntimeException e) {
      // A pod the plugins cannot read must not stop the others: it waits with the error as its reason.
      getContext().getLog().warn("scheduling {} failed", pod.fullName(), e);
      decision = new SchedulingAlgorithm.Unschedulable("scheduling failed: " + e.getMessage(), 0, Map.of());
    }
    if (decision instanceof SchedulingAlgorithm.Scheduled s) {
      bind(pod, s.node());
    } else if (decision instanceof SchedulingAlgorithm.Unschedulable u) {
      onUnschedulable(pod, u, now);
    }
  }

  private void bind(PodInfo pod, String node) {
    state.assume(pod, node);
    binding.add(pod.uid());
    getContext().pipeToSelf(store.bindPod(pod.key(), node, request("bind")),
        (ok, error) -> new BindDone(pod, node, error));
  }

  private Behavior<Command> onBindDone(BindDone m) {
    if (!binding.remove(m.pod().uid())) {
      return this; // from before a restart
    }
    PodInfo pod = m.pod();
    if (m.error() == null) {
      queue.remove(pod.uid());
      lastEvents.remove(pod.uid());
      createEvent(SchedulerEvents.scheduled(pod, m.node(), clock.instant()));
    } else if (state.forget(pod)) {
      getContext().getLog().info("binding {} to {} failed: {}", pod.fullName(), m.node(), m.error().getMessage());
      // Whatever the watch said about the pod while it was assumed was set aside: read it again.
      Optional<WatchCache.Entry> current = store.get(pod.key());
      state.applyPod(pod.key(), pod.uid(), current.map(WatchCache.Entry::object)
          .filter(o -> pod.uid().equals(Json.metaText(o, "uid"))).orElse(null));
      PodInfo pending = state.pending(pod.uid());
      if (pending != null) {
        queue.retryLater(pending, clock.instant());
      } else {
        queue.remove(pod.uid());
      }
    }
    requestSchedule();
    return this;
  }

  private void onUnschedulable(PodInfo pod, SchedulingAlgorithm.Unschedulable failed, Instant now) {
    String message = failed.message();
    String nominate = null;
    if (failed.totalNodes() > 0) {
      Optional<String> ineligible = Preemption.ineligible(pod, state);
      if (ineligible.isPresent()) {
        message += " " + ineligible.get();
      } else {
        Preemption.Outcome outcome = preemption.find(pod, state, failed);
        if (outcome.candidate().isPresent()) {
          nominate = outcome.candidate().get().node();
          preempt(pod, outcome.candidate().get(), now);
        } else {
          message += " " + outcome.message();
        }
      }
    }
    queue.unschedulable(pod, now);
    report(pod, message, nominate, now);
  }

  private void preempt(PodInfo pod, Preemption.Candidate candidate, Instant now) {
    state.nominate(pod.uid(), candidate.node());
    for (PodInfo victim : candidate.victims()) {
      getContext().getLog().info("preempting {} on {} for {}", victim.fullName(), candidate.node(), pod.fullName());
      store.delete(victim.key(), victim.uid(), null, null, null, request("delete")).whenComplete((r, e) -> {
        if (e != null) {
          LOG.debug("preemption of {} failed: {}", victim.fullName(), e.getMessage());
        }
      });
      createEvent(SchedulerEvents.preempted(victim, pod, candidate.node(), now));
    }
  }

  /** Writes the Unschedulable condition (when it changed) and a FailedScheduling event (or counts a repeat). */
  private void report(PodInfo pod, String message, String nominate, Instant now) {
    Optional<WatchCache.Entry> current = store.get(pod.key())
        .filter(e -> pod.uid().equals(Json.metaText(e.object(), "uid")));
    if (current.isEmpty() || !Json.text(current.get().object().path("spec").path("nodeName")).isEmpty()) {
      return; // gone, replaced by a namesake, or bound meanwhile
    }
    ObjectNode patch = SchedulerEvents.unschedulablePatch(current.get().object(), message, nominate, now);
    if (patch != null) {
      // Only onto the version judged: a pod bound (or changed) meanwhile makes this a 409, never a stale write.
      patch.with("metadata").put("resourceVersion", Long.toString(current.get().resourceVersion()));
      store.patch(pod.key(), PatchType.MERGE, patch, Subresource.STATUS, request("update"))
          .whenComplete((r, e) -> {
            if (e != null) {
              LOG.debug("status of {} not written: {}", pod.fullName(), e.getMessage());
            }
          });
    }
    LastEvent last = lastEvents.get(pod.uid());
    var self = getContext().getSelf();
    if (last != null && last.message().equals(message)) {
      int count = last.count() + 1;
      lastEvents.put(pod.uid(), new LastEvent(last.name(), message, count));
      if (last.name() == null) {
        return; // the event is still being created; the count goes with the next repeat
      }
      store.patch(ObjectKey.of(EVENTS, pod.namespace(), last.name()), PatchType.MERGE,
          SchedulerEvents.repeatPatch(count, now), Subresource.MAIN, request("patch")).whenComplete((r, e) -> {
            if (e != null) {
              LOG.debug("event of {} not counted: {}", pod.fullName(), e.getMessage());
            }
          });
      return;
    }
    lastEvents.put(pod.uid(), new LastEvent(null, message, 1));
    store.create(EVENTS, SchedulerEvents.failedScheduling(pod, message, now), request("create"))
        .whenComplete((r, e) -> {
          if (r != null) {
            self.tell(new EventWritten(pod.uid(), Json.metaText(r.object(), "name"), message));
          }
        });
  }

  private void createEvent(ObjectNode event) {
    store.create(EVENTS, event, request("create")).whenComplete((r, e) -> {
      if (e != null) {
        LOG.warn("event not written: {}", e.getMessage());
      }
    });
  }

  private Map<String, String> namespaceLabels(String namespace) {
    return store.get(ObjectKey.of(NAMESPACES, "", namespace))
        .map(e -> Json.stringMap(e.object().path("metadata").path("labels"))).orElse(Map.of());
  }

  private static RequestInfo request(String verb) {
    return RequestInfo.system(USER, verb);
  }
}

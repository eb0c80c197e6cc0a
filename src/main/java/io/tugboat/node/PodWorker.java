package io.tugboat.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.node.EventRecorder.ContainerRef;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ContainerRuntime.SandboxStatus;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one pod on its node's runtime and reports its status to the pod's entity, level-triggered: every change
 * (of the pod, of a container, of a write, a probe result, a wake-up) re-runs {@link #sync()}, which takes the
 * next steps from what is observed. Starting a container is {@link ContainerStarter}'s; restart rules are
 * {@link PodLifecycle}'s; probes are {@link PodProbes}'; the status is {@link PodStatuses}'.
 *
 * <p>Phases: ADOPTING (looking for a sandbox a previous agent left) -> STARTING (volumes, sandbox, then init
 * containers one by one, each to success, then the containers) -> RUNNING (exited containers restarted per
 * restartPolicy after their back-off; probes run) -> TERMINATING (the pod has a deletionTimestamp: preStop
 * hooks, then containers stopped within what is left of deletionGracePeriodSeconds, the final status written,
 * then the pod deleted with grace period 0) -> GONE (the runtime's sandbox and the pod's volumes removed, the
 * worker stops). A pod deleted from the store at any phase goes to GONE.
 */
final class PodWorker extends AbstractBehavior<PodWorker.Command> {

  /** Messages of a pod worker. */
  sealed interface Command {}

  /** A newer version of the pod. */
  record Update(WatchCache.Entry entry) implements Command {}

  /** The pod left the store (or this node): clean up and stop. */
  enum Gone implements Command { INSTANCE }

  /** Look again: a back-off or probe may be due, or a ConfigMap or Secret changed. */
  enum Wake implements Command { INSTANCE }

  private record Adopted(SandboxStatus sandbox, List<ContainerStatus> containers) implements Command {}

  private record SandboxReady(SandboxStatus sandbox, Throwable error) implements Command {}

  private record ContainerChanged(ContainerStatus status, boolean removed) implements Command {}

  record Started(String name, ContainerStatus status, ContainerStarter.Failure failure) implements Command {}

  private record StopDone(String name, ContainerStatus status, Throwable error) implements Command {}

  record ProbeDone(String containerId, String name, Probes.Kind kind, Probes.Result result)
      implements Command {}

  record StatusDone(ObjectNode status, ObjectStore.WriteResult result, Throwable error) implements Command {}

  private record DeleteDone(Throwable error) implements Command {}

  private enum Internal implements Command { RETRY, CLEANED_UP }

  /** What every worker of one agent shares. */
  record Context(ObjectStore store, ContainerRuntime runtime, String nodeName, String hostIp, String runtimeScheme,
      Clock clock, Duration retry, String userAgent, PodSettings settings, Map<String, String> allocatable,
      Prober prober, EventRecorder events, PodSources sources, PodVolumes volumes) {}

  static Behavior<Command> create(Context context, WatchCache.Entry entry) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PodWorker(ctx, timers, context, entry)));
  }

  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  private final TimerScheduler<Command> timers;
  private final Context c;
  private final ObjectKey key;
  private final String uid;
  private final Instant startTime;
  private final AtomicReference<String> sandboxRef = new AtomicReference<>();
  private final Runnable unsubscribe;
  private final Runnable unwatchSources;
  private final ContainerStarter starter;
  private final ContainerStopper stopper;
  private final PodStatusWriter writer;
  private WatchCache.Entry entry;
  private boolean adopted;
  private boolean sandboxPending;
  private SandboxStatus sandbox;
  private final Map<String, ContainerStatus> containers = new LinkedHashMap<>();
  private final Map<String, ContainerTrack> tracks = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> stopping = new HashSet<>();
  private final Set<String> killedByProbe = new HashSet<>();
  private final ProbeRunner probes;
  private Map<String, java.nio.file.Path> volumes;
  private String volumeError;
  private boolean volumesStale;
  private boolean deleteSent;
  private boolean gone;

  private PodWorker(ActorContext<Command> ctx, TimerScheduler<Command> timers, Context context,
      WatchCache.Entry entry) {
    super(ctx);
    this.timers = timers;
    this.c = context;
    this.entry = entry;
    this.key = entry.key();
    this.uid = Json.metaText(entry.object(), "uid");
    String started = Json.text(entry.object().path("status").path("startTime"));
    this.startTime = started.isEmpty() ? c.clock().instant() : Instant.parse(started);
    this.starter = new ContainerStarter(c, ctx.getSelf());
    this.stopper = new ContainerStopper(c);
    this.writer = new PodStatusWriter(c, key, ctx.getSelf());
    this.probes = new ProbeRunner(c, ctx.getSelf());
    var self = ctx.getSelf();
    this.unsubscribe = c.runtime().subscribe(e -> {
      if (e.status() != null && e.status().sandboxId().equals(sandboxRef.get())) {
        self.tell(new ContainerChanged(e.status(), e.type() == ContainerRuntime.EventType.DELETED));
      }
    });
    // ConfigMaps and Secrets feed env and volumes: a change may unblock a container or update a volume.
    this.unwatchSources = PodVolumes.usesSources(entry.object())
        ? c.store().cache().onChanges(List.of("core/configmaps", "core/secrets"), () -> self.tell(Wake.INSTANCE))
        : () -> {};
    // A restarted agent finds what it ran before: the sandbox of this pod's uid, with its containers.
    var found = c.runtime().listPodSandboxes().thenCompose(list -> {
      SandboxStatus mine = list.stream()
          .filter(s -> uid.equals(s.uid()) && s.state() == ContainerRuntime.SandboxState.READY)
          .findFirst().orElse(null);
      return mine == null ? CompletableFuture.completedFuture(new Adopted(null, List.of()))
          : c.runtime().listContainers(mine.id()).thenApply(cs -> new Adopted(mine, cs));
    });
    ctx.pipeToSelf(found, (a, e) -> e != null ? new Adopted(null, List.of()) : a);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Update.class, u -> {
          if (u.entry().resourceVersion() > entry.resourceVersion()) {
            JsonNode before = entry.object().path("metadata");
            entry = u.entry();
            JsonNode after = entry.object().path("metadata");
            if (!before.path("labels").equals(after.path("labels"))
                || !before.path("annotations").equals(after.path("annotations"))) {
              volumesStale = true; // downwardAPI files of labels and annotations follow them
            }
          }
          return sync();
        })
        .onMessageEquals(Gone.INSTANCE, this::cleanUp)
        .onMessageEquals(Wake.INSTANCE, () -> {
          volumesStale = true; // prepared again: a ConfigMap or Secret may have changed
          return sync();
        })
        .onMessage(Adopted.class, a -> {
          adopted = true;
          if (a.sandbox() != null) {
            sandbox = a.sandbox();
            sandboxRef.set(sandbox.id());
            a.containers().forEach(this::observe);
          }
          return sync();
        })
        .onMessage(SandboxReady.class, this::onSandboxReady)
        .onMessage(ContainerChanged.class, ch -> {
          if (ch.removed()) {
            containers.computeIfPresent(ch.status().name(), (n, s) -> s.id().equals(ch.status().id()) ? null : s);
          } else {
            observe(ch.status());
          }
          return sync();
        })
        .onMessage(Started.class, this::onStarted)
        .onMessage(StopDone.class, this::onStopDone)
        .onMessage(ProbeDone.class, this::onProbeDone)
        .onMessage(StatusDone.class, this::onStatusDone)
        .onMessage(DeleteDone.class, this::onDeleteDone)
        .onMessageEquals(Internal.RETRY, this::sync)
        .onMessageEquals(Internal.CLEANED_UP, Behaviors::stopped)
        .onSignal(PostStop.class, s -> {
          unsubscribe.run();
          unwatchSources.run();
          return this;
        })
        .build();
  }

  /** One level-triggered step from what is observed. */
  private Behavior<Command> sync() {
    if (!adopted || gone) {
      return this;
    }
    JsonNode pod = entry.object();
    if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
      return terminate();
    }
    if (!prepareVolumes(pod)) {
      return report(false);
    }
    if (sandbox == null) {
      if (!sandboxPending) {
        sandboxPending = true;
        var ready = c.runtime().runPodSandbox(ContainerConfigs.sandbox(pod, c.settings().clusterDns(),
            c.settings().clusterDomain())).thenCompose(c.runtime()::podSandboxStatus);
        getContext().pipeToSelf(ready, SandboxReady::new);
      }
      return report(false);
    }
    Instant now = c.clock().instant();
    boolean initialized = true;
    for (JsonNode init : pod.path("spec").path("initContainers")) {
      if (!step(init, true, now)) {
        initialized = false;
        break;
      }
    }
    if (initialized) {
      for (JsonNode spec : pod.path("spec").path("containers")) {
        step(spec, false, now);
      }
      probes.runDue(pod, containers, tracks, stopping, podIp(), now);
    }
    scheduleWake(now);
    return report(false);
  }

  /**
   * Moves one container on: restarts it when it exited and the policy says so (after its back-off), starts it
   * when it has no instance. Answers whether it exited successfully (what an init container must do).
   */
  private boolean step(JsonNode spec, boolean init, Instant now) {
    String name = spec.path("name").asText();
    if (inFlight.contains(name)) {
      return false;
    }
    ContainerStatus s = containers.get(name);
    ContainerTrack t = tracks.getOrDefault(name, ContainerTrack.NEW);
    if (s != null) {
      if (s.state() != ContainerState.EXITED) {
        return false;
      }
      String policy = entry.object().path("spec").path("restartPolicy").asText("Always");
      boolean byProbe = killedByProbe.contains(s.id());
      if (!PodLifecycle.shouldRestart(policy, init, s.exitCode(), byProbe)) {
        return s.exitCode() == 0;
      }
      ContainerStatus older = t.last();
      t = PodLifecycle.afterExit(t, s, c.settings().backoff(), now);
      tracks.put(name, t);
      containers.remove(name);
      killedByProbe.remove(s.id());
      if (older != null) { // one dead instance is kept, for logs --previous
        c.runtime().removeContainer(older.id());
      }
      if (now.isBefore(t.notBefore())) {
        c.events().warning(entry.object(), new ContainerRef(name, init), "BackOff",
            "Back-off restarting failed container " + name + " in pod " + podName());
      }
    }
    if (t.notBefore() != null && now.isBefore(t.notBefore())) {
      if ("ErrImagePull".equals(t.waitingReason())) {
        String image = spec.path("image").asText();
        tracks.put(name, t.waiting("ImagePullBackOff", "Back-off pulling image \"" + image + "\""));
        c.events().normal(entry.object(), new ContainerRef(name, init), "BackOff",
            "Back-off pulling image \"" + image + "\"");
      }
      return false;
    }
    inFlight.add(name);
    if (!starter.start(entry.object(), spec, init, t, sandbox, c.volumes() == null ? null : volumes)) {
      inFlight.remove(name);
      tracks.put(name, starter.lastError(t));
      timers.startSingleTimer("config-retry", Internal.RETRY, c.retry());
    }
    return false;
  }

  private Behavior<Command> onStarted(Started d) {
    inFlight.remove(d.name());
    ContainerTrack t = tracks.getOrDefault(d.name(), ContainerTrack.NEW);
    if (d.failure() != null) {
      // A container created but not started is removed; it is no instance of this container any more.
      containers.computeIfPresent(d.name(), (n, s) -> s.state() == ContainerState.CREATED ? null : s);
      tracks.put(d.name(), d.failure().retryLater() ? PodLifecycle.afterFailedStart(t, d.failure().reason(),
          d.failure().message(), c.settings().backoff(), c.clock().instant())
          : t.waiting(d.failure().reason(), d.failure().message()));
      if (!d.failure().retryLater()) {
        timers.startSingleTimer("start-retry", Internal.RETRY, c.retry());
      }
      return sync();
    }
    tracks.put(d.name(), t.waiting(null, null));
    observe(d.status());
    return sync();
  }

  /** Keeps the newest state of each container: a later attempt, or a later state of the same container. */
  private void observe(ContainerStatus s) {
    ContainerTrack t = tracks.get(s.name());
    if (t != null && (s.attempt() < t.restartCount() || (t.last() != null && t.last().id().equals(s.id())))) {
      return; // an instance from before the current one
    }
    ContainerStatus old = containers.get(s.name());
    if (old == null || (!old.id().equals(s.id()) && s.attempt() >= old.attempt())
        || (old.id().equals(s.id()) && s.state().ordinal() >= old.state().ordinal())) {
      containers.put(s.name(), s);
    }
  }

  // ---- probes ----

  private Behavior<Command> onProbeDone(ProbeDone d) {
    ContainerStatus s = containers.get(d.name());
    ProbeRunner.Outcome outcome = probes.onResult(entry.object(), d, s);
    ContainerTrack t = tracks.getOrDefault(d.name(), ContainerTrack.NEW);
    switch (outcome.action()) {
      case KILL -> {
        if (killedByProbe.add(s.id())) {
          c.events().normal(entry.object(), new ContainerRef(d.name(), false), "Killing", "Container " + d.name()
              + " failed " + d.kind().title().toLowerCase(java.util.Locale.ROOT) + " probe, will be restarted");
          Long grace = outcome.spec().terminationGracePeriodSeconds();
          stop(s, grace != null ? Duration.ofSeconds(grace) : podGrace(), false);
        }
      }
      case READY -> tracks.put(d.name(), t.withReady(true));
      case UNREADY -> tracks.put(d.name(), t.withReady(false));
      case STARTED -> tracks.put(d.name(), t.withStarted(true));
      default -> { }
    }
    return sync();
  }

  /** One timer at the earliest moment something is due: a probe, or the end of a back-off. */
  private void scheduleWake(Instant now) {
    Instant next = probes.nextDue();
    for (ContainerTrack t : tracks.values()) {
      if (t.notBefore() != null && t.notBefore().isAfter(now) && (next == null || t.notBefore().isBefore(next))) {
        next = t.notBefore();
      }
    }
    if (next == null) {
      timers.cancel("wake");
      return;
    }
    Duration delay = Duration.between(now, next);
    timers.startSingleTimer("wake", Wake.INSTANCE, delay.isNegative() || delay.isZero() ? Duration.ofMillis(10)
        : delay);
  }

  // ---- volumes ----

  /**
   * Prepares the pod's volumes once, and again when they may have changed; answers whether the containers may
   * go on. A refresh that fails (a ConfigMap deleted) keeps what the containers have, as the kubelet does.
   */
  private boolean prepareVolumes(JsonNode pod) {
    if (volumes != null && !volumesStale) {
      return true;
    }
    if (c.volumes() == null) {
      volumes = Map.of();
      return true;
    }
    volumesStale = false;
    try {
      volumes = c.volumes().setUp(pod, new EnvResolver.PodContext(podIp(), c.hostIp(), c.allocatable()));
      volumeError = null;
      return true;
    } catch (ConfigError e) {
      if (!e.getMessage().equals(volumeError)) {
        c.events().warning(pod, null, "FailedMount", e.getMessage());
      }
      volumeError = e.getMessage();
      if (volumes != null) {
        return true; // running containers keep the last good contents
      }
      timers.startSingleTimer("volume-retry", Internal.RETRY, c.retry());
      return false;
    }
  }

  // ---- termination ----

  private Behavior<Command> terminate() {
    if (sandboxPending || !inFlight.isEmpty() || deleteSent) {
      return this; // a step under way finishes first; its answer syncs again
    }
    if (sandbox == null && containers.isEmpty()) {
      return deleteFinally();
    }
    Duration grace = Duration.ofSeconds(entry.object().path("metadata").path("deletionGracePeriodSeconds")
        .asLong(0));
    boolean allExited = true;
    for (ContainerStatus s : containers.values()) {
      if (s.state() != ContainerState.EXITED) {
        allExited = false;
        if (!stopping.contains(s.id())) {
          c.events().normal(entry.object(), new ContainerRef(s.name(), ContainerConfigs.isInit(entry.object(), s.name())), "Killing",
              "Stopping container " + s.name());
          stop(s, grace, true);
        }
      }
    }
    if (!allExited) {
      return this;
    }
    report(true);
    if (writer.busy()) {
      return this; // the terminal status goes first: watchers see the containers terminated
    }
    return deleteFinally();
  }

  /** Stops a container within {@code grace}, its preStop hook first when {@code preStop}. */
  private void stop(ContainerStatus s, Duration grace, boolean preStop) {
    if (stopping.add(s.id())) {
      getContext().pipeToSelf(stopper.stop(entry.object(), specOf(s.name()), s, podIp(), grace, preStop),
          (st, e) -> new StopDone(s.name(), st, e));
    }
  }

  private Behavior<Command> onStopDone(StopDone d) {
    if (d.error() != null) {
      stopping.clear(); // a failed stop is tried again (stopping is idempotent)
      getContext().getLog().warn("pod {} on node {}: container {} not stopped: {}", key.sortKey(), c.nodeName(),
          d.name(), d.error().getMessage());
      timers.startSingleTimer(Internal.RETRY, c.retry());
      return this;
    }
    stopping.remove(d.status().id());
    observe(d.status());
    return sync();
  }

  private Behavior<Command> deleteFinally() {
    deleteSent = true;
    getContext().pipeToSelf(c.store().delete(key, uid, null, 0L, null, request("delete")),
        (ok, e) -> new DeleteDone(e));
    return this;
  }

  private Behavior<Command> onDeleteDone(DeleteDone d) {
    int code = d.error() == null ? 200 : NodeAgent.code(d.error());
    if (code == 404 || code == 409 || code == 200) {
      return cleanUp(); // gone, or a new pod of the same name that is not ours
    }
    deleteSent = false;
    getContext().getLog().info("pod {} on node {} not deleted yet: {}", key.sortKey(), c.nodeName(),
        NodeAgent.message(d.error()));
    timers.startSingleTimer(Internal.RETRY, c.retry());
    return this;
  }

  /** The pod is gone: its sandbox, containers and volumes go too, then the worker stops. */
  private Behavior<Command> cleanUp() {
    gone = true;
    timers.cancel("wake");
    if (sandboxPending) {
      return this; // onSandboxReady comes back here
    }
    c.events().forget(uid);
    if (c.volumes() != null) {
      c.volumes().tearDown(uid);
    }
    if (sandbox == null) {
      return Behaviors.stopped();
    }
    String id = sandbox.id();
    var removed = c.runtime().stopPodSandbox(id).thenCompose(v -> c.runtime().removePodSandbox(id));
    getContext().pipeToSelf(removed, (ok, e) -> Internal.CLEANED_UP);
    return this;
  }

  private Behavior<Command> onSandboxReady(SandboxReady r) {
    sandboxPending = false;
    if (r.error() != null) {
      getContext().getLog().warn("pod {} on node {}: sandbox not created: {}", key.sortKey(), c.nodeName(),
          r.error().getMessage());
      c.events().warning(entry.object(), null, "FailedCreatePodSandBox",
          "Failed to create pod sandbox: " + r.error().getMessage());
      timers.startSingleTimer(Internal.RETRY, c.retry());
      return this;
    }
    sandbox = r.sandbox();
    sandboxRef.set(sandbox.id());
    return gone ? cleanUp() : sync();
  }

  // ---- status ----

  private Behavior<Command> report(boolean terminal) {
    writer.offer(PodStatuses.build(entry.object(), new PodStatuses.Observed(sandbox == null ? null : sandbox.ip(),
        containers, tracks), c.hostIp(), c.runtimeScheme(), startTime, terminal, c.clock().instant()),
        entry.object());
    return this;
  }

  private Behavior<Command> onStatusDone(StatusDone d) {
    entry = writer.done(d, entry);
    if (d.error() != null) {
      if (NodeAgent.code(d.error()) != 404) {
        getContext().getLog().debug("status of pod {} not written: {}", key.sortKey(),
            NodeAgent.message(d.error()));
        timers.startSingleTimer(Internal.RETRY, c.retry());
      }
      return this; // 404: the pod is gone; its DELETED change follows
    }
    return sync();
  }

  // ---- helpers ----

  private String podIp() {
    if (entry.object().path("spec").path("hostNetwork").asBoolean(false)) {
      return c.hostIp();
    }
    return sandbox == null ? null : sandbox.ip();
  }

  private String podName() {
    return key.name() + "_" + key.namespace() + "(" + uid + ")";
  }

  private Duration podGrace() {
    JsonNode g = entry.object().path("spec").path("terminationGracePeriodSeconds");
    return g.isNumber() ? Duration.ofSeconds(g.asLong()) : DEFAULT_GRACE;
  }

  private JsonNode specOf(String name) {
    return ContainerConfigs.spec(entry.object(), name);
  }

  private RequestInfo request(String verb) {
    return new RequestInfo("system:node:" + c.nodeName(), c.userAgent(), UUID.randomUUID().toString(), verb,
        c.clock().instant());
  }
}

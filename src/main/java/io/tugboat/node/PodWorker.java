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
import io.tugboat.model.PatchType;
import io.tugboat.model.Subresource;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.ContainerRuntime.ContainerConfig;
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
import java.util.ArrayList;
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
 * (of the pod, of a container, of a write) re-runs {@link #sync()}, which takes the next step from what is
 * observed.
 *
 * <p>Phases: ADOPTING (looking for a sandbox a previous agent left) -> STARTING (sandbox, then init containers
 * one by one, then the containers) -> RUNNING -> TERMINATING (the pod has a deletionTimestamp: containers are
 * stopped within deletionGracePeriodSeconds, the final status written, then the pod deleted with grace period 0)
 * -> GONE (the runtime's sandbox removed, the worker stops). A pod deleted from the store at any phase goes to
 * GONE. Restarts and probes are not done here yet (issue 5).
 */
final class PodWorker extends AbstractBehavior<PodWorker.Command> {

  /** Messages of a pod worker. */
  sealed interface Command {}

  /** A newer version of the pod. */
  record Update(WatchCache.Entry entry) implements Command {}

  /** The pod left the store (or this node): clean up and stop. */
  enum Gone implements Command { INSTANCE }

  private record Adopted(SandboxStatus sandbox, List<ContainerStatus> containers) implements Command {}

  private record SandboxReady(SandboxStatus sandbox, Throwable error) implements Command {}

  private record ContainerChanged(ContainerStatus status) implements Command {}

  private record StepDone(String name, ContainerStatus status, Throwable error) implements Command {}

  private record StatusDone(ObjectNode status, ObjectStore.WriteResult result, Throwable error) implements Command {}

  private record DeleteDone(Throwable error) implements Command {}

  private enum Internal implements Command { RETRY, CLEANED_UP }

  /** What every worker of one agent shares. */
  record Context(ObjectStore store, ContainerRuntime runtime, String nodeName, String hostIp, String runtimeScheme,
      Clock clock, Duration retry, String userAgent) {}

  static Behavior<Command> create(Context context, WatchCache.Entry entry) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PodWorker(ctx, timers, context, entry)));
  }

  private final TimerScheduler<Command> timers;
  private final Context c;
  private final ObjectKey key;
  private final String uid;
  private final Instant startTime;
  private final AtomicReference<String> sandboxRef = new AtomicReference<>();
  private final Runnable unsubscribe;
  private WatchCache.Entry entry;
  private boolean adopted;
  private boolean sandboxPending;
  private SandboxStatus sandbox;
  private final Map<String, ContainerStatus> containers = new LinkedHashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> stopping = new HashSet<>();
  private ObjectNode lastReported;
  private boolean writeInFlight;
  private boolean dirty;
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
    var self = ctx.getSelf();
    this.unsubscribe = c.runtime().subscribe(e -> {
      if (e.status() != null && e.status().sandboxId().equals(sandboxRef.get())) {
        self.tell(new ContainerChanged(e.status()));
      }
    });
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
            entry = u.entry();
          }
          return sync();
        })
        .onMessageEquals(Gone.INSTANCE, this::cleanUp)
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
          observe(ch.status());
          return sync();
        })
        .onMessage(StepDone.class, this::onStepDone)
        .onMessage(StatusDone.class, this::onStatusDone)
        .onMessage(DeleteDone.class, this::onDeleteDone)
        .onMessageEquals(Internal.RETRY, this::sync)
        .onMessageEquals(Internal.CLEANED_UP, Behaviors::stopped)
        .onSignal(PostStop.class, s -> {
          unsubscribe.run();
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
    if (sandbox == null) {
      if (!sandboxPending) {
        sandboxPending = true;
        var ready = c.runtime().runPodSandbox(sandboxConfig(pod)).thenCompose(c.runtime()::podSandboxStatus);
        getContext().pipeToSelf(ready, SandboxReady::new);
      }
      return report(false);
    }
    for (JsonNode init : pod.path("spec").path("initContainers")) {
      ContainerStatus s = containers.get(init.path("name").asText());
      if (s == null) {
        start(init, true);
        return report(false);
      }
      if (s.state() != ContainerState.EXITED || s.exitCode() != 0) {
        return report(false); // running, or failed (restarting it is issue 5's)
      }
    }
    for (JsonNode spec : pod.path("spec").path("containers")) {
      if (!containers.containsKey(spec.path("name").asText())) {
        start(spec, false);
      }
    }
    return report(false);
  }

  private Behavior<Command> onSandboxReady(SandboxReady r) {
    sandboxPending = false;
    if (r.error() != null) {
      getContext().getLog().warn("pod {} on node {}: sandbox not created: {}", key.sortKey(), c.nodeName(),
          r.error().getMessage());
      timers.startSingleTimer(Internal.RETRY, c.retry());
      return this;
    }
    sandbox = r.sandbox();
    sandboxRef.set(sandbox.id());
    return gone ? cleanUp() : sync();
  }

  /** Pulls, creates and starts one container; its states come back as runtime events and the step's answer. */
  private void start(JsonNode spec, boolean init) {
    String name = spec.path("name").asText();
    if (!inFlight.add(name)) {
      return;
    }
    ContainerRuntime rt = c.runtime();
    ContainerConfig config = containerConfig(entry.object(), spec, init);
    String sandboxId = sandbox.id();
    var step = rt.pullImage(config.image())
        .thenCompose(ref -> rt.createContainer(sandboxId, config))
        .thenCompose(id -> rt.startContainer(id).thenCompose(v -> rt.containerStatus(id)));
    getContext().pipeToSelf(step, (s, e) -> new StepDone(name, s, e));
  }

  private Behavior<Command> onStepDone(StepDone d) {
    inFlight.remove(d.name());
    if (d.error() != null) {
      stopping.clear(); // a failed stop is tried again (stopping is idempotent)
      getContext().getLog().warn("pod {} on node {}: container {} not started: {}", key.sortKey(), c.nodeName(),
          d.name(), d.error().getMessage());
      timers.startSingleTimer(Internal.RETRY, c.retry());
      return this;
    }
    if (d.status() != null) {
      observe(d.status());
    }
    return sync();
  }

  /** Keeps the newest state of each container: a later attempt, or a later state of the same container. */
  private void observe(ContainerStatus s) {
    ContainerStatus old = containers.get(s.name());
    if (old == null || (!old.id().equals(s.id()) && s.attempt() >= old.attempt())
        || (old.id().equals(s.id()) && s.state().ordinal() >= old.state().ordinal())) {
      containers.put(s.name(), s);
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
    long grace = entry.object().path("metadata").path("deletionGracePeriodSeconds").asLong(0);
    boolean allExited = true;
    for (ContainerStatus s : containers.values()) {
      if (s.state() != ContainerState.EXITED) {
        allExited = false;
        if (stopping.add(s.id())) {
          var stop = c.runtime().stopContainer(s.id(), Duration.ofSeconds(grace))
              .thenCompose(v -> c.runtime().containerStatus(s.id()));
          getContext().pipeToSelf(stop, (st, e) -> new StepDone(s.name(), st, e));
          inFlight.add(s.name());
        }
      }
    }
    if (!allExited) {
      return this;
    }
    report(true);
    if (writeInFlight || dirty) {
      return this; // the terminal status goes first: watchers see the containers terminated
    }
    return deleteFinally();
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

  /** The pod is gone: its sandbox and containers go too, then the worker stops. */
  private Behavior<Command> cleanUp() {
    gone = true;
    if (sandboxPending) {
      return this; // onSandboxReady comes back here
    }
    if (sandbox == null) {
      return Behaviors.stopped();
    }
    String id = sandbox.id();
    var removed = c.runtime().stopPodSandbox(id).thenCompose(v -> c.runtime().removePodSandbox(id));
    getContext().pipeToSelf(removed, (ok, e) -> Internal.CLEANED_UP);
    return this;
  }

  // ---- status ----

  private Behavior<Command> report(boolean terminal) {
    ObjectNode status = PodStatuses.build(entry.object(), new PodStatuses.Observed(
        sandbox == null ? null : sandbox.ip(), containers), c.hostIp(), c.runtimeScheme(), startTime, terminal,
        c.clock().instant());
    if (status.equals(lastReported) || status.equals(entry.object().path("status"))) {
      return this;
    }
    if (writeInFlight) {
      dirty = true;
      return this;
    }
    writeInFlight = true;
    ObjectNode patch = Json.object();
    ObjectNode written = status.deepCopy();
    if (!written.has("podIP")) { // no sandbox (yet, or any more): an IP from before is not the pod's now
      written.putNull("podIP");
      written.putNull("podIPs");
    }
    patch.set("status", written);
    getContext().pipeToSelf(c.store().patch(key, PatchType.MERGE, patch, Subresource.STATUS, request("patch")),
        (r, e) -> new StatusDone(status, r, e));
    return this;
  }

  private Behavior<Command> onStatusDone(StatusDone d) {
    writeInFlight = false;
    if (d.error() != null) {
      if (NodeAgent.code(d.error()) != 404) {
        getContext().getLog().debug("status of pod {} not written: {}", key.sortKey(),
            NodeAgent.message(d.error()));
        timers.startSingleTimer(Internal.RETRY, c.retry());
      }
      return this; // 404: the pod is gone; its DELETED change follows
    }
    lastReported = d.status();
    if (d.result() != null && d.result().entry().resourceVersion() > entry.resourceVersion()) {
      entry = d.result().entry();
    }
    dirty = false;
    return sync();
  }

  // ---- what the runtime is given ----

  private static ContainerRuntime.SandboxConfig sandboxConfig(JsonNode pod) {
    String name = Json.metaText(pod, "name");
    String ns = Json.metaText(pod, "namespace");
    String uid = Json.metaText(pod, "uid");
    String hostname = Json.text(pod.path("spec").path("hostname"));
    return new ContainerRuntime.SandboxConfig(name, ns, uid, 0, hostname.isEmpty() ? name : hostname,
        Json.stringMap(pod.path("metadata").path("labels")), Json.stringMap(pod.path("metadata").path("annotations")),
        "pods/" + ns + "_" + name + "_" + uid, pod.path("spec").path("hostNetwork").asBoolean(false));
  }

  private static ContainerConfig containerConfig(JsonNode pod, JsonNode spec, boolean init) {
    String name = spec.path("name").asText();
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : spec.path("env")) {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText());
      }
    }
    Map<String, String> labels = new HashMap<>();
    labels.put("io.kubernetes.pod.name", Json.metaText(pod, "name"));
    labels.put("io.kubernetes.pod.namespace", Json.metaText(pod, "namespace"));
    labels.put("io.kubernetes.pod.uid", Json.metaText(pod, "uid"));
    labels.put("io.kubernetes.container.name", name);
    labels.put(ContainerConfig.KIND_LABEL, init ? "init" : "regular");
    return new ContainerConfig(name, 0, spec.path("image").asText(), strings(spec.path("command")),
        strings(spec.path("args")), Json.text(spec.path("workingDir")), env, List.of(), name + "/0.log", labels,
        Map.of());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private RequestInfo request(String verb) {
    return new RequestInfo("system:node:" + c.nodeName(), c.userAgent(), UUID.randomUUID().toString(), verb,
        c.clock().instant());
  }
}

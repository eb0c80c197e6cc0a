package io.tugboat.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.runtime.ContainerRuntime;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * The agent of one node (the kubelet's role): registers the Node, renews its Lease, keeps its status from host
 * readings, runs each pod bound to it in a {@link PodWorker} child, and measures the usage of the node and its pods
 * into the JVM's {@link MetricsRegistry}. Pods arrive from the JVM's {@link PodDispatcher}.
 *
 * <p>Phases: WAITING (for the local cache) -> REGISTERING (Node create, or label patch when it exists) ->
 * REGISTERED. A failed registration is retried after {@code retry}; a status write that finds the Node gone
 * goes back to REGISTERING. Lease, status and metrics ticks before REGISTERED are ignored.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

  /** Messages of a node agent. */
  public sealed interface Command {}

  /** A pod bound to this node changed, or was deleted (from the dispatcher). */
  public record PodChanged(WatchCache.Entry entry, boolean deleted) implements Command {}

  /** Every pod bound to this node right now (from the dispatcher): pods not in it are gone. */
  public record PodSync(List<WatchCache.Entry> pods) implements Command {}

  /** The agent's clocks, as messages: its timers send them, tests may too. */
  enum Tick implements Command { REGISTER, RENEW_LEASE, SYNC_STATUS, MEASURE_USAGE, SYNC_PODS }

  private record Registered(String uid) implements Command {}

  private record RegisterFailed(Throwable error) implements Command {}

  private record LeaseDone(Throwable error) implements Command {}

  private record StatusDone(ObjectNode status, Instant at, Throwable error) implements Command {}

  private record UsageMeasured(NodeUsage usage, Throwable error) implements Command {}

  private record WorkerStopped(ObjectKey key, String uid) implements Command {}

  /**
   * What an agent is given: its node, clocks, host probe and runtime, the store, the dispatcher to register with,
   * a clock for every timestamp it writes, whom to tell (by node name) once its Node first reports status
   * (null: nobody), and the node's own usage beside its pods'.
   */
  public record Setup(NodeProfile profile, NodeTimings timings, HostReadings.Probe probe, ContainerRuntime runtime,
      ObjectStore store, ActorRef<PodDispatcher.Command> dispatcher, Clock clock, ActorRef<String> onReady,
      SystemUsage systemUsage, PodSettings pods) {

    /** A setup whose pods run with the simulated settings (Kubernetes' back-off, no volumes on disk). */
    public Setup(NodeProfile profile, NodeTimings timings, HostReadings.Probe probe, ContainerRuntime runtime,
        ObjectStore store, ActorRef<PodDispatcher.Command> dispatcher, Clock clock, ActorRef<String> onReady,
        SystemUsage systemUsage) {
      this(profile, timings, probe, runtime, store, dispatcher, clock, onReady, systemUsage, PodSettings.SIMULATED);
    }

    /** A simulated node's setup: a small fixed system usage ({@link #SIMULATED_SYSTEM_USAGE}). */
    public Setup(NodeProfile profile, NodeTimings timings, HostReadings.Probe probe, ContainerRuntime runtime,
        ObjectStore store, ActorRef<PodDispatcher.Command> dispatcher, Clock clock, ActorRef<String> onReady) {
      this(profile, timings, probe, runtime, store, dispatcher, clock, onReady, SIMULATED_SYSTEM_USAGE);
    }
  }

  /** What a simulated node's own processes use: 20m CPU and 64Mi, a plausible kubelet and runtime. */
  public static final SystemUsage SIMULATED_SYSTEM_USAGE = SystemUsage.fixed(20_000_000, 64L << 20);

  private static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();
  private static final ResourceType LEASES =
      ResourceRegistry.byPath("coordination.k8s.io", "v1", "leases").orElseThrow();

  /** The agent's behaviour; it starts registering once the store's cache serves. */
  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new NodeAgent(ctx, timers, setup)));
  }

  private record Worker(String uid, ActorRef<PodWorker.Command> ref) {}

  private final TimerScheduler<Command> timers;
  private final Setup setup;
  private final NodeProfile profile;
  private final ObjectStore store;
  private final ObjectKey nodeKey;
  private final ObjectKey leaseKey;
  private final String userAgent;
  private final Map<ObjectKey, Worker> workers = new HashMap<>();
  private final PodWorker.Context workerContext;
  private boolean registering;
  private String nodeUid;
  private boolean leaseInFlight;
  private boolean statusInFlight;
  // A tick that came while its write was in flight: run once that write ends, so none is lost.
  private boolean leaseAgain;
  private boolean statusAgain;
  private ObjectNode lastStatus;
  private Instant lastStatusAt;
  private boolean announcedReady;
  private boolean usageInFlight;

  private NodeAgent(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup) {
    super(ctx);
    this.timers = timers;
    this.setup = setup;
    this.profile = setup.profile();
    this.store = setup.store();
    this.nodeKey = ObjectKey.of(NODES, "", profile.name());
    this.leaseKey = ObjectKey.of(LEASES, NodeObjects.LEASE_NAMESPACE, profile.name());
    this.userAgent = "kubelet/" + profile.nodeInfo().kubeletVersion() + " (linux/"
        + profile.nodeInfo().architecture() + ") tugboat";
    String scheme = setup.runtime().version().contains("://")
        ? setup.runtime().version().substring(0, setup.runtime().version().indexOf("://")) : "tugboat";
    PodSources sources = PodSources.of(store.cache());
    PodSettings pods = setup.pods();
    this.workerContext = new PodWorker.Context(store, setup.runtime(), profile.name(), profile.internalIp(), scheme,
        setup.clock(), setup.timings().retry(), userAgent, pods, profile.allocatable(),
        new Prober(setup.runtime(), ctx.getSystem()), new EventRecorder(store, profile.name(), setup.clock(),
        userAgent, pods.normalEvents()), sources, pods.podsDir() == null ? null : new PodVolumes(pods.podsDir(), pods.allowedHostPaths(),
        sources, setup.clock(), PodVolumes.runningAsRoot()));
    ctx.pipeToSelf(store.cache().ready(), (rv, error) -> Tick.REGISTER);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.REGISTER, this::register)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(RegisterFailed.class, f -> {
          registering = false;
          getContext().getLog().info("node {} not registered yet ({}); retrying in {}", profile.name(),
              message(f.error()), setup.timings().retry());
          timers.startSingleTimer("register", Tick.REGISTER, setup.timings().retry());
          return this;
        })
        .onMessageEquals(Tick.RENEW_LEASE, this::renewLease)
        .onMessage(LeaseDone.class, this::onLeaseDone)
        .onMessageEquals(Tick.SYNC_STATUS, this::syncStatus)
        .onMessage(StatusDone.class, this::onStatusDone)
        .onMessageEquals(Tick.MEASURE_USAGE, this::measureUsage)
        .onMessage(UsageMeasured.class, this::onUsageMeasured)
        .onMessage(PodChanged.class, p -> {
          onPod(p.entry(), p.deleted());
          return this;
        })
        .onMessage(PodSync.class, this::onPodSync)
        .onMessageEquals(Tick.SYNC_PODS, () -> {
          workers.values().forEach(w -> w.ref().tell(PodWorker.Wake.INSTANCE));
          return this;
        })
        .onMessage(WorkerStopped.class, w -> {
          workers.computeIfPresent(w.key(), (k, v) -> v.uid().equals(w.uid()) ? null : v);
          return this;
        })
        .onSignal(PostStop.class, s -> {
          setup.dispatcher().tell(new PodDispatcher.Unregister(profile.name(), getContext().getSelf()));
          MetricsRegistry.get(getContext().getSystem()).remove(profile.name());
          return this;
        })
        .build();
  }

  // ---- registration ----

  private Behavior<Command> register() {
    if (registering || nodeUid != null) {
      return this;
    }
    registering = true;
    RequestInfo request = request("create");
    var existing = store.get(nodeKey);
    var written = existing.isPresent() ? relabel(existing.get().object(), request)
        : store.create(NODES, NodeObjects.node(profile), request).exceptionallyCompose(e -> {
          if (code(e) == 409) { // created meanwhile (another JVM, or a cache that had not seen it yet)
            return store.get(nodeKey).map(n -> relabel(n.object(), request))
                .orElseGet(() -> java.util.concurrent.CompletableFuture.failedFuture(e));
          }
          return java.util.concurrent.CompletableFuture.failedFuture(e);
        });
    getContext().pipeToSelf(written, (r, e) -> e != null ? new RegisterFailed(e)
        : new Registered(Json.metaText(r.object(), "uid")));
    return this;
  }

  /** A Node that exists already (a restart): add our labels, keep everyone else's. */
  private java.util.concurrent.CompletionStage<ObjectStore.WriteResult> relabel(ObjectNode node, RequestInfo request) {
    ObjectNode labels = NodeObjects.missingLabels(node, profile.labels());
    if (labels.isEmpty()) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          new ObjectStore.WriteResult(store.get(nodeKey).orElseThrow(), false));
    }
    ObjectNode patch = Json.object();
    patch.putObject("metadata").set("labels", labels);
    return store.patch(nodeKey, PatchType.MERGE, patch, Subresource.MAIN, request);
  }

  private Behavior<Command> onRegistered(Registered r) {
    registering = false;
    nodeUid = r.uid();
    getContext().getLog().debug("node {} registered", profile.name());
    setup.dispatcher().tell(new PodDispatcher.Register(profile.name(), getContext().getSelf()));
    timers.startTimerWithFixedDelay("lease", Tick.RENEW_LEASE, setup.timings().leaseRenew());
    timers.startTimerWithFixedDelay("status", Tick.SYNC_STATUS, setup.timings().statusUpdate());
    timers.startTimerWithFixedDelay("metrics", Tick.MEASURE_USAGE, setup.timings().metrics());
    lastStatus = null;
    syncStatus();
    renewLease();
    measureUsage();
    return this;
  }

  // ---- lease ----

  private Behavior<Command> renewLease() {
    if (nodeUid == null) {
      return this;
    }
    if (leaseInFlight) {
      leaseAgain = true;
      return this;
    }
    leaseInFlight = true;
    Instant now = setup.clock().instant();
    long duration = setup.timings().leaseDuration().toSeconds();
    var write = store.get(leaseKey).isEmpty()
        ? store.create(LEASES, NodeObjects.lease(profile.name(), nodeUid, duration, now), request("create"))
        : store.patch(leaseKey, PatchType.MERGE, Json.object().set("spec",
            NodeObjects.leaseSpec(profile.name(), duration, now)), Subresource.MAIN, request("update"));
    getContext().pipeToSelf(write, (ok, e) -> new LeaseDone(e));
    return this;
  }

  private Behavior<Command> onLeaseDone(LeaseDone d) {
    leaseInFlight = false;
    if (leaseAgain && d.error() == null) {
      leaseAgain = false;
      getContext().getSelf().tell(Tick.RENEW_LEASE);
    }
    if (d.error() != null) {
      // The next tick writes again; a missing kube-node-lease namespace (start-up) is retried sooner.
      getContext().getLog().debug("lease of node {} not renewed: {}", profile.name(), message(d.error()));
      timers.startSingleTimer("lease-retry", Tick.RENEW_LEASE, setup.timings().retry());
    }
    return this;
  }

  // ---- status ----

  private Behavior<Command> syncStatus() {
    if (nodeUid == null) {
      return this;
    }
    if (statusInFlight) {
      statusAgain = true;
      return this;
    }
    Instant now = setup.clock().instant();
    ObjectNode status = NodeObjects.status(profile, setup.probe().read(), lastStatus, now);
    boolean due = lastStatus == null || !NodeObjects.sameIgnoringHeartbeats(status, lastStatus)
        || Duration.between(lastStatusAt, now).compareTo(setup.timings().statusReport()) >= 0;
    if (!due) {
      return this;
    }
    statusInFlight = true;
    ObjectNode patch = Json.object();
    patch.set("status", status);
    getContext().pipeToSelf(store.patch(nodeKey, PatchType.MERGE, patch, Subresource.STATUS, request("patch")),
        (ok, e) -> new StatusDone(status, now, e));
    return this;
  }

  private Behavior<Command> onStatusDone(StatusDone d) {
    statusInFlight = false;
    if (d.error() != null) {
      if (code(d.error()) == 404) {
        getContext().getLog().info("node {} is gone; registering it again", profile.name());
        nodeUid = null;
        timers.cancel("lease");
        timers.cancel("status");
        timers.cancel("metrics");
        return register();
      }
      getContext().getLog().debug("status of node {} not written: {}", profile.name(), message(d.error()));
      timers.startSingleTimer("status-retry", Tick.SYNC_STATUS, setup.timings().retry());
      return this;
    }
    lastStatus = d.status();
    lastStatusAt = d.at();
    if (statusAgain) {
      statusAgain = false;
      getContext().getSelf().tell(Tick.SYNC_STATUS);
    }
    if (!announcedReady) {
      announcedReady = true;
      if (setup.onReady() != null) {
        setup.onReady().tell(profile.name());
      }
    }
    return this;
  }

  // ---- usage (metrics) ----

  private Behavior<Command> measureUsage() {
    if (nodeUid == null || usageInFlight) {
      return this;
    }
    usageInFlight = true;
    ContainerRuntime runtime = setup.runtime();
    var sandboxes = runtime.listPodSandboxes().toCompletableFuture();
    var containers = runtime.listContainers(null).toCompletableFuture();
    var stats = runtime.listContainerStats().toCompletableFuture();
    var usage = java.util.concurrent.CompletableFuture.allOf(sandboxes, containers, stats).thenApply(done ->
        NodeUsage.build(profile.name(), setup.clock().instant(), setup.timings().metrics(),
            setup.systemUsage().read(), sandboxes.join(), containers.join(), stats.join()));
    getContext().pipeToSelf(usage, UsageMeasured::new);
    return this;
  }

  private Behavior<Command> onUsageMeasured(UsageMeasured m) {
    usageInFlight = false;
    if (m.error() != null) {
      // The next tick measures again; until then the metrics API serves the previous snapshot.
      getContext().getLog().debug("usage of node {} not measured: {}", profile.name(), message(m.error()));
    } else if (nodeUid != null) {
      MetricsRegistry.get(getContext().getSystem()).publish(m.usage());
    }
    return this;
  }

  // ---- pods ----

  private void onPod(WatchCache.Entry entry, boolean deleted) {
    JsonNode pod = entry.object();
    String uid = Json.metaText(pod, "uid");
    Worker worker = workers.get(entry.key());
    if (deleted) {
      if (worker != null && worker.uid().equals(uid)) {
        worker.ref().tell(PodWorker.Gone.INSTANCE);
      }
      return;
    }
    if (worker != null && !worker.uid().equals(uid)) {
      // A new pod of the same name: the old one's worker cleans up its containers on its own.
      worker.ref().tell(PodWorker.Gone.INSTANCE);
      workers.remove(entry.key());
      worker = null;
    }
    if (worker != null) {
      worker.ref().tell(new PodWorker.Update(entry));
      return;
    }
    String phase = Json.text(pod.path("status").path("phase"));
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return; // finished: nothing left to run or stop
    }
    ActorRef<PodWorker.Command> ref = getContext().spawn(PodWorker.create(workerContext, entry), "pod-" + uid);
    getContext().watchWith(ref, new WorkerStopped(entry.key(), uid));
    workers.put(entry.key(), new Worker(uid, ref));
  }

  private Behavior<Command> onPodSync(PodSync sync) {
    Set<ObjectKey> current = new HashSet<>();
    for (WatchCache.Entry e : sync.pods()) {
      current.add(e.key());
      onPod(e, false);
    }
    for (Map.Entry<ObjectKey, Worker> w : workers.entrySet()) {
      if (!current.contains(w.getKey())) {
        w.getValue().ref().tell(PodWorker.Gone.INSTANCE);
      }
    }
    return this;
  }

  // ---- helpers ----

  private RequestInfo request(String verb) {
    return new RequestInfo("system:node:" + profile.name(), userAgent, UUID.randomUUID().toString(), verb,
        setup.clock().instant());
  }

  /** The HTTP code of a store failure (0 when it is not an API error). */
  static int code(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t instanceof ApiException ae ? ae.error().code() : 0;
  }

  static String message(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t instanceof ApiException ae ? ae.error().message() : String.valueOf(t);
  }
}

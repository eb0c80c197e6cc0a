package io.tugboat.runtime;

import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A runtime that runs nothing, as kwok and kubemark's hollow kubelet: containers exist only as records, go
 * RUNNING {@code startDelay} after they are started and stay so until stopped or told to {@link #exit}; init
 * containers exit 0 as soon as they run. Each sandbox gets an IP from the node's /24 pod range. No process, no
 * thread of its own: delays go through the injected {@link Delayer}, times come from the injected clock.
 *
 * <p>Usage is simulated too: every running container reports a constant {@link #SIMULATED_CPU_NANOCORES} and
 * {@link #SIMULATED_MEMORY_BYTES}, so kubectl top shows something plausible and tests can predict it, unless a
 * test set it ({@link #setUsage}, or across JVMs an exec of {@code tugboat-usage CPU MEMORY}, such as
 * {@code kubectl exec POD -- tugboat-usage 300m 64Mi}): the load the horizontal pod autoscaler reacts to.
 *
 * <p>A container whose command is a short script of {@code echo}, {@code sleep}, {@code exit N} ({@link
 * FakeScript}, e.g. {@code sh -c 'echo done; exit 3'}) runs it and exits, so Jobs finish on hollow nodes.
 *
 * <p>Streams are simulated by {@link FakeStreams}: logs are what {@link #appendLog} (or an exec of
 * {@code sh -c 'echo TEXT > /proc/1/fd/1'}) wrote, exec runs a few built-in commands, attach echoes stdin into
 * the log, port-forward echoes.
 */
public final class FakeRuntime implements ContainerRuntime, ImagePresence {

  /** Runs an action after a delay (Akka's scheduler in production, immediately or by hand in tests). */
  @FunctionalInterface
  public interface Delayer {
    /** Runs {@code action} once {@code delay} has passed. */
    void after(Duration delay, Runnable action);
  }

  /** The CPU every running fake container reports using: 1m (a thousandth of a core), in nanocores. */
  public static final long SIMULATED_CPU_NANOCORES = 1_000_000;

  /** The memory working set every running fake container reports: 4Mi. */
  public static final long SIMULATED_MEMORY_BYTES = 4L << 20;

  private record Sandbox(SandboxStatus status, List<String> containers) {}

  private final Clock clock;
  private final Duration startDelay;
  private final Delayer delayer;
  private final String podNetworkPrefix;
  private final BitSet usedHosts = new BitSet(256);
  private final Map<String, Sandbox> sandboxes = new LinkedHashMap<>();
  private final Map<String, ContainerStatus> containers = new LinkedHashMap<>();
  private final Set<String> initContainers = new HashSet<>();
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final String idPrefix;
  private final FakeStreams streams;

  /**
   * A fake runtime whose containers run {@code startDelay} after being started; pod IPs come from
   * {@code podCidr}, a /24 such as "10.244.0.0/24" (.1 is the gateway, .2 to .254 go to sandboxes).
   */
  public FakeRuntime(String nodeName, Clock clock, Duration startDelay, Delayer delayer, String podCidr) {
    this.clock = clock;
    this.startDelay = startDelay;
    this.delayer = delayer;
    String network = podCidr.contains("/") ? podCidr.substring(0, podCidr.indexOf('/')) : podCidr;
    this.podNetworkPrefix = network.substring(0, network.lastIndexOf('.') + 1);
    // Ids differ between runtimes of the same node (a restarted JVM's new containers are new containers).
    this.idPrefix = nodeName + "/" + java.util.UUID.randomUUID() + "/";
    this.streams = new FakeStreams(clock);
    listeners.add(this::endStreams);
  }

  @Override
  public String version() {
    return "tugboat://0.1";
  }

  @Override
  public synchronized CompletionStage<String> runPodSandbox(SandboxConfig config) {
    int host = usedHosts.nextClearBit(2);
    if (host > 254) {
      return failed("no pod IP left in " + podNetworkPrefix + "0/24");
    }
    usedHosts.set(host);
    String id = newId();
    SandboxStatus status = new SandboxStatus(id, config.name(), config.namespace(), config.uid(), SandboxState.READY,
        clock.instant(), podNetworkPrefix + host);
    sandboxes.put(id, new Sandbox(status, new ArrayList<>()));
    return CompletableFuture.completedFuture(id);
  }

  @Override
  public CompletionStage<Void> stopPodSandbox(String sandboxId) {
    List<Event> events = new ArrayList<>();
    synchronized (this) {
      Sandbox sandbox = sandboxes.get(sandboxId);
      if (sandbox == null) {
        return failed("no sandbox " + sandboxId);
      }
      for (String c : sandbox.containers()) {
        stopLocked(c, events);
      }
      sandboxes.put(sandboxId, new Sandbox(withState(sandbox.status(), SandboxState.NOTREADY), sandbox.containers()));
    }
    fire(events);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> removePodSandbox(String sandboxId) {
    List<Event> events = new ArrayList<>();
    synchronized (this) {
      Sandbox sandbox = sandboxes.remove(sandboxId);
      if (sandbox == null) {
        return CompletableFuture.completedFuture(null); // removal is idempotent, as in the CRI
      }
      for (String c : sandbox.containers()) {
        stopLocked(c, events);
        ContainerStatus gone = containers.remove(c);
        configs.remove(c);
        usage.remove(c);
        events.add(new Event(EventType.DELETED, gone));
      }
      String ip = sandbox.status().ip();
      usedHosts.clear(Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1)));
    }
    fire(events);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<SandboxStatus> podSandboxStatus(String sandboxId) {
    Sandbox sandbox = sandboxes.get(sandboxId);
    return sandbox == null ? failed("no sandbox " + sandboxId) : CompletableFuture.completedFuture(sandbox.status());
  }

  @Override
  public synchronized CompletionStage<List<SandboxStatus>> listPodSandboxes() {
    return CompletableFuture.completedFuture(sandboxes.values().stream().map(Sandbox::status).toList());
  }

  @Override
  public CompletionStage<String> pullImage(String image) {
    String failure = pullFailures.get(ImageNames.normalize(image));
    if (failure != null) {
      return failed(failure);
    }
    absentImages.remove(ImageNames.normalize(image));
    return CompletableFuture.completedFuture(ImageNames.fakeDigestRef(image));
  }

  @Override
  public CompletionStage<String> createContainer(String sandboxId, ContainerConfig config) {
    ContainerStatus status;
    synchronized (this) {
      Sandbox sandbox = sandboxes.get(sandboxId);
      if (sandbox == null) {
        return failed("no sandbox " + sandboxId);
      }
      status = new ContainerStatus(newId(), sandboxId, config.name(), config.attempt(),
          ImageNames.normalize(config.image()), ImageNames.fakeDigestRef(config.image()), ContainerState.CREATED,
          clock.instant(), null, null, 0, null, null, config.logPath());
      containers.put(status.id(), status);
      configs.put(status.id(), config);
      sandbox.containers().add(status.id());
      if (config.init()) {
        initContainers.add(status.id());
      }
    }
    fire(List.of(new Event(EventType.CREATED, status)));
    return CompletableFuture.completedFuture(status.id());
  }

  @Override
  public CompletionStage<Void> startContainer(String containerId) {
    synchronized (this) {
      ContainerStatus c = containers.get(containerId);
      if (c == null) {
        return failed("no container " + containerId);
      }
      if (c.state() != ContainerState.CREATED) {
        return failed("container " + c.name() + " is " + c.state() + ", not CREATED");
      }
      String failure = startFailures.get(c.name());
      if (failure != null) {
        return failed(failure);
      }
    }
    CompletableFuture<Void> started = new CompletableFuture<>();
    Runnable run = () -> {
      List<Event> events = new ArrayList<>();
      synchronized (this) {
        ContainerStatus c = containers.get(containerId);
        if (c == null || c.state() != ContainerState.CREATED) {
          started.completeExceptionally(new RuntimeError("container " + containerId + " went away while starting"));
          return;
        }
        Instant now = clock.instant();
        ContainerStatus running = c.withState(ContainerState.RUNNING, now, null, 0, null, null);
        containers.put(containerId, running);
        events.add(new Event(EventType.STARTED, running));
        if (initContainers.contains(containerId)) {
          int code = initExitCodes.getOrDefault(c.name(), 0);
          ContainerStatus done = running.withState(ContainerState.EXITED, now, now, code,
              code == 0 ? "Completed" : "Error", null);
          containers.put(containerId, done);
          events.add(new Event(EventType.STOPPED, done));
        }
      }
      fire(events);
      started.complete(null);
      ContainerConfig config = configs.get(containerId);
      if (config != null && !config.init()) {
        FakeScript.parse(config.command(), config.args()).ifPresent(script -> runScript(containerId, script, 0));
      }
    };
    if (startDelay.isZero() || startDelay.isNegative()) {
      run.run();
    } else {
      delayer.after(startDelay, run);
    }
    return started;
  }

  @Override
  public CompletionStage<Void> stopContainer(String containerId, Duration timeout) {
    stopTimeouts.put(containerId, timeout);
    List<Event> events = new ArrayList<>();
    synchronized (this) {
      if (!containers.containsKey(containerId)) {
        return failed("no container " + containerId);
      }
      stopLocked(containerId, events);
    }
    fire(events);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> removeContainer(String containerId) {
    List<Event> events = new ArrayList<>();
    synchronized (this) {
      ContainerStatus c = containers.get(containerId);
      if (c == null) {
        return CompletableFuture.completedFuture(null);
      }
      if (c.state() == ContainerState.RUNNING) {
        return failed("container " + c.name() + " is RUNNING; stop it first");
      }
      containers.remove(containerId);
      configs.remove(containerId);
      initContainers.remove(containerId);
      Sandbox sandbox = sandboxes.get(c.sandboxId());
      if (sandbox != null) {
        sandbox.containers().remove(containerId);
      }
      events.add(new Event(EventType.DELETED, c));
    }
    fire(events);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<List<ContainerStatus>> listContainers(String sandboxId) {
    return CompletableFuture.completedFuture(containers.values().stream()
        .filter(c -> sandboxId == null || sandboxId.equals(c.sandboxId())).toList());
  }

  @Override
  public synchronized CompletionStage<ContainerStatus> containerStatus(String containerId) {
    ContainerStatus c = containers.get(containerId);
    return c == null ? failed("no container " + containerId) : CompletableFuture.completedFuture(c);
  }

  /** Simulated: nothing runs, so each running container reports the same small constant usage. */
  @Override
  public synchronized CompletionStage<List<ContainerStats>> listContainerStats() {
    Instant now = clock.instant();
    List<ContainerStats> stats = new ArrayList<>();
    for (ContainerStatus c : containers.values()) {
      if (c.state() == ContainerState.RUNNING) {
        long runningNanos = Math.max(0, Duration.between(c.startedAt(), now).toNanos());
        // cores × nanoseconds: 1m over one second is 1e6 core-nanoseconds; no overflow for ~290 years at 1m.
        long cumulative = runningNanos / 1_000_000_000L * SIMULATED_CPU_NANOCORES
            + runningNanos % 1_000_000_000L * SIMULATED_CPU_NANOCORES / 1_000_000_000L;
        long[] set = usage.of(c.id());
        long cpu = set == null ? SIMULATED_CPU_NANOCORES : set[0];
        if (set != null) {
          // The rate the test set, as if the container had always run at it (enough for a simulation).
          cumulative = runningNanos / 1_000_000_000L * cpu + runningNanos % 1_000_000_000L * cpu / 1_000_000_000L;
        }
        stats.add(new ContainerStats(c.id(), now, cpu, cumulative, set == null ? SIMULATED_MEMORY_BYTES : set[1]));
      }
    }
    return CompletableFuture.completedFuture(stats);
  }

  // ---- streams: logs, exec, attach, port-forward (FakeStreams holds the logs and built-in commands) ----

  /**
   * The container's log, or with {@code options.previous()} the log of the container of the same name and sandbox
   * with the highest earlier attempt.
   */
  @Override
  public Source<ByteString, ?> containerLogs(String containerId, LogOptions options) {
    ContainerStatus target;
    synchronized (this) {
      ContainerStatus c = containers.get(containerId);
      if (c == null) {
        throw new RuntimeError("no container " + containerId);
      }
      target = !options.previous() ? c : containers.values().stream()
          .filter(p -> p.sandboxId().equals(c.sandboxId()) && p.name().equals(c.name()) && p.attempt() < c.attempt())
          .max(Comparator.comparingInt(ContainerStatus::attempt))
          .orElseThrow(() -> new RuntimeError("no previous container of " + c.name() + " (attempt " + c.attempt()
              + ") in sandbox " + c.sandboxId()));
    }
    return streams.logs(target.id(), options, target.state() != ContainerState.EXITED);
  }

  /**
   * Runs a command "in" a running container: as the test scripted it ({@link #scriptExec}), else one of
   * {@link FakeStreams}' built-in commands.
   */
  @Override
  public ExecSession exec(String containerId, List<String> command, boolean stdin, boolean tty) {
    ContainerStatus c = running(containerId);
    if (!command.isEmpty() && command.get(0).equals(FakeUsage.COMMAND)) {
      return usage.exec(c.id(), command);
    }
    ExecScript script = execScript;
    if (script != null) {
      ExecResult r = script.run(c, command);
      return new ExecSession(akka.stream.javadsl.Source.single(akka.util.ByteString.fromString(r.output())),
          akka.stream.javadsl.Source.empty(), akka.stream.javadsl.Sink.ignore(), akka.stream.javadsl.Sink.ignore(),
          CompletableFuture.completedFuture(r.exitCode()));
    }
    String hostname;
    synchronized (this) {
      Sandbox sandbox = sandboxes.get(c.sandboxId());
      hostname = sandbox == null ? c.name() : sandbox.status().name();
    }
    return streams.exec(containerId, hostname, command, tty);
  }

  /** The running container's "main process": its log from now on; stdin, when given, is echoed into the log. */
  @Override
  public ExecSession attach(String containerId, boolean stdin, boolean tty) {
    running(containerId);
    return streams.attach(containerId, stdin);
  }

  /** Echoes what is sent: nothing listens in a fake sandbox, so every port answers with its input. */
  @Override
  public Flow<ByteString, ByteString, ?> portForward(String sandboxId, int port) {
    synchronized (this) {
      Sandbox sandbox = sandboxes.get(sandboxId);
      if (sandbox == null || sandbox.status().state() != SandboxState.READY) {
        throw new RuntimeError("sandbox " + sandboxId + " is " + (sandbox == null ? "absent" : "not ready"));
      }
    }
    return streams.echo();
  }

  /** Appends one line (without its newline) to a container's log, as if its main process wrote it. */
  public void appendLog(String containerId, String line) {
    streams.append(containerId, line);
  }

  /** The terminal sizes clients have sent to exec and attach sessions of a container, oldest first. */
  public List<TerminalSize> resizes(String containerId) {
    return streams.resizes(containerId);
  }

  private ContainerStatus running(String containerId) {
    ContainerStatus c;
    synchronized (this) {
      c = containers.get(containerId);
    }
    if (c == null || c.state() != ContainerState.RUNNING) {
      throw new RuntimeError("container " + containerId + " is not running: " + (c == null ? "absent" : c.state()));
    }
    return c;
  }

  /** Ends the logs and attached sessions of containers that exit, and forgets those removed. */
  private void endStreams(Event e) {
    switch (e.type()) {
      case STOPPED -> streams.exited(e.status().id(), e.status().exitCode());
      case DELETED -> streams.removed(e.status().id());
      default -> { }
    }
  }

  // ---- listeners and test hooks ----

  @Override
  public Runnable subscribe(Consumer<Event> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Makes a running container exit on its own with this code (for tests of what follows a crash or a
   * completion); reason "Completed" for 0, else "Error", as container runtimes report them.
   */
  public void exit(String containerId, int exitCode) {
    List<Event> events = new ArrayList<>();
    synchronized (this) {
      ContainerStatus c = containers.get(containerId);
      if (c == null || c.state() != ContainerState.RUNNING) {
        throw new RuntimeError("container " + containerId + " is not RUNNING: "
            + (c == null ? "absent" : c.state()));
      }
      ContainerStatus exited = c.withState(ContainerState.EXITED, c.startedAt(), clock.instant(), exitCode,
          exitCode == 0 ? "Completed" : "Error", null);
      containers.put(containerId, exited);
      events.add(new Event(EventType.STOPPED, exited));
    }
    fire(events);
  }

  /** Runs a {@link FakeScript} from step {@code from}: log lines now, sleeps through the delayer, then the exit. */
  private void runScript(String containerId, FakeScript script, int from) {
    for (int i = from; i < script.steps().size(); i++) {
      FakeScript.Step step = script.steps().get(i);
      if (step instanceof FakeScript.Echo e) {
        appendLog(containerId, e.text());
      } else if (step instanceof FakeScript.Sleep s && !s.duration().isZero()) {
        int next = i + 1;
        delayer.after(s.duration(), () -> runScript(containerId, script, next));
        return;
      } else if (step instanceof FakeScript.Exit x) {
        exitIfRunning(containerId, x.code());
        return;
      }
    }
    exitIfRunning(containerId, 0);
  }

  private void exitIfRunning(String containerId, int code) {
    synchronized (this) {
      ContainerStatus c = containers.get(containerId);
      if (c == null || c.state() != ContainerState.RUNNING) {
        return; // stopped or removed meanwhile
      }
    }
    try {
      exit(containerId, code);
    } catch (RuntimeError e) {
      // stopped between the check and the exit: nothing to finish
    }
  }

  /** How many containers this runtime holds (any state). */
  public synchronized int containerCount() {
    return containers.size();
  }

  @Override
  public synchronized void close() {
    listeners.clear();
    containers.clear();
    sandboxes.clear();
    usedHosts.clear();
  }

  // ---- test hooks (lifecycle): images that cannot be pulled, starts that fail, scripted exec ----

  private final Map<String, String> pullFailures = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<String> absentImages = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Map<String, String> startFailures = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Duration> stopTimeouts = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, ContainerConfig> configs = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Integer> initExitCodes = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile ExecScript execScript; // null: the built-in commands

  /** What a scripted exec answers: the exit code and the output. */
  public record ExecResult(int exitCode, String output) {}

  /** Answers exec calls (probes and hooks) in a test: by the container and the command. */
  @FunctionalInterface
  public interface ExecScript {
    /** The result of running {@code command} in {@code container}. */
    ExecResult run(ContainerStatus container, List<String> command);
  }

  /** Every image is present unless made absent; an absent image becomes present once pulled. */
  @Override
  public boolean imagePresent(String image) {
    return !absentImages.contains(ImageNames.normalize(image));
  }

  /** Makes an image absent from this node (a pull brings it back unless pulls of it fail). */
  public void removeImage(String image) {
    absentImages.add(ImageNames.normalize(image));
  }

  /** Pulls of this image fail with this message from now on (null: they succeed again). */
  public void failPulls(String image, String message) {
    if (message == null) {
      pullFailures.remove(ImageNames.normalize(image));
    } else {
      absentImages.add(ImageNames.normalize(image));
      pullFailures.put(ImageNames.normalize(image), message);
    }
  }

  /** Starting containers of this name fails with this message from now on (null: starts succeed again). */
  public void failStarts(String containerName, String message) {
    if (message == null) {
      startFailures.remove(containerName);
    } else {
      startFailures.put(containerName, message);
    }
  }

  /** The config a container was created with (env, mounts, limits ...), while the runtime holds it. */
  public java.util.Optional<ContainerConfig> containerConfig(String containerId) {
    return java.util.Optional.ofNullable(configs.get(containerId));
  }

  /** The timeout the container was last stopped with (TERM, then KILL after it), if it was stopped. */
  public java.util.Optional<Duration> stopTimeout(String containerId) {
    return java.util.Optional.ofNullable(stopTimeouts.get(containerId));
  }

  /** Init containers of this name exit with this code from now on (null: 0 again). */
  public void initExitCode(String containerName, Integer exitCode) {
    if (exitCode == null) {
      initExitCodes.remove(containerName);
    } else {
      initExitCodes.put(containerName, exitCode);
    }
  }

  /** Answers httpGet and tcpSocket probes in a test (the fake's pod IPs lead nowhere): by host, port and path. */
  @FunctionalInterface
  public interface NetworkScript {
    /** Whether a probe of {@code host:port} (path null for tcpSocket) succeeds; the message when it does not. */
    ExecResult probe(String host, int port, String path);
  }

  private volatile NetworkScript networkScript = (host, port, path) -> new ExecResult(0, "");

  /** How network probes are answered from now on (by default: they succeed, the simulated pod is listening). */
  public void scriptNetwork(NetworkScript script) {
    this.networkScript = script;
  }

  /** A simulated httpGet (path set) or tcpSocket probe: exit code 0 is success, the output its failure message. */
  public ExecResult probeNetwork(String host, int port, String path) {
    return networkScript.probe(host, port, path);
  }

  /** How exec calls are answered from now on (by default: the built-in commands; null restores them). */
  public void scriptExec(ExecScript script) {
    this.execScript = script;
  }

  private final FakeUsage usage = new FakeUsage();

  /** The container reports this usage from now on (CPU in nanocores, memory working set in bytes). */
  public void setUsage(String containerId, long cpuNanoCores, long memoryBytes) {
    usage.set(containerId, cpuNanoCores, memoryBytes);
  }

  /** Makes a running container exit on its own with this code and reason (OOMKilled, Error ...). */
  public void exit(String containerId, int exitCode, String reason) {
    List<Event> events = new ArrayList<>();
    synchronized (this) {
      ContainerStatus c = containers.get(containerId);
      if (c == null || c.state() != ContainerState.RUNNING) {
        throw new RuntimeError("container " + containerId + " is not RUNNING");
      }
      ContainerStatus exited = c.withState(ContainerState.EXITED, c.startedAt(), clock.instant(), exitCode, reason,
          null);
      containers.put(containerId, exited);
      events.add(new Event(EventType.STOPPED, exited));
    }
    fire(events);
  }

  /** The newest container of this name in the sandbox of pod {@code podName} (any namespace), if any. */
  public synchronized java.util.Optional<ContainerStatus> container(String podName, String containerName) {
    ContainerStatus newest = null;
    for (ContainerStatus c : containers.values()) {
      Sandbox sb = sandboxes.get(c.sandboxId());
      if (sb != null && sb.status().name().equals(podName) && c.name().equals(containerName)
          && (newest == null || c.attempt() >= newest.attempt())) {
        newest = c;
      }
    }
    return java.util.Optional.ofNullable(newest);
  }

  // A stopped fake exits at once and cleanly: nothing runs that could ignore TERM.
  private void stopLocked(String containerId, List<Event> events) {
    ContainerStatus c = containers.get(containerId);
    if (c == null || c.state() == ContainerState.EXITED) {
      return;
    }
    Instant now = clock.instant();
    ContainerStatus exited = c.withState(ContainerState.EXITED, c.startedAt(), now, 0, "Completed", null);
    containers.put(containerId, exited);
    events.add(new Event(EventType.STOPPED, exited));
  }

  private void fire(List<Event> events) {
    for (Event e : events) {
      for (Consumer<Event> l : listeners) {
        l.accept(e);
      }
    }
  }

  private String newId() {
    return ImageNames.sha256(idPrefix + ids.incrementAndGet());
  }

  private static SandboxStatus withState(SandboxStatus s, SandboxState state) {
    return new SandboxStatus(s.id(), s.name(), s.namespace(), s.uid(), state, s.createdAt(), s.ip());
  }

  private static <T> CompletableFuture<T> failed(String message) {
    return CompletableFuture.failedFuture(new RuntimeError(message));
  }
}

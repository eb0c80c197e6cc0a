package io.tugboat.runtime.process;

import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.ImageNames;
import io.tugboat.runtime.ImagePresence;
import io.tugboat.runtime.LogOptions;
import io.tugboat.runtime.image.ImageStore;
import io.tugboat.runtime.image.ImageStore.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container runtime that runs real processes, isolated as far as the host allows ({@link HostCapabilities}):
 * with runc, or unshare + chroot, or as plain host processes. Pods get a network namespace on a bridge
 * ({@link PodNetwork}) and IPs from the node's range; containers get a writable overlay over their image's root
 * filesystem, cgroup limits, and a CRI log file. Blocking work (ip, runc, mount) runs on the runtime's own
 * threads; callers get CompletionStages. {@link #close} stops and removes everything it made.
 *
 * <p>Container phases: CREATED (bundle and root filesystem ready) -start-> RUNNING -exit|stop-> EXITED
 * -remove-> gone; CREATED -stop-> EXITED. Start from anything but CREATED and remove while RUNNING are rejected
 * with the current state named.
 */
public final class ProcessRuntime implements ContainerRuntime, ImagePresence {
  private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);

  private final ProcessRuntimeSettings settings;
  private final ImageStore images;
  private final Clock clock;
  private final HostCapabilities.Level level;
  private final Isolation isolation;
  private final Path containerRoot;
  private final PodSandboxes sandboxes;
  private final Cgroups cgroups;
  private final Launcher launcher;
  private final RuncLauncher runc;
  private final ExecutorService io;
  private final ScheduledExecutorService scheduler;
  private final LogReader logs;
  private final Map<String, RuntimeContainer> containers = new LinkedHashMap<>();
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** A runtime for one node, detecting what the host allows. */
  public ProcessRuntime(ProcessRuntimeSettings settings, ImageStore images, Clock clock) {
    this(settings, images, clock, HostCapabilities.detect(settings.runc()));
  }

  /** A runtime with the host's capabilities given (tests force a lower level through settings.isolation). */
  public ProcessRuntime(ProcessRuntimeSettings settings, ImageStore images, Clock clock, HostCapabilities caps) {
    this.settings = settings;
    this.images = images;
    this.clock = clock;
    this.level = caps.level(settings.isolation());
    String why = caps.explain(level);
    this.isolation = new Isolation(level.name().toLowerCase(), level != HostCapabilities.Level.HOST, why);
    log.info("process runtime: isolation {}: {}", isolation.level(), why);
    this.containerRoot = settings.dataDir().resolve("containers");
    this.io = Executors.newCachedThreadPool(daemon("process-runtime"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("process-runtime-timer"));
    this.logs = new LogReader(scheduler, settings.logPollInterval(), clock);
    HostCapabilities.CgroupMode mode = level == HostCapabilities.Level.HOST ? HostCapabilities.CgroupMode.NONE
        : caps.cgroups();
    this.cgroups = new Cgroups(mode, Cgroups.parentFor(mode, "tugboat-" + settings.bridge()));
    IpPool pool = new IpPool(settings.podCidr());
    PodNetwork network = level == HostCapabilities.Level.HOST ? null
        : new PodNetwork(settings.bridge(), settings.podCidr(), pool, caps.iptables());
    try {
      Files.createDirectories(containerRoot);
      this.sandboxes = new PodSandboxes(settings, clock, pool, network);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + settings.dataDir() + ": " + e.getMessage(), e);
    }
    RuncLauncher runc = null;
    Launcher chosen;
    switch (level) {
      case RUNC -> {
        runc = new RuncLauncher(caps.runc(), settings.dataDir().resolve("runc"), cgroups);
        chosen = runc;
      }
      case UNSHARE -> chosen = new UnshareLauncher(cgroups);
      default -> chosen = new HostLauncher();
    }
    this.launcher = chosen;
    this.runc = runc;
    if (network != null) {
      network.setUp();
    }
    recover();
  }

  @Override
  public String version() {
    return "tugboat://0.1";
  }

  @Override
  public Isolation isolation() {
    return isolation;
  }

  // ---- sandboxes ----

  @Override
  public CompletionStage<String> runPodSandbox(SandboxConfig config) {
    return async(() -> sandboxes.create(config).id());
  }

  @Override
  public CompletionStage<Void> stopPodSandbox(String sandboxId) {
    if (sandboxes.get(sandboxId).isEmpty()) {
      return failed("no sandbox " + sandboxId);
    }
    return stopAll(containersOf(sandboxId), Duration.ofSeconds(10))
        .thenRunAsync(() -> sandboxes.markNotReady(sandboxId), io);
  }

  @Override
  public CompletionStage<Void> removePodSandbox(String sandboxId) {
    if (sandboxes.get(sandboxId).isEmpty()) {
      return CompletableFuture.completedFuture(null); // idempotent, as in the CRI
    }
    List<String> ids = containersOf(sandboxId);
    return stopAll(ids, Duration.ofSeconds(10))
        .thenCompose(v -> allOf(ids.stream().map(this::removeContainer).toList()))
        .thenRunAsync(() -> sandboxes.remove(sandboxId), io);
  }

  @Override
  public CompletionStage<SandboxStatus> podSandboxStatus(String sandboxId) {
    return sandboxes.get(sandboxId).map(s -> CompletableFuture.completedFuture(status(s)))
        .orElseGet(() -> failed("no sandbox " + sandboxId));
  }

  @Override
  public CompletionStage<List<SandboxStatus>> listPodSandboxes() {
    return CompletableFuture.completedFuture(sandboxes.all().stream().map(ProcessRuntime::status).toList());
  }

  /** Whether the node's image store has the image: what imagePullPolicy IfNotPresent and Never ask. */
  @Override
  public boolean imagePresent(String image) {
    return images.resolve(image).isPresent();
  }

  @Override
  public CompletionStage<String> pullImage(String image) {
    return images.resolve(image).map(i -> CompletableFuture.completedFuture(i.digestRef()))
        .orElseGet(() -> failed("image \"" + image + "\" is not present on this node (" + ImageNames.normalize(image)
            + "); load it with `tugboat image load` (pulling from registries is not supported yet)"));
  }

  // ---- containers ----

  @Override
  public CompletionStage<String> createContainer(String sandboxId, ContainerConfig config) {
    PodSandbox s = sandboxes.get(sandboxId).orElse(null);
    if (s == null) {
      return failed("no sandbox " + sandboxId);
    }
    Image image = images.resolve(config.image()).orElse(null);
    if (image == null) {
      return failed("image \"" + config.image() + "\" is not present on this node");
    }
    return async(() -> {
      String id = newId();
      Path dir = containerRoot.resolve(id);
      List<String> argv;
      int[] user;
      try {
        argv = ContainerCommand.argv(image.entrypoint(), image.cmd(), config.command(), config.args());
        user = ContainerCommand.user(image.user(), HostFiles.readOrEmpty(image.rootfs().resolve("etc/passwd")));
      } catch (IllegalArgumentException e) {
        throw new RuntimeError(e.getMessage());
      }
      Path rootfs = null;
      boolean overlay = false;
      try {
        Files.createDirectories(dir);
        if (level != HostCapabilities.Level.HOST) {
          rootfs = dir.resolve("rootfs");
          overlay = RootFilesystems.prepare(image.rootfs(), dir);
        }
        RuntimeContainer c = new RuntimeContainer(id, s, config, argv,
            ContainerCommand.env(image.env(), config.env(), s.hostname()),
            ContainerCommand.workingDir(config.workingDir(), image.workingDir()), user[0], user[1], dir, rootfs,
            overlay, settings.logRoot().resolve(s.logDirectory()).resolve(config.logPath()), cgroups.pathOf(id),
            new ContainerStatus(id, sandboxId, config.name(), config.attempt(), ImageNames.normalize(config.image()),
                image.digestRef(), ContainerState.CREATED, clock.instant(), null, null, 0, null, null,
                config.logPath()));
        launcher.prepare(c);
        synchronized (this) {
          containers.put(id, c);
        }
        fire(new Event(EventType.CREATED, c.status));
        return id;
      } catch (IOException | RuntimeException e) {
        RootFilesystems.release(dir);
        HostFiles.deleteTree(dir);
        throw new RuntimeError("cannot create container " + config.name() + ": " + e.getMessage());
      }
    });
  }

  @Override
  public CompletionStage<Void> startContainer(String containerId) {
    RuntimeContainer c;
    synchronized (this) {
      c = containers.get(containerId);
      if (c == null) {
        return failed("no container " + containerId);
      }
      if (c.status.state() != ContainerState.CREATED || !c.startRequested.compareAndSet(false, true)) {
        return failed("container " + c.config.name() + " is " + c.status.state()
            + (c.status.state() == ContainerState.CREATED ? " and already starting" : ", not CREATED"));
      }
    }
    return async(() -> {
      ContainerLifecycle.start(c, launcher, settings, clock, this::fire, this::onExit);
      return null;
    });
  }

  private void onExit(RuntimeContainer c) {
    io.execute(() -> ContainerLifecycle.finish(c, launcher, cgroups, clock, this::fire));
  }

  @Override
  public CompletionStage<Void> stopContainer(String containerId, Duration timeout) {
    RuntimeContainer c;
    synchronized (this) {
      c = containers.get(containerId);
    }
    if (c == null) {
      return failed("no container " + containerId);
    }
    return ContainerLifecycle.stop(c, launcher, timeout, scheduler, clock, this::fire, io);
  }

  @Override
  public CompletionStage<Void> removeContainer(String containerId) {
    RuntimeContainer c;
    synchronized (this) {
      c = containers.get(containerId);
      if (c == null) {
        return CompletableFuture.completedFuture(null);
      }
      if (c.status.state() == ContainerState.RUNNING) {
        return failed("container " + c.config.name() + " is RUNNING; stop it first");
      }
    }
    return async(() -> {
      RootFilesystems.release(c.dir);
      HostFiles.deleteTree(c.dir);
      cgroups.remove(c.cgroupPath);
      synchronized (this) {
        containers.remove(containerId);
      }
      fire(new Event(EventType.DELETED, c.status));
      return null;
    });
  }

  @Override
  public synchronized CompletionStage<List<ContainerStatus>> listContainers(String sandboxId) {
    return CompletableFuture.completedFuture(containers.values().stream()
        .filter(c -> sandboxId == null || sandboxId.equals(c.sandbox.id())).map(c -> c.status).toList());
  }

  @Override
  public synchronized CompletionStage<ContainerStatus> containerStatus(String containerId) {
    RuntimeContainer c = containers.get(containerId);
    return c == null ? failed("no container " + containerId) : CompletableFuture.completedFuture(c.status);
  }

  @Override
  public CompletionStage<List<ContainerStats>> listContainerStats() {
    List<RuntimeContainer> running;
    synchronized (this) {
      running = containers.values().stream().filter(c -> c.status.state() == ContainerState.RUNNING).toList();
    }
    return async(() -> ContainerLifecycle.stats(running, cgroups, clock.instant()));
  }

  // ---- streams ----

  @Override
  public Source<ByteString, ?> containerLogs(String containerId, LogOptions options) {
    RuntimeContainer c;
    synchronized (this) {
      c = containers.get(containerId);
      if (c == null) {
        throw new RuntimeError("no container " + containerId);
      }
      if (options.previous()) {
        RuntimeContainer current = c;
        c = ProcessStreams.previous(c, containers.values()).orElseThrow(() -> new RuntimeError(
            "previous terminated container \"" + current.config.name() + "\" not found"));
      }
    }
    return logs.logs(c.logFile, settings.logMaxFiles(), options, c.exited);
  }

  @Override
  public ExecSession exec(String containerId, List<String> command, boolean stdin, boolean tty) {
    RuntimeContainer c = running(containerId);
    return ProcessStreams.exec(launcher.execArgv(c, command, tty), c.env, c.dir, stdin, tty);
  }

  @Override
  public ExecSession attach(String containerId, boolean stdin, boolean tty) {
    return ProcessStreams.attach(logs, running(containerId), settings.logMaxFiles(), stdin);
  }

  @Override
  public Flow<ByteString, ByteString, ?> portForward(String sandboxId, int port) {
    PodSandbox s = sandboxes.get(sandboxId).orElseThrow(() -> new RuntimeError("no sandbox " + sandboxId));
    return ProcessStreams.connect(s.hostNetwork() || level == HostCapabilities.Level.HOST ? "127.0.0.1" : s.ip(),
        port);
  }

  @Override
  public Runnable subscribe(Consumer<Event> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Stops every container (TERM, KILL after 2 s), then removes containers, sandboxes and the network it made;
   * whatever a failure left is then killed and removed the hard way.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> containerIds;
    synchronized (this) {
      containerIds = new ArrayList<>(containers.keySet());
    }
    List<String> sandboxIds = sandboxes.all().stream().map(PodSandbox::id).toList();
    try {
      stopAll(containerIds, Duration.ofSeconds(2)).toCompletableFuture().get(60, TimeUnit.SECONDS);
      for (String id : sandboxIds) {
        removePodSandbox(id).toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      log.warn("process runtime: orderly clean-up at close failed, forcing it: {}", e.toString());
    } finally {
      forceCleanUp();
      listeners.clear();
      io.shutdown();
      scheduler.shutdownNow();
    }
  }

  private void forceCleanUp() {
    List<RuntimeContainer> leftContainers;
    synchronized (this) {
      leftContainers = new ArrayList<>(containers.values());
      containers.clear();
    }
    for (RuntimeContainer c : leftContainers) {
      launcher.signal(c, "KILL");
      launcher.cleanUp(c);
      RootFilesystems.release(c.dir);
      HostFiles.deleteTree(c.dir);
    }
    if (runc != null) {
      runc.deleteAll();
    }
    cgroups.killAll();
    sandboxes.removeAll();
    cgroups.remove(cgroups.parent());
    HostFiles.deleteTree(settings.dataDir().resolve("runc"));
  }

  // ---- internals ----

  /**
   * Picks up after a runtime that died on this data dir: its containers cannot be reattached (their output
   * pipes are gone), so they are killed and removed; its sandboxes are kept (see {@link PodSandboxes#recover}).
   */
  private void recover() {
    if (runc != null) {
      runc.deleteAll();
    }
    cgroups.killAll();
    RootFilesystems.releaseAll(containerRoot);
    sandboxes.recover();
  }

  private CompletionStage<Void> stopAll(List<String> ids, Duration timeout) {
    return allOf(ids.stream().map(id -> stopContainer(id, timeout).exceptionally(e -> null)).toList());
  }

  private synchronized List<String> containersOf(String sandboxId) {
    return containers.values().stream().filter(c -> c.sandbox.id().equals(sandboxId)).map(c -> c.id).toList();
  }

  private RuntimeContainer running(String containerId) {
    RuntimeContainer c;
    synchronized (this) {
      c = containers.get(containerId);
    }
    if (c == null) {
      throw new RuntimeError("no container " + containerId);
    }
    if (c.status.state() != ContainerState.RUNNING) {
      throw new RuntimeError("container " + c.config.name() + " is " + c.status.state() + ", not RUNNING");
    }
    return c;
  }

  private void fire(Event e) {
    for (Consumer<Event> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("process runtime: a listener failed on {}: {}", e.type(), ex.toString());
      }
    }
  }

  private static SandboxStatus status(PodSandbox s) {
    return new SandboxStatus(s.id(), s.name(), s.namespace(), s.uid(),
        s.ready() ? SandboxState.READY : SandboxState.NOTREADY, s.createdAt(), s.ip());
  }

  private <T> CompletionStage<T> async(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, io);
  }

  private static CompletionStage<Void> allOf(List<CompletionStage<Void>> stages) {
    return CompletableFuture.allOf(stages.stream().map(CompletionStage::toCompletableFuture)
        .toArray(CompletableFuture[]::new));
  }

  private static String newId() {
    return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
  }

  private static ThreadFactoryDaemon daemon(String name) {
    return new ThreadFactoryDaemon(name);
  }

  /** Daemon threads named after the runtime, so a forgotten close never keeps a JVM alive. */
  private record ThreadFactoryDaemon(String name) implements java.util.concurrent.ThreadFactory {
    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    }
  }

  private static <T> CompletableFuture<T> failed(String message) {
    return CompletableFuture.failedFuture(new RuntimeError(message));
  }
}

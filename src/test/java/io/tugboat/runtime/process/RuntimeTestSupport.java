package io.tugboat.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.tugboat.runtime.ContainerRuntime.ContainerConfig;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ContainerRuntime.Event;
import io.tugboat.runtime.ContainerRuntime.EventType;
import io.tugboat.runtime.ContainerRuntime.Resources;
import io.tugboat.runtime.ContainerRuntime.SandboxConfig;
import io.tugboat.runtime.ExecSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One process runtime under test with what its tests share: a unique bridge and pod range, an event queue,
 * helpers that build sandboxes and containers, bounded waits, and the leak check run after close.
 */
final class RuntimeTestSupport implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  final String bridge = "tbt" + UUID.randomUUID().toString().substring(0, 6);
  final String cidr = "10.250." + (int) (Math.random() * 250) + ".0/24";
  final Path dataDir;
  final Path logDir;
  final ProcessRuntime runtime;
  final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  final List<String> sandboxIds = new ArrayList<>();
  private final List<Event> seen = new ArrayList<>();
  final ActorSystem<Void> system;

  RuntimeTestSupport(Path dir, BusyboxImages images, String isolation, ActorSystem<Void> system) {
    this.dataDir = dir.resolve("runtime");
    this.logDir = dir.resolve("logs");
    this.system = system;
    this.runtime = new ProcessRuntime(settings(isolation), images, java.time.Clock.systemUTC());
    runtime.subscribe(events::add);
  }

  ProcessRuntimeSettings settings(String isolation) {
    return new ProcessRuntimeSettings(dataDir, logDir, bridge, cidr, "auto", isolation, 1 << 20, 3, "127.0.0.1",
        Duration.ofMillis(50));
  }

  static ActorSystem<Void> actorSystem() {
    // A plain local actor system is all the streams need: the project's config starts a cluster and exits the
    // JVM when the system terminates.
    return ActorSystem.create(Behaviors.empty(), "runtime-test", com.typesafe.config.ConfigFactory
        .parseString("akka.actor.provider = local\nakka.coordinated-shutdown.exit-jvm = off")
        .withFallback(com.typesafe.config.ConfigFactory.defaultReference()));
  }

  String sandbox(String name) throws Exception {
    String id = await(runtime.runPodSandbox(new SandboxConfig(name, "default", "uid-" + name, 0, name, Map.of(),
        Map.of(), logDir.resolve(name).toString(), false)));
    sandboxIds.add(id);
    return id;
  }

  String container(String sandbox, String name, int attempt, Resources limits, boolean stdin, String... command)
      throws Exception {
    return await(runtime.createContainer(sandbox, new ContainerConfig(name, attempt, "busybox", List.of(command),
        List.of(), "", Map.of("GREETING", "hi"), List.of(), name + "/" + attempt + ".log", Map.of(), Map.of(),
        limits, stdin, false, false)));
  }

  String run(String sandbox, String name, String... command) throws Exception {
    String id = container(sandbox, name, 0, Resources.NONE, false, command);
    await(runtime.startContainer(id));
    return id;
  }

  /** The first event of {@code type} for the container, seen before or arriving within {@link #WAIT}. */
  ContainerStatus awaitEvent(EventType type, String containerId) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      for (Event e : seen) {
        if (e.type() == type && e.status().id().equals(containerId)) {
          return e.status();
        }
      }
      long left = deadline - System.nanoTime();
      Event e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
      if (e == null) {
        fail("no " + type + " event for " + containerId + " within " + WAIT + "; seen: " + seen);
      }
      seen.add(e);
    }
  }

  String text(Source<ByteString, ?> source) throws Exception {
    return source.runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), system)
        .toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).utf8String();
  }

  /** Runs an exec session without stdin: its stdout, stderr and exit code. */
  String[] exec(String containerId, boolean tty, String... command) throws Exception {
    ExecSession s = runtime.exec(containerId, List.of(command), false, tty);
    Source.<ByteString>empty().runWith(s.stdin(), system);
    String out = text(s.stdout());
    String err = text(s.stderr());
    int code = s.exitCode().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return new String[] {out, err, Integer.toString(code)};
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Closes the runtime, then checks it left no netns, veth, bridge, mount, cgroup, iptables rule or process. */
  @Override
  public void close() {
    runtime.close();
    assertNothingLeft();
  }

  void assertNothingLeft() {
    String netns = Shell.run(List.of("ip", "netns", "list"), null).out();
    String links = Shell.run(List.of("ip", "-o", "link", "show"), null).out();
    for (String id : sandboxIds) {
      assertFalse(netns.contains(PodNetwork.netnsName(id)), "netns of " + id + " left: " + netns);
      assertFalse(links.contains(PodNetwork.hostVeth(id)), "veth of " + id + " left");
    }
    assertFalse(links.contains(" " + bridge + ":"), "bridge " + bridge + " left");
    String mounts = HostFiles.readOrEmpty(Path.of("/proc/self/mountinfo"));
    assertFalse(mounts.contains(dataDir.toString()), "mounts under " + dataDir + " left");
    for (HostCapabilities.CgroupMode mode : List.of(HostCapabilities.CgroupMode.V1, HostCapabilities.CgroupMode.V2)) {
      String parent = Cgroups.parentFor(mode, "tugboat-" + bridge);
      for (Path d : new Cgroups(mode, parent).dirs(parent)) {
        assertFalse(Files.exists(d), "cgroup " + d + " left");
      }
    }
    String nat = Shell.run(List.of("sh", "-c", "iptables -w -t nat -S; iptables -w -S"), null).out();
    assertFalse(nat.contains("tugboat:" + bridge), "iptables rules of " + bridge + " left");
    for (String id : sandboxIds) {
      assertFalse(nat.contains("tugboat:" + id.substring(0, 12)), "host-port rules of " + id + " left");
    }
    List<String> procs = new ArrayList<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path p : dirs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        String cmdline = HostFiles.readOrEmpty(p.resolve("cmdline")).replace('\0', ' ');
        String cwd;
        try {
          cwd = Files.readSymbolicLink(p.resolve("cwd")).toString();
        } catch (Exception gone) {
          cwd = "";
        }
        if (cmdline.contains(dataDir.toString()) || cwd.startsWith(dataDir.toString())) {
          procs.add(p.getFileName() + ": " + cmdline);
        }
      }
    } catch (Exception e) {
      fail(e);
    }
    assertEquals(List.of(), procs, "processes of the runtime left");
    assertFalse(Files.exists(dataDir.resolve("runc")), "runc state left");
    for (String dir : List.of("sandboxes", "containers")) {
      try (var left = Files.list(dataDir.resolve(dir))) {
        assertEquals(List.of(), left.toList(), dir + " left");
      } catch (java.io.IOException e) {
        fail(e);
      }
    }
  }
}

package io.tugboat.runtime.process;

import static io.tugboat.runtime.process.RuntimeTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStats;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ContainerRuntime.EventType;
import io.tugboat.runtime.ContainerRuntime.Resources;
import io.tugboat.runtime.ContainerRuntime.SandboxStatus;
import io.tugboat.runtime.ContainerRuntime.PortMapping;
import io.tugboat.runtime.ContainerRuntime.SandboxConfig;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.LogOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process runtime with runc on this host: real containers from a busybox root filesystem in pod network
 * namespaces. Skipped (with the reason) where the host is not root or lacks runc, iproute2 or busybox-static;
 * every test ends by checking that nothing was left behind.
 */
class ProcessRuntimeTest {
  private static HostCapabilities caps;
  private static BusyboxImages images;
  private static ActorSystem<Void> system;
  @TempDir
  static Path shared;
  @TempDir
  Path dir;
  private RuntimeTestSupport t;

  @BeforeAll
  static void requireRuncHost() throws Exception {
    caps = HostCapabilities.detect("auto");
    assumeTrue(caps.level("auto") == HostCapabilities.Level.RUNC,
        "skipped: runc isolation needs root, runc, iproute2 and cgroups (apt-get install -y runc): "
            + caps.explain(caps.level("auto")));
    images = BusyboxImages.buildOrSkip(shared);
    system = RuntimeTestSupport.actorSystem();
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.terminate();
    }
  }

  @BeforeEach
  void startRuntime() {
    t = new RuntimeTestSupport(dir, images, "auto", system);
  }

  @AfterEach
  void closeAndCheckNothingLeft() {
    t.close();
  }

  @Test
  void reportsRuncIsolation() {
    assertEquals("runc", t.runtime.isolation().level());
    assertTrue(t.runtime.isolation().isolated());
    assertTrue(t.runtime.isolation().message().contains("runc"), t.runtime.isolation().message());
  }

  @Test
  void echoHelloCompletesWithItsOutputInTheLog() throws Exception {
    String sb = t.sandbox("hello");
    String c = t.run(sb, "echo", "sh", "-c", "echo hello; echo $GREETING >&2");
    ContainerStatus exited = t.awaitEvent(EventType.STOPPED, c);
    assertEquals(0, exited.exitCode());
    assertEquals("Completed", exited.reason());
    assertEquals(ContainerState.EXITED, await(t.runtime.containerStatus(c)).state());
    // stdout and stderr are separate pipes: their lines may interleave either way, as with any CRI runtime.
    String log = t.text(t.runtime.containerLogs(c, LogOptions.defaults()));
    assertEquals(List.of("hello", "hi"), log.lines().sorted().toList());
    String raw = java.nio.file.Files.readString(t.logDir.resolve("hello/echo/0.log"));
    String time = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z ";
    assertTrue(raw.matches("(?s)(.*\n)?" + time + "stdout F hello\n.*"), raw);
    assertTrue(raw.matches("(?s)(.*\n)?" + time + "stderr F hi\n.*"), raw);
    assertEquals(log.lines().skip(1).findFirst().orElseThrow() + "\n",
        t.text(t.runtime.containerLogs(c, LogOptions.defaults().withTailLines(1))));
  }

  @Test
  void aFailingCommandExitsWithErrorAndItsCode() throws Exception {
    String c = t.run(t.sandbox("fails"), "fail", "sh", "-c", "exit 3");
    ContainerStatus exited = t.awaitEvent(EventType.STOPPED, c);
    assertEquals(3, exited.exitCode());
    assertEquals("Error", exited.reason());
  }

  @Test
  void containersOfAPodTalkOverLocalhost() throws Exception {
    String sb = t.sandbox("pair");
    String server = t.run(sb, "server", "nc", "-l", "-p", "8080");
    // The client retries until the server listens: bounded, inside the container.
    String client = t.run(sb, "client", "sh", "-c",
        "for i in $(seq 100); do echo ping | nc 127.0.0.1 8080 && exit 0; usleep 50000; done; exit 1");
    assertEquals(0, t.awaitEvent(EventType.STOPPED, client).exitCode());
    assertEquals(0, t.awaitEvent(EventType.STOPPED, server).exitCode());
    assertEquals("ping\n", t.text(t.runtime.containerLogs(server, LogOptions.defaults())));
  }

  @Test
  void podsGetDistinctAddressesAndReachEachOtherAcrossTheBridge() throws Exception {
    String a = t.sandbox("pod-a");
    String b = t.sandbox("pod-b");
    SandboxStatus sa = await(t.runtime.podSandboxStatus(a));
    SandboxStatus sbStatus = await(t.runtime.podSandboxStatus(b));
    assertNotEquals(sa.ip(), sbStatus.ip());
    assertTrue(sa.ip().startsWith(t.cidr.substring(0, t.cidr.lastIndexOf('.'))), sa.ip());
    String server = t.run(a, "server", "nc", "-l", "-p", "9090");
    String client = t.run(b, "client", "sh", "-c",
        "for i in $(seq 100); do echo across | nc " + sa.ip() + " 9090 && exit 0; usleep 50000; done; exit 1");
    assertEquals(0, t.awaitEvent(EventType.STOPPED, client).exitCode());
    t.awaitEvent(EventType.STOPPED, server);
    assertEquals("across\n", t.text(t.runtime.containerLogs(server, LogOptions.defaults())));
  }

  @Test
  void overTheMemoryLimitTheContainerIsOomKilled() throws Exception {
    String sb = t.sandbox("oom");
    String c = t.container(sb, "hog", 0, new Resources(0, 0, 16L << 20, 0), false, "sh", "-c",
        "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived");
    await(t.runtime.startContainer(c));
    ContainerStatus exited = t.awaitEvent(EventType.STOPPED, c);
    assertEquals("OOMKilled", exited.reason());
    assertEquals(137, exited.exitCode());
  }

  @Test
  void theCpuQuotaHoldsABusyLoopToItsShare() throws Exception {
    String sb = t.sandbox("cpu");
    String c = t.container(sb, "spin", 0, new Resources(100, 0, 0, 0), false, "sh", "-c", "while :; do :; done");
    await(t.runtime.startContainer(c));
    java.time.Instant started = t.awaitEvent(EventType.STARTED, c).startedAt();
    // Wait (bounded) until the loop has used 60 ms of CPU: unthrottled that takes 60 ms, at 100m at least 600 ms.
    long deadline = System.nanoTime() + RuntimeTestSupport.WAIT.toNanos();
    ContainerStats s = null;
    while (System.nanoTime() < deadline && (s == null || s.cpuUsageCoreNanoSeconds() < 60_000_000L)) {
      List<ContainerStats> stats = await(t.runtime.listContainerStats());
      s = stats.isEmpty() ? null : stats.get(0);
      t.events.poll(20, TimeUnit.MILLISECONDS); // bounded pause between readings
    }
    assertTrue(s != null && s.cpuUsageCoreNanoSeconds() >= 60_000_000L, "no CPU used: " + s);
    long wall = Duration.between(started, s.timestamp()).toNanos();
    double share = (double) s.cpuUsageCoreNanoSeconds() / wall;
    // Unthrottled, the same loop measured 0.74 of a core here.
    assertTrue(share < 0.25, "a 100m quota let the loop use " + share + " of a core");
    await(t.runtime.stopContainer(c, Duration.ZERO));
  }

  @Test
  void thePidsLimitStopsForking() throws Exception {
    String sb = t.sandbox("pids");
    String c = t.container(sb, "forker", 0, new Resources(0, 0, 0, 4), false, "sh", "-c",
        "n=0; for i in 1 2 3 4 5 6 7 8; do sleep 30 & n=$((n+1)); done; echo started-$n; kill $(jobs -p) 2>/dev/null;"
            + " exit 0");
    await(t.runtime.startContainer(c));
    t.awaitEvent(EventType.STOPPED, c);
    String log = t.text(t.runtime.containerLogs(c, LogOptions.defaults()));
    assertTrue(log.contains("can't fork") || log.contains("Resource temporarily unavailable"), log);
  }

  @Test
  void execRunsInTheContainerAndSeesThePodsHostname() throws Exception {
    String sb = t.sandbox("exec-pod");
    String c = t.run(sb, "sleeper", "sleep", "300");
    t.awaitEvent(EventType.STARTED, c);
    String[] hostname = t.exec(c, false, "cat", "/etc/hostname");
    assertEquals("exec-pod\n", hostname[0]);
    assertEquals("0", hostname[2]);
    assertEquals("exec-pod\n", t.exec(c, false, "hostname")[0]);
    String[] failing = t.exec(c, false, "sh", "-c", "echo oops >&2; exit 4");
    assertEquals("oops\n", failing[1]);
    assertEquals("4", failing[2]);
    // Only the container's processes are visible: its own PID namespace.
    assertTrue(t.exec(c, false, "ps")[0].lines().count() <= 4, "ps shows the host's processes");
    String[] tty = t.exec(c, true, "tty");
    assertTrue(tty[0].contains("/dev/pts/"), tty[0]);
    await(t.runtime.stopContainer(c, Duration.ZERO));
  }

  @Test
  void stopSendsTermAndKillsWhatIgnoresItAfterTheTimeout() throws Exception {
    String sb = t.sandbox("stop");
    String polite = t.run(sb, "polite", "sh", "-c", "trap 'exit 3' TERM; echo ready; while true; do usleep 20000; done");
    String stubborn = t.run(sb, "stubborn", "sh", "-c", "trap '' TERM; echo ready; while true; do usleep 20000; done");
    t.awaitEvent(EventType.STARTED, polite);
    t.awaitEvent(EventType.STARTED, stubborn);
    awaitLog(polite, "ready\n");
    awaitLog(stubborn, "ready\n");
    long start = System.nanoTime();
    await(t.runtime.stopContainer(polite, Duration.ofSeconds(30)));
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "TERM was not delivered");
    assertEquals(3, await(t.runtime.containerStatus(polite)).exitCode());
    start = System.nanoTime();
    await(t.runtime.stopContainer(stubborn, Duration.ofMillis(500)));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(500), "killed before the timeout");
    ContainerStatus killed = await(t.runtime.containerStatus(stubborn));
    assertEquals(137, killed.exitCode());
    assertEquals("Error", killed.reason());
  }

  @Test
  void runningContainersReportCpuAndMemoryFromTheirCgroups() throws Exception {
    String sb = t.sandbox("stats");
    String c = t.run(sb, "busy", "sh", "-c", "x=$(head -c 3000000 /dev/zero | tr '\\0' a); echo ready; sleep 300");
    awaitLog(c, "ready\n");
    List<ContainerStats> stats = await(t.runtime.listContainerStats());
    assertEquals(1, stats.size());
    ContainerStats s = stats.get(0);
    assertEquals(c, s.containerId());
    assertTrue(s.cpuUsageCoreNanoSeconds() > 0, "cpu " + s);
    assertTrue(s.memoryWorkingSetBytes() > 100_000, "memory " + s);
    await(t.runtime.stopContainer(c, Duration.ZERO));
    assertEquals(List.of(), await(t.runtime.listContainerStats()));
  }

  @Test
  void logsFollowUntilExitAndPreviousShowsTheLastAttempt() throws Exception {
    String sb = t.sandbox("logs");
    String first = t.run(sb, "app", "echo", "first");
    t.awaitEvent(EventType.STOPPED, first);
    String second = t.container(sb, "app", 1, Resources.NONE, false, "sh", "-c", "echo a; usleep 300000; echo b");
    await(t.runtime.startContainer(second));
    assertEquals("a\nb\n", t.text(t.runtime.containerLogs(second, LogOptions.defaults().withFollow(true))));
    assertEquals("first\n", t.text(t.runtime.containerLogs(second, LogOptions.defaults().withPrevious(true))));
    assertEquals("a\n", t.text(t.runtime.containerLogs(second, LogOptions.defaults().withLimitBytes(2))));
  }

  @Test
  void portForwardReachesAPortInThePod() throws Exception {
    String sb = t.sandbox("fwd");
    // A persistent server that answers what it reads, so an early connection attempt cannot spoil it.
    String c = t.run(sb, "server", "nc", "-ll", "-p", "7070", "-e", "sh", "-c", "read x; echo pong-$x");
    t.awaitEvent(EventType.STARTED, c);
    String answer = "";
    for (int i = 0; i < 100 && answer.isEmpty(); i++) {
      try {
        answer = Source.single(ByteString.fromString("hi\n")).concat(Source.maybe())
            .via(t.runtime.portForward(sb, 7070))
            .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), system)
            .toCompletableFuture().get(5, TimeUnit.SECONDS).utf8String();
      } catch (java.util.concurrent.ExecutionException notListeningYet) {
        t.events.poll(50, TimeUnit.MILLISECONDS); // the server is starting: a bounded retry
      }
    }
    assertEquals("pong-hi\n", answer);
  }

  @Test
  void attachWritesToTheContainersStdinAndFollowsItsOutput() throws Exception {
    String sb = t.sandbox("attach");
    String c = t.container(sb, "reader", 0, Resources.NONE, true, "sh", "-c", "read line; echo got-$line");
    await(t.runtime.startContainer(c));
    ExecSession session = t.runtime.attach(c, true, false);
    Source.single(ByteString.fromString("hello\n")).runWith(session.stdin(), system);
    assertEquals("got-hello\n", t.text(session.stdout()));
    assertEquals(0, session.exitCode().toCompletableFuture().get(20, TimeUnit.SECONDS));
  }

  @Test
  void hostPortsReachThePodThroughDnat() throws Exception {
    assumeTrue(caps.iptables() != null, "skipped: host ports need iptables (apt-get install -y iptables)");
    String route = Shell.check("ip", "route", "get", "1.1.1.1");
    java.util.regex.Matcher src = java.util.regex.Pattern.compile("src (\\S+)").matcher(route);
    assumeTrue(src.find(), "skipped: the host has no address with a default route: " + route);
    int hostPort = 30000 + (int) (Math.random() * 2000);
    String sb = await(t.runtime.runPodSandbox(new SandboxConfig("ports", "default", "uid-ports", 0, "ports",
        java.util.Map.of(), java.util.Map.of(), t.logDir.toString(), false,
        List.of(new PortMapping("TCP", 8080, hostPort, "")), null)));
    t.sandboxIds.add(sb);
    t.run(sb, "server", "nc", "-ll", "-p", "8080", "-e", "sh", "-c", "read x; echo pong-$x");
    String answer = "";
    for (int i = 0; i < 100 && answer.isEmpty(); i++) {
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress(src.group(1), hostPort), 2_000);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write("hi\n".getBytes());
        answer = new String(socket.getInputStream().readAllBytes());
      } catch (java.io.IOException notListeningYet) {
        t.events.poll(50, TimeUnit.MILLISECONDS); // the server is starting: a bounded retry
      }
    }
    assertEquals("pong-hi\n", answer);
  }

  @Test
  void hostNetworkPodsShareTheNodesNetworkAndName() throws Exception {
    String sb = await(t.runtime.runPodSandbox(new SandboxConfig("on-host", "default", "uid-on-host", 0, "on-host",
        java.util.Map.of(), java.util.Map.of(), t.logDir.resolve("on-host").toString(), true)));
    t.sandboxIds.add(sb);
    assertEquals("127.0.0.1", await(t.runtime.podSandboxStatus(sb)).ip());
    String c = t.run(sb, "look", "sh", "-c", "hostname; ip -o link show " + t.bridge + " | wc -l");
    assertEquals(0, t.awaitEvent(EventType.STOPPED, c).exitCode());
    String expected = Shell.check("hostname").trim() + "\n1\n";
    assertEquals(expected, t.text(t.runtime.containerLogs(c, LogOptions.defaults())));
  }

  @Test
  void aRestartedRuntimeKeepsTheAddressesOfSandboxesStillThere() throws Exception {
    String sb = t.sandbox("survivor");
    String ip = await(t.runtime.podSandboxStatus(sb)).ip();
    // A second runtime on the same data dir, as after a crash of the first: it finds the sandbox.
    ProcessRuntime again = new ProcessRuntime(t.settings("auto"), images, java.time.Clock.systemUTC());
    try {
      List<SandboxStatus> found = await(again.listPodSandboxes());
      assertEquals(List.of(sb), found.stream().map(SandboxStatus::id).toList());
      assertEquals(ip, found.get(0).ip());
      String other = await(again.runPodSandbox(new io.tugboat.runtime.ContainerRuntime.SandboxConfig("newer",
          "default", "uid-newer", 0, "newer", java.util.Map.of(), java.util.Map.of(), t.logDir.toString(), false)));
      t.sandboxIds.add(other);
      assertNotEquals(ip, await(again.podSandboxStatus(other)).ip());
      await(again.removePodSandbox(other));
      await(again.removePodSandbox(sb));
    } finally {
      again.close();
    }
  }

  private void awaitLog(String containerId, String expected) throws Exception {
    long deadline = System.nanoTime() + RuntimeTestSupport.WAIT.toNanos();
    String log = "";
    while (System.nanoTime() < deadline && !log.equals(expected)) {
      log = t.text(t.runtime.containerLogs(containerId, LogOptions.defaults()));
      if (!log.equals(expected)) {
        t.events.poll(20, TimeUnit.MILLISECONDS); // bounded wait for the container to write
      }
    }
    assertEquals(expected, log);
  }
}

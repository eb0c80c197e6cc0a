package io.tugboat.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.runtime.ContainerRuntime.ContainerConfig;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.EventType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fake runtime: states, delays through the injected delayer, events, IPs, exits on demand. */
class FakeRuntimeTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  /** A delayer that holds actions until the test runs them. */
  private static final class HeldDelays implements FakeRuntime.Delayer {
    final List<Runnable> held = new ArrayList<>();
    final List<Duration> delays = new ArrayList<>();

    @Override
    public void after(Duration delay, Runnable action) {
      delays.add(delay);
      held.add(action);
    }

    void runAll() {
      List<Runnable> now = new ArrayList<>(held);
      held.clear();
      now.forEach(Runnable::run);
    }
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  static ContainerRuntime.SandboxConfig sandbox(String uid) {
    return new ContainerRuntime.SandboxConfig("p", "ns", uid, 0, "p", Map.of(), Map.of(), "pods/ns_p_" + uid, false);
  }

  static ContainerConfig container(String name, boolean init) {
    return new ContainerConfig(name, 0, "nginx", List.of(), List.of(), "", Map.of(), List.of(), name + "/0.log",
        Map.of(ContainerConfig.KIND_LABEL, init ? "init" : "regular"), Map.of());
  }

  @Test
  void containersRunAfterTheConfiguredDelayAndReportEvents() throws Exception {
    HeldDelays delays = new HeldDelays();
    FakeRuntime rt = new FakeRuntime("n1", CLOCK, Duration.ofSeconds(1), delays, "10.244.0.0/24");
    List<ContainerRuntime.Event> events = new ArrayList<>();
    rt.subscribe(events::add);
    String sb = await(rt.runPodSandbox(sandbox("u1")));
    assertEquals("10.244.0.2", await(rt.podSandboxStatus(sb)).ip());
    String id = await(rt.createContainer(sb, container("app", false)));
    CompletionStage<Void> started = rt.startContainer(id);
    assertEquals(ContainerState.CREATED, await(rt.containerStatus(id)).state());
    assertEquals(List.of(Duration.ofSeconds(1)), delays.delays);
    delays.runAll();
    await(started);
    ContainerRuntime.ContainerStatus running = await(rt.containerStatus(id));
    assertEquals(ContainerState.RUNNING, running.state());
    assertEquals(CLOCK.instant(), running.startedAt());
    assertEquals("docker.io/library/nginx:latest", running.image());
    assertTrue(running.imageRef().startsWith("docker.io/library/nginx@sha256:"), running.imageRef());
    assertEquals(List.of(EventType.CREATED, EventType.STARTED), events.stream().map(ContainerRuntime.Event::type)
        .toList());

    rt.exit(id, 3);
    ContainerRuntime.ContainerStatus exited = await(rt.containerStatus(id));
    assertEquals(ContainerState.EXITED, exited.state());
    assertEquals(3, exited.exitCode());
    assertEquals("Error", exited.reason());
    assertEquals(EventType.STOPPED, events.get(events.size() - 1).type());
  }

  @Test
  void zeroDelayRunsAtOnceAndInitContainersComplete() throws Exception {
    FakeRuntime rt = new FakeRuntime("n1", CLOCK, Duration.ZERO, (d, a) -> {
      throw new AssertionError("no delay expected");
    }, "10.244.0.0/24");
    String sb = await(rt.runPodSandbox(sandbox("u1")));
    String init = await(rt.createContainer(sb, container("setup", true)));
    await(rt.startContainer(init));
    assertEquals(ContainerState.EXITED, await(rt.containerStatus(init)).state());
    assertEquals(0, await(rt.containerStatus(init)).exitCode());
    String app = await(rt.createContainer(sb, container("app", false)));
    await(rt.startContainer(app));
    assertEquals(ContainerState.RUNNING, await(rt.containerStatus(app)).state());
  }

  @Test
  void illegalTransitionsNameTheState() throws Exception {
    FakeRuntime rt = new FakeRuntime("n1", CLOCK, Duration.ZERO, (d, a) -> a.run(), "10.244.0.0/24");
    String sb = await(rt.runPodSandbox(sandbox("u1")));
    String id = await(rt.createContainer(sb, container("app", false)));
    await(rt.startContainer(id));
    ExecutionException again = assertThrows(ExecutionException.class, () -> await(rt.startContainer(id)));
    assertTrue(again.getCause().getMessage().contains("RUNNING"), again.getCause().getMessage());
    assertThrows(ExecutionException.class, () -> await(rt.removeContainer(id)));
    assertThrows(ContainerRuntime.RuntimeError.class, () -> rt.exit("nope", 1));
  }

  @Test
  void stoppingAndRemovingASandboxFreesItsIpAndContainers() throws Exception {
    FakeRuntime rt = new FakeRuntime("n1", CLOCK, Duration.ZERO, (d, a) -> a.run(), "10.9.8.0/24");
    String first = await(rt.runPodSandbox(sandbox("u1")));
    String second = await(rt.runPodSandbox(sandbox("u2")));
    assertEquals("10.9.8.3", await(rt.podSandboxStatus(second)).ip());
    String id = await(rt.createContainer(first, container("app", false)));
    await(rt.startContainer(id));
    await(rt.stopPodSandbox(first));
    assertEquals(ContainerState.EXITED, await(rt.containerStatus(id)).state());
    await(rt.removePodSandbox(first));
    assertEquals(0, rt.containerCount());
    assertEquals(1, await(rt.listPodSandboxes()).size());
    assertEquals("10.9.8.2", await(rt.podSandboxStatus(await(rt.runPodSandbox(sandbox("u3"))))).ip(),
        "a freed IP is handed out again");
  }

  @Test
  void imageNamesAreNormalizedAsRuntimesDo() {
    assertEquals("docker.io/library/nginx:latest", ImageNames.normalize("nginx"));
    assertEquals("docker.io/library/nginx:1.27", ImageNames.normalize("nginx:1.27"));
    assertEquals("docker.io/bitnami/redis:latest", ImageNames.normalize("bitnami/redis"));
    assertEquals("registry.k8s.io/pause:3.9", ImageNames.normalize("registry.k8s.io/pause:3.9"));
    assertEquals("localhost:5000/x:latest", ImageNames.normalize("localhost:5000/x"));
    assertEquals("docker.io/library/nginx@sha256:ab", ImageNames.normalize("nginx@sha256:ab"));
  }

  @Test
  void unknownRuntimeNamesAreRejectedWithTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContainerRuntimes.create("docker",
        "n1", CLOCK, Duration.ZERO, (d, a) -> a.run(), "10.244.0.0/24", null, ContainerRuntimes::noImages));
    assertTrue(e.getMessage().contains("fake"), e.getMessage());
  }

  @Test
  void reportsSimulatedUsageOfRunningContainersOnly() throws Exception {
    FakeRuntime rt = new FakeRuntime("n1", CLOCK, Duration.ZERO, (d, a) -> a.run(), "10.244.0.0/24");
    String sb = await(rt.runPodSandbox(sandbox("u1")));
    String running = await(rt.createContainer(sb, container("app", false)));
    await(rt.startContainer(running));
    await(rt.createContainer(sb, container("created", false)));
    String exited = await(rt.createContainer(sb, container("done", false)));
    await(rt.startContainer(exited));
    rt.exit(exited, 0);

    List<ContainerRuntime.ContainerStats> stats = await(rt.listContainerStats());
    assertEquals(1, stats.size(), stats::toString);
    ContainerRuntime.ContainerStats s = stats.get(0);
    assertEquals(running, s.containerId());
    assertEquals(CLOCK.instant(), s.timestamp());
    assertEquals(FakeRuntime.SIMULATED_CPU_NANOCORES, s.cpuUsageNanoCores());
    assertEquals(FakeRuntime.SIMULATED_MEMORY_BYTES, s.memoryWorkingSetBytes());
    assertEquals(0, s.cpuUsageCoreNanoSeconds()); // the fixed clock: started this instant
  }

  @Test
  void usageSetByATestOrAnExecIsReportedUntilTheContainerGoes() throws Exception {
    FakeRuntime rt = new FakeRuntime("n1", CLOCK, Duration.ZERO, (d, a) -> a.run(), "10.244.0.0/24");
    String sb = await(rt.runPodSandbox(sandbox("u1")));
    String app = await(rt.createContainer(sb, container("app", false)));
    await(rt.startContainer(app));
    String side = await(rt.createContainer(sb, container("side", false)));
    await(rt.startContainer(side));

    rt.setUsage(app, 250_000_000, 64L << 20);
    assertEquals(0, await(rt.exec(side, List.of("tugboat-usage", "1.5", "1Gi"), false, false).exitCode()));
    java.util.Map<String, ContainerRuntime.ContainerStats> byId = new java.util.HashMap<>();
    await(rt.listContainerStats()).forEach(s -> byId.put(s.containerId(), s));
    assertEquals(250_000_000, byId.get(app).cpuUsageNanoCores());
    assertEquals(64L << 20, byId.get(app).memoryWorkingSetBytes());
    assertEquals(1_500_000_000, byId.get(side).cpuUsageNanoCores());
    assertEquals(1L << 30, byId.get(side).memoryWorkingSetBytes());

    assertEquals(2, await(rt.exec(side, List.of("tugboat-usage", "lots", "1Gi"), false, false).exitCode()));
    assertEquals(2, await(rt.exec(side, List.of("tugboat-usage", "300m"), false, false).exitCode()));
    assertEquals(300_000_000, FakeUsage.cpuNanoCores("300m"));
    assertEquals(512L << 10, FakeUsage.bytes("512Ki"));
    assertEquals(100_000_000, FakeUsage.bytes("100M"));

    await(rt.removePodSandbox(sb));
    String again = await(rt.createContainer(await(rt.runPodSandbox(sandbox("u2"))), container("app", false)));
    await(rt.startContainer(again));
    assertEquals(FakeRuntime.SIMULATED_CPU_NANOCORES, await(rt.listContainerStats()).get(0).cpuUsageNanoCores());
  }
}

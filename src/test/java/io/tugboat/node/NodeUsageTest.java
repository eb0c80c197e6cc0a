package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStats;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ContainerRuntime.SandboxState;
import io.tugboat.runtime.ContainerRuntime.SandboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Building a node's usage snapshot from runtime stats, and reading the host's CPU from /proc/stat. */
class NodeUsageTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final NodeUsage.Usage SYSTEM = new NodeUsage.Usage(20_000_000, 64L << 20);

  private static SandboxStatus sandbox(String id, String name, SandboxState state) {
    return new SandboxStatus(id, name, "ns", "uid-" + name, state, T0, "10.0.0.2");
  }

  private static ContainerStatus container(String id, String sandbox, String name, ContainerState state) {
    return new ContainerStatus(id, sandbox, name, 0, "img", "img@sha256:0", state, T0, T0, null, 0, null, null,
        name + "/0.log");
  }

  private static ContainerStats stats(String id, long cpu, long memory) {
    return new ContainerStats(id, T0, cpu, 0, memory);
  }

  @Test
  void attributesRunningContainersToTheirPodsAndAddsThemToTheSystemUsage() {
    NodeUsage u = NodeUsage.build("n1", T0, Duration.ofSeconds(10), SYSTEM,
        List.of(sandbox("s1", "web", SandboxState.READY), sandbox("s2", "gone", SandboxState.NOTREADY)),
        List.of(container("c2", "s1", "sidecar", ContainerState.RUNNING),
            container("c1", "s1", "app", ContainerState.RUNNING),
            container("c3", "s2", "app", ContainerState.RUNNING),
            container("c4", "s1", "init", ContainerState.EXITED)),
        List.of(stats("c1", 5_000_000, 10L << 20), stats("c2", 250, 1024), stats("c3", 1, 1), stats("c4", 1, 1)));

    NodeUsage.PodUsage web = u.pod("ns", "web").orElseThrow();
    assertEquals("uid-web", web.uid());
    assertEquals(List.of("app", "sidecar"), web.containers().stream().map(NodeUsage.ContainerUsage::name).toList());
    assertEquals(new NodeUsage.Usage(5_000_250, (10L << 20) + 1024), web.total());
    assertTrue(u.pod("ns", "gone").isEmpty(), "a sandbox that is not ready counts for nothing");
    assertEquals(SYSTEM.plus(web.total()), u.usage());
    assertEquals(1, u.pods().size());
  }

  @Test
  void aNodeWithoutPodsReportsItsSystemUsage() {
    NodeUsage u = NodeUsage.build("n1", T0, Duration.ofSeconds(10), SYSTEM, List.of(), List.of(), List.of());
    assertEquals(SYSTEM, u.usage());
    assertTrue(u.pods().isEmpty());
  }

  @Test
  void readsBusyAndTotalJiffiesFromProcStat() {
    String stat = "cpu  100 5 50 800 20 3 2 1 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\nintr 1 2 3\n";
    assertArrayEquals(new long[] {161, 981}, SystemUsage.parseCpuJiffies(stat));
    assertArrayEquals(new long[] {0, 0}, SystemUsage.parseCpuJiffies(""));
  }

  @Test
  void cpuIsTheBusyShareOfTheProcessorsBetweenTwoReadings() {
    // 50 of 200 jiffies busy on 4 processors: one core.
    assertEquals(1_000_000_000L, SystemUsage.cpuNanoCores(new long[] {100, 1000}, new long[] {150, 1200}, 4));
    assertEquals(0, SystemUsage.cpuNanoCores(new long[] {100, 1000}, new long[] {100, 1000}, 4));
  }
}

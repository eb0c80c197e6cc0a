package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ContainerRuntime.SandboxState;
import io.tugboat.runtime.ContainerRuntime.SandboxStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a node's stream server picks the container a request means, and refuses those that do not run. */
class PodStreamServerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final PodStreams.Pod POD = new PodStreams.Pod("default", "web", "u1");

  private static SandboxStatus sandbox(String id, String uid, SandboxState state, int second) {
    return new SandboxStatus(id, "web", "default", uid, state, T0.plusSeconds(second), "10.0.0.2");
  }

  private static ContainerStatus container(String id, String sandbox, String name, int attempt, ContainerState state) {
    return new ContainerStatus(id, sandbox, name, attempt, "busybox", "ref", state, T0, null, null,
        state == ContainerState.EXITED ? 137 : 0, state == ContainerState.EXITED ? "Error" : null, null, "log");
  }

  @Test
  void theCurrentContainerIsTheLatestAttemptInThePodsNewestSandboxAndPreviousTheOneBefore() {
    List<SandboxStatus> sandboxes = List.of(sandbox("s-old", "u1", SandboxState.NOTREADY, 0),
        sandbox("s-new", "u1", SandboxState.READY, 10), sandbox("s-other", "u2", SandboxState.READY, 20));
    List<ContainerStatus> containers = List.of(
        container("c1", "s-old", "app", 5, ContainerState.EXITED),
        container("c2", "s-new", "app", 0, ContainerState.EXITED),
        container("c3", "s-new", "app", 1, ContainerState.RUNNING),
        container("c4", "s-new", "sidecar", 2, ContainerState.RUNNING),
        container("c5", "s-other", "app", 9, ContainerState.RUNNING));
    assertEquals("c3", PodStreamServer.current(sandboxes, containers, "u1", "app").orElseThrow().id());
    assertEquals("c2", PodStreamServer.previous(sandboxes, containers, "u1", "app").orElseThrow().id());
    assertEquals(Optional.empty(), PodStreamServer.previous(sandboxes, containers, "u1", "sidecar"));
    assertEquals(Optional.empty(), PodStreamServer.current(sandboxes, containers, "u1", "nosuch"));
    assertEquals(Optional.empty(), PodStreamServer.current(sandboxes, containers, "u3", "app"));
    assertEquals("s-new", PodStreamServer.readySandbox(sandboxes, "u1").orElseThrow().id());
    assertEquals(Optional.empty(), PodStreamServer.readySandbox(List.of(sandboxes.get(0)), "u1"));
  }

  @Test
  void onlyARunningContainerCanBeExecutedIn() {
    assertEquals(Optional.empty(), PodStreamServer.notRunning(
        Optional.of(container("c", "s", "app", 0, ContainerState.RUNNING)), POD, "app"));
    PodStreams.Refused waiting = PodStreamServer.notRunning(Optional.empty(), POD, "app").orElseThrow();
    assertEquals(new PodStreams.Refused(400, "BadRequest",
        "container \"app\" in pod \"web\" is waiting to start: ContainerCreating"), waiting);
    assertEquals(waiting, PodStreamServer.notRunning(
        Optional.of(container("c", "s", "app", 0, ContainerState.CREATED)), POD, "app").orElseThrow());
    PodStreams.Refused exited = PodStreamServer.notRunning(
        Optional.of(container("c", "s", "app", 0, ContainerState.EXITED)), POD, "app").orElseThrow();
    assertEquals(400, exited.code());
    assertTrue(exited.message().endsWith("is not running: it terminated with exit code 137 (Error)"),
        exited.message());
  }
}

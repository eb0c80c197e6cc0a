package io.tugboat.node;

import static io.tugboat.node.PodStatusesTest.T0;
import static io.tugboat.node.PodStatusesTest.condition;
import static io.tugboat.node.PodStatusesTest.container;
import static io.tugboat.node.PodStatusesTest.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status of restarted, backing-off, failing-to-start and probed containers. */
class PodStatusesRestartTest {

  static final ObjectNode ONE = pod("""
      metadata: {name: web, namespace: default, uid: u1}
      spec:
        containers:
        - name: app
          image: nginx
          readinessProbe: {exec: {command: [ok]}}
      """);

  static JsonNode first(ObjectNode status) {
    return status.path("containerStatuses").get(0);
  }

  @Test
  void aContainerInBackOffIsCrashLoopBackOffWithItsLastRunAndThePodRuns() {
    ContainerTrack t = PodLifecycle.afterExit(ContainerTrack.NEW, container("app", ContainerState.EXITED, 2),
        Backoff.KUBERNETES, T0);
    var second = container("app", ContainerState.EXITED, 2);
    second = new io.tugboat.runtime.ContainerRuntime.ContainerStatus("id-2", "sb", "app", 1, second.image(),
        second.imageRef(), second.state(), second.createdAt(), second.startedAt(), second.finishedAt(), 2, "Error",
        null, "app/1.log");
    t = PodLifecycle.afterExit(t, second, Backoff.KUBERNETES, T0);
    ObjectNode s = PodStatuses.build(ONE, new PodStatuses.Observed("ip", Map.of(), Map.of("app", t)), "h", "tugboat",
        T0, false, T0.plusSeconds(6));
    JsonNode c = first(s);
    assertEquals("CrashLoopBackOff", c.path("state").path("waiting").path("reason").asText());
    assertEquals("back-off 10s restarting failed container=app pod=web_default(u1)",
        c.path("state").path("waiting").path("message").asText());
    assertEquals(2, c.path("lastState").path("terminated").path("exitCode").asInt());
    assertEquals("Error", c.path("lastState").path("terminated").path("reason").asText());
    assertEquals(1, c.path("restartCount").asInt(), "one restart so far; the next instance makes it 2");
    assertEquals("Running", s.path("phase").asText(), "the kubelet counts the ended run: Always keeps it Running");
    assertEquals("False", condition(s, "Ready").path("status").asText());
  }

  @Test
  void waitingReasonsOfFailedStartsShowWithTheirMessage() {
    ContainerTrack t = ContainerTrack.NEW.waiting("CreateContainerConfigError", "configmap \"c\" not found");
    ObjectNode s = PodStatuses.build(ONE, new PodStatuses.Observed("ip", Map.of(), Map.of("app", t)), "h", "t", T0,
        false, T0);
    assertEquals("CreateContainerConfigError", first(s).path("state").path("waiting").path("reason").asText());
    assertEquals("configmap \"c\" not found", first(s).path("state").path("waiting").path("message").asText());
    assertEquals("Pending", s.path("phase").asText());
  }

  @Test
  void readinessProbeVerdictDecidesReadyAndTheConditions() {
    var running = Map.of("app", container("app", ContainerState.RUNNING, 0));
    ObjectNode notYet = PodStatuses.build(ONE, new PodStatuses.Observed("ip", running,
        Map.of("app", ContainerTrack.NEW)), "h", "t", T0, false, T0);
    assertFalse(first(notYet).path("ready").asBoolean());
    assertTrue(first(notYet).path("started").asBoolean());
    assertEquals("Running", notYet.path("phase").asText());
    assertEquals("False", condition(notYet, "ContainersReady").path("status").asText());
    ObjectNode ready = PodStatuses.build(ONE, new PodStatuses.Observed("ip", running,
        Map.of("app", ContainerTrack.NEW.withReady(true))), "h", "t", T0, false, T0);
    assertTrue(first(ready).path("ready").asBoolean());
    assertEquals("True", condition(ready, "Ready").path("status").asText());
  }

  @Test
  void aFailedInitContainerThatWillRestartKeepsThePodPendingAndNeverFailsIt() {
    ObjectNode withInit = pod("""
        metadata: {name: web, namespace: default, uid: u1}
        spec:
          initContainers: [{name: setup, image: busybox}]
          containers: [{name: app, image: nginx}]
        """);
    ContainerTrack t = PodLifecycle.afterExit(ContainerTrack.NEW, container("setup", ContainerState.EXITED, 1),
        Backoff.KUBERNETES, T0);
    ObjectNode s = PodStatuses.build(withInit, new PodStatuses.Observed("ip", Map.of(), Map.of("setup", t)), "h",
        "t", T0, false, T0);
    assertEquals("Pending", s.path("phase").asText());
    assertEquals("Error", s.path("initContainerStatuses").get(0).path("lastState").path("terminated")
        .path("reason").asText());
    ObjectNode never = withInit.deepCopy();
    ((ObjectNode) never.get("spec")).put("restartPolicy", "Never");
    ObjectNode failed = PodStatuses.build(never, new PodStatuses.Observed("ip",
        Map.of("setup", container("setup", ContainerState.EXITED, 1)), Map.of()), "h", "t", T0, false, T0);
    assertEquals("Failed", failed.path("phase").asText());
    assertEquals("Error", failed.path("initContainerStatuses").get(0).path("state").path("terminated")
        .path("reason").asText());
  }

  @Test
  void anOomKilledContainerShowsTheReasonAndTheRestartCountSurvivesAnAgentRestart() {
    var oom = container("app", ContainerState.EXITED, 137);
    oom = new io.tugboat.runtime.ContainerRuntime.ContainerStatus(oom.id(), "sb", "app", 4, oom.image(),
        oom.imageRef(), oom.state(), oom.createdAt(), oom.startedAt(), oom.finishedAt(), 137, "OOMKilled", null,
        "app/4.log");
    // A new agent knows nothing but the runtime's instance (attempt 4): the next one is attempt 5.
    ContainerTrack t = PodLifecycle.afterExit(ContainerTrack.NEW, oom, Backoff.KUBERNETES, T0);
    assertEquals(5, t.restartCount());
    ObjectNode s = PodStatuses.build(ONE, new PodStatuses.Observed("ip", Map.of(), Map.of("app", t)), "h", "t", T0,
        false, T0);
    assertEquals("OOMKilled", first(s).path("lastState").path("terminated").path("reason").asText());
    assertEquals(137, first(s).path("lastState").path("terminated").path("exitCode").asInt());
    assertEquals(4, first(s).path("restartCount").asInt());
  }
}

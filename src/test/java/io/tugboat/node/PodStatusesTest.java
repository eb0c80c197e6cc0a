package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod status a node reports from what it observed. */
class PodStatusesTest {

  static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  static ObjectNode pod(String yaml) {
    try {
      return (ObjectNode) Json.YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final ObjectNode WEB = pod("""
      metadata: {name: web, namespace: default, uid: u1}
      spec:
        nodeName: n1
        containers: [{name: app, image: nginx}, {name: side, image: "registry.local:5000/side:v2"}]
      status:
        phase: Pending
        conditions: [{type: PodScheduled, status: "True", lastTransitionTime: "2026-01-02T03:00:00Z"}]
      """);

  static ContainerStatus container(String name, ContainerState state, int exitCode) {
    return new ContainerStatus("id-" + name, "sb", name, 0, "docker.io/library/nginx:latest",
        "docker.io/library/nginx@sha256:abc", state, T0, state == ContainerState.CREATED ? null : T0,
        state == ContainerState.EXITED ? T0.plusSeconds(5) : null, exitCode,
        state == ContainerState.EXITED ? (exitCode == 0 ? "Completed" : "Error") : null, null, "app/0.log");
  }

  static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    throw new AssertionError("no condition " + type + " in " + status);
  }

  @Test
  void beforeTheSandboxContainersAreCreatingAndThePodPending() {
    ObjectNode s = PodStatuses.build(WEB, new PodStatuses.Observed(null, Map.of()), "10.0.0.5", "tugboat", T0, false,
        T0);
    assertEquals("Pending", s.path("phase").asText());
    assertEquals("10.0.0.5", s.path("hostIP").asText());
    assertFalse(s.has("podIP"));
    assertEquals("2026-01-02T03:04:05Z", s.path("startTime").asText());
    JsonNode app = s.path("containerStatuses").get(0);
    assertEquals("ContainerCreating", app.path("state").path("waiting").path("reason").asText());
    assertEquals("docker.io/library/nginx:latest", app.path("image").asText());
    assertEquals("", app.path("imageID").asText());
    assertFalse(app.path("ready").asBoolean());
    assertFalse(app.path("started").asBoolean());
    assertEquals("registry.local:5000/side:v2", s.path("containerStatuses").get(1).path("image").asText());
    assertEquals("False", condition(s, "PodReadyToStartContainers").path("status").asText());
    assertEquals("True", condition(s, "Initialized").path("status").asText());
    assertEquals("ContainersNotReady", condition(s, "Ready").path("reason").asText());
    assertEquals("containers with unready status: [app, side]", condition(s, "Ready").path("message").asText());
    assertEquals("2026-01-02T03:00:00Z", condition(s, "PodScheduled").path("lastTransitionTime").asText(),
        "PodScheduled is kept as binding set it");
  }

  @Test
  void runningContainersMakeThePodRunningAndReady() {
    Map<String, ContainerStatus> cs = Map.of("app", container("app", ContainerState.RUNNING, 0),
        "side", container("side", ContainerState.RUNNING, 0));
    ObjectNode s = PodStatuses.build(WEB, new PodStatuses.Observed("10.244.0.2", cs), "10.0.0.5", "tugboat", T0,
        false, T0.plusSeconds(2));
    assertEquals("Running", s.path("phase").asText());
    assertEquals("10.244.0.2", s.path("podIP").asText());
    assertEquals("10.244.0.2", s.path("podIPs").get(0).path("ip").asText());
    JsonNode app = s.path("containerStatuses").get(0);
    assertEquals("2026-01-02T03:04:05Z", app.path("state").path("running").path("startedAt").asText());
    assertTrue(app.path("ready").asBoolean());
    assertTrue(app.path("started").asBoolean());
    assertEquals(0, app.path("restartCount").asInt());
    assertEquals("tugboat://id-app", app.path("containerID").asText());
    assertEquals("docker.io/library/nginx@sha256:abc", app.path("imageID").asText());
    for (String type : new String[] {"PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready",
        "PodScheduled"}) {
      assertEquals("True", condition(s, type).path("status").asText(), type);
    }
    assertEquals("PodReadyToStartContainers", s.path("conditions").get(0).path("type").asText());
  }

  @Test
  void oneContainerStillCreatingKeepsThePodPending() {
    Map<String, ContainerStatus> cs = Map.of("app", container("app", ContainerState.RUNNING, 0));
    ObjectNode s = PodStatuses.build(WEB, new PodStatuses.Observed("10.244.0.2", cs), "10.0.0.5", "tugboat", T0,
        false, T0);
    assertEquals("Pending", s.path("phase").asText());
    assertEquals("containers with unready status: [side]", condition(s, "Ready").path("message").asText());
  }

  @Test
  void exitedContainersFollowTheRestartPolicy() {
    Map<String, ContainerStatus> done = new HashMap<>(Map.of("app", container("app", ContainerState.EXITED, 0),
        "side", container("side", ContainerState.EXITED, 0)));
    ObjectNode never = WEB.deepCopy();
    ((ObjectNode) never.get("spec")).put("restartPolicy", "Never");
    ObjectNode s = PodStatuses.build(never, new PodStatuses.Observed("10.244.0.2", done), "h", "tugboat", T0, false,
        T0);
    assertEquals("Succeeded", s.path("phase").asText());
    assertEquals("PodCompleted", condition(s, "Ready").path("reason").asText());
    JsonNode terminated = s.path("containerStatuses").get(0).path("state").path("terminated");
    assertEquals(0, terminated.path("exitCode").asInt());
    assertEquals("Completed", terminated.path("reason").asText());
    assertEquals("2026-01-02T03:04:10Z", terminated.path("finishedAt").asText());

    done.put("side", container("side", ContainerState.EXITED, 1));
    assertEquals("Failed", PodStatuses.build(never, new PodStatuses.Observed("ip", done), "h", "t", T0, false, T0)
        .path("phase").asText());
    assertEquals("Running", PodStatuses.build(WEB, new PodStatuses.Observed("ip", done), "h", "t", T0, false, T0)
        .path("phase").asText(), "Always: the kubelet restarts them, so the pod stays Running");
    assertEquals("Failed", PodStatuses.build(WEB, new PodStatuses.Observed("ip", done), "h", "t", T0, true, T0)
        .path("phase").asText(), "stopped for deletion, a failed container fails the pod");
  }

  @Test
  void initContainersGateInitializedAndTheOthersWaitForThem() {
    ObjectNode withInit = pod("""
        metadata: {name: web, namespace: default, uid: u1}
        spec:
          initContainers: [{name: setup, image: busybox}]
          containers: [{name: app, image: nginx}]
        """);
    ObjectNode s = PodStatuses.build(withInit, new PodStatuses.Observed("ip",
        Map.of("setup", container("setup", ContainerState.RUNNING, 0))), "h", "t", T0, false, T0);
    assertEquals("Pending", s.path("phase").asText());
    assertEquals("False", condition(s, "Initialized").path("status").asText());
    assertEquals("containers with incomplete status: [setup]", condition(s, "Initialized").path("message").asText());
    assertEquals("PodInitializing",
        s.path("containerStatuses").get(0).path("state").path("waiting").path("reason").asText());
    assertFalse(s.path("initContainerStatuses").get(0).path("ready").asBoolean());

    ObjectNode after = PodStatuses.build(withInit, new PodStatuses.Observed("ip",
        Map.of("setup", container("setup", ContainerState.EXITED, 0), "app", container("app", ContainerState.RUNNING,
            0))), "h", "t", T0, false, T0);
    assertEquals("Running", after.path("phase").asText());
    assertEquals("True", condition(after, "Initialized").path("status").asText());
  }

  @Test
  void aPodCreatedWithItsNodeNameIsReportedScheduled() {
    ObjectNode direct = pod("""
        metadata: {name: web, namespace: default, uid: u1}
        spec: {nodeName: n1, containers: [{name: app, image: nginx}]}
        """);
    ObjectNode s = PodStatuses.build(direct, new PodStatuses.Observed(null, Map.of()), "h", "t", T0, false, T0);
    assertEquals("True", condition(s, "PodScheduled").path("status").asText());
    assertEquals("PodScheduled", s.path("conditions").get(4).path("type").asText());
  }

  @Test
  void hostNetworkPodsUseTheHostIp() {
    ObjectNode host = WEB.deepCopy();
    ((ObjectNode) host.get("spec")).put("hostNetwork", true);
    ObjectNode s = PodStatuses.build(host, new PodStatuses.Observed("10.244.0.9", Map.of()), "10.0.0.5", "t", T0,
        false, T0);
    assertEquals("10.0.0.5", s.path("podIP").asText());
  }
}

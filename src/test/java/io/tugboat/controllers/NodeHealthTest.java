package io.tugboat.controllers;

import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which nodes are stale at a time, the conditions a stale node gets, and the taints conditions call for. */
class NodeHealthTest {

  private static final Duration GRACE = Duration.ofSeconds(40);
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  static ObjectNode node(String ready, String heartbeat) {
    return yaml("""
        metadata: {name: n1, creationTimestamp: "2026-11-22T09:00:00Z"}
        spec: {}
        status:
          conditions:
          - {type: MemoryPressure, status: "False", lastHeartbeatTime: "%2$s", reason: KubeletHasSufficientMemory}
          - {type: DiskPressure, status: "False", lastHeartbeatTime: "%2$s"}
          - {type: PIDPressure, status: "False", lastHeartbeatTime: "%2$s"}
          - {type: Ready, status: "%1$s", lastHeartbeatTime: "%2$s", lastTransitionTime: "2026-11-22T09:00:00Z",
             reason: KubeletReady, message: kubelet is posting ready status}
        """.formatted(ready, heartbeat));
  }

  static ObjectNode lease(String renewTime) {
    return yaml("""
        metadata: {name: n1, namespace: kube-node-lease}
        spec: {holderIdentity: n1, leaseDurationSeconds: 40, renewTime: "%s"}
        """.formatted(renewTime));
  }

  @Test
  void aNodeIsStaleOnceNeitherLeaseNorStatusRenewedForTheGracePeriod() {
    ObjectNode node = node("True", "2026-11-22T09:55:00Z");
    ObjectNode lease = lease("2026-11-22T09:59:30.123456Z");
    assertEquals(Instant.parse("2026-11-22T09:59:30.123456Z"), NodeHealth.lastHeartbeat(node, lease));
    assertFalse(NodeHealth.stale(node, lease, T0, GRACE));
    assertFalse(NodeHealth.stale(node, lease, Instant.parse("2026-11-22T10:00:10Z"), GRACE));
    assertTrue(NodeHealth.stale(node, lease, Instant.parse("2026-11-22T10:00:10.123456Z"), GRACE));
    // Without a lease the Ready heartbeat counts; without either, creation.
    assertTrue(NodeHealth.stale(node, null, T0, GRACE));
    assertFalse(NodeHealth.stale(node("True", "2026-11-22T09:59:50Z"), null, T0, GRACE));
    ObjectNode bare = yaml("metadata: {name: n2, creationTimestamp: '2026-11-22T09:59:30Z'}");
    assertFalse(NodeHealth.stale(bare, null, T0, GRACE));
    assertEquals(Instant.parse("2026-11-22T10:00:10Z"), NodeHealth.staleAt(bare, null, GRACE));
  }

  @Test
  void markingUnknownKeepsTheHeartbeatAndSaysTheKubeletStoppedPosting() {
    ObjectNode node = node("True", "2026-11-22T09:55:00Z");
    ObjectNode unknown = NodeHealth.markUnknown(node, T0).orElseThrow();
    for (String type : NodeHealth.AGENT_CONDITIONS) {
      JsonNode c = NodeHealth.condition(unknown, type).orElseThrow();
      assertEquals("Unknown", c.path("status").asText(), type);
      assertEquals("NodeStatusUnknown", c.path("reason").asText());
      assertEquals("Kubelet stopped posting node status.", c.path("message").asText());
      assertEquals("2026-11-22T09:55:00Z", c.path("lastHeartbeatTime").asText());
      assertEquals("2026-11-22T10:00:00Z", c.path("lastTransitionTime").asText());
    }
    assertTrue(NodeHealth.markUnknown(unknown, T0.plusSeconds(5)).isEmpty(), "already Unknown: nothing to write");
    assertEquals("True", NodeHealth.conditionStatus(node, "Ready"), "the input is not changed");
  }

  @Test
  void aNodeThatNeverPostedGetsNeverUpdatedConditions() {
    ObjectNode bare = yaml("metadata: {name: n2, creationTimestamp: '2026-11-22T09:00:00Z'}");
    ObjectNode unknown = NodeHealth.markUnknown(bare, T0).orElseThrow();
    JsonNode ready = NodeHealth.condition(unknown, "Ready").orElseThrow();
    assertEquals("NodeStatusNeverUpdated", ready.path("reason").asText());
    assertEquals("Kubelet never posted node status.", ready.path("message").asText());
    assertEquals("2026-11-22T09:00:00Z", ready.path("lastHeartbeatTime").asText());
  }

  @Test
  void readyUnknownIsTaintedUnreachableAndReadyFalseNotReady() {
    ObjectNode unknown = NodeHealth.markUnknown(node("True", "2026-11-22T09:55:00Z"), T0).orElseThrow();
    assertEquals(List.of("node.kubernetes.io/unreachable:NoExecute@2026-11-22T10:00:00Z",
        "node.kubernetes.io/unreachable:NoSchedule@2026-11-22T10:00:00Z"), taints(NodeHealth.desiredTaints(unknown, T0)));
    assertEquals(List.of("node.kubernetes.io/not-ready:NoExecute@2026-11-22T10:00:00Z",
        "node.kubernetes.io/not-ready:NoSchedule@2026-11-22T10:00:00Z"),
        taints(NodeHealth.desiredTaints(node("False", "2026-11-22T09:59:55Z"), T0)));
    assertEquals(List.of(), taints(NodeHealth.desiredTaints(node("True", "2026-11-22T09:59:55Z"), T0)));
  }

  @Test
  void existingTaintsKeepTheirTimeAndForeignTaintsStay() {
    ObjectNode node = NodeHealth.markUnknown(node("True", "2026-11-22T09:55:00Z"), T0).orElseThrow();
    node.with("spec").set("taints", yaml("""
        t:
        - {key: dedicated, value: gpu, effect: NoSchedule}
        - {key: node.kubernetes.io/unreachable, effect: NoExecute, timeAdded: "2026-11-22T09:58:00Z"}
        - {key: node.kubernetes.io/not-ready, effect: NoExecute, timeAdded: "2026-11-22T09:50:00Z"}
        """).get("t"));
    assertEquals(List.of("dedicated:NoSchedule@", "node.kubernetes.io/unreachable:NoExecute@2026-11-22T09:58:00Z",
        "node.kubernetes.io/unreachable:NoSchedule@2026-11-22T10:00:00Z"), taints(NodeHealth.desiredTaints(node, T0)));
  }

  @Test
  void aNodeBackToReadyLosesTheManagedTaintsOnly() {
    ObjectNode node = node("True", "2026-11-22T09:59:59Z");
    node.with("spec").set("taints", yaml("""
        t:
        - {key: node.kubernetes.io/unreachable, effect: NoExecute, timeAdded: "2026-11-22T09:58:00Z"}
        - {key: dedicated, value: gpu, effect: NoExecute}
        """).get("t"));
    assertEquals(List.of("dedicated:NoExecute@"), taints(NodeHealth.desiredTaints(node, T0)));
  }

  @Test
  void pressureAndCordonGiveNoScheduleTaints() {
    ObjectNode node = node("True", "2026-11-22T09:59:59Z");
    ((ObjectNode) NodeHealth.condition(node, "DiskPressure").orElseThrow()).put("status", "True");
    node.with("spec").put("unschedulable", true);
    assertEquals(List.of("node.kubernetes.io/disk-pressure:NoSchedule@2026-11-22T10:00:00Z",
        "node.kubernetes.io/unschedulable:NoSchedule@2026-11-22T10:00:00Z"), taints(NodeHealth.desiredTaints(node, T0)));
  }

  static List<String> taints(ArrayNode taints) {
    List<String> out = new ArrayList<>();
    for (JsonNode t : taints) {
      out.add(t.path("key").asText() + ":" + t.path("effect").asText() + "@" + t.path("timeAdded").asText(""));
    }
    return out;
  }
}

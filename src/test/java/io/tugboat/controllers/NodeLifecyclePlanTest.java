package io.tugboat.controllers;

import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One pass of the node lifecycle controller at a given time: the writes it plans and when it wakes next. */
class NodeLifecyclePlanTest {

  private static final Duration GRACE = Duration.ofSeconds(40);
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private static ObjectNode pod(String name, String tolerationSeconds) {
    return yaml("""
        metadata: {name: %s, namespace: default, uid: uid-%1$s}
        spec:
          nodeName: n1
          tolerations:
          - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: %s}
        status:
          phase: Running
          conditions: [{type: Ready, status: "True"}]
        """.formatted(name, tolerationSeconds));
  }

  private static NodeLifecycle.Plan plan(JsonNode node, JsonNode lease, List<JsonNode> pods, Instant now) {
    return NodeLifecycle.plan(List.of(node), Map.of("n1", lease)::get, pods, now, GRACE);
  }

  @Test
  void aFreshNodeNeedsNothingAndWakesWhenItWouldGoStale() {
    ObjectNode node = NodeHealthTest.node("True", "2026-11-22T09:59:00Z");
    NodeLifecycle.Plan plan = plan(node, NodeHealthTest.lease("2026-11-22T09:59:50Z"), List.of(), T0);
    assertEquals(List.of(), plan.actions());
    assertEquals(Optional.of(Instant.parse("2026-11-22T10:00:30Z")), plan.wakeAt());
  }

  @Test
  void aStaleNodeIsFirstMarkedUnknownThenTainted() {
    ObjectNode node = NodeHealthTest.node("True", "2026-11-22T09:50:00Z");
    JsonNode lease = NodeHealthTest.lease("2026-11-22T09:59:00Z");
    NodeLifecycle.Plan first = plan(node, lease, List.of(), T0);
    assertEquals(1, first.actions().size());
    NodeLifecycle.MarkNodeUnknown mark = assertInstanceOf(NodeLifecycle.MarkNodeUnknown.class, first.actions().get(0));
    assertEquals("Unknown", NodeHealth.conditionStatus(mark.node(), "Ready"));

    NodeLifecycle.Plan second = plan(mark.node(), lease, List.of(), T0.plusSeconds(1));
    NodeLifecycle.SetTaints taint = assertInstanceOf(NodeLifecycle.SetTaints.class, second.actions().get(0));
    assertEquals(List.of("node.kubernetes.io/unreachable:NoExecute@2026-11-22T10:00:01Z",
        "node.kubernetes.io/unreachable:NoSchedule@2026-11-22T10:00:01Z"),
        NodeHealthTest.taints((com.fasterxml.jackson.databind.node.ArrayNode) taint.node().path("spec").path("taints")));
    // Stable once written.
    assertEquals(List.of(), plan(taint.node(), lease, List.of(), T0.plusSeconds(2)).actions());
  }

  @Test
  void podsOnATaintedNodeAreMarkedNotReadyThenEvictedWhenTheirTolerationRunsOut() {
    ObjectNode node = NodeHealth.markUnknown(NodeHealthTest.node("True", "2026-11-22T09:50:00Z"), T0).orElseThrow();
    node.with("spec").set("taints", NodeHealth.desiredTaints(node, T0));
    JsonNode lease = NodeHealthTest.lease("2026-11-22T09:50:00Z");
    List<JsonNode> pods = List.of(pod("short", "10"), pod("long", "300"));

    NodeLifecycle.Plan before = plan(node, lease, pods, T0.plusSeconds(5));
    assertEquals(2, before.actions().size());
    before.actions().forEach(a -> assertInstanceOf(NodeLifecycle.MarkPodNotReady.class, a));
    assertEquals(Optional.of(T0.plusSeconds(10)), before.wakeAt());

    NodeLifecycle.Plan at10 = plan(node, lease, pods, T0.plusSeconds(10));
    NodeLifecycle.EvictPod evict = assertInstanceOf(NodeLifecycle.EvictPod.class, at10.actions().get(0));
    assertEquals("short", evict.key().name());
    assertEquals("uid-short", evict.uid());
    assertEquals(Optional.of(T0.plusSeconds(300)), at10.wakeAt());

    NodeLifecycle.Plan at300 = plan(node, lease, pods, T0.plusSeconds(300));
    assertEquals(2, at300.actions().stream().filter(a -> a instanceof NodeLifecycle.EvictPod).count());
  }

  @Test
  void aNodeThatComesBackLosesItsTaints() {
    ObjectNode node = NodeHealthTest.node("True", "2026-11-22T09:59:59Z");
    node.with("spec").set("taints", yaml("""
        t:
        - {key: node.kubernetes.io/unreachable, effect: NoExecute, timeAdded: "2026-11-22T09:00:00Z"}
        - {key: node.kubernetes.io/unreachable, effect: NoSchedule, timeAdded: "2026-11-22T09:00:00Z"}
        """).get("t"));
    NodeLifecycle.Plan plan = plan(node, NodeHealthTest.lease("2026-11-22T09:59:59Z"), List.of(), T0);
    NodeLifecycle.SetTaints set = assertInstanceOf(NodeLifecycle.SetTaints.class, plan.actions().get(0));
    assertEquals(false, set.node().path("spec").has("taints"));
  }
}

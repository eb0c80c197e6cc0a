package io.tugboat.scheduler;

import static io.tugboat.scheduler.Fixtures.cluster;
import static io.tugboat.scheduler.Fixtures.node;
import static io.tugboat.scheduler.Fixtures.nodes;
import static io.tugboat.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStateTest {

  @Test
  void assumedPodsCountOnTheirNodeUntilForgotten() {
    ClusterState c = cluster(nodes(node("n1")));
    PodInfo p = pod("p", "1", "1Gi", "");
    c.applyPod(p.key(), p.uid(), p.object());
    assertEquals(p.uid(), c.pending("p").uid());
    c.assume(c.pending("p"), "n1");
    assertNull(c.pending("p"));
    assertEquals(1000, c.node("n1").requested().milliCpu());
    assertTrue(c.forget(p));
    assertEquals(0, c.node("n1").requested().milliCpu());
    assertEquals("p", c.pending("p").name());
  }

  @Test
  void theBindingSeenThroughTheWatchConfirmsTheAssumption() {
    ClusterState c = cluster(nodes(node("n1")));
    PodInfo p = pod("p", "1", "1Gi", "");
    c.applyPod(p.key(), p.uid(), p.object());
    c.assume(c.pending("p"), "n1");
    ObjectNode bound = p.object().deepCopy();
    bound.with("spec").put("nodeName", "n1");
    assertFalse(c.applyPod(p.key(), p.uid(), bound));
    assertFalse(c.isAssumed("p"));
    assertFalse(c.forget(p), "nothing to forget once bound");
    assertEquals(1000, c.node("n1").requested().milliCpu());
  }

  @Test
  void anUnboundUpdateDuringBindingKeepsTheAssumption() {
    ClusterState c = cluster(nodes(node("n1")));
    PodInfo p = pod("p", "1", "1Gi", "");
    c.applyPod(p.key(), p.uid(), p.object());
    c.assume(c.pending("p"), "n1");
    c.applyPod(p.key(), p.uid(), p.object());
    assertNull(c.pending("p"));
    assertEquals("n1", c.nodeOf("p"));
  }

  @Test
  void deletedAndFinishedPodsFreeTheirNode() {
    PodInfo a = pod("a", "1", "1Gi", "spec: {nodeName: n1}");
    PodInfo b = pod("b", "1", "1Gi", "spec: {nodeName: n1}");
    ClusterState c = cluster(nodes(node("n1")), a, b);
    assertEquals(2000, c.node("n1").requested().milliCpu());
    assertTrue(c.applyPod(a.key(), a.uid(), null));
    ObjectNode done = b.object().deepCopy();
    done.with("status").put("phase", "Succeeded");
    assertTrue(c.applyPod(b.key(), b.uid(), done));
    assertEquals(0, c.node("n1").requested().milliCpu());
  }

  @Test
  void podsOfOtherSchedulersOrBeingDeletedAreNotPending() {
    ClusterState c = cluster(nodes(node("n1")));
    PodInfo other = pod("o", "0", "0", "spec: {schedulerName: my-scheduler}");
    PodInfo going = pod("g", "0", "0", "metadata: {deletionTimestamp: '2026-01-01T00:00:00Z'}");
    c.applyPod(other.key(), other.uid(), other.object());
    c.applyPod(going.key(), going.uid(), going.object());
    assertTrue(c.pendingPods().isEmpty());
  }

  @Test
  void podsBoundToAnUnknownNodeWaitForIt() {
    ClusterState c = cluster(nodes(), pod("a", "1", "1Gi", "spec: {nodeName: later}"));
    assertEquals(List.of(), c.nodeNames());
    assertTrue(c.applyNode("later", node("later")));
    assertEquals(List.of("later"), c.nodeNames());
    assertEquals(1000, c.node("later").requested().milliCpu());
  }

  @Test
  void onlyChangesTheFiltersReadMayHelpWaitingPods() {
    ObjectNode n = node("n1", "status: {conditions: [{type: Ready, status: 'True', lastHeartbeatTime: t1}]}");
    ClusterState c = cluster(nodes(n));
    ObjectNode heartbeat = n.deepCopy();
    ((ObjectNode) heartbeat.path("status").path("conditions").get(0)).put("lastHeartbeatTime", "t2");
    assertFalse(c.applyNode("n1", heartbeat));
    ObjectNode uncordoned = heartbeat.deepCopy();
    uncordoned.with("spec").put("unschedulable", true);
    assertTrue(c.applyNode("n1", uncordoned));
    ObjectNode labelled = uncordoned.deepCopy();
    labelled.with("metadata").with("labels").put("disk", "ssd");
    assertTrue(c.applyNode("n1", labelled));
  }
}

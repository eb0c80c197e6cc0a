package io.tugboat.scheduler;

import static io.tugboat.scheduler.Fixtures.cluster;
import static io.tugboat.scheduler.Fixtures.node;
import static io.tugboat.scheduler.Fixtures.nodes;
import static io.tugboat.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulingAlgorithmTest {

  private static SchedulingAlgorithm algorithm() {
    return SchedulingAlgorithm.defaults(0, 42);
  }

  @Test
  void countsTheReasonsOfEveryNodeAsKubernetesDoes() {
    ClusterState c = cluster(nodes(node("n1", "spec: {unschedulable: true}"), node("n2", "1", "1Gi", 110, ""),
        node("n3", "1", "1Gi", 110, "")));
    var d = assertInstanceOf(SchedulingAlgorithm.Unschedulable.class, algorithm().schedule(pod("p", "2", "0", ""), c));
    assertEquals("0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.", d.message());
    assertEquals(3, d.failures().size());
  }

  @Test
  void saysSoWhenThereAreNoNodes() {
    var d = assertInstanceOf(SchedulingAlgorithm.Unschedulable.class,
        algorithm().schedule(pod("metadata: {name: p}"), cluster(nodes())));
    assertEquals("0/0 nodes are available: no nodes available to schedule pods.", d.message());
  }

  @Test
  void picksTheOnlyFeasibleNode() {
    ClusterState c = cluster(nodes(node("big", "8", "16Gi", 110, ""), node("small", "1", "1Gi", 110, "")));
    var d = assertInstanceOf(SchedulingAlgorithm.Scheduled.class, algorithm().schedule(pod("p", "4", "1Gi", ""), c));
    assertEquals("big", d.node());
  }

  @Test
  void picksTheBestScoredNode() {
    ClusterState c = cluster(nodes(node("a"), node("b"), node("c", "metadata: {labels: {disk: ssd}}")),
        pod("x", "3", "6Gi", "spec: {nodeName: a}"));
    PodInfo p = pod("p", "100m", "100Mi", """
        spec:
          affinity:
            nodeAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - {weight: 100, preference: {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}}
        """);
    assertEquals("c", ((SchedulingAlgorithm.Scheduled) algorithm().schedule(p, c)).node());
    assertEquals("b", ((SchedulingAlgorithm.Scheduled) algorithm().schedule(pod("q", "1", "1Gi", ""),
        cluster(nodes(node("a"), node("b")), pod("x", "3", "6Gi", "spec: {nodeName: a}")))).node());
  }

  @Test
  void breaksTiesWithTheSeed() {
    ClusterState c = cluster(nodes(node("a"), node("b"), node("c"), node("d")));
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    SchedulingAlgorithm x = SchedulingAlgorithm.defaults(0, 7);
    SchedulingAlgorithm y = SchedulingAlgorithm.defaults(0, 7);
    for (int i = 0; i < 20; i++) {
      first.add(((SchedulingAlgorithm.Scheduled) x.schedule(pod("metadata: {name: p}"), c)).node());
      second.add(((SchedulingAlgorithm.Scheduled) y.schedule(pod("metadata: {name: p}"), c)).node());
    }
    assertEquals(first, second);
    assertNotEquals(1, new HashSet<>(first).size(), "ties spread over the equal nodes: " + first);
  }

  @Test
  void evaluatesOnlyASampleOfALargeClusterStartingWhereTheLastPodStopped() {
    ObjectNode[] many = new ObjectNode[1000];
    for (int i = 0; i < many.length; i++) {
      many[i] = node("n%04d".formatted(i));
    }
    ClusterState c = cluster(many);
    SchedulingAlgorithm a = algorithm();
    assertEquals(420, a.feasibleNodesToFind(1000)); // (50 - 1000/125)% = 42%
    Set<String> chosen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      var d = assertInstanceOf(SchedulingAlgorithm.Scheduled.class, a.schedule(pod("metadata: {name: p}"), c));
      assertEquals(420, d.evaluated());
      chosen.add(d.node());
    }
    assertEquals(3, chosen.size(), "each pod looks at the next slice of nodes");
  }

  @Test
  void theSampleIsAdaptiveWithAFloor() {
    SchedulingAlgorithm a = algorithm();
    assertEquals(99, a.feasibleNodesToFind(99));
    assertEquals(100, a.feasibleNodesToFind(150)); // 48% of 150 is 72, below the floor of 100
    assertEquals(500, a.feasibleNodesToFind(5000)); // 10%
    assertEquals(500, a.feasibleNodesToFind(10000)); // 5%, the least
    assertEquals(300, SchedulingAlgorithm.defaults(30, 1).feasibleNodesToFind(1000));
  }

  @Test
  void reservesRoomForPodsNominatedByPreemption() {
    ClusterState c = cluster(nodes(node("n1", "2", "4Gi", 110, "")));
    PodInfo important = pod("vip", "2", "1Gi", "spec: {priority: 100}\nstatus: {nominatedNodeName: n1}");
    c.applyPod(important.key(), important.uid(), important.object());
    var d = assertInstanceOf(SchedulingAlgorithm.Unschedulable.class,
        algorithm().schedule(pod("low", "1", "1Gi", ""), c));
    assertEquals("0/1 nodes are available: 1 Insufficient cpu.", d.message());
    assertInstanceOf(SchedulingAlgorithm.Scheduled.class, algorithm().schedule(c.pending("vip"), c));
  }
}

package io.tugboat.scheduler;

import static io.tugboat.scheduler.Fixtures.cluster;
import static io.tugboat.scheduler.Fixtures.node;
import static io.tugboat.scheduler.Fixtures.nodes;
import static io.tugboat.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoresTest {

  private static List<NodeInfo> all(ClusterState c) {
    return c.nodeNames().stream().map(c::node).toList();
  }

  @Test
  void leastAllocatedPrefersEmptierNodes() {
    ClusterState c = cluster(nodes(node("a", "4", "8Gi", 110, ""), node("b", "4", "8Gi", 110, "")),
        pod("x", "2", "4Gi", "spec: {nodeName: a}"));
    long[] s = new LeastAllocated(1).score(pod("p", "1", "2Gi", ""), all(c), c);
    assertArrayEquals(new long[] {25, 75}, s);
  }

  @Test
  void balancedAllocationPrefersEqualFractions() {
    ClusterState c = cluster(nodes(node("a", "4", "8Gi", 110, ""), node("b", "4", "8Gi", 110, "")),
        pod("x", "2", "0", "spec: {nodeName: a, containers: [{name: c, image: i, resources: {requests: {cpu: '2', memory: 200Mi}}}]}"),
        pod("y", "1", "2Gi", "spec: {nodeName: b}"));
    long[] s = new BalancedAllocation(1).score(pod("p", "1", "2Gi", ""), all(c), c);
    assertTrue(s[1] > s[0], "b stays balanced: " + s[0] + " vs " + s[1]);
    assertArrayEquals(new long[] {100}, new BalancedAllocation(1).score(pod("p", "1", "2Gi", ""),
        List.of(c.node("b")), c));
  }

  @Test
  void preferredNodeAffinitySumsWeights() {
    ClusterState c = cluster(nodes(node("a", "metadata: {labels: {disk: ssd, zone: z1}}"),
        node("b", "metadata: {labels: {disk: ssd}}"), node("c")));
    PodInfo p = pod("""
        metadata: {name: p}
        spec:
          affinity:
            nodeAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - {weight: 30, preference: {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}}
              - {weight: 10, preference: {matchExpressions: [{key: zone, operator: Exists}]}}
        """);
    assertArrayEquals(new long[] {100, 75, 0}, new NodeAffinity(2).score(p, all(c), c));
  }

  @Test
  void taintTolerationPrefersFewerUntoleratedSoftTaints() {
    ClusterState c = cluster(nodes(
        node("a", "spec: {taints: [{key: spot, effect: PreferNoSchedule}, {key: old, effect: PreferNoSchedule}]}"),
        node("b", "spec: {taints: [{key: spot, effect: PreferNoSchedule}]}"), node("c")));
    assertArrayEquals(new long[] {0, 50, 100}, new TaintToleration(3).score(pod("metadata: {name: p}"), all(c), c));
    PodInfo tolerant = pod("""
        metadata: {name: t}
        spec: {tolerations: [{key: spot, operator: Exists, effect: PreferNoSchedule}]}
        """);
    assertArrayEquals(new long[] {0, 100, 100}, new TaintToleration(3).score(tolerant, all(c), c));
  }

  @Test
  void ownerSpreadPrefersNodesWithFewerSiblings() {
    String owned = """
        metadata:
          ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: rs-1, controller: true}]
        spec: {nodeName: %s}
        """;
    ClusterState c = cluster(nodes(node("a"), node("b"), node("c")),
        pod("x1", "0", "0", owned.formatted("a")), pod("x2", "0", "0", owned.formatted("a")),
        pod("x3", "0", "0", owned.formatted("b")), pod("other", "0", "0", "spec: {nodeName: c}"));
    PodInfo p = pod("p", "0", "0", owned.formatted("").replace("spec: {nodeName: }", ""));
    assertArrayEquals(new long[] {0, 50, 100}, new OwnerSpread(2).score(p, all(c), c));
    assertArrayEquals(new long[] {0, 0, 0}, new OwnerSpread(2).score(pod("q", "0", "0", ""), all(c), c));
  }
}

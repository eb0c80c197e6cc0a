package io.tugboat.scheduler;

import static io.tugboat.scheduler.Fixtures.check;
import static io.tugboat.scheduler.Fixtures.cluster;
import static io.tugboat.scheduler.Fixtures.node;
import static io.tugboat.scheduler.Fixtures.nodes;
import static io.tugboat.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The node-local filters: resources, node affinity and selector, taints, cordon, host ports. */
class FiltersTest {

  // ---- resources ----

  @Test
  void fitsRequestsAgainstAllocatableMinusAssignedPods() {
    ClusterState c = cluster(nodes(node("n1", "2", "4Gi", 110, "")),
        pod("a", "1500m", "1Gi", "spec: {nodeName: n1}"));
    Filter fit = new NodeResourcesFit();
    assertTrue(check(fit, pod("b", "500m", "3Gi", ""), c, "n1").fits());
    Filter.Result r = check(fit, pod("b", "600m", "4Gi", ""), c, "n1");
    assertEquals(List.of("Insufficient cpu", "Insufficient memory"), r.reasons());
    assertTrue(r.resolvable());
  }

  @Test
  void countsPodsAndExtendedResources() {
    ClusterState c = cluster(nodes(node("n1", "4", "8Gi", 1, "status: {allocatable: {example.com/gpu: '1'}}")),
        pod("a", "0", "0", "spec: {nodeName: n1}"));
    PodInfo gpu = pod("""
        metadata: {name: g}
        spec:
          containers: [{name: c, image: i, resources: {requests: {example.com/gpu: "2"}}}]
        """);
    assertEquals(List.of(NodeResourcesFit.TOO_MANY_PODS, "Insufficient example.com/gpu"),
        check(new NodeResourcesFit(), gpu, c, "n1").reasons());
  }

  @Test
  void aPodRequestingNothingFitsAFullNode() {
    ClusterState c = cluster(nodes(node("n1", "1", "1Gi", 110, "")), pod("a", "1", "1Gi", "spec: {nodeName: n1}"));
    assertTrue(check(new NodeResourcesFit(), pod("metadata: {name: b}"), c, "n1").fits());
  }

  @Test
  void aNodeWithoutStatusTakesNoPods() {
    ClusterState c = cluster(nodes(Fixtures.yaml("metadata: {name: bare}")));
    assertEquals(List.of(NodeResourcesFit.TOO_MANY_PODS),
        check(new NodeResourcesFit(), pod("metadata: {name: p}"), c, "bare").reasons());
  }

  // ---- nodeSelector and node affinity ----

  @Test
  void nodeSelectorNeedsEveryLabel() {
    ClusterState c = cluster(nodes(node("ssd", "metadata: {labels: {disk: ssd, zone: a}}"), node("hdd")));
    PodInfo p = pod("""
        metadata: {name: p}
        spec: {nodeSelector: {disk: ssd}}
        """);
    assertTrue(check(new NodeAffinity(2), p, c, "ssd").fits());
    Filter.Result r = check(new NodeAffinity(2), p, c, "hdd");
    assertEquals(List.of(NodeAffinity.REASON), r.reasons());
    assertFalse(r.resolvable());
  }

  @Test
  void requiredNodeAffinityOperators() {
    ClusterState c = cluster(nodes(node("n1", "metadata: {labels: {zone: a, cores: '8'}}"), node("n2")));
    record Case(String expression, boolean n1, boolean n2) {}
    List<Case> cases = List.of(
        new Case("{key: zone, operator: In, values: [a, b]}", true, false),
        new Case("{key: zone, operator: NotIn, values: [a]}", false, true),
        new Case("{key: zone, operator: Exists}", true, false),
        new Case("{key: zone, operator: DoesNotExist}", false, true),
        new Case("{key: cores, operator: Gt, values: ['4']}", true, false),
        new Case("{key: cores, operator: Lt, values: ['4']}", false, false),
        new Case("{key: cores, operator: Gt, values: [x]}", false, false),
        new Case("{key: zone, operator: Near, values: [a]}", false, false));
    for (Case k : cases) {
      PodInfo p = pod("""
          metadata: {name: p}
          spec:
            affinity:
              nodeAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  nodeSelectorTerms: [{matchExpressions: [%s]}]
          """.formatted(k.expression()));
      assertEquals(k.n1(), check(new NodeAffinity(2), p, c, "n1").fits(), k.expression() + " on n1");
      assertEquals(k.n2(), check(new NodeAffinity(2), p, c, "n2").fits(), k.expression() + " on n2");
    }
  }

  @Test
  void nodeSelectorTermsAreOredAndMatchFieldsNamesTheNode() {
    ClusterState c = cluster(nodes(node("n1", "metadata: {labels: {zone: a}}"), node("n2"), node("n3")));
    PodInfo p = pod("""
        metadata: {name: p}
        spec:
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchExpressions: [{key: zone, operator: In, values: [a]}]
                - matchFields: [{key: metadata.name, operator: In, values: [n2]}]
                - {}
        """);
    assertTrue(check(new NodeAffinity(2), p, c, "n1").fits());
    assertTrue(check(new NodeAffinity(2), p, c, "n2").fits());
    assertFalse(check(new NodeAffinity(2), p, c, "n3").fits(), "an empty term matches nothing");
  }

  // ---- taints and tolerations ----

  @Test
  void untoleratedNoScheduleAndNoExecuteTaintsRuleANodeOut() {
    ClusterState c = cluster(nodes(
        node("gpu", "spec: {taints: [{key: gpu, value: 'true', effect: NoSchedule}]}"),
        node("evict", "spec: {taints: [{key: dedicated, value: db, effect: NoExecute}]}"),
        node("soft", "spec: {taints: [{key: spot, effect: PreferNoSchedule}]}")));
    TaintToleration t = new TaintToleration(3);
    PodInfo plain = pod("metadata: {name: p}");
    Filter.Result r = check(t, plain, c, "gpu");
    assertEquals(List.of("node(s) had untolerated taint {gpu: true}"), r.reasons());
    assertFalse(r.resolvable());
    assertFalse(check(t, plain, c, "evict").fits());
    assertTrue(check(t, plain, c, "soft").fits());
    PodInfo tolerant = pod("""
        metadata: {name: q}
        spec:
          tolerations:
          - {key: gpu, operator: Equal, value: 'true', effect: NoSchedule}
          - {key: dedicated, operator: Exists}
        """);
    assertTrue(check(t, tolerant, c, "gpu").fits());
    assertTrue(check(t, tolerant, c, "evict").fits());
    PodInfo wrongValue = pod("""
        metadata: {name: w}
        spec: {tolerations: [{key: gpu, value: 'false', effect: NoSchedule}]}
        """);
    assertFalse(check(t, wrongValue, c, "gpu").fits());
    PodInfo everything = pod("""
        metadata: {name: e}
        spec: {tolerations: [{operator: Exists}]}
        """);
    assertTrue(check(t, everything, c, "gpu").fits());
  }

  @Test
  void aNotReadyNodeIsTaintedByItsCondition() {
    ClusterState c = cluster(nodes(
        node("down", "status: {conditions: [{type: Ready, status: 'False'}]}"),
        node("lost", "status: {conditions: [{type: Ready, status: Unknown}]}"),
        node("up", "status: {conditions: [{type: Ready, status: 'True'}]}")));
    TaintToleration t = new TaintToleration(3);
    PodInfo p = pod("metadata: {name: p}");
    assertEquals(List.of("node(s) had untolerated taint {node.kubernetes.io/not-ready: }"),
        check(t, p, c, "down").reasons());
    assertEquals(List.of("node(s) had untolerated taint {node.kubernetes.io/unreachable: }"),
        check(t, p, c, "lost").reasons());
    assertTrue(check(t, p, c, "up").fits());
    PodInfo daemon = pod("""
        metadata: {name: d}
        spec:
          tolerations:
          - {key: node.kubernetes.io/not-ready, operator: Exists}
          - {key: node.kubernetes.io/unreachable, operator: Exists}
        """);
    assertTrue(check(t, daemon, c, "down").fits());
    assertTrue(check(t, daemon, c, "lost").fits());
  }

  // ---- cordon ----

  @Test
  void cordonedNodesTakeOnlyPodsToleratingUnschedulable() {
    ClusterState c = cluster(nodes(node("n1", "spec: {unschedulable: true}")));
    assertEquals(List.of(NodeUnschedulable.REASON),
        check(new NodeUnschedulable(), pod("metadata: {name: p}"), c, "n1").reasons());
    PodInfo tolerant = pod("""
        metadata: {name: q}
        spec: {tolerations: [{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}]}
        """);
    assertTrue(check(new NodeUnschedulable(), tolerant, c, "n1").fits());
  }

  // ---- host ports ----

  @Test
  void hostPortsConflictWithPodsOnTheNode() {
    String port = "spec: {containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: %d, protocol: %s}]}]}";
    ClusterState c = cluster(nodes(node("n1")),
        pod("""
            metadata: {name: web}
            spec: {nodeName: n1, containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 8080}]}]}
            """));
    assertEquals(List.of(NodePorts.REASON),
        check(new NodePorts(), pod("metadata: {name: a}\n" + port.formatted(8080, "TCP")), c, "n1").reasons());
    assertTrue(check(new NodePorts(), pod("metadata: {name: b}\n" + port.formatted(8080, "UDP")), c, "n1").fits());
    assertTrue(check(new NodePorts(), pod("metadata: {name: d}\n" + port.formatted(9090, "TCP")), c, "n1").fits());
  }
}

package io.tugboat.scheduler;

import static io.tugboat.scheduler.Fixtures.cluster;
import static io.tugboat.scheduler.Fixtures.node;
import static io.tugboat.scheduler.Fixtures.nodes;
import static io.tugboat.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreemptionTest {

  private static final SchedulingAlgorithm ALGORITHM = SchedulingAlgorithm.defaults(0, 1);
  private static final Preemption PREEMPTION = new Preemption(ALGORITHM.filters());

  private static PodInfo running(String name, String node, String cpu, int priority) {
    return pod(name, cpu, "100Mi", "spec: {nodeName: %s, priority: %d}".formatted(node, priority));
  }

  private static Preemption.Outcome preempt(PodInfo pod, ClusterState c) {
    var failed = assertInstanceOf(SchedulingAlgorithm.Unschedulable.class, ALGORITHM.schedule(pod, c));
    return PREEMPTION.find(pod, c, failed);
  }

  @Test
  void evictsTheFewestLowestPriorityPodsThatMakeRoom() {
    ClusterState c = cluster(nodes(node("a", "4", "8Gi", 110, ""), node("b", "4", "8Gi", 110, "")),
        running("a-low", "a", "2", 1), running("a-mid", "a", "2", 50),
        running("b-low1", "b", "1", 1), running("b-low2", "b", "1", 1), running("b-high", "b", "2", 200));
    Preemption.Outcome o = preempt(pod("vip", "2", "100Mi", "spec: {priority: 100}"), c);
    Preemption.Candidate best = o.candidate().orElseThrow();
    // a needs only a-low (priority 1); b would need both lows (also priority 1, but a larger sum).
    assertEquals("a", best.node());
    assertEquals(List.of("a-low"), best.victims().stream().map(PodInfo::name).toList());
  }

  @Test
  void givesPodsBackWhenTheyAreNotNeeded() {
    ClusterState c = cluster(nodes(node("a", "4", "8Gi", 110, "")),
        running("p1", "a", "1", 5), running("p2", "a", "1", 10), running("p3", "a", "2", 1));
    Preemption.Candidate best = preempt(pod("vip", "2", "100Mi", "spec: {priority: 100}"), c).candidate()
        .orElseThrow();
    assertEquals(List.of("p3"), best.victims().stream().map(PodInfo::name).toList());
  }

  @Test
  void neverEvictsEqualOrHigherPriorityPods() {
    ClusterState c = cluster(nodes(node("a", "2", "8Gi", 110, "")), running("peer", "a", "2", 100));
    Preemption.Outcome o = preempt(pod("vip", "1", "100Mi", "spec: {priority: 100}"), c);
    assertEquals(Optional.empty(), o.candidate());
    assertEquals("preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
        o.message());
  }

  @Test
  void skipsNodesWhereEvictionCannotHelp() {
    ClusterState c = cluster(nodes(node("cordoned", "spec: {unschedulable: true}"), node("full", "1", "8Gi", 110, "")),
        running("low", "full", "1", 0));
    Preemption.Outcome o = preempt(pod("vip", "2", "100Mi", "spec: {priority: 100}"), c);
    assertEquals("preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
        + "1 Preemption is not helpful for scheduling.", o.message());
  }

  @Test
  void respectsPreemptionPolicyAndWaitsForTerminatingVictims() {
    ClusterState c = cluster(nodes(node("a", "1", "8Gi", 110, "")),
        pod("going", "1", "100Mi", "metadata: {deletionTimestamp: '2026-01-01T00:00:00Z'}\nspec: {nodeName: a}"));
    PodInfo never = pod("never", "1", "100Mi", "spec: {priority: 10, preemptionPolicy: Never}");
    assertEquals(Optional.of("preemption: not eligible due to preemptionPolicy=Never."),
        Preemption.ineligible(never, c));
    PodInfo nominated = pod("vip", "1", "100Mi", "spec: {priority: 10}\nstatus: {nominatedNodeName: a}");
    assertTrue(Preemption.ineligible(nominated, c).isPresent());
    assertEquals(Optional.empty(), Preemption.ineligible(pod("vip2", "1", "100Mi", "spec: {priority: 10}"), c));
  }

  @Test
  void evictingMakesRoomForAntiAffinity() {
    ClusterState c = cluster(nodes(node("a", "metadata: {labels: {kubernetes.io/hostname: a}}")),
        pod("""
            metadata: {name: web1, labels: {app: web}}
            spec: {nodeName: a, priority: 1}
            """));
    PodInfo p = pod("""
        metadata: {name: web2, labels: {app: web}}
        spec:
          priority: 100
          affinity:
            podAntiAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
              - {labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}
        """);
    assertEquals(List.of("web1"), preempt(p, c).candidate().orElseThrow().victims().stream()
        .map(PodInfo::name).toList());
  }
}

package io.tugboat.scheduler;

import static io.tugboat.scheduler.Fixtures.check;
import static io.tugboat.scheduler.Fixtures.cluster;
import static io.tugboat.scheduler.Fixtures.node;
import static io.tugboat.scheduler.Fixtures.nodes;
import static io.tugboat.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InterPodAffinityTest {

  private static final InterPodAffinity AFFINITY = new InterPodAffinity(2);

  private static ClusterState zones(PodInfo... pods) {
    return cluster(nodes(
        node("a1", "metadata: {labels: {kubernetes.io/hostname: a1, zone: a}}"),
        node("a2", "metadata: {labels: {kubernetes.io/hostname: a2, zone: a}}"),
        node("b1", "metadata: {labels: {kubernetes.io/hostname: b1, zone: b}}"),
        node("nolabel")), pods);
  }

  private static PodInfo withAffinity(String name, String kind, String topologyKey, String app) {
    return withAffinity(name, kind, topologyKey, app, "");
  }

  private static PodInfo withAffinity(String name, String kind, String topologyKey, String app, String nodeName) {
    return pod("""
        metadata: {name: %s, labels: {app: %s}}
        spec:
          nodeName: "%s"
          affinity:
            %s:
              requiredDuringSchedulingIgnoredDuringExecution:
              - labelSelector: {matchLabels: {app: %s}}
                topologyKey: %s
        """.formatted(name, app, nodeName, kind, app, topologyKey));
  }

  @Test
  void requiredAffinityNeedsAMatchingPodInTheSameDomain() {
    ClusterState c = zones(pod("""
        metadata: {name: db, labels: {app: db}}
        spec: {nodeName: a1}
        """));
    PodInfo web = pod("""
        metadata: {name: web}
        spec:
          affinity:
            podAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
              - {labelSelector: {matchLabels: {app: db}}, topologyKey: zone}
        """);
    assertTrue(check(AFFINITY, web, c, "a1").fits());
    assertTrue(check(AFFINITY, web, c, "a2").fits(), "same zone");
    Filter.Result b = check(AFFINITY, web, c, "b1");
    assertEquals(List.of(InterPodAffinity.AFFINITY), b.reasons());
    assertFalse(b.resolvable());
    assertFalse(check(AFFINITY, web, c, "nolabel").fits(), "no topology label");
  }

  @Test
  void theFirstPodOfAGroupThatSelectsItselfMayGoAnywhereWithTheKey() {
    ClusterState c = zones();
    PodInfo first = withAffinity("first", "podAffinity", "kubernetes.io/hostname", "cache");
    assertTrue(check(AFFINITY, first, c, "b1").fits());
    assertFalse(check(AFFINITY, first, c, "nolabel").fits());
  }

  @Test
  void requiredAntiAffinityKeepsMatchingPodsApart() {
    PodInfo existing = pod("""
        metadata: {name: e, labels: {app: web}}
        spec: {nodeName: a1}
        """);
    ClusterState c = zones(existing);
    PodInfo hostAnti = withAffinity("p", "podAntiAffinity", "kubernetes.io/hostname", "web");
    Filter.Result r = check(AFFINITY, hostAnti, c, "a1");
    assertEquals(List.of(InterPodAffinity.ANTI_AFFINITY), r.reasons());
    assertTrue(r.resolvable());
    assertTrue(check(AFFINITY, hostAnti, c, "a2").fits());
    PodInfo zoneAnti = withAffinity("q", "podAntiAffinity", "zone", "web");
    assertFalse(check(AFFINITY, zoneAnti, c, "a2").fits(), "any label key is a topology");
    assertTrue(check(AFFINITY, zoneAnti, c, "b1").fits());
    assertTrue(check(AFFINITY, zoneAnti, c, "nolabel").fits());
  }

  @Test
  void existingPodsAntiAffinityKeepsTheNewPodAway() {
    ClusterState c = zones(withAffinity("loner", "podAntiAffinity", "zone", "web", "a1"));
    PodInfo web = pod("metadata: {name: w, labels: {app: web}}");
    assertEquals(List.of(InterPodAffinity.EXISTING_ANTI_AFFINITY), check(AFFINITY, web, c, "a2").reasons());
    assertTrue(check(AFFINITY, web, c, "b1").fits());
    assertTrue(check(AFFINITY, pod("metadata: {name: o, labels: {app: other}}"), c, "a1").fits());
  }

  @Test
  void termsSelectTheirOwnNamespaceUnlessToldOtherwise() {
    ClusterState c = zones(pod("""
        metadata: {name: e, namespace: other, labels: {app: web}}
        spec: {nodeName: a1}
        """));
    assertTrue(check(AFFINITY, withAffinity("p", "podAntiAffinity", "zone", "web"), c, "a1").fits());
    PodInfo allNamespaces = pod("""
        metadata: {name: q}
        spec:
          affinity:
            podAntiAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
              - {labelSelector: {matchLabels: {app: web}}, topologyKey: zone, namespaceSelector: {}}
        """);
    assertFalse(check(AFFINITY, allNamespaces, c, "a1").fits());
  }

  @Test
  void preferredTermsScoreTheirDomains() {
    ClusterState c = zones(pod("""
        metadata: {name: db, labels: {app: db}}
        spec: {nodeName: b1}
        """));
    PodInfo p = pod("""
        metadata: {name: p}
        spec:
          affinity:
            podAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 50
                podAffinityTerm: {labelSelector: {matchLabels: {app: db}}, topologyKey: zone}
        """);
    List<NodeInfo> nodes = List.of(c.node("a1"), c.node("b1"));
    assertArrayEquals(new long[] {0, 100}, AFFINITY.score(p, nodes, c));
    PodInfo anti = pod("""
        metadata: {name: q}
        spec:
          affinity:
            podAntiAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 50
                podAffinityTerm: {labelSelector: {matchLabels: {app: db}}, topologyKey: zone}
        """);
    assertArrayEquals(new long[] {100, 0}, AFFINITY.score(anti, nodes, c));
  }
}

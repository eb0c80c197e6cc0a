package io.tugboat.scheduler;

import static io.tugboat.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PodInfoTest {

  @Test
  void sumsContainersAndTakesTheLargestInitContainer() {
    PodInfo p = pod("""
        metadata: {name: p}
        spec:
          initContainers:
          - {name: init, image: i, resources: {requests: {cpu: "3", memory: 1Gi}}}
          containers:
          - {name: a, image: a, resources: {requests: {cpu: 500m, memory: 1Gi}}}
          - {name: b, image: b, resources: {requests: {cpu: 1500m, memory: 2Gi, nvidia.com/gpu: "1"}}}
          overhead: {cpu: 100m}
        """);
    assertEquals(3100, p.requests().milliCpu());
    assertEquals(3L << 30, p.requests().memory());
    assertEquals(1, p.requests().scalar("nvidia.com/gpu"));
    assertEquals(1, p.requests().pods());
  }

  @Test
  void sidecarInitContainersAddToTheAppContainers() {
    PodInfo p = pod("""
        metadata: {name: p}
        spec:
          initContainers:
          - {name: sidecar, image: s, restartPolicy: Always, resources: {requests: {cpu: 200m}}}
          - {name: init, image: i, resources: {requests: {cpu: "1"}}}
          containers:
          - {name: a, image: a, resources: {requests: {cpu: 500m}}}
        """);
    assertEquals(1200, p.requests().milliCpu()); // init (1) next to the sidecar (200m) > 700m
  }

  @Test
  void scoresBestEffortPodsWithDefaultRequests() {
    PodInfo p = pod("metadata: {name: p}");
    assertEquals(0, p.requests().milliCpu());
    assertEquals(100, p.nonZeroRequests().milliCpu());
    assertEquals(200L << 20, p.nonZeroRequests().memory());
  }

  @Test
  void saturatesAbsurdRequestsInsteadOfOverflowing() {
    PodInfo p = pod("p", "1e30", "1e30", "");
    assertEquals(Long.MAX_VALUE, p.requests().milliCpu());
    assertEquals(Long.MAX_VALUE, p.requests().plus(p.requests()).memory());
  }

  @Test
  void readsPortsOwnerPriorityAndScheduler() {
    PodInfo p = pod("""
        metadata:
          name: p
          ownerReferences:
          - {apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: rs-1, controller: true}
        spec:
          priority: 1000
          preemptionPolicy: Never
          schedulerName: other
          containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 8080}]}]
        """);
    assertEquals("rs-1", p.ownerUid());
    assertEquals(1000, p.priority());
    assertFalse(p.mayPreempt());
    assertEquals("other", p.schedulerName());
    assertEquals(new PodInfo.HostPort("0.0.0.0", "TCP", 8080), p.hostPorts().get(0));
    assertEquals(PodInfo.DEFAULT_SCHEDULER, pod("metadata: {name: q}").schedulerName());
  }

  @Test
  void hostPortsConflictOnSamePortProtocolAndOverlappingAddress() {
    PodInfo.HostPort any = new PodInfo.HostPort("0.0.0.0", "TCP", 80);
    assertTrue(any.conflicts(new PodInfo.HostPort("10.0.0.1", "TCP", 80)));
    assertFalse(any.conflicts(new PodInfo.HostPort("0.0.0.0", "UDP", 80)));
    assertFalse(new PodInfo.HostPort("10.0.0.1", "TCP", 80).conflicts(new PodInfo.HostPort("10.0.0.2", "TCP", 80)));
  }

  @Test
  void aStatusChangeIsNotASchedulingChange() {
    PodInfo p = pod("p", "1", "1Gi", "spec: {priority: 5}");
    com.fasterxml.jackson.databind.node.ObjectNode status = p.object().deepCopy();
    status.with("status").put("phase", "Pending");
    status.with("spec").put("priority", 5L);
    assertFalse(PodInfo.of(p.key(), status).schedulingChanged(p));
    com.fasterxml.jackson.databind.node.ObjectNode tolerant = p.object().deepCopy();
    tolerant.with("spec").putArray("tolerations").addObject().put("operator", "Exists");
    assertTrue(PodInfo.of(p.key(), tolerant).schedulingChanged(p));
  }

  @Test
  void malformedQuantitiesCountAsNothing() {
    assertEquals(Resources.ZERO, Resources.of(Fixtures.yaml("{cpu: lots}")));
    assertEquals(Map.of("example.com/foo", 2L), Resources.of(Fixtures.yaml("{example.com/foo: 2}")).scalars());
  }
}

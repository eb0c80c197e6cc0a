package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Probe timing, thresholds, and what a verdict asks for. */
class ProbesTest {

  static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  static final Probes.Result OK = new Probes.Result(true, "");
  static final Probes.Result BAD = new Probes.Result(false, "boom");

  static final JsonNode CONTAINER = PodStatusesTest.pod("""
      name: app
      livenessProbe: {exec: {command: [cat, /tmp/healthy]}, initialDelaySeconds: 5, periodSeconds: 3,
                      failureThreshold: 2, terminationGracePeriodSeconds: 7}
      readinessProbe: {httpGet: {port: 80}, successThreshold: 2}
      """);

  @Test
  void specsHaveKubernetesDefaults() {
    Probes.Spec r = Probes.Spec.of(Probes.Kind.READINESS, CONTAINER);
    assertEquals(Duration.ZERO, r.initialDelay());
    assertEquals(Duration.ofSeconds(10), r.period());
    assertEquals(Duration.ofSeconds(1), r.timeout());
    assertEquals(2, r.successThreshold());
    assertEquals(3, r.failureThreshold());
    Probes.Spec l = Probes.Spec.of(Probes.Kind.LIVENESS, CONTAINER);
    assertEquals(7L, l.terminationGracePeriodSeconds());
    assertNull(Probes.Spec.of(Probes.Kind.STARTUP, CONTAINER));
  }

  @Test
  void livenessKillsOnlyAfterFailureThresholdFailuresInARow() {
    Probes.Spec l = Probes.Spec.of(Probes.Kind.LIVENESS, CONTAINER);
    Probes.State s = Probes.State.initial(l, T0);
    assertEquals(T0.plusSeconds(5), s.nextRun(), "after the initial delay");
    Probes.State s1 = s.next(l, BAD, T0.plusSeconds(5));
    assertEquals(Probes.Action.NONE, Probes.action(Probes.Kind.LIVENESS, s.verdict(), s1.verdict()));
    assertEquals(T0.plusSeconds(8), s1.nextRun());
    Probes.State s2 = s1.next(l, OK, T0.plusSeconds(8));
    Probes.State s3 = s2.next(l, BAD, T0.plusSeconds(11));
    assertEquals(Probes.Action.NONE, Probes.action(Probes.Kind.LIVENESS, s2.verdict(), s3.verdict()),
        "a success in between starts the count again");
    Probes.State s4 = s3.next(l, BAD, T0.plusSeconds(14));
    assertEquals(Probes.Action.KILL, Probes.action(Probes.Kind.LIVENESS, s3.verdict(), s4.verdict()));
  }

  @Test
  void readinessNeedsSuccessThresholdSuccessesAndFlipsBack() {
    Probes.Spec r = Probes.Spec.of(Probes.Kind.READINESS, CONTAINER);
    Probes.State s = Probes.State.initial(r, T0);
    Probes.State s1 = s.next(r, OK, T0);
    assertEquals(Probes.Action.NONE, Probes.action(Probes.Kind.READINESS, s.verdict(), s1.verdict()));
    Probes.State s2 = s1.next(r, OK, T0.plusSeconds(10));
    assertEquals(Probes.Action.READY, Probes.action(Probes.Kind.READINESS, s1.verdict(), s2.verdict()));
    Probes.State s3 = s2.next(r, BAD, T0.plusSeconds(20)).next(r, BAD, T0.plusSeconds(30));
    Probes.State s4 = s3.next(r, BAD, T0.plusSeconds(40));
    assertEquals(Probes.Action.UNREADY, Probes.action(Probes.Kind.READINESS, s3.verdict(), s4.verdict()));
  }

  @Test
  void startupHoldsBackLivenessAndReadinessUntilItSucceeds() {
    JsonNode spec = PodStatusesTest.pod("""
        name: app
        startupProbe: {tcpSocket: {port: 80}, periodSeconds: 1}
        livenessProbe: {tcpSocket: {port: 80}}
        """);
    ContainerStatus running = new ContainerStatus("c1", "sb", "app", 0, "i", "r", ContainerState.RUNNING, T0, T0,
        null, 0, null, null, "app/0.log");
    PodProbes probes = new PodProbes();
    var due = probes.due(spec, running, ContainerTrack.NEW, T0);
    assertEquals(1, due.size());
    assertEquals(Probes.Kind.STARTUP, due.get(0).spec().kind());
    assertTrue(probes.due(spec, running, ContainerTrack.NEW, T0).isEmpty(), "in flight: not due twice");
    assertEquals(Probes.Action.STARTED, probes.record("c1", Probes.Kind.STARTUP, OK, T0));
    var after = probes.due(spec, running, ContainerTrack.NEW.withStarted(true), T0);
    assertEquals(Probes.Kind.LIVENESS, after.get(0).spec().kind());
    assertEquals(T0.plusSeconds(1), probes.nextDue());
  }

  @Test
  void namedPortsResolveToTheContainersPort() {
    JsonNode container = PodStatusesTest.pod("ports: [{name: http, containerPort: 8080}]");
    JsonNode resolved = Probes.resolvePorts(PodStatusesTest.pod("httpGet: {path: /, port: http}"), container);
    assertEquals(8080, resolved.path("httpGet").path("port").asInt());
    JsonNode numeric = PodStatusesTest.pod("tcpSocket: {port: 80}");
    assertEquals(numeric, Probes.resolvePorts(numeric, container));
  }
}

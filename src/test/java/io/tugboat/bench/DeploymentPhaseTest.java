package io.tugboat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The deployment phase's invariant bookkeeping over a hand-written stream of pod watch events. */
class DeploymentPhaseTest {

  private static JsonNode pod(String name, boolean ready, String extra) throws Exception {
    return new ObjectMapper().readTree(("{'metadata':{'name':'" + name + "'" + extra + "},'status':{'phase':"
        + "'Running','conditions':[{'type':'Ready','status':'" + (ready ? "True" : "False") + "'}]}}")
        .replace('\'', '"'));
  }

  @Test
  void countsActiveAndReadyPodsAndTheirExtremesOnlyInsideTheWindow() throws Exception {
    DeploymentPhase.PodCounts counts = new DeploymentPhase.PodCounts();
    counts.apply("ADDED", pod("a", false, ""));
    counts.apply("MODIFIED", pod("a", true, ""));
    counts.apply("ADDED", pod("b", true, ""));
    assertEquals(2, counts.active());
    assertEquals(2, counts.ready());

    counts.startWindow();
    counts.apply("ADDED", pod("c", false, ""));            // surge: 3 active
    counts.apply("MODIFIED", pod("a", true, ",'deletionTimestamp':'2026-01-01T00:00:00Z'")); // terminating: 1 ready
    counts.apply("MODIFIED", pod("c", true, ""));
    counts.apply("DELETED", pod("a", true, ""));
    assertEquals(2, counts.active());
    assertEquals(2, counts.ready());
    assertEquals(3, counts.maxActive());
    assertEquals(1, counts.minReady());
  }

  @Test
  void finishedPodsAreNotActive() throws Exception {
    DeploymentPhase.PodCounts counts = new DeploymentPhase.PodCounts();
    counts.apply("ADDED", pod("a", true, ""));
    JsonNode done = pod("a", false, "");
    ((com.fasterxml.jackson.databind.node.ObjectNode) done.path("status")).put("phase", "Succeeded");
    counts.apply("MODIFIED", done);
    assertEquals(0, counts.active());
    assertEquals(0, counts.ready());
  }
}

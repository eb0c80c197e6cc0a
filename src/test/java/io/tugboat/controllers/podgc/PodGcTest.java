package io.tugboat.controllers.podgc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodGcTest {

  private static final Instant T0 = Instant.parse("2026-11-22T06:00:00Z");
  private static final Duration QUARANTINE = Duration.ofSeconds(40);

  private static JsonNode pod(String name, String node, String phase, String extraMeta) throws Exception {
    return new ObjectMapper().readTree(("{'metadata':{'name':'" + name + "','namespace':'default','uid':'u-" + name
        + "','creationTimestamp':'2026-11-22T05:00:0" + name.length() % 10 + "Z'" + extraMeta + "},'spec':{"
        + (node == null ? "" : "'nodeName':'" + node + "'") + "},'status':{'phase':'" + phase + "',"
        + "'conditions':[{'type':'Ready','status':'True'}]}}").replace('\'', '"'));
  }

  private static List<String> names(PodGc.Pass pass) {
    return pass.collect().stream().map(c -> c.pod().path("metadata").path("name").asText()).sorted().toList();
  }

  @Test
  void aPodOfAMissingNodeIsCollectedOnlyAfterTheQuarantineMarkedFailedWithDisruptionTarget() throws Exception {
    List<JsonNode> pods = List.of(pod("a", "gone", "Running", ""), pod("b", "here", "Running", ""));
    PodGc.Pass first = PodGc.plan(pods, Set.of("here"), Map.of(), T0, QUARANTINE, 0);
    assertTrue(first.collect().isEmpty(), "the node may be registering again");
    assertEquals(Map.of("gone", T0), first.missingSince());

    PodGc.Pass early = PodGc.plan(pods, Set.of("here"), first.missingSince(), T0.plusSeconds(39), QUARANTINE, 0);
    assertTrue(early.collect().isEmpty());
    PodGc.Pass due = PodGc.plan(pods, Set.of("here"), early.missingSince(), T0.plusSeconds(40), QUARANTINE, 0);
    assertEquals(List.of("a"), names(due));
    JsonNode status = due.collect().get(0).failedStatus();
    assertEquals("Failed", status.path("phase").asText());
    JsonNode target = status.path("conditions").get(1);
    assertEquals("DisruptionTarget", target.path("type").asText());
    assertEquals("DeletionByPodGC", target.path("reason").asText());
    assertEquals("True", target.path("status").asText());
  }

  @Test
  void aNodeThatComesBackWithinTheQuarantineKeepsItsPods() throws Exception {
    List<JsonNode> pods = List.of(pod("a", "flaky", "Running", ""));
    PodGc.Pass missing = PodGc.plan(pods, Set.of(), Map.of(), T0, QUARANTINE, 0);
    PodGc.Pass back = PodGc.plan(pods, Set.of("flaky"), missing.missingSince(), T0.plusSeconds(30), QUARANTINE, 0);
    assertTrue(back.missingSince().isEmpty());
    PodGc.Pass later = PodGc.plan(pods, Set.of(), back.missingSince(), T0.plusSeconds(60), QUARANTINE, 0);
    assertTrue(later.collect().isEmpty(), "the quarantine starts again");
  }

  @Test
  void finishedOrphansAreDeletedWithoutAStatusWrite() throws Exception {
    PodGc.Pass pass = PodGc.plan(List.of(pod("done", "gone", "Succeeded", "")), Set.of(), Map.of("gone", T0),
        T0.plusSeconds(41), QUARANTINE, 0);
    assertEquals(List.of("done"), names(pass));
    assertNull(pass.collect().get(0).failedStatus());
  }

  @Test
  void unscheduledPodsBeingDeletedAreCollectedAtOnce() throws Exception {
    PodGc.Pass pass = PodGc.plan(List.of(pod("pending", null, "Pending", ",'deletionTimestamp':'2026-11-22T05:59:00Z'"),
        pod("waiting", null, "Pending", "")), Set.of(), Map.of(), T0, QUARANTINE, 0);
    assertEquals(List.of("pending"), names(pass));
  }

  @Test
  void terminatedPodsAboveTheThresholdGoOldestFirst() throws Exception {
    List<JsonNode> pods = List.of(pod("a", "n", "Succeeded", ""), pod("bbb", "n", "Failed", ""),
        pod("cc", "n", "Succeeded", ""), pod("dddd", "n", "Running", ""));
    // creationTimestamps by name length: a (…01) < cc (…02) < bbb (…03); the running pod never counts.
    assertEquals(List.of("a"), names(PodGc.plan(pods, Set.of("n"), Map.of(), T0, QUARANTINE, 2)));
    assertTrue(PodGc.plan(pods, Set.of("n"), Map.of(), T0, QUARANTINE, 3).collect().isEmpty());
    assertTrue(PodGc.plan(pods, Set.of("n"), Map.of(), T0, QUARANTINE, 0).collect().isEmpty(), "0 keeps all");
  }
}

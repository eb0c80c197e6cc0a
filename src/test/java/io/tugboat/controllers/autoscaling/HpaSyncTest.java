package io.tugboat.controllers.autoscaling;

import static io.tugboat.controllers.autoscaling.HpaFixtures.NOW;
import static io.tugboat.controllers.autoscaling.HpaFixtures.PARAMS;
import static io.tugboat.controllers.autoscaling.HpaFixtures.condition;
import static io.tugboat.controllers.autoscaling.HpaFixtures.deployment;
import static io.tugboat.controllers.autoscaling.HpaFixtures.hpa;
import static io.tugboat.controllers.autoscaling.HpaFixtures.json;
import static io.tugboat.controllers.autoscaling.HpaFixtures.pod;
import static io.tugboat.controllers.autoscaling.HpaFixtures.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.autoscaling.HpaSync.Decision;
import io.tugboat.controllers.autoscaling.MetricReplicas.Event;
import io.tugboat.controllers.autoscaling.Scaling.History;
import io.tugboat.node.NodeUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One reconcile step of an HPA: what it writes to the target, its status and its events. */
class HpaSyncTest {

  private static final HpaSync.Settings SETTINGS = new HpaSync.Settings(PARAMS, Duration.ofMinutes(5));
  private static final List<JsonNode> PODS = List.of(pod("a", "100m"), pod("b", "100m"));

  private static Decision sync(JsonNode hpa, JsonNode target, Map<String, NodeUsage> usage, History history) {
    return HpaSync.sync(hpa, key -> key.name().equals("web") && target != null ? Optional.of(target)
        : Optional.empty(), (ns, selector) -> PODS.stream().filter(p -> selector.matches(p.path("metadata")
        .path("labels"))).toList(), usage, history, SETTINGS, NOW);
  }

  @Test
  void usageAboveTargetScalesUpWithKubernetesStatusAndEvent() {
    Decision d = sync(hpa(1, 10), deployment(2), usage(NOW, Map.of("a", 200L, "b", 200L)), History.EMPTY);
    // 200% of a 50% target would be 8; the step limit allows max(2 * 2, 4) = 4.
    assertEquals(4, d.scaleTo());
    assertEquals(List.of(new Event("Normal", "SuccessfulRescale",
        "New size: 4; reason: cpu resource utilization (percentage of request) above target")), d.events());
    ObjectNode status = d.status();
    assertEquals(2, status.path("currentReplicas").asInt());
    assertEquals(4, status.path("desiredReplicas").asInt());
    assertEquals(HpaFixtures.ts(NOW), status.path("lastScaleTime").asText());
    assertEquals(1, status.path("observedGeneration").asInt());
    assertEquals(HpaFixtures.array("[{'type':'Resource','resource':{'name':'cpu','current':{'averageUtilization':200,"
        + "'averageValue':'200m'}}}]"), status.path("currentMetrics"));
    assertEquals("SucceededRescale", condition(status, "AbleToScale").path("reason").asText());
    assertEquals("the HPA controller was able to update the target scale to 4",
        condition(status, "AbleToScale").path("message").asText());
    assertEquals("ValidMetricFound", condition(status, "ScalingActive").path("reason").asText());
    assertEquals("the HPA was able to successfully calculate a replica count from cpu resource utilization "
        + "(percentage of request)", condition(status, "ScalingActive").path("message").asText());
    assertEquals("True", condition(status, "ScalingLimited").path("status").asText());
    assertEquals("ScaleUpLimit", condition(status, "ScalingLimited").path("reason").asText());
    // If the write fails, the status says so and lastScaleTime does not move.
    ObjectNode failed = HpaSync.rescaleFailed(d, "conflict", NOW);
    assertEquals("FailedUpdateScale", condition(failed, "AbleToScale").path("reason").asText());
    assertEquals("False", condition(failed, "AbleToScale").path("status").asText());
    assertTrue(failed.path("lastScaleTime").isMissingNode());
    assertEquals("New size: 4; reason: cpu resource utilization (percentage of request) above target; error: "
        + "conflict", HpaSync.rescaleFailedEvent(d, "conflict").message());
  }

  @Test
  void usageAtTargetChangesNothingAndWritesTheSameStatusAgain() {
    Decision d = sync(hpa(1, 10), deployment(2), usage(NOW, Map.of("a", 52L, "b", 50L)), History.EMPTY);
    assertNull(d.scaleTo());
    assertEquals(List.of(), d.events());
    assertEquals(2, d.status().path("desiredReplicas").asInt());
    ObjectNode synced = hpa(1, 10);
    synced.set("status", d.status());
    Decision again = HpaSync.sync(synced, k -> Optional.of(deployment(2)), (ns, s) -> PODS,
        usage(NOW, Map.of("a", 52L, "b", 50L)), d.history(), SETTINGS, NOW.plusSeconds(15));
    assertEquals(d.status(), again.status(), "conditions keep their lastTransitionTime");
  }

  @Test
  void aMissingTargetIsFailedGetScale() {
    Decision d = sync(hpa(1, 10), null, Map.of(), History.EMPTY);
    assertNull(d.scaleTo());
    String message = "the HPA controller was unable to get the target's current scale: deployments.apps \"web\" "
        + "not found";
    assertEquals("False", condition(d.status(), "AbleToScale").path("status").asText());
    assertEquals("FailedGetScale", condition(d.status(), "AbleToScale").path("reason").asText());
    assertEquals(message, condition(d.status(), "AbleToScale").path("message").asText());
    assertEquals("False", condition(d.status(), "ScalingActive").path("status").asText());
    assertEquals("FailedGetScale", condition(d.status(), "ScalingActive").path("reason").asText());
    assertEquals(List.of(new Event("Warning", "FailedGetScale", "deployments.apps \"web\" not found")), d.events());
    ObjectNode pods = hpa(1, 10);
    ((ObjectNode) pods.path("spec").path("scaleTargetRef")).put("apiVersion", "v1").put("kind", "Pod");
    assertEquals(new Event("Warning", "FailedGetScale", "no matches for kind \"Pod\" in group \"\""),
        sync(pods, deployment(1), Map.of(), History.EMPTY).events().get(0));
  }

  @Test
  void noMetricsIsFailedGetResourceMetricAndNothingMoves() {
    Decision d = sync(hpa(1, 10), deployment(2), Map.of(), History.EMPTY);
    assertNull(d.scaleTo());
    String error = "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned "
        + "from resource metrics API";
    assertEquals(List.of(new Event("Warning", "FailedGetResourceMetric", error),
        new Event("Warning", "FailedComputeMetricsReplicas", "invalid metrics (1 invalid out of 1), first error is: "
            + "failed to get cpu resource metric value: " + error)), d.events());
    JsonNode active = condition(d.status(), "ScalingActive");
    assertEquals("False", active.path("status").asText());
    assertEquals("FailedGetResourceMetric", active.path("reason").asText());
    assertEquals("the HPA was unable to compute the replica count: " + error, active.path("message").asText());
    assertEquals(2, d.status().path("currentReplicas").asInt());
    assertEquals(HpaFixtures.array("[{'type':''}]"), d.status().path("currentMetrics"));
  }

  @Test
  void replicasOutsideMinMaxAreBroughtBackWithoutMetrics() {
    Decision above = sync(hpa(1, 3), deployment(5), Map.of(), History.EMPTY);
    assertEquals(3, above.scaleTo());
    assertEquals("New size: 3; reason: Current number of replicas above Spec.MaxReplicas",
        above.events().get(0).message());
    Decision below = sync(hpa(2, 3), deployment(1), Map.of(), History.EMPTY);
    assertEquals(2, below.scaleTo());
    assertEquals("New size: 2; reason: Current number of replicas below Spec.MinReplicas",
        below.events().get(0).message());
  }

  @Test
  void aTargetScaledToZeroDisablesScaling() {
    Decision d = sync(hpa(1, 3), deployment(0), usage(NOW, Map.of("a", 500L)), History.EMPTY);
    assertNull(d.scaleTo());
    assertEquals("ScalingDisabled", condition(d.status(), "ScalingActive").path("reason").asText());
  }

  @Test
  void usageBelowTargetScalesDownOnlyAfterTheWindow() {
    Map<String, NodeUsage> idle = usage(NOW, Map.of("a", 5L, "b", 5L));
    History seen = History.EMPTY.withInitial(2, NOW.minusSeconds(60));
    Decision held = sync(hpa(1, 10), deployment(2), idle, seen);
    assertNull(held.scaleTo());
    assertEquals("ScaleDownStabilized", condition(held.status(), "AbleToScale").path("reason").asText());
    Decision down = HpaSync.sync(hpa(1, 10), k -> Optional.of(deployment(2)), (ns, s) -> PODS, idle,
        held.history(), SETTINGS, NOW.plus(Duration.ofMinutes(5)).minusSeconds(59));
    assertEquals(1, down.scaleTo());
    assertEquals("New size: 1; reason: All metrics below target", down.events().get(0).message());
  }

  @Test
  void averageValueAndMemoryMetricsReportRawUsage() {
    ObjectNode hpa = hpa(1, 10);
    hpa.with("spec").set("metrics", HpaFixtures.array("[{'type':'Resource','resource':{'name':'memory','target':{'type':"
        + "'AverageValue','averageValue':'25Mi'}}},{'type':'Resource','resource':{'name':'memory','target':{'type':"
        + "'Utilization','averageUtilization':50}}}]"));
    Decision d = sync(hpa, deployment(2), usage(NOW, Map.of("a", 1L, "b", 1L)), History.EMPTY);
    // 50Mi a pod: twice 25Mi (4 replicas), and half of the 100Mi request (50%, at target).
    assertEquals(4, d.scaleTo());
    assertEquals(HpaFixtures.array("[{'type':'Resource','resource':{'name':'memory','current':{'averageValue':'52428800'}}},"
        + "{'type':'Resource','resource':{'name':'memory','current':{'averageUtilization':50,"
        + "'averageValue':'52428800'}}}]"), d.status().path("currentMetrics"));
    assertEquals("New size: 4; reason: memory resource above target", d.events().get(0).message());
  }

  @Test
  void podsUnderTwoHpasAreLeftAloneAsAmbiguous() {
    Decision d = HpaSync.sync(hpa(1, 10), k -> Optional.of(deployment(2)), (ns, s) -> PODS,
        selected -> List.of("ns/other", "ns/web"), usage(NOW, Map.of("a", 200L, "b", 200L)), History.EMPTY, SETTINGS,
        NOW);
    assertNull(d.scaleTo());
    String error = "pods by selector app=web are controlled by multiple HPAs: [ns/other ns/web]";
    assertEquals(List.of(new Event("Warning", "AmbiguousSelector", error),
        new Event("Warning", "FailedComputeMetricsReplicas", error)), d.events());
    assertEquals("AmbiguousSelector", condition(d.status(), "ScalingActive").path("reason").asText());
    assertEquals(Optional.of("app=web"), HpaSync.targetSelector(hpa(1, 10), k -> Optional.of(deployment(2)))
        .map(Object::toString));
  }

  @Test
  void replicationControllersAndStatefulSetsScaleThroughTheirSelectors() {
    ObjectNode rcHpa = hpa(1, 10);
    ((ObjectNode) rcHpa.path("spec").path("scaleTargetRef")).put("apiVersion", "v1")
        .put("kind", "ReplicationController");
    JsonNode rc = json("{'apiVersion':'v1','kind':'ReplicationController','metadata':{'name':'web','namespace':'ns'},"
        + "'spec':{'replicas':2,'selector':{'app':'web'}}}");
    assertEquals(4, sync(rcHpa, rc, usage(NOW, Map.of("a", 200L, "b", 200L)), History.EMPTY).scaleTo());
    ObjectNode stsHpa = hpa(1, 10);
    ((ObjectNode) stsHpa.path("spec").path("scaleTargetRef")).put("kind", "StatefulSet");
    JsonNode sts = json("{'apiVersion':'apps/v1','kind':'StatefulSet','metadata':{'name':'web','namespace':'ns'},"
        + "'spec':{'replicas':2,'selector':{'matchExpressions':[{'key':'app','operator':'In','values':['web']}]}}}");
    assertEquals(4, sync(stsHpa, sts, usage(NOW, Map.of("a", 200L, "b", 200L)), History.EMPTY).scaleTo());
  }
}

package io.tugboat.controllers.autoscaling;

import static io.tugboat.controllers.autoscaling.HpaFixtures.LONG_AGO;
import static io.tugboat.controllers.autoscaling.HpaFixtures.NOW;
import static io.tugboat.controllers.autoscaling.HpaFixtures.PARAMS;
import static io.tugboat.controllers.autoscaling.HpaFixtures.pod;
import static io.tugboat.controllers.autoscaling.HpaFixtures.samples;
import static io.tugboat.controllers.autoscaling.HpaFixtures.withPhase;
import static io.tugboat.controllers.autoscaling.HpaFixtures.withReadiness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.controllers.autoscaling.ReplicaCalculator.CalculationException;
import io.tugboat.controllers.autoscaling.ReplicaCalculator.PodMetric;
import io.tugboat.controllers.autoscaling.ReplicaCalculator.Proposal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replica calculator against the cases of Kubernetes' replica_calculator_test.go and the conservative rules. */
class ReplicaCalculatorTest {

  private static Proposal cpu(int current, int target, List<JsonNode> pods, Map<String, PodMetric> metrics)
      throws CalculationException {
    return ReplicaCalculator.utilization(current, target, "cpu", null, pods, metrics, PARAMS, NOW);
  }

  @Test
  void scalesUpToTheCeilingOfRatioTimesReadyPods() throws Exception {
    Proposal p = cpu(3, 30, List.of(pod("a", "1"), pod("b", "1"), pod("c", "1")),
        samples("a", 300, "b", 500, "c", 700));
    assertEquals(5, p.replicas());
    assertEquals(50, p.utilization());
    assertEquals(500, p.rawAverage());
  }

  @Test
  void scalesDownToTheCeilingToo() throws Exception {
    List<JsonNode> pods = List.of(pod("a", "1"), pod("b", "1"), pod("c", "1"), pod("d", "1"), pod("e", "1"));
    Proposal p = cpu(5, 50, pods, samples("a", 100, "b", 300, "c", 500, "d", 250, "e", 250));
    assertEquals(3, p.replicas());
    assertEquals(28, p.utilization());
  }

  @Test
  void aRatioWithinTheToleranceKeepsTheReplicas() throws Exception {
    Proposal p = cpu(3, 100, List.of(pod("a", "900m"), pod("b", "1"), pod("c", "1100m")),
        samples("a", 1010, "b", 1030, "c", 1020));
    assertEquals(3, p.replicas());
    assertEquals(102, p.utilization());
    // 11% above is outside: ceil(1.11 * 3) = 4.
    assertEquals(4, cpu(3, 100, List.of(pod("a", "1"), pod("b", "1"), pod("c", "1")),
        samples("a", 1110, "b", 1110, "c", 1110)).replicas());
  }

  @Test
  void onAScaleDownMissingPodsCountAsUsingTheirWholeRequest() throws Exception {
    List<JsonNode> pods = List.of(pod("a", "1"), pod("b", "1"), pod("c", "1"), pod("d", "1"));
    // 10% over the three measured; with d at 100%: 32%, ceil(0.64 * 4) = 3 (not ceil(0.2 * 3) = 1).
    Proposal p = cpu(4, 50, pods, samples("a", 100, "b", 100, "c", 100));
    assertEquals(3, p.replicas());
    assertEquals(10, p.utilization());
  }

  @Test
  void onAScaleUpMissingPodsCountAsIdleAndAFlippedDirectionKeepsTheReplicas() throws Exception {
    List<JsonNode> pods = List.of(pod("a", "500m"), pod("b", "500m"), pod("c", "500m"));
    // 120% over a and b; c at 0% makes it 80%: the direction turned, so nothing changes.
    assertEquals(3, cpu(3, 100, pods, samples("a", 600, "b", 600)).replicas());
    // 200% over a and b; with c idle 133%: ceil(1.33 * 3) = 4.
    assertEquals(4, cpu(3, 100, pods, samples("a", 1000, "b", 1000)).replicas());
  }

  @Test
  void onAScaleUpUnreadyPodsCountAsIdle() throws Exception {
    List<JsonNode> pods = List.of(pod("a", "1"), pod("b", "1"), withPhase(pod("c", "1"), "Pending"),
        withPhase(pod("d", "1"), "Pending"));
    // 100% of a 50% target over a and b would be 4 replicas; with c and d at 0%: 50%, within the tolerance.
    assertEquals(3, cpu(3, 50, pods, samples("a", 1000, "b", 1000)).replicas());
  }

  @Test
  void unreadyPodsAreLeftOutOfAScaleDown() throws Exception {
    List<JsonNode> pods = List.of(pod("a", "1"), pod("b", "1"), withPhase(pod("c", "1"), "Pending"));
    assertEquals(1, cpu(3, 50, pods, samples("a", 100, "b", 100, "c", 1000)).replicas());
  }

  @Test
  void cpuSamplesTakenBeforeOneWindowOfReadinessAreDoubted() throws Exception {
    // Started a minute ago, ready 5 s ago: a sample of now over a 10 s window may include the start-up burst.
    JsonNode young = withReadiness(pod("c", "1"), NOW.minusSeconds(60), "True", NOW.minusSeconds(5));
    List<JsonNode> pods = List.of(pod("a", "1"), pod("b", "1"), young);
    // a and b at 10%: with c doubted (it used 100%), ceil(0.2 * 2) = 1; counted, 40%: ceil(0.8 * 3) = 3.
    assertEquals(1, cpu(3, 50, pods, samples("a", 100, "b", 100, "c", 1000)).replicas());
    JsonNode settled = withReadiness(pod("c", "1"), NOW.minusSeconds(60), "True", NOW.minusSeconds(30));
    assertEquals(3, cpu(3, 50, List.of(pod("a", "1"), pod("b", "1"), settled),
        samples("a", 100, "b", 100, "c", 1000)).replicas());
  }

  @Test
  void afterInitializationOnlyPodsNeverReadyAreUnready() throws Exception {
    JsonNode neverReady = withReadiness(pod("c", "1"), LONG_AGO, "False", LONG_AGO.plusSeconds(10));
    JsonNode lostReadiness = withReadiness(pod("c", "1"), LONG_AGO, "False", NOW.minusSeconds(60));
    assertEquals(1, cpu(3, 50, List.of(pod("a", "1"), pod("b", "1"), neverReady),
        samples("a", 100, "b", 100, "c", 1000)).replicas());
    assertEquals(3, cpu(3, 50, List.of(pod("a", "1"), pod("b", "1"), lostReadiness),
        samples("a", 100, "b", 100, "c", 1000)).replicas());
  }

  @Test
  void deletedFailedAndSucceededPodsAreIgnored() throws Exception {
    JsonNode deleted = pod("c", "1");
    ((com.fasterxml.jackson.databind.node.ObjectNode) deleted.path("metadata")).put("deletionTimestamp",
        HpaFixtures.ts(NOW));
    List<JsonNode> pods = List.of(pod("a", "1"), pod("b", "1"), deleted, withPhase(pod("d", "1"), "Failed"),
        withPhase(pod("e", "1"), "Succeeded"));
    Proposal p = cpu(2, 50, pods, samples("a", 1000, "b", 1000, "c", 0, "d", 0, "e", 0));
    assertEquals(4, p.replicas());
    assertEquals(100, p.utilization());
  }

  @Test
  void noUsableSampleOrNoPodIsAnError() {
    List<JsonNode> pending = List.of(withPhase(pod("a", "1"), "Pending"));
    assertEquals("did not receive metrics for targeted pods (pods might be unready)",
        assertThrows(CalculationException.class, () -> cpu(1, 50, pending, samples("a", 100))).getMessage());
    assertEquals("no pods returned by selector while calculating replica count",
        assertThrows(CalculationException.class, () -> cpu(1, 50, List.of(), samples())).getMessage());
  }

  @Test
  void everyContainerMustRequestTheResource() {
    JsonNode noRequest = HpaFixtures.json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c'}]},"
        + "'status':{'phase':'Running'}}");
    assertEquals("missing request for cpu in container c of Pod p", assertThrows(CalculationException.class,
        () -> cpu(1, 50, List.of(pod("a", "1"), noRequest), samples("a", 100))).getMessage());
  }

  @Test
  void averageValueTargetsCompareTheMeanUsagePerPod() throws Exception {
    List<JsonNode> pods = List.of(pod("a", "1"), pod("b", "1"), pod("c", "1"));
    long mi = (1L << 20) * 1000;
    Proposal p = ReplicaCalculator.averageValue(3, 200 * mi, "memory", pods,
        samples("a", 200 * mi, "b", 300 * mi, "c", 400 * mi), PARAMS, NOW);
    assertEquals(5, p.replicas());
    assertNull(p.utilization());
    assertEquals(300 * mi, p.rawAverage());
    // A missing pod on a scale-down counts as using exactly the target: (100 + 100 + 200) / 3 is 2/3 of it,
    // ceil(0.67 * 3) = 2 rather than ceil(0.5 * 2) = 1.
    Proposal down = ReplicaCalculator.averageValue(3, 200 * mi, "memory", pods, samples("a", 100 * mi, "b", 100 * mi),
        PARAMS, NOW);
    assertEquals(2, down.replicas());
  }

  @Test
  void requestsAddUpContainersAndSidecarsInMilliUnits() throws Exception {
    JsonNode p = HpaFixtures.json("{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'init','resources':"
        + "{'requests':{'cpu':'1'}}},{'name':'side','restartPolicy':'Always','resources':{'requests':{'cpu':'50m'}}}],"
        + "'containers':[{'name':'a','resources':{'requests':{'cpu':'250m'}}},{'name':'b','resources':{'requests':"
        + "{'cpu':'0.1'}}}]}}");
    assertEquals(Map.of("p", 400L), ReplicaCalculator.requests(List.of(p), null, "cpu"));
    assertEquals(Map.of("p", 250L), ReplicaCalculator.requests(List.of(p), "a", "cpu"));
    assertEquals(Duration.ofSeconds(30), PARAMS.initialReadinessDelay());
  }
}

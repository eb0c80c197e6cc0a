package io.tugboat.model;

import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PodDisruptionBudget status and the eviction decision. */
class PodDisruptionTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  static ObjectNode pdb(String bound) {
    return yaml("""
        metadata: {name: web, namespace: default, generation: 1}
        spec: {selector: {matchLabels: {app: web}}, %s}
        """.formatted(bound));
  }

  static ObjectNode pod(String name, boolean ready) {
    return yaml("""
        metadata: {name: %s, namespace: default, labels: {app: web}}
        spec: {nodeName: n1}
        status: {phase: Running, conditions: [{type: Ready, status: "%s"}]}
        """.formatted(name, ready ? "True" : "False"));
  }

  private static List<JsonNode> pods(int ready, int unready) {
    List<JsonNode> pods = new java.util.ArrayList<>();
    for (int i = 0; i < ready + unready; i++) {
      pods.add(pod("p" + i, i < ready));
    }
    pods.add(yaml("metadata: {name: other, namespace: default, labels: {app: db}}\nstatus: {phase: Running, "
        + "conditions: [{type: Ready, status: 'True'}]}"));
    return pods;
  }

  @Test
  void minAvailableIntegerNeedsThatManyHealthy() {
    ObjectNode status = PodDisruption.status(pdb("minAvailable: 2"), pods(3, 1), NOW);
    assertEquals(4, status.path("expectedPods").asInt());
    assertEquals(3, status.path("currentHealthy").asInt());
    assertEquals(2, status.path("desiredHealthy").asInt());
    assertEquals(1, status.path("disruptionsAllowed").asInt());
    assertEquals(1, status.path("observedGeneration").asInt());
    JsonNode condition = status.path("conditions").get(0);
    assertEquals("DisruptionAllowed", condition.path("type").asText());
    assertEquals("True", condition.path("status").asText());
    assertEquals("SufficientPods", condition.path("reason").asText());
  }

  @Test
  void percentagesRoundUpAndMaxUnavailableCountsFromExpected() {
    assertEquals(3, PodDisruption.status(pdb("minAvailable: '50%'"), pods(5, 0), NOW).path("desiredHealthy").asInt());
    ObjectNode max = PodDisruption.status(pdb("maxUnavailable: '25%'"), pods(5, 0), NOW);
    assertEquals(3, max.path("desiredHealthy").asInt()); // 5 - ceil(1.25)
    assertEquals(2, max.path("disruptionsAllowed").asInt());
    ObjectNode none = PodDisruption.status(pdb("maxUnavailable: 0"), pods(2, 0), NOW);
    assertEquals(0, none.path("disruptionsAllowed").asInt());
    assertEquals("InsufficientPods", none.path("conditions").get(0).path("reason").asText());
    assertEquals(0, PodDisruption.status(pdb("minAvailable: 0"), List.of(), NOW).path("disruptionsAllowed").asInt());
  }

  @Test
  void recentlyEvictedPodsDoNotCountAsHealthyUntilTheEntryExpires() {
    ObjectNode budget = pdb("minAvailable: 1");
    budget.putObject("status").putObject("disruptedPods").put("p0", "2026-11-22T09:59:00Z");
    ObjectNode status = PodDisruption.status(budget, pods(2, 0), NOW);
    assertEquals(1, status.path("currentHealthy").asInt());
    assertEquals("2026-11-22T09:59:00Z", status.path("disruptedPods").path("p0").asText());
    ObjectNode later = PodDisruption.status(budget, pods(2, 0), NOW.plusSeconds(120));
    assertEquals(2, later.path("currentHealthy").asInt());
    assertTrue(later.path("disruptedPods").isMissingNode());
  }

  @Test
  void evictionTakesADisruptionOrIsRefusedWith429() {
    ObjectNode budget = pdb("minAvailable: 2");
    budget.set("status", PodDisruption.status(budget, pods(3, 0), NOW));
    PodDisruption.TakeDisruption take = assertInstanceOf(PodDisruption.TakeDisruption.class,
        PodDisruption.evict(pod("p0", true), List.of(budget), NOW));
    assertEquals(0, take.newStatus().path("disruptionsAllowed").asInt());
    assertEquals("2026-11-22T10:00:00Z", take.newStatus().path("disruptedPods").path("p0").asText());
    assertEquals("False", take.newStatus().path("conditions").get(0).path("status").asText());

    budget.set("status", take.newStatus());
    PodDisruption.Refused refused = assertInstanceOf(PodDisruption.Refused.class,
        PodDisruption.evict(pod("p1", true), List.of(budget), NOW));
    assertEquals(429, refused.error().code());
    assertEquals("TooManyRequests", refused.error().reason());
    assertEquals("Cannot evict pod as it would violate the pod's disruption budget.", refused.error().message());
    assertEquals("The disruption budget web needs 2 healthy pods and has 3 currently",
        refused.error().causes().get(0).message());
  }

  @Test
  void podsOutsideBudgetsPendingOnesAndUnhealthyOnesWithTheBudgetMetGoFreely() {
    ObjectNode budget = pdb("minAvailable: 3");
    budget.set("status", PodDisruption.status(budget, pods(3, 1), NOW));
    assertEquals(0, budget.path("status").path("disruptionsAllowed").asInt());
    assertInstanceOf(PodDisruption.DeleteFreely.class, PodDisruption.evict(pod("p3", false), List.of(budget), NOW));
    ObjectNode pending = pod("p9", true);
    pending.with("status").put("phase", "Pending");
    assertInstanceOf(PodDisruption.DeleteFreely.class, PodDisruption.evict(pending, List.of(budget), NOW));
    ObjectNode db = pod("db", true);
    db.with("metadata").with("labels").put("app", "db");
    assertInstanceOf(PodDisruption.DeleteFreely.class, PodDisruption.evict(db, List.of(budget), NOW));
    assertInstanceOf(PodDisruption.Refused.class, PodDisruption.evict(pod("p0", true), List.of(budget), NOW));
  }

  @Test
  void twoBudgetsForOnePodAreAnError() {
    PodDisruption.Refused refused = assertInstanceOf(PodDisruption.Refused.class,
        PodDisruption.evict(pod("p0", true), List.of(pdb("minAvailable: 1"), pdb("maxUnavailable: 1")), NOW));
    assertEquals(500, refused.error().code());
  }
}

package io.tugboat.controllers.autoscaling;

import static io.tugboat.controllers.autoscaling.HpaFixtures.NOW;
import static io.tugboat.controllers.autoscaling.HpaFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tugboat.controllers.autoscaling.Scaling.Behavior;
import io.tugboat.controllers.autoscaling.Scaling.Condition;
import io.tugboat.controllers.autoscaling.Scaling.History;
import io.tugboat.controllers.autoscaling.Scaling.Normalized;
import io.tugboat.controllers.autoscaling.Scaling.Policy;
import io.tugboat.controllers.autoscaling.Scaling.Recommendation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Normalization: min/max, the default rate limit, stabilization windows and behavior policies, with moved time. */
class ScalingTest {

  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  private static Condition limited(Normalized n) {
    return n.conditions().get(1);
  }

  @Test
  void withoutBehaviorScaleUpIsAtMostDoubleOrFourAndMinMaxApply() {
    Normalized n = Scaling.withoutBehavior(History.EMPTY, 1, 10, 1, 10, FIVE_MINUTES, NOW);
    assertEquals(4, n.replicas());
    assertEquals(new Condition("ScalingLimited", "True", "ScaleUpLimit",
        "the desired replica count is increasing faster than the maximum scale rate"), limited(n));
    n = Scaling.withoutBehavior(History.EMPTY, 4, 10, 1, 6, FIVE_MINUTES, NOW);
    assertEquals(6, n.replicas());
    assertEquals("TooManyReplicas", limited(n).reason());
    n = Scaling.withoutBehavior(History.EMPTY, 4, 1, 2, 6, FIVE_MINUTES, NOW);
    assertEquals(2, n.replicas());
    assertEquals("TooFewReplicas", limited(n).reason());
    n = Scaling.withoutBehavior(History.EMPTY, 4, 5, 2, 6, FIVE_MINUTES, NOW);
    assertEquals(5, n.replicas());
    assertEquals(new Condition("ScalingLimited", "False", "DesiredWithinRange",
        "the desired count is within the acceptable range"), limited(n));
    assertEquals(new Condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"),
        n.conditions().get(0));
  }

  @Test
  void withoutBehaviorTheHighestRecommendationOfTheWindowHoldsAScaleDown() {
    History h = History.EMPTY.withInitial(5, NOW);
    Normalized early = Scaling.withoutBehavior(h, 5, 2, 1, 10, FIVE_MINUTES, NOW.plusSeconds(60));
    assertEquals(5, early.replicas());
    assertEquals("ScaleDownStabilized", early.conditions().get(0).reason());
    Normalized later = Scaling.withoutBehavior(early.history(), 5, 2, 1, 10, FIVE_MINUTES,
        NOW.plus(FIVE_MINUTES).plusSeconds(30));
    assertEquals(2, later.replicas(), "the 5 has left the window; the 2 of a minute in is the highest left");
    assertEquals(List.of(new Recommendation(2, NOW.plusSeconds(60)),
        new Recommendation(2, NOW.plus(FIVE_MINUTES).plusSeconds(30))), later.history().recommendations());
  }

  private static Behavior behavior(String json) {
    return Behavior.of(json("{'behavior':" + json + "}"), FIVE_MINUTES);
  }

  @Test
  void behaviorDefaultsAreKubernetes() {
    Behavior b = behavior("{}");
    assertEquals(new Scaling.Rules(0, "Max", List.of(new Policy("Pods", 4, 15), new Policy("Percent", 100, 15))),
        b.scaleUp());
    assertEquals(new Scaling.Rules(300, "Max", List.of(new Policy("Percent", 100, 15))), b.scaleDown());
    assertNull(Behavior.of(json("{}"), FIVE_MINUTES));
    assertEquals(60, behavior("{'scaleDown':{'stabilizationWindowSeconds':60}}").scaleDown()
        .stabilizationWindowSeconds());
  }

  @Test
  void scaleDownPoliciesCountTheEventsOfTheirPeriod() {
    Behavior b = behavior("{'scaleDown':{'stabilizationWindowSeconds':0,'policies':[{'type':'Pods','value':1,"
        + "'periodSeconds':60}]}}");
    Normalized first = Scaling.withBehavior(History.EMPTY, b, 5, 1, 1, 10, NOW);
    assertEquals(4, first.replicas());
    assertEquals(new Condition("ScalingLimited", "True", "ScaleDownLimit",
        "the desired replica count is decreasing faster than the maximum scale rate"), limited(first));
    History h = first.history().withRescale(b, 5, 4, NOW);
    assertEquals(4, Scaling.withBehavior(h, b, 4, 1, 1, 10, NOW.plusSeconds(30)).replicas(),
        "one pod already went within this minute");
    assertEquals(3, Scaling.withBehavior(h, b, 4, 1, 1, 10, NOW.plusSeconds(61)).replicas());
  }

  @Test
  void selectPolicyPicksTheMostOrLeastGenerousPolicyOrNone() {
    String policies = "'policies':[{'type':'Pods','value':4,'periodSeconds':60},{'type':'Percent','value':100,"
        + "'periodSeconds':60}]";
    assertEquals(20, Scaling.withBehavior(History.EMPTY, behavior("{'scaleUp':{" + policies + "}}"), 10, 40, 1, 100,
        NOW).replicas());
    assertEquals(14, Scaling.withBehavior(History.EMPTY,
        behavior("{'scaleUp':{'selectPolicy':'Min'," + policies + "}}"), 10, 40, 1, 100, NOW).replicas());
    Normalized disabled = Scaling.withBehavior(History.EMPTY,
        behavior("{'scaleUp':{'selectPolicy':'Disabled'," + policies + "}}"), 10, 40, 1, 100, NOW);
    assertEquals(10, disabled.replicas());
    assertEquals("ScaleUpLimit", limited(disabled).reason());
    // Percent rounds up so that a small target can still grow: ceil(3 * 1.1) = 4.
    assertEquals(4, Scaling.withBehavior(History.EMPTY, behavior("{'scaleUp':{'policies':[{'type':'Percent',"
        + "'value':10,'periodSeconds':60}]}}"), 3, 40, 1, 100, NOW).replicas());
  }

  @Test
  void aScaleUpWindowAppliesTheLowestRecentRecommendation() {
    Behavior b = behavior("{'scaleUp':{'stabilizationWindowSeconds':60}}");
    History h = History.EMPTY.withInitial(3, NOW.minusSeconds(30));
    Normalized n = Scaling.withBehavior(h, b, 3, 8, 1, 10, NOW);
    assertEquals(3, n.replicas());
    assertEquals(new Condition("AbleToScale", "True", "ScaleUpStabilized",
        "recent recommendations were lower than current one, applying the lowest recent recommendation"),
        n.conditions().get(0));
    // The 3 has left the window; the default policies then allow max(3 + 4, 3 * 2) = 7 per 15 s.
    Normalized later = Scaling.withBehavior(n.history(), b, 3, 8, 1, 10, NOW.plusSeconds(31));
    assertEquals(7, later.replicas());
    assertEquals("ScaleUpLimit", limited(later).reason());
  }

  @Test
  void aDefaultScaleDownWindowHoldsUntilItPasses() {
    Behavior b = behavior("{'scaleDown':{'policies':[{'type':'Percent','value':50,'periodSeconds':15}]}}");
    History h = History.EMPTY.withInitial(8, NOW);
    assertEquals(8, Scaling.withBehavior(h, b, 8, 1, 1, 10, NOW.plusSeconds(299)).replicas());
    Instant after = NOW.plusSeconds(301);
    Normalized n = Scaling.withBehavior(h, b, 8, 1, 1, 10, after);
    assertEquals(4, n.replicas(), "half per 15 s");
    History next = n.history().withRescale(b, 8, 4, after);
    assertEquals(4, Scaling.withBehavior(next, b, 4, 1, 1, 10, after.plusSeconds(10)).replicas());
    assertEquals(2, Scaling.withBehavior(next, b, 4, 1, 1, 10, after.plusSeconds(16)).replicas());
  }
}

package io.tugboat.controllers.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How far an HPA may move its target from what the metrics recommend, as Kubernetes' controller normalizes
 * (pure; {@code horizontal.go}): the stabilization window keeps the highest recent recommendation on the way
 * down (and, with {@code behavior}, the lowest on the way up), then min/max replicas and the rate limits apply —
 * without behavior at most double or +4 per step; with it the scaleUp/scaleDown policies (Pods or Percent per
 * periodSeconds, chosen by selectPolicy Max/Min/Disabled) counted against the scale events of their period.
 *
 * <p>The recommendations and scale events are the controller's memory of each HPA ({@link History}); a new
 * controller (fail-over) starts with none, as Kubernetes' does after a restart.
 */
final class Scaling {

  private Scaling() {}

  /** Without behavior, a step scales up to at most this factor of the current replicas ... */
  static final double SCALE_UP_LIMIT_FACTOR = 2.0;
  /** ... or this many replicas, whichever is more. */
  static final int SCALE_UP_LIMIT_MINIMUM = 4;

  /** One scaling policy: at most {@code value} pods or percent of the replicas per {@code periodSeconds}. */
  record Policy(String type, int value, int periodSeconds) {}

  /** The rules of one direction, defaults filled in. */
  record Rules(int stabilizationWindowSeconds, String selectPolicy, List<Policy> policies) {
    int longestPeriod() {
      return policies.stream().mapToInt(Policy::periodSeconds).max().orElse(0);
    }
  }

  /** An HPA's spec.behavior with Kubernetes' defaults for what it leaves out. */
  record Behavior(Rules scaleUp, Rules scaleDown) {

    /**
     * The behavior of an HPA spec, or null when it has none (the older algorithm then applies). A scale-down
     * window left out is the controller's {@code defaultDownWindow}.
     */
    static Behavior of(JsonNode spec, Duration defaultDownWindow) {
      JsonNode b = spec.path("behavior");
      if (!b.isObject()) {
        return null;
      }
      Rules up = rules(b.path("scaleUp"), 0, List.of(new Policy("Pods", 4, 15), new Policy("Percent", 100, 15)));
      Rules down = rules(b.path("scaleDown"), (int) defaultDownWindow.toSeconds(),
          List.of(new Policy("Percent", 100, 15)));
      return new Behavior(up, down);
    }

    private static Rules rules(JsonNode r, int window, List<Policy> policies) {
      int stabilization = r.path("stabilizationWindowSeconds").isNumber()
          ? r.path("stabilizationWindowSeconds").asInt() : window;
      String select = Json.text(r.path("selectPolicy"));
      List<Policy> given = policies;
      if (r.path("policies").isArray()) {
        given = new ArrayList<>();
        for (JsonNode p : r.path("policies")) {
          given.add(new Policy(Json.text(p.path("type")), p.path("value").asInt(), p.path("periodSeconds").asInt()));
        }
      }
      return new Rules(stabilization, select.isEmpty() ? "Max" : select, List.copyOf(given));
    }
  }

  /** A recommendation the metrics made, before normalization. */
  record Recommendation(int replicas, Instant at) {}

  /** A rescale the controller made: by how many replicas (positive), when. */
  record ScaleEvent(int change, Instant at) {}

  /** What the controller remembers of one HPA: recent recommendations, scale-ups and scale-downs. */
  record History(List<Recommendation> recommendations, List<ScaleEvent> ups, List<ScaleEvent> downs) {
    static final History EMPTY = new History(List.of(), List.of(), List.of());

    History {
      recommendations = List.copyOf(recommendations);
      ups = List.copyOf(ups);
      downs = List.copyOf(downs);
    }

    /** The first time the controller sees the HPA, its target's replicas count as a recommendation. */
    History withInitial(int replicas, Instant now) {
      return recommendations.isEmpty() ? new History(List.of(new Recommendation(replicas, now)), ups, downs) : this;
    }

    /**
     * After a rescale from {@code from} to {@code to}: the event, kept for the longest policy period of its
     * direction (none without behavior, where nothing reads them).
     */
    History withRescale(Behavior behavior, int from, int to, Instant now) {
      if (behavior == null || from == to) {
        return this;
      }
      boolean up = to > from;
      Duration keep = Duration.ofSeconds((up ? behavior.scaleUp() : behavior.scaleDown()).longestPeriod());
      List<ScaleEvent> events = new ArrayList<>();
      for (ScaleEvent e : up ? ups : downs) {
        if (!e.at().isBefore(now.minus(keep))) {
          events.add(e);
        }
      }
      events.add(new ScaleEvent(Math.abs(to - from), now));
      return up ? new History(recommendations, events, downs) : new History(recommendations, ups, events);
    }
  }

  /** A condition of the HPA's status, as normalization decides it. */
  record Condition(String type, String status, String reason, String message) {}

  /** The replicas to set, the AbleToScale and ScalingLimited conditions, and the history to remember. */
  record Normalized(int replicas, List<Condition> conditions, History history) {}

  static final String READY = "ReadyForNewScale";
  static final String READY_MESSAGE = "recommended size matches current size";
  static final String WITHIN_RANGE = "DesiredWithinRange";
  static final String WITHIN_RANGE_MESSAGE = "the desired count is within the acceptable range";

  /** normalizeDesiredReplicas: an HPA without behavior. */
  static Normalized withoutBehavior(History history, int current, int proposed, int min, int max,
      Duration downWindow, Instant now) {
    Instant cutoff = now.minus(downWindow);
    int stabilized = proposed;
    List<Recommendation> kept = new ArrayList<>();
    for (Recommendation r : history.recommendations()) {
      if (r.at().isBefore(cutoff)) {
        continue;
      }
      kept.add(r);
      stabilized = Math.max(stabilized, r.replicas());
    }
    kept.add(new Recommendation(proposed, now));
    List<Condition> conditions = new ArrayList<>();
    conditions.add(stabilized != proposed
        ? new Condition("AbleToScale", "True", "ScaleDownStabilized",
            "recent recommendations were higher than current one, applying the highest recent recommendation")
        : new Condition("AbleToScale", "True", READY, READY_MESSAGE));
    int scaleUpLimit = (int) Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM);
    String reason;
    String message;
    int maximum;
    if (max > scaleUpLimit) {
      maximum = scaleUpLimit;
      reason = "ScaleUpLimit";
      message = "the desired replica count is increasing faster than the maximum scale rate";
    } else {
      maximum = max;
      reason = "TooManyReplicas";
      message = "the desired replica count is more than the maximum replica count";
    }
    int desired = stabilized;
    if (stabilized < min) {
      desired = min;
      reason = "TooFewReplicas";
      message = "the desired replica count is less than the minimum replica count";
    } else if (stabilized > maximum) {
      desired = maximum;
    } else {
      reason = WITHIN_RANGE;
      message = WITHIN_RANGE_MESSAGE;
    }
    conditions.add(new Condition("ScalingLimited", desired == stabilized ? "False" : "True", reason, message));
    return new Normalized(desired, conditions,
        new History(kept, history.ups(), history.downs()));
  }

  /** normalizeDesiredReplicasWithBehaviors: stabilization windows of both directions, then the policies. */
  static Normalized withBehavior(History history, Behavior behavior, int current, int proposed, int min, int max,
      Instant now) {
    Instant upCutoff = now.minusSeconds(behavior.scaleUp().stabilizationWindowSeconds());
    Instant downCutoff = now.minusSeconds(behavior.scaleDown().stabilizationWindowSeconds());
    int upRecommendation = proposed;
    int downRecommendation = proposed;
    List<Recommendation> kept = new ArrayList<>();
    for (Recommendation r : history.recommendations()) {
      if (r.at().isAfter(upCutoff)) {
        upRecommendation = Math.min(upRecommendation, r.replicas());
      }
      if (r.at().isAfter(downCutoff)) {
        downRecommendation = Math.max(downRecommendation, r.replicas());
      }
      if (!(r.at().isBefore(upCutoff) && r.at().isBefore(downCutoff))) {
        kept.add(r);
      }
    }
    kept.add(new Recommendation(proposed, now));
    int stabilized = Math.min(Math.max(current, upRecommendation), downRecommendation);
    List<Condition> conditions = new ArrayList<>();
    if (stabilized != proposed) {
      conditions.add(proposed >= current
          ? new Condition("AbleToScale", "True", "ScaleUpStabilized",
              "recent recommendations were lower than current one, applying the lowest recent recommendation")
          : new Condition("AbleToScale", "True", "ScaleDownStabilized",
              "recent recommendations were higher than current one, applying the highest recent recommendation"));
    } else {
      conditions.add(new Condition("AbleToScale", "True", READY, READY_MESSAGE));
    }
    int desired = stabilized;
    String reason = WITHIN_RANGE;
    String message = WITHIN_RANGE_MESSAGE;
    if (stabilized > current) {
      int limit = Math.max(scaleUpLimit(current, history, behavior.scaleUp(), now), current);
      int maximum = max;
      if (maximum > limit) {
        maximum = limit;
        reason = "ScaleUpLimit";
        message = "the desired replica count is increasing faster than the maximum scale rate";
      } else {
        reason = "TooManyReplicas";
        message = "the desired replica count is more than the maximum replica count";
      }
      if (stabilized > maximum) {
        desired = maximum;
      } else {
        reason = WITHIN_RANGE;
        message = WITHIN_RANGE_MESSAGE;
      }
    } else if (stabilized < current) {
      int limit = Math.min(scaleDownLimit(current, history, behavior.scaleDown(), now), current);
      int minimum = min;
      if (minimum < limit) {
        minimum = limit;
        reason = "ScaleDownLimit";
        message = "the desired replica count is decreasing faster than the maximum scale rate";
      } else {
        reason = "TooFewReplicas";
        message = "the desired replica count is less than the minimum replica count";
      }
      if (stabilized < minimum) {
        desired = minimum;
      } else {
        reason = WITHIN_RANGE;
        message = WITHIN_RANGE_MESSAGE;
      }
    }
    conditions.add(new Condition("ScalingLimited", desired == stabilized ? "False" : "True", reason, message));
    return new Normalized(desired, conditions, new History(kept, history.ups(), history.downs()));
  }

  /** The most replicas the scale-up policies allow now (Max: the most generous policy, Min: the strictest). */
  static int scaleUpLimit(int current, History history, Rules rules, Instant now) {
    if (rules.selectPolicy().equals("Disabled")) {
      return current;
    }
    boolean min = rules.selectPolicy().equals("Min");
    long result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (Policy p : rules.policies()) {
      int start = current - changes(p.periodSeconds(), history.ups(), now) + changes(p.periodSeconds(),
          history.downs(), now);
      long proposed = p.type().equals("Pods") ? (long) start + p.value()
          : (long) Math.ceil(start * (1 + p.value() / 100.0));
      result = min ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, result));
  }

  /** The fewest replicas the scale-down policies allow now (Max: the most generous policy, Min: the strictest). */
  static int scaleDownLimit(int current, History history, Rules rules, Instant now) {
    if (rules.selectPolicy().equals("Disabled")) {
      return current;
    }
    boolean min = rules.selectPolicy().equals("Min");
    long result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (Policy p : rules.policies()) {
      int start = current - changes(p.periodSeconds(), history.ups(), now) + changes(p.periodSeconds(),
          history.downs(), now);
      long proposed = p.type().equals("Pods") ? (long) start - p.value() : (long) (start * (1 - p.value() / 100.0));
      result = min ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, result));
  }

  /** The replicas changed by the events within the last {@code periodSeconds}. */
  private static int changes(int periodSeconds, List<ScaleEvent> events, Instant now) {
    Instant cutoff = now.minusSeconds(periodSeconds);
    int sum = 0;
    for (ScaleEvent e : events) {
      if (e.at().isAfter(cutoff)) {
        sum += e.change();
      }
    }
    return sum;
  }
}

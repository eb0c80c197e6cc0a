package io.tugboat.controllers.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' replica calculator for resource metrics ({@code replica_calculator.go}), pure: the replicas a
 * metric asks for, from the pods the target selects and their usage.
 *
 * <ul>
 *   <li>Pods being deleted, failed or succeeded are ignored; pending ones, and for CPU those not ready or whose
 *       sample may predate readiness, are "unready"; running pods without a sample are "missing".</li>
 *   <li>The ratio is usage / target over the ready pods with samples (utilization: usage over requests, as a
 *       whole percentage). Within the tolerance nothing changes; without unready or missing pods the answer is
 *       ceil(ratio × ready pods).</li>
 *   <li>Otherwise the conservative step: on a scale-down missing pods count as using 100% of their request (or
 *       the target when above 100%; for an average value, the target), on a scale-up as using nothing, and
 *       unready pods as using nothing; the ratio is computed again, and a result inside the tolerance or that
 *       turns the direction round leaves the replicas as they are.</li>
 * </ul>
 *
 * <p>Values are milli-units (CPU millicores, memory millibytes), as Kubernetes' metrics client reads them.
 */
final class ReplicaCalculator {

  private ReplicaCalculator() {}

  /** One pod's sample: its usage (milli-units), when it was measured, over which window. */
  record PodMetric(long milliValue, Instant timestamp, Duration window) {
    PodMetric withValue(long value) {
      return new PodMetric(value, timestamp, window);
    }
  }

  /**
   * The calculator's knobs (kube-controller-manager's flags).
   *
   * @param tolerance the ratio's distance from 1.0 within which nothing changes (0.1)
   * @param cpuInitializationPeriod how long after its start a pod's CPU samples are doubted (5 minutes)
   * @param initialReadinessDelay how long after its start a pod that is not ready yet is taken as never ready (30s)
   */
  record Params(double tolerance, Duration cpuInitializationPeriod, Duration initialReadinessDelay) {}

  /**
   * What one metric asks for.
   *
   * @param replicas the proposed replicas
   * @param utilization the average utilization in percent of requests, null for an average-value target
   * @param rawAverage the average usage per pod in milli-units
   */
  record Proposal(int replicas, Integer utilization, long rawAverage) {}

  /** The metric gives no answer; the message is Kubernetes'. */
  static final class CalculationException extends Exception {
    CalculationException(String message) {
      super(message);
    }
  }

  /** Replicas for a target average utilization of {@code resource} (percent of the pods' requests). */
  static Proposal utilization(int currentReplicas, int targetUtilization, String resource, String container,
      List<JsonNode> pods, Map<String, PodMetric> sampled, Params params, Instant now) throws CalculationException {
    Counted counted = counted(pods, sampled, resource, params, now);
    Map<String, PodMetric> metrics = counted.metrics();
    Groups groups = counted.groups();
    Map<String, Long> requests = requests(pods, container, resource);
    Ratio first = utilizationRatio(metrics, requests, targetUtilization);
    boolean scaleUpWithUnready = !groups.unready().isEmpty() && first.ratio() > 1.0;
    if (!scaleUpWithUnready && groups.missing().isEmpty()) {
      if (Math.abs(1.0 - first.ratio()) <= params.tolerance()) {
        return new Proposal(currentReplicas, first.utilization(), first.rawAverage());
      }
      return new Proposal(ceil(first.ratio() * groups.ready()), first.utilization(), first.rawAverage());
    }
    if (!groups.missing().isEmpty()) {
      long fallback = Math.max(100, targetUtilization);
      for (String pod : groups.missing()) {
        if (first.ratio() < 1.0) {
          // On a scale-down a pod without a sample counts as using all of its request (or the target above 100%).
          metrics.put(pod, new PodMetric(requests.get(pod) * fallback / 100, now, Duration.ZERO));
        } else if (first.ratio() > 1.0) {
          metrics.put(pod, new PodMetric(0, now, Duration.ZERO));
        }
      }
    }
    if (scaleUpWithUnready) {
      for (String pod : groups.unready()) {
        metrics.put(pod, new PodMetric(0, now, Duration.ZERO));
      }
    }
    Ratio second = utilizationRatio(metrics, requests, targetUtilization);
    int replicas = conservative(currentReplicas, first.ratio(), second.ratio(), metrics.size(), params);
    return new Proposal(replicas, first.utilization(), first.rawAverage());
  }

  /** Replicas for a target average usage per pod of {@code resource}, in milli-units. */
  static Proposal averageValue(int currentReplicas, long targetMilli, String resource, List<JsonNode> pods,
      Map<String, PodMetric> sampled, Params params, Instant now) throws CalculationException {
    Counted counted = counted(pods, sampled, resource, params, now);
    Map<String, PodMetric> metrics = counted.metrics();
    Groups groups = counted.groups();
    long usage = average(metrics);
    double ratio = (double) usage / targetMilli;
    boolean scaleUpWithUnready = !groups.unready().isEmpty() && ratio > 1.0;
    if (!scaleUpWithUnready && groups.missing().isEmpty()) {
      if (Math.abs(1.0 - ratio) <= params.tolerance()) {
        return new Proposal(currentReplicas, null, usage);
      }
      return new Proposal(ceil(ratio * groups.ready()), null, usage);
    }
    for (String pod : groups.missing()) {
      // On a scale-down a pod without a sample counts as using exactly the target; on a scale-up, nothing.
      metrics.put(pod, new PodMetric(ratio < 1.0 ? targetMilli : 0, now, Duration.ZERO));
    }
    if (scaleUpWithUnready) {
      for (String pod : groups.unready()) {
        metrics.put(pod, new PodMetric(0, now, Duration.ZERO));
      }
    }
    double second = (double) average(metrics) / targetMilli;
    return new Proposal(conservative(currentReplicas, ratio, second, metrics.size(), params), null, usage);
  }

  /** The second, conservative answer: unchanged when small, or when the corrections turned the direction. */
  private static int conservative(int currentReplicas, double first, double second, int counted, Params params) {
    if (Math.abs(1.0 - second) <= params.tolerance() || first < 1.0 && second > 1.0 || first > 1.0 && second < 1.0) {
      return currentReplicas;
    }
    int replicas = ceil(second * counted);
    if (second < 1.0 && replicas > currentReplicas || second > 1.0 && replicas < currentReplicas) {
      return currentReplicas;
    }
    return replicas;
  }

  private static int ceil(double v) {
    return (int) Math.ceil(v);
  }

  private static long average(Map<String, PodMetric> metrics) {
    long total = 0;
    for (PodMetric m : metrics.values()) {
      total += m.milliValue();
    }
    return total / metrics.size();
  }

  private record Ratio(double ratio, int utilization, long rawAverage) {}

  /** GetResourceUtilizationRatio: over the pods with both a sample and a request. */
  private static Ratio utilizationRatio(Map<String, PodMetric> metrics, Map<String, Long> requests, int target)
      throws CalculationException {
    long usage = 0;
    long requested = 0;
    int entries = 0;
    for (Map.Entry<String, PodMetric> e : metrics.entrySet()) {
      Long request = requests.get(e.getKey());
      if (request == null) {
        continue;
      }
      usage += e.getValue().milliValue();
      requested += request;
      entries++;
    }
    if (requested == 0) {
      throw new CalculationException("no metrics returned matched known pods");
    }
    int utilization = (int) (usage * 100 / requested);
    return new Ratio((double) utilization / target, utilization, usage / entries);
  }

  /** Each pod's request of the resource (its containers', or the one named), milli-units; all must request it. */
  static Map<String, Long> requests(List<JsonNode> pods, String container, String resource)
      throws CalculationException {
    Map<String, Long> requests = new HashMap<>();
    for (JsonNode pod : pods) {
      long sum = 0;
      List<JsonNode> containers = new java.util.ArrayList<>();
      pod.path("spec").path("containers").forEach(containers::add);
      for (JsonNode c : pod.path("spec").path("initContainers")) {
        if ("Always".equals(Json.text(c.path("restartPolicy")))) {
          containers.add(c); // sidecars run beside the app and count
        }
      }
      for (JsonNode c : containers) {
        if (container != null && !container.equals(Json.text(c.path("name")))) {
          continue;
        }
        Optional<BigDecimal> request = Quantity.tryParse(c.path("resources").path("requests").get(resource));
        if (request.isEmpty()) {
          throw new CalculationException("missing request for " + resource + " in container "
              + Json.text(c.path("name")) + " of Pod " + Json.metaText(pod, "name"));
        }
        sum += milli(request.get());
      }
      requests.put(Json.metaText(pod, "name"), sum);
    }
    return requests;
  }

  /** A quantity in milli-units, rounded up as Kubernetes' MilliValue. */
  static long milli(BigDecimal value) {
    return value.movePointRight(3).setScale(0, RoundingMode.CEILING).longValue();
  }

  private record Groups(int ready, Set<String> unready, Set<String> missing, Set<String> ignored) {}

  /** The samples that count (of pods neither ignored nor unready), a copy the caller may add to, and the groups. */
  private record Counted(Map<String, PodMetric> metrics, Groups groups) {}

  private static Counted counted(List<JsonNode> pods, Map<String, PodMetric> sampled, String resource,
      Params params, Instant now) throws CalculationException {
    Map<String, PodMetric> metrics = new HashMap<>(sampled);
    if (pods.isEmpty()) {
      throw new CalculationException("no pods returned by selector while calculating replica count");
    }
    Groups groups = group(pods, metrics, resource, params, now);
    metrics.keySet().removeAll(groups.ignored());
    metrics.keySet().removeAll(groups.unready());
    if (metrics.isEmpty()) {
      throw new CalculationException("did not receive metrics for targeted pods (pods might be unready)");
    }
    return new Counted(metrics, groups);
  }

  /** groupPods: which pods count, which are unready, which lack a sample, which are ignored. */
  private static Groups group(List<JsonNode> pods, Map<String, PodMetric> metrics, String resource, Params params,
      Instant now) {
    int ready = 0;
    Set<String> unready = new HashSet<>();
    Set<String> missing = new HashSet<>();
    Set<String> ignored = new HashSet<>();
    for (JsonNode pod : pods) {
      String name = Json.metaText(pod, "name");
      String phase = Json.text(pod.path("status").path("phase"));
      if (!Json.metaText(pod, "deletionTimestamp").isEmpty() || phase.equals("Failed")
          || phase.equals("Succeeded")) {
        ignored.add(name);
        continue;
      }
      if (phase.equals("Pending")) {
        unready.add(name);
        continue;
      }
      PodMetric metric = metrics.get(name);
      if (metric == null) {
        missing.add(name);
        continue;
      }
      if (resource.equals("cpu") && cpuUnready(pod, metric, params, now)) {
        unready.add(name);
        continue;
      }
      ready++;
    }
    return new Groups(ready, unready, missing, ignored);
  }

  /**
   * Whether a pod's CPU sample is doubted: no Ready condition or start time; within the initialization period,
   * not ready or sampled before one window passed since readiness changed; after it, not ready and never ready
   * since its start (its readiness last changed within the initial delay).
   */
  private static boolean cpuUnready(JsonNode pod, PodMetric metric, Params params, Instant now) {
    JsonNode condition = null;
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(Json.text(c.path("type")))) {
        condition = c;
      }
    }
    Instant start = instant(pod.path("status").path("startTime"));
    if (condition == null || start == null) {
      return true;
    }
    Instant transition = instant(condition.path("lastTransitionTime"));
    if (transition == null) {
      transition = start;
    }
    boolean notReady = "False".equals(Json.text(condition.path("status")));
    if (start.plus(params.cpuInitializationPeriod()).isAfter(now)) {
      return notReady || metric.timestamp().isBefore(transition.plus(metric.window()));
    }
    return notReady && start.plus(params.initialReadinessDelay()).isAfter(transition);
  }

  private static Instant instant(JsonNode time) {
    String t = Json.text(time);
    try {
      return t.isEmpty() ? null : Instant.parse(t);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}

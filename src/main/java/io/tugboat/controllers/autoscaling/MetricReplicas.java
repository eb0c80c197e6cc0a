package io.tugboat.controllers.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.autoscaling.ReplicaCalculator.CalculationException;
import io.tugboat.controllers.autoscaling.ReplicaCalculator.PodMetric;
import io.tugboat.controllers.autoscaling.ReplicaCalculator.Proposal;
import io.tugboat.controllers.autoscaling.Scaling.Condition;
import io.tugboat.model.Json;
import io.tugboat.model.Quantity;
import io.tugboat.node.ClusterUsage;
import io.tugboat.node.NodeUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * computeReplicasForMetrics (pure): each metric of an HPA's spec proposes replicas from the selected pods and
 * their usage; the largest proposal wins. A metric that cannot be computed reports Kubernetes' condition
 * (ScalingActive False, FailedGetResourceMetric ...) and Warning event; when every metric failed, or some failed
 * and the others would scale down, there is no answer.
 */
final class MetricReplicas {

  private MetricReplicas() {}

  /** A Warning or Normal event to report about the HPA. */
  record Event(String type, String reason, String message) {}

  /**
   * The outcome over all metrics.
   *
   * @param replicas the largest proposal, -1 when there is no answer
   * @param metric the name of the metric that proposed it ("cpu resource utilization (percentage of request)")
   * @param statuses status.currentMetrics, one per spec metric (an empty one for a metric that failed)
   * @param error the first error ("invalid metrics (1 invalid out of 2), first error is: ..."), null when none
   * @param condition the ScalingActive condition to set
   * @param events Warning events of the metrics that failed
   */
  record Outcome(int replicas, String metric, List<ObjectNode> statuses, String error, Condition condition,
      List<Event> events) {}

  private record One(int replicas, String metric, ObjectNode status) {}

  private static final class MetricFailure extends Exception {
    final String reason;

    MetricFailure(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  /**
   * The replicas the metrics of {@code spec} ask for when the target has {@code specReplicas}, given the pods its
   * selector selects and the cluster's latest usage.
   */
  static Outcome compute(JsonNode spec, int specReplicas, List<JsonNode> pods, Map<String, NodeUsage> usage,
      ReplicaCalculator.Params params, Instant now) {
    JsonNode metrics = spec.path("metrics");
    if (metrics.isEmpty()) {
      // Admission defaults an empty list to 80% CPU; an HPA stored before that has nothing to compute from.
      String error = "no metrics specified";
      return new Outcome(-1, "", List.of(), error, new Condition("ScalingActive", "False", "InvalidMetricSourceType",
          "the HPA was unable to compute the replica count: " + error), List.of());
    }
    List<ObjectNode> statuses = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    int replicas = 0;
    String metric = "";
    int invalid = 0;
    String firstError = null;
    Condition firstCondition = null;
    for (JsonNode m : metrics) {
      try {
        One one = one(m, specReplicas, pods, usage, params, now);
        statuses.add(one.status());
        if (replicas == 0 || one.replicas() > replicas) {
          replicas = one.replicas();
          metric = one.metric();
        }
      } catch (MetricFailure f) {
        statuses.add(Json.object().put("type", ""));
        events.add(new Event("Warning", f.reason, f.getMessage()));
        if (invalid++ == 0) {
          firstCondition = new Condition("ScalingActive", "False", f.reason,
              "the HPA was unable to compute the replica count: " + f.getMessage());
          firstError = "failed to get " + describe(m) + " metric value: " + f.getMessage();
        }
      }
    }
    String error = firstError == null ? null
        : "invalid metrics (" + invalid + " invalid out of " + metrics.size() + "), first error is: " + firstError;
    if (invalid >= metrics.size() || invalid > 0 && replicas < specReplicas) {
      return new Outcome(-1, "", statuses, error, firstCondition, events);
    }
    return new Outcome(replicas, metric, statuses, error, new Condition("ScalingActive", "True", "ValidMetricFound",
        "the HPA was able to successfully calculate a replica count from " + metric), events);
  }

  private static String describe(JsonNode m) {
    String type = Json.text(m.path("type"));
    return switch (type) {
      case "Resource" -> Json.text(m.path("resource").path("name")) + " resource";
      case "ContainerResource" -> Json.text(m.path("containerResource").path("name")) + " container resource";
      case "Pods" -> "pods";
      case "Object" -> "object";
      case "External" -> "external";
      default -> type;
    };
  }

  private static One one(JsonNode m, int specReplicas, List<JsonNode> pods, Map<String, NodeUsage> usage,
      ReplicaCalculator.Params params, Instant now) throws MetricFailure {
    String type = Json.text(m.path("type"));
    switch (type) {
      case "Resource":
        return resource(m.path("resource"), null, specReplicas, pods, usage, params, now, "FailedGetResourceMetric");
      case "ContainerResource":
        return resource(m.path("containerResource"), Json.text(m.path("containerResource").path("container")),
            specReplicas, pods, usage, params, now, "FailedGetContainerResourceMetric");
      case "Pods", "Object", "External":
        // Only the resource metrics API (metrics.k8s.io) is served: custom and external metrics have no source.
        String name = Json.text(m.path(type.toLowerCase()).path("metric").path("name"));
        String api = type.equals("External") ? "external.metrics.k8s.io" : "custom.metrics.k8s.io";
        throw new MetricFailure("FailedGet" + type + "Metric", "unable to get " + type.toLowerCase() + " metric "
            + name + ": unable to fetch metrics from " + api + ": the server could not find the requested resource");
      default:
        throw new MetricFailure("InvalidMetricSourceType", "unknown metric source type \"" + type + "\"");
    }
  }

  private static One resource(JsonNode source, String container, int specReplicas, List<JsonNode> pods,
      Map<String, NodeUsage> usage, ReplicaCalculator.Params params, Instant now, String reason)
      throws MetricFailure {
    String name = Json.text(source.path("name"));
    JsonNode target = source.path("target");
    ObjectNode status = Json.object();
    boolean isContainer = container != null;
    status.put("type", isContainer ? "ContainerResource" : "Resource");
    ObjectNode body = status.putObject(isContainer ? "containerResource" : "resource").put("name", name);
    if (isContainer) {
      body.put("container", container);
    }
    ObjectNode current = body.putObject("current");
    try {
      Map<String, PodMetric> samples = samples(pods, usage, name, container);
      if (target.hasNonNull("averageValue")) {
        long targetMilli = ReplicaCalculator.milli(Quantity.tryParse(target.get("averageValue"))
            .orElseThrow(() -> new MetricFailure(reason, "invalid target averageValue")));
        try {
          requireSamples(samples, name, container);
          Proposal p = ReplicaCalculator.averageValue(specReplicas, targetMilli, name, pods, samples, params, now);
          current.put("averageValue", Quantity.formatMilli(p.rawAverage()));
          return new One(p.replicas(), name + " resource", status);
        } catch (CalculationException e) {
          throw new MetricFailure(reason, "failed to get " + name + " usage: " + e.getMessage());
        }
      }
      if (!target.path("averageUtilization").isNumber()) {
        throw new MetricFailure(reason, "invalid resource metric source: neither an average utilization target nor "
            + "an average value (usage) target was set");
      }
      try {
        requireSamples(samples, name, container);
        Proposal p = ReplicaCalculator.utilization(specReplicas, target.path("averageUtilization").asInt(), name,
            container, pods, samples, params, now);
        current.put("averageUtilization", p.utilization()).put("averageValue", Quantity.formatMilli(p.rawAverage()));
        return new One(p.replicas(), name + (isContainer ? " container" : "")
            + " resource utilization (percentage of request)", status);
      } catch (CalculationException e) {
        throw new MetricFailure(reason, "failed to get " + name + " utilization: " + e.getMessage());
      }
    } catch (CalculationException e) {
      throw new MetricFailure(reason, e.getMessage());
    }
  }

  private static void requireSamples(Map<String, PodMetric> samples, String resource, String container)
      throws CalculationException {
    if (samples.isEmpty()) {
      throw new CalculationException("unable to get metrics for resource " + resource + ": "
          + (container == null ? "no metrics returned from resource metrics API"
              : "failed to get container metrics: container " + container + " not present in metrics"));
    }
  }

  /**
   * The metrics client's answer: per selected pod with a measurement, the sum of its containers' usage of the
   * resource (or the named container's) in milli-units, when and over which window its node measured it.
   */
  static Map<String, PodMetric> samples(List<JsonNode> pods, Map<String, NodeUsage> usage, String resource,
      String container) throws CalculationException {
    if (!resource.equals("cpu") && !resource.equals("memory")) {
      throw new CalculationException("unable to get metrics for resource " + resource
          + ": no metrics returned from resource metrics API");
    }
    Map<String, PodMetric> samples = new HashMap<>();
    for (JsonNode pod : pods) {
      Optional<ClusterUsage.PodOnNode> measured = ClusterUsage.pod(usage, Json.text(pod.path("spec")
          .path("nodeName")), Json.metaText(pod, "namespace"), Json.metaText(pod, "name"), Json.metaText(pod, "uid"));
      if (measured.isEmpty() || measured.get().usage().containers().isEmpty()) {
        continue;
      }
      long sum = 0;
      boolean found = false;
      for (NodeUsage.ContainerUsage c : measured.get().usage().containers()) {
        if (container == null || container.equals(c.name())) {
          found = true;
          sum += resource.equals("cpu") ? ceilDiv(c.usage().cpuNanoCores(), 1_000_000)
              : c.usage().memoryBytes() * 1000;
        }
      }
      if (found) {
        NodeUsage node = measured.get().node();
        samples.put(Json.metaText(pod, "name"), new PodMetric(sum, node.timestamp(), node.window()));
      }
    }
    return samples;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}

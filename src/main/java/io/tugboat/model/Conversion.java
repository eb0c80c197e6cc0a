package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Conversion between a served version and the stored one. Every kind is stored as served except the
 * HorizontalPodAutoscaler, stored as autoscaling/v2 and also served as autoscaling/v1.
 */
public final class Conversion {

  private static final String HPA = "HorizontalPodAutoscaler";
  private static final int DEFAULT_CPU_UTILIZATION = 80;

  private Conversion() {}

  /** A copy of {@code obj}, given in {@code served}'s version, in the storage version. */
  public static ObjectNode toStorage(ResourceType served, ObjectNode obj) {
    ResourceType storage = ResourceRegistry.byStorageKey(served.storageKey()).orElse(served);
    ObjectNode out = obj.deepCopy();
    if (isHpaV1(served) && !storage.version().equals("v1")) {
      hpaV1ToV2(out);
    }
    if (isEventsV1(served)) {
      rename(out, EVENT_FIELDS, false);
    }
    out.put("apiVersion", storage.apiVersion());
    out.put("kind", served.kind());
    return moveFirst(out);
  }

  /** A copy of the stored object in {@code served}'s version. */
  public static ObjectNode fromStorage(ResourceType served, ObjectNode stored) {
    ObjectNode out = stored.deepCopy();
    if (isHpaV1(served) && !stored.path("apiVersion").asText().equals(served.apiVersion())) {
      hpaV2ToV1(out);
    }
    if (isEventsV1(served) && !stored.path("apiVersion").asText().equals(served.apiVersion())) {
      rename(out, EVENT_FIELDS, true);
    }
    out.put("apiVersion", served.apiVersion());
    out.put("kind", served.kind());
    return moveFirst(out);
  }

  /** events.k8s.io/v1 field -> core/v1 field, as Kubernetes converts them. */
  private static final java.util.Map<String, String> EVENT_FIELDS = java.util.Map.of(
      "regarding", "involvedObject",
      "note", "message",
      "reportingController", "reportingComponent",
      "deprecatedSource", "source",
      "deprecatedFirstTimestamp", "firstTimestamp",
      "deprecatedLastTimestamp", "lastTimestamp",
      "deprecatedCount", "count");

  private static boolean isEventsV1(ResourceType t) {
    return t.group().equals("events.k8s.io") && t.kind().equals("Event");
  }

  /** Renames top-level fields by the table (keys to values, or back when {@code inverse}). */
  private static void rename(ObjectNode obj, java.util.Map<String, String> table, boolean inverse) {
    for (java.util.Map.Entry<String, String> e : table.entrySet()) {
      String from = inverse ? e.getValue() : e.getKey();
      String to = inverse ? e.getKey() : e.getValue();
      JsonNode v = obj.remove(from);
      if (v != null) {
        obj.set(to, v);
      }
    }
  }

  private static boolean isHpaV1(ResourceType t) {
    return t.group().equals("autoscaling") && t.kind().equals(HPA) && t.version().equals("v1");
  }

  // targetCPUUtilizationPercentage becomes the one CPU utilization metric; none means Kubernetes' default of 80%.
  private static void hpaV1ToV2(ObjectNode hpa) {
    if (hpa.get("spec") instanceof ObjectNode spec) {
      JsonNode target = spec.remove("targetCPUUtilizationPercentage");
      int utilization = target == null || target.isNull() ? DEFAULT_CPU_UTILIZATION : target.asInt();
      ObjectNode metric = spec.putArray("metrics").addObject();
      metric.put("type", "Resource");
      ObjectNode resource = metric.putObject("resource");
      resource.put("name", "cpu");
      resource.putObject("target").put("type", "Utilization").put("averageUtilization", utilization);
    }
    if (hpa.get("status") instanceof ObjectNode status) {
      JsonNode current = status.remove("currentCPUUtilizationPercentage");
      if (current != null && !current.isNull()) {
        ObjectNode metric = status.putArray("currentMetrics").addObject();
        metric.put("type", "Resource");
        ObjectNode resource = metric.putObject("resource");
        resource.put("name", "cpu");
        resource.putObject("current").put("averageUtilization", current.asInt());
      }
    }
  }

  // Only the CPU utilization metric has a v1 field; other metrics, behavior and conditions are not shown in v1.
  private static void hpaV2ToV1(ObjectNode hpa) {
    if (hpa.get("spec") instanceof ObjectNode spec) {
      JsonNode metrics = spec.remove("metrics");
      spec.remove("behavior");
      JsonNode cpu = cpuMetric(metrics);
      if (cpu != null && cpu.path("resource").path("target").path("type").asText().equals("Utilization")
          && cpu.path("resource").path("target").has("averageUtilization")) {
        spec.put("targetCPUUtilizationPercentage", cpu.path("resource").path("target").path("averageUtilization").asInt());
      }
    }
    if (hpa.get("status") instanceof ObjectNode status) {
      JsonNode metrics = status.remove("currentMetrics");
      status.remove("conditions");
      JsonNode cpu = cpuMetric(metrics);
      if (cpu != null && cpu.path("resource").path("current").has("averageUtilization")) {
        status.put("currentCPUUtilizationPercentage",
            cpu.path("resource").path("current").path("averageUtilization").asInt());
      }
    }
  }

  private static JsonNode cpuMetric(JsonNode metrics) {
    if (metrics instanceof ArrayNode list) {
      for (JsonNode m : list) {
        if (m.path("type").asText().equals("Resource") && m.path("resource").path("name").asText().equals("cpu")) {
          return m;
        }
      }
    }
    return null;
  }

  // apiVersion and kind lead, as Kubernetes prints them.
  private static ObjectNode moveFirst(ObjectNode obj) {
    ObjectNode out = obj.objectNode();
    out.set("apiVersion", obj.get("apiVersion"));
    out.set("kind", obj.get("kind"));
    obj.fields().forEachRemaining(e -> {
      if (!out.has(e.getKey())) {
        out.set(e.getKey(), e.getValue());
      }
    });
    return out;
  }
}

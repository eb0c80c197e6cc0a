package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;
import static io.tugboat.model.kinds.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import java.util.ArrayList;
import java.util.List;

/** Admission of HorizontalPodAutoscalers in autoscaling/v2 (stored) and autoscaling/v1 (served by conversion). */
public final class AutoscalingRules {

  /** HPA rules for objects in autoscaling/v2 shape. */
  public static final KindRules HPA_V2 = new Hpa(true);
  /** HPA rules for objects in autoscaling/v1 shape. */
  public static final KindRules HPA_V1 = new Hpa(false);

  /** The CPU utilization Kubernetes targets when an HPA names no metric. */
  public static final int DEFAULT_CPU_UTILIZATION = 80;

  private AutoscalingRules() {}

  /** minReplicas 1; in v2 a missing metric list becomes 80% CPU utilization (behavior is not defaulted). */
  private record Hpa(boolean v2) implements KindRules {
    @Override
    public void applyDefaults(ObjectNode hpa) {
      ObjectNode spec = Fields.object(hpa, "spec");
      Fields.defaultInt(spec, "minReplicas", 1);
      if (v2 && spec.path("metrics").size() == 0) {
        ObjectNode metric = spec.putArray("metrics").addObject();
        metric.put("type", "Resource");
        ObjectNode resource = metric.putObject("resource");
        resource.put("name", "cpu");
        resource.putObject("target").put("type", "Utilization").put("averageUtilization", DEFAULT_CPU_UTILIZATION);
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode hpa) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode spec = hpa.path("spec");
      JsonNode ref = spec.path("scaleTargetRef");
      if (text(ref, "kind").isEmpty()) {
        errs.add(FieldError.required("spec.scaleTargetRef.kind"));
      }
      if (text(ref, "name").isEmpty()) {
        errs.add(FieldError.required("spec.scaleTargetRef.name"));
      }
      long min = spec.path("minReplicas").asLong(1);
      long max = spec.path("maxReplicas").asLong(0);
      if (min < 1) {
        errs.add(FieldError.invalid("spec.minReplicas", min, "must be greater than or equal to 1"));
      }
      if (max < 1) {
        errs.add(FieldError.invalid("spec.maxReplicas", max, "must be greater than 0"));
      } else if (max < min) {
        errs.add(FieldError.invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
      }
      if (!v2 && has(spec, "targetCPUUtilizationPercentage")
          && spec.get("targetCPUUtilizationPercentage").asLong() < 1) {
        errs.add(FieldError.invalid("spec.targetCPUUtilizationPercentage",
            spec.get("targetCPUUtilizationPercentage").asLong(), "must be greater than 0"));
      }
      int i = 0;
      for (JsonNode metric : spec.path("metrics")) {
        String at = "spec.metrics[" + i++ + "]";
        String type = text(metric, "type");
        List<String> types = List.of("ContainerResource", "External", "Object", "Pods", "Resource");
        if (type.isEmpty()) {
          errs.add(FieldError.required(at + ".type", "must specify a metric source type"));
        } else if (!types.contains(type)) {
          errs.add(FieldError.notSupported(at + ".type", type, types));
        }
      }
      return errs;
    }
  }
}

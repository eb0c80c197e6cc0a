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

  /**
   * minReplicas 1; in v2 a missing metric list becomes 80% CPU utilization, and a behavior given gets Kubernetes'
   * defaults for the rules it leaves out (the scale-down window is left to the controller's flag).
   */
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
      if (v2 && spec.get("behavior") instanceof ObjectNode behavior) {
        ObjectNode up = Fields.object(behavior, "scaleUp");
        if (!up.has("stabilizationWindowSeconds")) {
          up.put("stabilizationWindowSeconds", 0);
        }
        defaultRules(up, List.of(new int[] {0, 4, 15}, new int[] {1, 100, 15}));
        defaultRules(Fields.object(behavior, "scaleDown"), List.<int[]>of(new int[] {1, 100, 15}));
      }
    }

    /** selectPolicy Max and the policies (type Pods 0 / Percent 1, value, periodSeconds) when not given. */
    private static void defaultRules(ObjectNode rules, List<int[]> policies) {
      if (!rules.hasNonNull("selectPolicy")) {
        rules.put("selectPolicy", "Max");
      }
      if (!rules.hasNonNull("policies")) {
        var list = rules.putArray("policies");
        for (int[] p : policies) {
          list.addObject().put("type", p[0] == 0 ? "Pods" : "Percent").put("value", p[1]).put("periodSeconds", p[2]);
        }
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
      if (!text(ref, "kind").isEmpty() && notScalable(text(ref, "apiVersion"), text(ref, "kind"))) {
        errs.add(FieldError.invalid("spec.scaleTargetRef.kind", text(ref, "kind"), "must be a kind with a scale "
            + "subresource (Deployment, ReplicaSet, StatefulSet, ReplicationController)"));
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
        } else if (type.equals("Resource") || type.equals("ContainerResource")) {
          validateResource(metric, type.equals("Resource") ? "resource" : "containerResource", at, errs);
        }
      }
      if (v2 && spec.path("behavior").isObject()) {
        validateRules(spec.path("behavior").path("scaleUp"), "spec.behavior.scaleUp", errs);
        validateRules(spec.path("behavior").path("scaleDown"), "spec.behavior.scaleDown", errs);
      }
      return errs;
    }

    private static void validateResource(JsonNode metric, String field, String at, List<FieldError> errs) {
      JsonNode source = metric.path(field);
      String path = at + "." + field;
      if (!source.isObject()) {
        errs.add(FieldError.required(path, "must populate information for the given metric source"));
        return;
      }
      if (text(source, "name").isEmpty()) {
        errs.add(FieldError.required(path + ".name", "must specify a resource name"));
      }
      if (field.equals("containerResource") && text(source, "container").isEmpty()) {
        errs.add(FieldError.required(path + ".container", "must specify a container"));
      }
      JsonNode target = source.path("target");
      String type = text(target, "type");
      List<String> targetTypes = List.of("AverageValue", "Utilization", "Value");
      if (type.isEmpty()) {
        errs.add(FieldError.required(path + ".target.type", "must specify a metric target type"));
      } else if (!targetTypes.contains(type)) {
        errs.add(FieldError.notSupported(path + ".target.type", type, targetTypes));
      }
      boolean utilization = has(target, "averageUtilization");
      boolean average = has(target, "averageValue");
      if (utilization && target.get("averageUtilization").asLong() < 1) {
        errs.add(FieldError.invalid(path + ".target.averageUtilization", target.get("averageUtilization").asLong(),
            "must be greater than 0"));
      }
      if (average && io.tugboat.model.Quantity.tryParse(target.get("averageValue"))
          .map(q -> q.signum() != 1).orElse(true)) {
        errs.add(FieldError.invalid(path + ".target.averageValue", Fields.text(target, "averageValue"),
            "must be positive"));
      }
      if (!utilization && !average) {
        errs.add(FieldError.required(path + ".target.averageUtilization",
            "must set either a target raw value or a target utilization"));
      } else if (utilization && average) {
        errs.add(FieldError.invalid(path + ".target.averageValue", Fields.text(target, "averageValue"),
            "may not set both a target raw value and a target utilization"));
      }
    }

    private static void validateRules(JsonNode rules, String path, List<FieldError> errs) {
      if (!rules.isObject()) {
        return;
      }
      JsonNode window = rules.path("stabilizationWindowSeconds");
      if (window.isNumber() && window.asLong() < 0) {
        errs.add(FieldError.invalid(path + ".stabilizationWindowSeconds", window.asLong(),
            "must be greater than or equal to zero"));
      } else if (window.isNumber() && window.asLong() > 3600) {
        errs.add(FieldError.invalid(path + ".stabilizationWindowSeconds", window.asLong(),
            "must be less than or equal to 3600"));
      }
      String select = text(rules, "selectPolicy");
      if (!select.isEmpty() && !List.of("Disabled", "Max", "Min").contains(select)) {
        errs.add(FieldError.notSupported(path + ".selectPolicy", select, List.of("Disabled", "Max", "Min")));
      }
      if (rules.path("policies").isArray() && rules.path("policies").isEmpty()) {
        errs.add(FieldError.required(path + ".policies", "must specify at least one Policy"));
      }
      int i = 0;
      for (JsonNode p : rules.path("policies")) {
        String at = path + ".policies[" + i++ + "]";
        String type = text(p, "type");
        if (!List.of("Percent", "Pods").contains(type)) {
          errs.add(FieldError.notSupported(at + ".type", type, List.of("Percent", "Pods")));
        }
        if (p.path("value").asLong(0) <= 0) {
          errs.add(FieldError.invalid(at + ".value", p.path("value").asLong(0), "must be greater than zero"));
        }
        long period = p.path("periodSeconds").asLong(0);
        if (period <= 0) {
          errs.add(FieldError.invalid(at + ".periodSeconds", period, "must be greater than zero"));
        } else if (period > 1800) {
          errs.add(FieldError.invalid(at + ".periodSeconds", period, "must be less than or equal to 1800"));
        }
      }
    }

    /** A kind the registry serves that has no scale subresource (kinds it does not know are judged at run time). */
    private static boolean notScalable(String apiVersion, String kind) {
      List<io.tugboat.model.ResourceType> named = io.tugboat.model.ResourceRegistry.all().stream()
          .filter(t -> t.kind().equals(kind) && (apiVersion.isEmpty() || t.apiVersion().equals(apiVersion)))
          .toList();
      return !named.isEmpty() && named.stream().noneMatch(io.tugboat.model.ResourceType::hasScale);
    }
  }
}

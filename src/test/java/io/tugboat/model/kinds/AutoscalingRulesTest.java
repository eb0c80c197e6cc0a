package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.fields;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoscalingRulesTest {

  private static ObjectNode hpa(String spec) {
    ObjectNode hpa = yaml("metadata: {name: web}\nspec:\n" + spec.indent(2));
    AutoscalingRules.HPA_V2.applyDefaults(hpa);
    return hpa;
  }

  private static final String REF = "scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
      + "maxReplicas: 5\n";

  @Test
  void aGivenBehaviorGetsKubernetesDefaults() {
    ObjectNode hpa = hpa(REF + "behavior: {scaleDown: {stabilizationWindowSeconds: 60}}");
    assertEquals(yaml("""
        scaleUp:
          stabilizationWindowSeconds: 0
          selectPolicy: Max
          policies: [{type: Pods, value: 4, periodSeconds: 15}, {type: Percent, value: 100, periodSeconds: 15}]
        scaleDown:
          stabilizationWindowSeconds: 60
          selectPolicy: Max
          policies: [{type: Percent, value: 100, periodSeconds: 15}]
        """), hpa.at("/spec/behavior"));
    assertEquals(List.of(), AutoscalingRules.HPA_V2.validate(hpa));
    assertTrue(hpa(REF).at("/spec/behavior").isMissingNode(), "no behavior stays none");
  }

  @Test
  void minAboveMaxNamesMaxReplicas() {
    assertEquals(List.of("spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`"),
        described(AutoscalingRules.HPA_V2.validate(hpa(REF + "minReplicas: 7"))));
  }

  @Test
  void aTargetKindWithoutScaleIsRejected() {
    assertEquals(List.of("spec.scaleTargetRef.kind"), fields(AutoscalingRules.HPA_V2.validate(
        hpa("scaleTargetRef: {apiVersion: v1, kind: Pod, name: web}\nmaxReplicas: 3"))));
    assertEquals(List.of("spec.scaleTargetRef.kind"), fields(AutoscalingRules.HPA_V1.validate(
        yaml("spec: {scaleTargetRef: {kind: ConfigMap, name: web}, maxReplicas: 3}"))));
    // Kinds the registry does not serve (a custom resource) are judged when the controller reads their scale.
    assertEquals(List.of(), AutoscalingRules.HPA_V2.validate(
        hpa("scaleTargetRef: {apiVersion: example.com/v1, kind: Widget, name: web}\nmaxReplicas: 3")));
  }

  @Test
  void unknownMetricTypesAndIncompleteResourceTargetsNameTheField() {
    assertEquals(List.of("spec.metrics[0].type: Unsupported value: \"Cpu\": supported values: \"ContainerResource\", "
            + "\"External\", \"Object\", \"Pods\", \"Resource\""),
        described(AutoscalingRules.HPA_V2.validate(hpa(REF + "metrics: [{type: Cpu}]"))));
    assertEquals(List.of("spec.metrics[0].resource.target.type", "spec.metrics[0].resource.target.averageUtilization"),
        fields(AutoscalingRules.HPA_V2.validate(hpa(REF + "metrics: [{type: Resource, resource: {name: cpu,"
            + " target: {}}}]"))));
    assertEquals(List.of("spec.metrics[0].resource.target.averageUtilization"),
        fields(AutoscalingRules.HPA_V2.validate(hpa(REF + "metrics: [{type: Resource, resource: {name: cpu,"
            + " target: {type: Utilization, averageUtilization: 0}}}]"))));
    assertEquals(List.of("spec.metrics[0].resource"),
        fields(AutoscalingRules.HPA_V2.validate(hpa(REF + "metrics: [{type: Resource}]"))));
  }

  @Test
  void badBehaviorPoliciesNameTheField() {
    assertEquals(List.of("spec.behavior.scaleUp.selectPolicy", "spec.behavior.scaleUp.policies[0].type",
            "spec.behavior.scaleUp.policies[0].periodSeconds", "spec.behavior.scaleDown.stabilizationWindowSeconds",
            "spec.behavior.scaleDown.policies[0].value"),
        fields(AutoscalingRules.HPA_V2.validate(hpa(REF + """
            behavior:
              scaleUp: {selectPolicy: Most, policies: [{type: Replicas, value: 1, periodSeconds: 3600}]}
              scaleDown: {stabilizationWindowSeconds: -1, policies: [{type: Pods, value: 0, periodSeconds: 15}]}
            """))));
  }
}

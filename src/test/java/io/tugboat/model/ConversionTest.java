package io.tugboat.model;

import static io.tugboat.model.TestObjects.type;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class ConversionTest {

  private static final ResourceType HPA_V1 = type("autoscaling/v1", "HorizontalPodAutoscaler");
  private static final ResourceType HPA_V2 = type("autoscaling/v2", "HorizontalPodAutoscaler");

  @Test
  void otherKindsAreStoredAsServed() {
    var cm = yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: b}}");
    assertEquals(cm, Conversion.toStorage(type("v1", "ConfigMap"), cm));
    assertEquals(cm, Conversion.fromStorage(type("v1", "ConfigMap"), cm));
  }

  @Test
  void hpaV1TargetBecomesAV2CpuUtilizationMetric() {
    var v1 = yaml("""
        apiVersion: autoscaling/v1
        kind: HorizontalPodAutoscaler
        metadata: {name: h}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 1
          maxReplicas: 5
          targetCPUUtilizationPercentage: 60
        status: {currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 40}
        """);
    assertEquals(yaml("""
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: h}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 1
          maxReplicas: 5
          metrics:
          - type: Resource
            resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
        status:
          currentReplicas: 2
          desiredReplicas: 2
          currentMetrics:
          - type: Resource
            resource: {name: cpu, current: {averageUtilization: 40}}
        """), Conversion.toStorage(HPA_V1, v1));
  }

  @Test
  void hpaV1RoundTripsThroughStorage() {
    var v1 = yaml("""
        apiVersion: autoscaling/v1
        kind: HorizontalPodAutoscaler
        metadata: {name: h}
        spec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70}
        status: {currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 90}
        """);
    assertEquals(v1, Conversion.fromStorage(HPA_V1, Conversion.toStorage(HPA_V1, v1)));
  }

  @Test
  void hpaV1WithoutTargetGetsTheDefault80Percent() {
    var v1 = yaml("{apiVersion: autoscaling/v1, kind: HorizontalPodAutoscaler, spec: {maxReplicas: 3}}");
    var stored = Conversion.toStorage(HPA_V1, v1);
    assertEquals(80, stored.at("/spec/metrics/0/resource/target/averageUtilization").asInt());
  }

  @Test
  void v1ViewDropsV2OnlyFields() {
    var stored = yaml("""
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        spec:
          maxReplicas: 3
          behavior: {scaleDown: {stabilizationWindowSeconds: 60}}
          metrics:
          - type: Pods
            pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: '10'}}
        status: {conditions: [{type: AbleToScale, status: 'True'}], currentMetrics: []}
        """);
    var v1 = Conversion.fromStorage(HPA_V1, stored);
    assertEquals("autoscaling/v1", v1.get("apiVersion").asText());
    assertEquals(yaml("{maxReplicas: 3}"), v1.get("spec"));
    assertEquals(yaml("{}"), v1.get("status"));
  }

  @Test
  void v2IsServedAsStored() {
    var stored = yaml("{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, spec: {maxReplicas: 3, metrics: []}}");
    assertEquals(stored, Conversion.fromStorage(HPA_V2, stored));
    assertEquals(stored, Conversion.toStorage(HPA_V2, stored));
  }

  @Test
  void conversionDoesNotMutateItsInput() {
    var v1 = yaml("{apiVersion: autoscaling/v1, kind: HorizontalPodAutoscaler, spec: {targetCPUUtilizationPercentage: 50}}");
    var copy = v1.deepCopy();
    Conversion.toStorage(HPA_V1, v1);
    assertEquals(copy, v1);
    assertFalse(v1.path("spec").has("metrics"));
  }
}

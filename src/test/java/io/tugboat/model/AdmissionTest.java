package io.tugboat.model;

import static io.tugboat.model.TestObjects.type;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void everyServedKindHasRules() {
    for (ResourceType t : ResourceRegistry.all()) {
      KindRules rules = Admission.rulesFor(t);
      var obj = yaml("{metadata: {name: x, namespace: d, uid: u}}");
      rules.applyDefaults(obj);
      rules.validate(obj);
      rules.validateUpdate(obj, obj.deepCopy());
    }
  }

  @Test
  void kindsWithoutRulesAreLeftAlone() {
    var obj = yaml("{metadata: {name: sa}}");
    KindRules rules = Admission.rulesFor(type("v1", "ServiceAccount"));
    rules.applyDefaults(obj);
    assertEquals(yaml("{metadata: {name: sa}}"), obj);
    assertTrue(rules.validate(obj).isEmpty());
  }

  @Test
  void hpaVersionsHaveTheirOwnRules() {
    assertNotSame(Admission.rulesFor(type("autoscaling/v1", "HorizontalPodAutoscaler")),
        Admission.rulesFor(type("autoscaling/v2", "HorizontalPodAutoscaler")));
    var v2 = yaml("{spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}}");
    Admission.rulesFor(type("autoscaling/v2", "HorizontalPodAutoscaler")).applyDefaults(v2);
    assertEquals(1, v2.at("/spec/minReplicas").asInt());
    assertEquals(80, v2.at("/spec/metrics/0/resource/target/averageUtilization").asInt());
    var v1 = yaml("{spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}}");
    Admission.rulesFor(type("autoscaling/v1", "HorizontalPodAutoscaler")).applyDefaults(v1);
    assertEquals(yaml("{spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3, minReplicas: 1}}"), v1);
  }
}

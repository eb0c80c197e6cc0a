package io.tugboat.model.quota;

import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.kinds.QuotaRules;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LimitRangerTest {

  /** A LimitRange as stored: defaulted by its admission rules. */
  private static ObjectNode range(String limitsYaml) {
    ObjectNode r = yaml("{metadata: {name: lr, namespace: d}, spec: {limits: " + limitsYaml + "}}");
    QuotaRules.LIMIT_RANGE.applyDefaults(r);
    return r;
  }

  private static ObjectNode pod(String containersYaml) {
    return yaml("{metadata: {name: p, namespace: d}, spec: {containers: " + containersYaml + "}}");
  }

  @Test
  void fillsDefaultRequestsAndLimitsAndAnnotatesWhatItSet() {
    ObjectNode pod = pod("[{name: c, image: nginx}]");
    Optional<String> refused = LimitRanger.admitPod(pod, List.of(range(
        "[{type: Container, default: {memory: 512Mi, cpu: '1'}, defaultRequest: {memory: 256Mi, cpu: 500m}}]")));
    assertTrue(refused.isEmpty());
    assertEquals(yaml("{limits: {cpu: '1', memory: 512Mi}, requests: {cpu: 500m, memory: 256Mi}}"),
        pod.at("/spec/containers/0/resources"));
    assertEquals("LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c",
        pod.at("/metadata/annotations").path(LimitRanger.ANNOTATION).asText());
  }

  @Test
  void aDeclaredLimitBecomesTheRequestBeforeRangeDefaultsApply() {
    // The docs' "only a limit" case: requests default to the container's own limit, not to defaultRequest.
    ObjectNode pod = pod("[{name: c, image: nginx, resources: {limits: {memory: 1Gi}}}]");
    LimitRanger.admitPod(pod, List.of(range("[{type: Container, default: {memory: 512Mi},"
        + " defaultRequest: {memory: 256Mi}}]")));
    assertEquals("1Gi", pod.at("/spec/containers/0/resources/requests/memory").asText());
    assertEquals("1Gi", pod.at("/spec/containers/0/resources/limits/memory").asText());
    assertFalse(pod.at("/metadata/annotations").has(LimitRanger.ANNOTATION));
  }

  @Test
  void initContainersGetDefaultsToo() {
    ObjectNode pod = yaml("{metadata: {name: p}, spec: {initContainers: [{name: i}], containers: [{name: c,"
        + " resources: {requests: {cpu: 100m}, limits: {cpu: 100m}}}]}}");
    LimitRanger.admitPod(pod, List.of(range("[{type: Container, default: {cpu: 200m}}]")));
    assertEquals("200m", pod.at("/spec/initContainers/0/resources/requests/cpu").asText());
    assertEquals("LimitRanger plugin set: cpu request for init container i; cpu limit for init container i",
        pod.at("/metadata/annotations").path(LimitRanger.ANNOTATION).asText());
  }

  @Test
  void maxDefaultsTheLimitAndRefusesALargerOne() {
    ObjectNode lr = range("[{type: Container, max: {cpu: 500m}}]");
    ObjectNode defaulted = pod("[{name: c}]");
    assertTrue(LimitRanger.admitPod(defaulted, List.of(lr)).isEmpty());
    assertEquals("500m", defaulted.at("/spec/containers/0/resources/limits/cpu").asText());
    assertEquals(Optional.of("maximum cpu usage per Container is 500m, but limit is 1"),
        LimitRanger.admitPod(pod("[{name: c, resources: {limits: {cpu: '1'}}}]"), List.of(lr)));
  }

  @Test
  void minRefusesSmallerRequestsAndMissingOnes() {
    ObjectNode lr = yaml("{spec: {limits: [{type: Container, min: {memory: 500Mi}}]}}");
    assertEquals(Optional.of("minimum memory usage per Container is 500Mi, but request is 100Mi"),
        LimitRanger.admitPod(pod("[{name: c, resources: {requests: {memory: 100Mi}}}]"), List.of(lr)));
    assertEquals(Optional.of("minimum memory usage per Container is 500Mi.  No request is specified"),
        LimitRanger.admitPod(pod("[{name: c}]"), List.of(lr)));
    assertTrue(LimitRanger.admitPod(pod("[{name: c, resources: {requests: {memory: 600Mi}}}]"), List.of(lr))
        .isEmpty());
  }

  @Test
  void maxWithoutALimitIsRefusedWhenNothingDefaultsIt() {
    ObjectNode lr = yaml("{spec: {limits: [{type: Container, max: {memory: 1Gi}}]}}");
    assertEquals(Optional.of("maximum memory usage per Container is 1Gi.  No limit is specified"),
        LimitRanger.admitPod(pod("[{name: c}]"), List.of(lr)));
  }

  @Test
  void podRangesSumTheContainers() {
    ObjectNode lr = range("[{type: Pod, max: {cpu: '1'}}]");
    assertEquals(Optional.of("maximum cpu usage per Pod is 1, but limit is 1200m"), LimitRanger.admitPod(
        pod("[{name: a, resources: {limits: {cpu: 600m}}}, {name: b, resources: {limits: {cpu: 600m}}}]"),
        List.of(lr)));
    assertTrue(LimitRanger.admitPod(
        pod("[{name: a, resources: {limits: {cpu: 500m}}}, {name: b, resources: {limits: {cpu: 500m}}}]"),
        List.of(lr)).isEmpty());
  }

  @Test
  void limitToRequestRatioIsBounded() {
    ObjectNode lr = yaml("{spec: {limits: [{type: Container, maxLimitRequestRatio: {memory: '2'}}]}}");
    assertEquals(Optional.of("memory max limit to request ratio per Container is 2, but provided ratio is 4.000000"),
        LimitRanger.admitPod(pod("[{name: c, resources: {requests: {memory: 256Mi}, limits: {memory: 1Gi}}}]"),
            List.of(lr)));
    assertEquals(Optional.of("memory max limit to request ratio per Container is 2, but no limit is specified"
        + " or limit is 0"), LimitRanger.admitPod(pod("[{name: c, resources: {requests: {memory: 256Mi}}}]"),
        List.of(lr)));
    assertTrue(LimitRanger.admitPod(pod("[{name: c, resources: {requests: {memory: 512Mi}, limits: {memory: 1Gi}}}]"),
        List.of(lr)).isEmpty());
  }

  @Test
  void severalViolationsAreListedInBrackets() {
    ObjectNode lr = yaml("{spec: {limits: [{type: Container, max: {cpu: 500m, memory: 1Gi}}]}}");
    assertEquals(Optional.of("[maximum cpu usage per Container is 500m, but limit is 1, maximum memory usage per"
        + " Container is 1Gi, but limit is 2Gi]"), LimitRanger.admitPod(
        pod("[{name: c, resources: {limits: {cpu: '1', memory: 2Gi}}}]"), List.of(lr)));
  }

  @Test
  void claimStorageIsBoundedByMinAndMax() {
    ObjectNode lr = yaml("{spec: {limits: [{type: PersistentVolumeClaim, min: {storage: 1Gi}, max: {storage: 2Gi}}]}}");
    ObjectNode big = yaml("{metadata: {name: c}, spec: {resources: {requests: {storage: 5Gi}}}}");
    ObjectNode small = yaml("{metadata: {name: c}, spec: {resources: {requests: {storage: 500Mi}}}}");
    ObjectNode fits = yaml("{metadata: {name: c}, spec: {resources: {requests: {storage: 1Gi}}}}");
    assertEquals(Optional.of("maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi"),
        LimitRanger.admitClaim(big, List.of(lr)));
    assertEquals(Optional.of("minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi"),
        LimitRanger.admitClaim(small, List.of(lr)));
    assertTrue(LimitRanger.admitClaim(fits, List.of(lr)).isEmpty());
  }
}

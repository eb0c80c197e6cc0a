package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.fields;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodRulesTest {

  private final PodRules rules = new PodRules();

  private ObjectNode defaulted(String text) {
    ObjectNode pod = yaml(text);
    rules.applyDefaults(pod);
    return pod;
  }

  @Test
  void defaultsAPodAsKubernetesDoes() {
    ObjectNode pod = defaulted("""
        metadata: {name: p}
        spec:
          containers:
          - name: c
            image: nginx
            ports: [{containerPort: 80}]
            livenessProbe: {httpGet: {port: 80}}
        """);
    assertEquals(yaml("""
        metadata: {name: p}
        spec:
          containers:
          - name: c
            image: nginx
            ports: [{containerPort: 80, protocol: TCP}]
            livenessProbe:
              httpGet: {port: 80, path: /, scheme: HTTP}
              timeoutSeconds: 1
              periodSeconds: 10
              successThreshold: 1
              failureThreshold: 3
            terminationMessagePath: /dev/termination-log
            terminationMessagePolicy: File
            imagePullPolicy: Always
            resources: {}
          dnsPolicy: ClusterFirst
          restartPolicy: Always
          securityContext: {}
          terminationGracePeriodSeconds: 30
          schedulerName: default-scheduler
          enableServiceLinks: true
          tolerations:
          - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
          - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
        status: {phase: Pending, qosClass: BestEffort}
        """), pod);
  }

  @Test
  void defaultTolerationsAreAddedOnlyForTaintsThePodDoesNotTolerateYet() {
    ObjectNode own = defaulted("""
        spec:
          containers: [{name: c, image: x}]
          tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5}]
        """);
    assertEquals(yaml("""
        t:
        - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
        - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
        """).get("t"), own.at("/spec/tolerations"));
    ObjectNode everything = defaulted("spec: {containers: [{name: c, image: x}], tolerations: [{operator: Exists}]}");
    assertEquals(1, everything.at("/spec/tolerations").size());
    ObjectNode again = everything.deepCopy();
    rules.applyDefaults(again);
    assertEquals(everything, again);
  }

  @Test
  void pullPolicyFollowsTheTag() {
    assertEquals("Always", PodSpecRules.pullPolicyFor("nginx"));
    assertEquals("Always", PodSpecRules.pullPolicyFor("nginx:latest"));
    assertEquals("IfNotPresent", PodSpecRules.pullPolicyFor("nginx:1.27"));
    assertEquals("Always", PodSpecRules.pullPolicyFor("localhost:5000/app"));
    assertEquals("IfNotPresent", PodSpecRules.pullPolicyFor("localhost:5000/app:v2"));
    assertEquals("IfNotPresent", PodSpecRules.pullPolicyFor("nginx@sha256:abc"));
  }

  @Test
  void keepsValuesTheUserSet() {
    ObjectNode pod = defaulted("spec: {restartPolicy: Never, containers: [{name: c, image: x, imagePullPolicy: Never}]}");
    assertEquals("Never", pod.at("/spec/restartPolicy").asText());
    assertEquals("Never", pod.at("/spec/containers/0/imagePullPolicy").asText());
  }

  @Test
  void requestsDefaultToLimitsAndMakeThePodGuaranteed() {
    ObjectNode pod = defaulted("spec: {containers: [{name: c, image: x, resources: {limits: {cpu: 500m, memory: 1Gi}}}]}");
    assertEquals(yaml("{cpu: 500m, memory: 1Gi}"), pod.at("/spec/containers/0/resources/requests"));
    assertEquals("Guaranteed", pod.at("/status/qosClass").asText());
  }

  @Test
  void requestsBelowLimitsAreBurstable() {
    ObjectNode pod = defaulted("spec: {containers: [{name: c, image: x, resources: {requests: {cpu: 100m}}}]}");
    assertEquals("Burstable", pod.at("/status/qosClass").asText());
  }

  @Test
  void acceptsADefaultedPod() {
    assertEquals(List.of(), rules.validate(defaulted("spec: {containers: [{name: c, image: x}]}")));
  }

  @Test
  void requiresAContainer() {
    assertEquals(List.of("spec.containers: Required value"), described(rules.validate(defaulted("spec: {}"))));
  }

  @Test
  void checksContainerNamesImagesAndPorts() {
    ObjectNode pod = defaulted("""
        spec:
          containers:
          - {name: web, image: x, ports: [{containerPort: 70000}, {containerPort: 80, protocol: HTTP}]}
          - {name: web}
          - {name: Bad_Name, image: y}
        """);
    assertEquals(List.of("spec.containers[0].ports[0].containerPort", "spec.containers[0].ports[1].protocol",
        "spec.containers[1].name", "spec.containers[1].image", "spec.containers[2].name"), fields(rules.validate(pod)));
    List<String> described = described(rules.validate(pod));
    assertEquals("spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535,"
        + " inclusive", described.get(0));
    assertEquals("spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\","
        + " \"TCP\", \"UDP\"", described.get(1));
    assertEquals("spec.containers[1].name: Duplicate value: \"web\"", described.get(2));
    assertEquals("spec.containers[1].image: Required value", described.get(3));
  }

  @Test
  void checksRestartPolicy() {
    assertEquals(List.of("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\","
        + " \"OnFailure\", \"Never\""),
        described(rules.validate(defaulted("spec: {restartPolicy: Sometimes, containers: [{name: c, image: x}]}"))));
  }

  @Test
  void checksResourceQuantities() {
    ObjectNode pod = defaulted("""
        spec:
          containers:
          - name: c
            image: x
            resources: {limits: {cpu: 1x}, requests: {memory: 2Gi}}
          - name: d
            image: x
            resources: {limits: {memory: 1Gi}, requests: {memory: 2Gi}}
        """);
    assertEquals(List.of(
        "spec.containers[0].resources.limits[cpu]: Invalid value: \"1x\": quantities must match the regular expression"
            + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        // requests default to limits, so the bad limit is reported twice, as Kubernetes would after defaulting.
        "spec.containers[0].resources.requests[cpu]: Invalid value: \"1x\": quantities must match the regular"
            + " expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        "spec.containers[1].resources.requests[memory]: Invalid value: \"2Gi\": must be less than or equal to memory"
            + " limit of 1Gi"), described(rules.validate(pod)));
  }

  @Test
  void volumeMountsMustNameAVolume() {
    ObjectNode pod = defaulted("""
        spec:
          volumes: [{name: data, emptyDir: {}}, {name: cfg, configMap: {name: c}}]
          containers: [{name: c, image: x, volumeMounts: [{name: data, mountPath: /d}, {name: nope, mountPath: /n}]}]
        """);
    assertEquals(List.of("spec.containers[0].volumeMounts[1].name: Not found: \"nope\""), described(rules.validate(pod)));
    assertEquals(420, pod.at("/spec/volumes/1/configMap/defaultMode").asInt());
  }

  @Test
  void updatesMayChangeImages() {
    ObjectNode old = defaulted("spec: {containers: [{name: c, image: 'nginx:1'}]}");
    ObjectNode now = old.deepCopy();
    ((ObjectNode) now.at("/spec/containers/0")).put("image", "nginx:2");
    assertEquals(List.of(), rules.validateUpdate(now, old));
  }

  @Test
  void updatesMayNotChangeOtherSpecFields() {
    ObjectNode old = defaulted("spec: {containers: [{name: c, image: 'nginx:1'}]}");
    ObjectNode now = old.deepCopy();
    ((ObjectNode) now.get("spec")).put("restartPolicy", "Never");
    List<String> errs = described(rules.validateUpdate(now, old));
    assertEquals(1, errs.size());
    assertTrue(errs.get(0).startsWith("spec: Forbidden: pod updates may not change fields other than"
        + " `spec.containers[*].image`,"));
  }

  @Test
  void updatesMayAddButNotRemoveTolerations() {
    ObjectNode old = defaulted("spec: {tolerations: [{key: a, operator: Exists}], containers: [{name: c, image: x}]}");
    ObjectNode added = old.deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) added.at("/spec/tolerations")).addObject().put("key", "b");
    assertEquals(List.of(), rules.validateUpdate(added, old));
    ObjectNode removed = old.deepCopy();
    ((ObjectNode) removed.get("spec")).putArray("tolerations");
    // The two default tolerations (not-ready, unreachable) follow the pod's own.
    assertEquals(List.of("spec.tolerations[0]", "spec.tolerations[1]", "spec.tolerations[2]"),
        fields(rules.validateUpdate(removed, old)));
  }

  @Test
  void activeDeadlineMayOnlyShrink() {
    ObjectNode old = defaulted("spec: {activeDeadlineSeconds: 100, containers: [{name: c, image: x}]}");
    ObjectNode shorter = old.deepCopy();
    ((ObjectNode) shorter.get("spec")).put("activeDeadlineSeconds", 50);
    assertEquals(List.of(), rules.validateUpdate(shorter, old));
    ObjectNode longer = old.deepCopy();
    ((ObjectNode) longer.get("spec")).put("activeDeadlineSeconds", 200);
    assertEquals(List.of("spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value"),
        described(rules.validateUpdate(longer, old)));
  }

  @Test
  void numbersCompareByValueAcrossUpdates() {
    ObjectNode old = defaulted("spec: {containers: [{name: c, image: x}]}");
    ObjectNode now = old.deepCopy();
    ((ObjectNode) now.get("spec")).put("terminationGracePeriodSeconds", 30L);
    assertEquals(List.of(), rules.validateUpdate(now, old));
  }
}

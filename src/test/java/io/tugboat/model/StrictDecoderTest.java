package io.tugboat.model;

import static io.tugboat.model.TestObjects.type;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StrictDecoderTest {

  private static final ResourceType POD = type("v1", "Pod");
  private static final ResourceType DEPLOYMENT = type("apps/v1", "Deployment");
  private static final ResourceType SERVICE = type("v1", "Service");
  private static final ResourceType CONFIG_MAP = type("v1", "ConfigMap");

  @Test
  void acceptsAWellFormedPodWithNullTimestampEmptyStatusAndNumericQuantities() {
    StrictDecoder.Result r = StrictDecoder.check(POD, yaml("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p, creationTimestamp: null, labels: {app: web}}
        spec:
          containers:
          - name: c
            image: nginx
            ports: [{containerPort: 80, protocol: TCP}]
            resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 0.5, memory: "512Mi"}}
        status: {}
        """));
    assertEquals(List.of(), r.unknownFields());
    assertNull(r.typeError());
    assertTrue(r.ok());
  }

  @Test
  void acceptsALeaseWithMicroTimes() {
    StrictDecoder.Result r = StrictDecoder.check(type("coordination.k8s.io/v1", "Lease"), yaml("""
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata: {name: n1, namespace: kube-node-lease}
        spec: {holderIdentity: n1, leaseDurationSeconds: 40, renewTime: "2026-11-22T10:00:00.123456Z",
               acquireTime: "2026-11-22T09:00:00.000000Z"}
        """));
    assertNull(r.typeError());
    assertTrue(r.ok());
  }

  @Test
  void reportsEveryUnknownFieldWithItsPath() {
    StrictDecoder.Result r = StrictDecoder.check(POD, yaml("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p, labelz: {a: b}}
        spec:
          containers:
          - name: c
            imagee: nginx
            ports: [{containerPort: 80, hostPrt: 8080}]
          - name: d
            image: x
            foo: {bar: [1, 2]}
        extra: 1
        """));
    assertEquals(List.of("unknown field \"metadata.labelz\"", "unknown field \"spec.containers[0].imagee\"",
        "unknown field \"spec.containers[0].ports[0].hostPrt\"", "unknown field \"spec.containers[1].foo\"",
        "unknown field \"extra\""), r.unknownFields());
    assertNull(r.typeError());
  }

  @Test
  void additionalPropertiesIsNotAFieldEither() {
    assertEquals(List.of("unknown field \"additionalProperties\""),
        StrictDecoder.check(CONFIG_MAP, yaml("{apiVersion: v1, kind: ConfigMap, additionalProperties: {a: b}}"))
            .unknownFields());
  }

  @Test
  void reportsAStringWhereAnIntBelongsLikeGo() {
    StrictDecoder.Result r = StrictDecoder.check(POD, yaml("""
        apiVersion: v1
        kind: Pod
        spec:
          containers:
          - name: c
            ports: [{containerPort: "80"}]
        """));
    assertEquals("json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort"
        + " of type int32", r.typeError());
  }

  @Test
  void reportsNumbersBooleansAndObjectsOfTheWrongType() {
    assertEquals("json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string",
        StrictDecoder.check(POD, yaml("spec: {containers: [{name: c, image: 5}]}")).typeError());
    assertEquals("json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool",
        StrictDecoder.check(POD, yaml("spec: {hostNetwork: 'true'}")).typeError());
    assertEquals("json: cannot unmarshal number into Go struct field PodSpec.spec.terminationGracePeriodSeconds of"
        + " type int64", StrictDecoder.check(POD, yaml("spec: {terminationGracePeriodSeconds: 1.5}")).typeError());
    assertTrue(StrictDecoder.check(POD, yaml("spec: {containers: {name: c}}")).typeError()
        .startsWith("json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type"));
  }

  @Test
  void labelValuesMustBeStrings() {
    assertEquals("json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
        StrictDecoder.check(POD, yaml("metadata: {labels: {a: 1}}")).typeError());
  }

  @Test
  void deploymentsAcceptIntOrStringForMaxSurgeAndProbePorts() {
    StrictDecoder.Result r = StrictDecoder.check(DEPLOYMENT, yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}}
          template:
            metadata: {labels: {app: web}, creationTimestamp: null}
            spec:
              containers:
              - name: c
                image: nginx
                livenessProbe: {httpGet: {port: http, path: /}}
                readinessProbe: {tcpSocket: {port: 8080}}
        status: {}
        """));
    assertTrue(r.ok(), r.toString());
  }

  @Test
  void deploymentsReportUnknownFieldsInTheTemplate() {
    StrictDecoder.Result r = StrictDecoder.check(DEPLOYMENT, yaml("""
        apiVersion: apps/v1
        kind: Deployment
        spec:
          replica: 2
          template: {spec: {containers: [{name: c, image: x, imagePullPolicyy: Always}]}}
        """));
    assertEquals(List.of("unknown field \"spec.replica\"",
        "unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""), r.unknownFields());
  }

  @Test
  void servicesAcceptNamedAndNumericTargetPorts() {
    StrictDecoder.Result r = StrictDecoder.check(SERVICE, yaml("""
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec:
          selector: {app: web}
          ports: [{name: http, port: 80, targetPort: http}, {name: alt, port: 81, targetPort: 8081}]
        """));
    assertTrue(r.ok(), r.toString());
  }

  @Test
  void servicesRejectAStringPort() {
    assertEquals("json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32",
        StrictDecoder.check(SERVICE, yaml("spec: {ports: [{port: '80'}]}")).typeError());
  }

  @Test
  void configMapsReportUnknownTopLevelFieldsAndNonStringValues() {
    assertEquals(List.of("unknown field \"dat\""),
        StrictDecoder.check(CONFIG_MAP, yaml("{apiVersion: v1, kind: ConfigMap, dat: {a: b}}")).unknownFields());
    assertEquals("json: cannot unmarshal bool into Go struct field ConfigMap.data of type string",
        StrictDecoder.check(CONFIG_MAP, yaml("{data: {a: true}}")).typeError());
    assertEquals("json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string",
        StrictDecoder.check(CONFIG_MAP, yaml("{data: [a]}")).typeError());
    assertTrue(StrictDecoder.check(CONFIG_MAP, yaml("{data: {a: b}, binaryData: {c: aGk=}, immutable: true}")).ok());
  }
}

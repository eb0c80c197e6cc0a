package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime.RawExtension;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Networking;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bodies built as kubectl 1.32 sends them (magic, a runtime.Unknown with TypeMeta, empty strings and zero values of
 * Go's non-pointer fields present on the wire) decode to the JSON kubectl 1.31 sends for the same command.
 */
class ProtobufBodiesTest {

  private static final ResourceType NAMESPACES = type("v1", "Namespace");

  @Test
  void decodesANamespaceWithoutTheZeroValuesGoWritesToTheWire() {
    V1.Namespace ns = V1.Namespace.newBuilder()
        .setMetadata(meta("p1", ""))
        .setSpec(V1.NamespaceSpec.newBuilder())
        .setStatus(V1.NamespaceStatus.newBuilder().setPhase(""))
        .build();

    assertJson("""
        {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"p1","creationTimestamp":null},
         "spec":{},"status":{}}""", ProtobufBodies.decode(wire("v1", "Namespace", ns), NAMESPACES));
  }

  @Test
  void decodesAConfigMapKeepingEmptyValuesAndEncodingBinaryDataAsBase64() {
    V1.ConfigMap cm = V1.ConfigMap.newBuilder()
        .setMetadata(meta("c", "p1"))
        .putData("a", "b")
        .putData("empty", "")
        .putBinaryData("bin", ByteString.copyFrom(new byte[] {0, 1, 2}))
        .build();

    assertJson("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"p1","creationTimestamp":null},
         "data":{"a":"b","empty":""},"binaryData":{"bin":"AAEC"}}""",
        ProtobufBodies.decode(wire("v1", "ConfigMap", cm), type("v1", "ConfigMap")));
  }

  @Test
  void decodesASecretsBytesAsBase64() {
    V1.Secret secret = V1.Secret.newBuilder()
        .setMetadata(meta("s", "p1"))
        .putData("k", ByteString.copyFromUtf8("v"))
        .setType("")
        .build();

    assertJson("""
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"p1","creationTimestamp":null},
         "data":{"k":"dg=="}}""", ProtobufBodies.decode(wire("v1", "Secret", secret), type("v1", "Secret")));
  }

  @Test
  void decodesADeploymentWithIntOrStringsQuantitiesAndATimestamp() {
    V1.Container nginx = container("nginx", "nginx")
        .setResources(V1.ResourceRequirements.newBuilder()
            .putLimits("cpu", quantity("500m"))
            .putLimits("memory", quantity("128Mi"))
            .putRequests("cpu", quantity("100m")))
        .build();
    V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
        .setMetadata(meta("d", "p1").toBuilder()
            .putLabels("app", "d")
            .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(1_700_000_000L).setNanos(0)))
        .setSpec(V1Apps.DeploymentSpec.newBuilder()
            .setReplicas(1)
            .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "d"))
            .setTemplate(V1.PodTemplateSpec.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().putLabels("app", "d").setCreationTimestamp(Meta.Time.newBuilder()))
                .setSpec(podSpec(nginx, "")))
            .setStrategy(V1Apps.DeploymentStrategy.newBuilder()
                .setType("RollingUpdate")
                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                    .setMaxSurge(IntOrString.newBuilder().setType(1).setIntVal(0).setStrVal("25%"))
                    .setMaxUnavailable(IntOrString.newBuilder().setType(0).setIntVal(0).setStrVal(""))))
            .setMinReadySeconds(0)
            .setPaused(false))
        .setStatus(V1Apps.DeploymentStatus.newBuilder()
            .setObservedGeneration(0).setReplicas(0).setUpdatedReplicas(0).setReadyReplicas(0)
            .setAvailableReplicas(0).setUnavailableReplicas(0))
        .build();

    assertJson("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"d","namespace":"p1","creationTimestamp":"2023-11-14T22:13:20Z","labels":{"app":"d"}},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"d"}},
           "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"d"}},
             "spec":{"containers":[{"name":"nginx","image":"nginx",
               "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"100m"}}}]}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"25%"}}},
         "status":{}}""",
        ProtobufBodies.decode(wire("apps/v1", "Deployment", deployment), type("apps/v1", "Deployment")));
  }

  @Test
  void keepsAnExplicitZeroInAPointerFieldWhoseDefaultIsNotZero() {
    V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
        .setMetadata(meta("d", "p1"))
        .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(0).setMinReadySeconds(0))
        .build();

    JsonNode json = ProtobufBodies.decode(wire("apps/v1", "Deployment", deployment), type("apps/v1", "Deployment"));

    assertJson("{\"replicas\":0}", json.path("spec"));
  }

  @Test
  void decodesAServiceWithNumericAndNamedTargetPorts() {
    V1.Service service = V1.Service.newBuilder()
        .setMetadata(meta("svc", "p1").toBuilder().putLabels("app", "svc"))
        .setSpec(V1.ServiceSpec.newBuilder()
            .addPorts(V1.ServicePort.newBuilder().setName("80-8080").setProtocol("TCP").setPort(80)
                .setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(8080).setStrVal("")).setNodePort(0))
            .addPorts(V1.ServicePort.newBuilder().setName("web").setProtocol("TCP").setPort(443)
                .setTargetPort(IntOrString.newBuilder().setType(1).setIntVal(0).setStrVal("https")).setNodePort(0))
            .putSelector("app", "svc")
            .setClusterIP("")
            .setType("ClusterIP")
            .setSessionAffinity("")
            .setExternalName("")
            .setPublishNotReadyAddresses(false))
        .setStatus(V1.ServiceStatus.newBuilder().setLoadBalancer(V1.LoadBalancerStatus.newBuilder()))
        .build();

    assertJson("""
        {"apiVersion":"v1","kind":"Service",
         "metadata":{"name":"svc","namespace":"p1","creationTimestamp":null,"labels":{"app":"svc"}},
         "spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080},
                          {"name":"web","protocol":"TCP","port":443,"targetPort":"https"}],
                 "selector":{"app":"svc"},"type":"ClusterIP"},
         "status":{"loadBalancer":{}}}""",
        ProtobufBodies.decode(wire("v1", "Service", service), type("v1", "Service")));
  }

  @Test
  void decodesAJob() {
    V1Batch.Job job = V1Batch.Job.newBuilder()
        .setMetadata(meta("j", "p1"))
        .setSpec(V1Batch.JobSpec.newBuilder()
            .setTemplate(V1.PodTemplateSpec.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setCreationTimestamp(Meta.Time.newBuilder()))
                .setSpec(podSpec(container("j", "busybox").build(), "Never")))
            .setTtlSecondsAfterFinished(0))
        .setStatus(V1Batch.JobStatus.newBuilder().setActive(0).setSucceeded(0).setFailed(0))
        .build();

    assertJson("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","namespace":"p1","creationTimestamp":null},
         "spec":{"template":{"metadata":{"creationTimestamp":null},
           "spec":{"containers":[{"name":"j","image":"busybox","resources":{}}],"restartPolicy":"Never"}},
           "ttlSecondsAfterFinished":0},
         "status":{}}""", ProtobufBodies.decode(wire("batch/v1", "Job", job), type("batch/v1", "Job")));
  }

  @Test
  void flattensGoStructsEmbeddedInline() {
    V1Networking.Ingress ingress = V1Networking.Ingress.newBuilder()
        .setMetadata(meta("ing", "p1"))
        .setSpec(V1Networking.IngressSpec.newBuilder().addRules(V1Networking.IngressRule.newBuilder()
            .setHost("foo.com")
            .setIngressRuleValue(V1Networking.IngressRuleValue.newBuilder().setHttp(
                V1Networking.HTTPIngressRuleValue.newBuilder().addPaths(V1Networking.HTTPIngressPath.newBuilder()
                    .setPath("/bar").setPathType("Exact")
                    .setBackend(V1Networking.IngressBackend.newBuilder().setService(
                        V1Networking.IngressServiceBackend.newBuilder().setName("svc")
                            .setPort(V1Networking.ServiceBackendPort.newBuilder().setName("").setNumber(80)))))))))
        .build();

    assertJson("""
        {"apiVersion":"networking.k8s.io/v1","kind":"Ingress",
         "metadata":{"name":"ing","namespace":"p1","creationTimestamp":null},
         "spec":{"rules":[{"host":"foo.com","http":{"paths":[{"path":"/bar","pathType":"Exact",
           "backend":{"service":{"name":"svc","port":{"number":80}}}}]}}]}}""",
        ProtobufBodies.decode(wire("networking.k8s.io/v1", "Ingress", ingress),
            type("networking.k8s.io/v1", "Ingress")));

    V1.PodSpec pod = V1.PodSpec.newBuilder()
        .addVolumes(V1.Volume.newBuilder().setName("cfg").setVolumeSource(V1.VolumeSource.newBuilder()
            .setConfigMap(V1.ConfigMapVolumeSource.newBuilder()
                .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("c")))))
        .addContainers(container("app", "nginx")
            .addEnvFrom(V1.EnvFromSource.newBuilder().setPrefix("").setSecretRef(V1.SecretEnvSource.newBuilder()
                .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("s"))))
            .setLivenessProbe(V1.Probe.newBuilder().setHandler(V1.ProbeHandler.newBuilder()
                    .setHttpGet(V1.HTTPGetAction.newBuilder().setPath("/healthz")
                        .setPort(IntOrString.newBuilder().setType(0).setIntVal(8080).setStrVal(""))))
                .setInitialDelaySeconds(0).setTimeoutSeconds(0)))
        .build();
    V1.Pod body = V1.Pod.newBuilder().setMetadata(meta("p", "p1")).setSpec(pod).build();

    assertJson("""
        {"volumes":[{"name":"cfg","configMap":{"name":"c"}}],
         "containers":[{"name":"app","image":"nginx","resources":{},"envFrom":[{"secretRef":{"name":"s"}}],
           "livenessProbe":{"httpGet":{"path":"/healthz","port":8080}}}]}""",
        ProtobufBodies.decode(wire("v1", "Pod", body), type("v1", "Pod")).path("spec"));
  }

  @Test
  void decodesManagedFieldsRawExtensionsAndMicroTimes() {
    ObjectMeta metadata = meta("r", "p1").toBuilder()
        .addManagedFields(Meta.ManagedFieldsEntry.newBuilder().setManager("kubectl").setOperation("Update")
            .setFieldsType("FieldsV1").setTime(Meta.Time.newBuilder().setSeconds(0).setNanos(0))
            .setFieldsV1(Meta.FieldsV1.newBuilder().setRaw(utf8("{\"f:data\":{}}"))))
        .build();
    var revision = V1Apps.ControllerRevision.newBuilder().setMetadata(metadata).setRevision(2)
        .setData(RawExtension.newBuilder().setRaw(utf8("{\"spec\":{\"x\":1}}"))).build();

    assertJson("""
        {"apiVersion":"apps/v1","kind":"ControllerRevision",
         "metadata":{"name":"r","namespace":"p1","creationTimestamp":null,
           "managedFields":[{"manager":"kubectl","operation":"Update","time":"1970-01-01T00:00:00Z",
             "fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}}]},
         "data":{"spec":{"x":1}},"revision":2}""",
        ProtobufBodies.decode(wire("apps/v1", "ControllerRevision", revision), null));

    var event = V1.Event.newBuilder().setMetadata(meta("e", "p1"))
        .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1_700_000_000L).setNanos(123_456_789)).build();
    JsonNode json = ProtobufBodies.decode(wire("v1", "Event", event), type("v1", "Event"));
    assertEquals("2023-11-14T22:13:20.123456Z", json.path("eventTime").asText(), json::toString);
  }

  @Test
  void usesTheAddressedResourceWhenTheTypeMetaIsEmpty() {
    V1.Namespace ns = V1.Namespace.newBuilder().setMetadata(meta("p2", "")).build();

    JsonNode json = ProtobufBodies.decode(wire("", "", ns), NAMESPACES);

    assertEquals("v1", json.path("apiVersion").asText());
    assertEquals("Namespace", json.path("kind").asText());
    assertEquals("p2", json.path("metadata").path("name").asText());
  }

  @Test
  void decodesEveryServedKind() {
    for (ResourceType t : ResourceRegistry.all()) {
      JsonNode json = ProtobufBodies.decode(wire(t.apiVersion(), t.kind(), ObjectMeta.newBuilder().build()), t);
      assertEquals(t.kind(), json.path("kind").asText(), json::toString);
    }
  }

  @Test
  void rejectsABodyWithoutTheMagic() {
    byte[] body = "{\"kind\":\"Namespace\"}".getBytes(StandardCharsets.UTF_8);

    ApiException e = assertThrows(ApiException.class, () -> ProtobufBodies.decode(body, NAMESPACES));

    assertEquals(400, e.error().code());
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void rejectsATruncatedEnvelope() {
    byte[] whole = wire("v1", "Namespace", V1.Namespace.newBuilder().setMetadata(meta("p1", "")).build());
    byte[] body = java.util.Arrays.copyOf(whole, whole.length - 3);

    ApiException e = assertThrows(ApiException.class, () -> ProtobufBodies.decode(body, NAMESPACES));

    assertEquals(400, e.error().code());
  }

  @Test
  void rejectsAKindItCannotDecodeNamingIt() {
    byte[] body = wire("example.com/v1", "Widget", ObjectMeta.newBuilder().build());

    ApiException e = assertThrows(ApiException.class, () -> ProtobufBodies.decode(body, NAMESPACES));

    assertEquals(400, e.error().code());
    assertTrue(e.getMessage().contains("\"Widget\" in \"example.com/v1\""), e.getMessage());
  }

  @Test
  void rejectsAnEncodedEnvelope() {
    byte[] body = envelope(Unknown.newBuilder().setTypeMeta(TypeMeta.newBuilder().setApiVersion("v1")
        .setKind("Namespace")).setRaw(ByteString.EMPTY).setContentEncoding("gzip").setContentType("").build());

    ApiException e = assertThrows(ApiException.class, () -> ProtobufBodies.decode(body, NAMESPACES));

    assertTrue(e.getMessage().contains("gzip"), e.getMessage());
  }

  @Test
  void writesDurationsAsGoDoes() {
    assertEquals("0s", ProtoJson.goDuration(0));
    assertEquals("1.5s", ProtoJson.goDuration(1_500_000_000L));
    assertEquals("2m0s", ProtoJson.goDuration(120_000_000_000L));
    assertEquals("1h0m0s", ProtoJson.goDuration(3_600_000_000_000L));
    assertEquals("1h2m3.004s", ProtoJson.goDuration(3_723_004_000_000L));
    assertEquals("300ms", ProtoJson.goDuration(300_000_000L));
    assertEquals("1.5µs", ProtoJson.goDuration(1_500L));
    assertEquals("-5ns", ProtoJson.goDuration(-5L));
  }

  // ---- bodies as kubectl builds them ----

  /** ObjectMeta as Go writes it for a new object: its value fields present even when empty. */
  private static ObjectMeta meta(String name, String namespace) {
    return ObjectMeta.newBuilder().setName(name).setGenerateName("").setNamespace(namespace).setSelfLink("")
        .setUid("").setResourceVersion("").setGeneration(0).setCreationTimestamp(Meta.Time.newBuilder()).build();
  }

  private static V1.Container.Builder container(String name, String image) {
    return V1.Container.newBuilder().setName(name).setImage(image).setWorkingDir("")
        .setResources(V1.ResourceRequirements.newBuilder()).setTerminationMessagePath("")
        .setImagePullPolicy("").setStdin(false).setStdinOnce(false).setTty(false);
  }

  private static V1.PodSpec podSpec(V1.Container container, String restartPolicy) {
    return V1.PodSpec.newBuilder().addContainers(container).setRestartPolicy(restartPolicy).setDnsPolicy("")
        .setServiceAccountName("").setNodeName("").setHostNetwork(false).setHostPID(false).setHostIPC(false)
        .setHostname("").setSubdomain("").setSchedulerName("").setPriorityClassName("").build();
  }

  private static Quantity quantity(String q) {
    return Quantity.newBuilder().setString(q).build();
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** "k8s\0" and a runtime.Unknown holding the message, with the empty strings kubectl writes. */
  private static byte[] wire(String apiVersion, String kind, Message object) {
    return envelope(Unknown.newBuilder()
        .setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(object.toByteString())
        .setContentEncoding("")
        .setContentType("")
        .build());
  }

  private static byte[] envelope(Unknown unknown) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {0x6b, 0x38, 0x73, 0x00});
      unknown.writeTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ResourceType type(String apiVersion, String kind) {
    return ResourceRegistry.byKind(apiVersion, kind).orElseThrow();
  }

  private static void assertJson(String expected, JsonNode actual) {
    try {
      assertEquals(Json.MAPPER.readTree(expected), actual, () -> "got " + actual.toPrettyString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

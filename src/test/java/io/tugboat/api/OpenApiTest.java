package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiTest {

  @Test
  void v3RootListsEveryGroupVersionOfTheRegistryWithAHashedUrl() {
    JsonNode paths = OpenApi.v3Root().get("paths");
    Set<String> expected = new LinkedHashSet<>();
    ResourceRegistry.all().forEach(t -> expected.add(OpenApi.gvPath(t)));
    List<String> listed = new ArrayList<>();
    paths.fieldNames().forEachRemaining(listed::add);
    assertEquals(new ArrayList<>(expected), listed);
    assertTrue(listed.contains("api/v1") && listed.contains("apis/apps/v1") && listed.contains("apis/autoscaling/v1"));
    for (String gv : listed) {
      String url = paths.get(gv).get("serverRelativeURL").asText();
      assertTrue(url.matches("/openapi/v3/" + gv.replace(".", "\\.") + "\\?hash=[0-9A-F]{128}"), url);
      assertTrue(OpenApi.v3GroupVersion(gv).isPresent(), gv);
    }
  }

  @Test
  void rootHashIsTheDigestOfTheDocumentServed() {
    JsonNode paths = OpenApi.v3Root().get("paths");
    String url = paths.get("apis/apps/v1").get("serverRelativeURL").asText();
    assertEquals(OpenApi.hash(OpenApi.v3GroupVersion("apis/apps/v1").orElseThrow()),
        url.substring(url.indexOf("hash=") + 5));
    assertFalse(url.equals(paths.get("api/v1").get("serverRelativeURL").asText()));
  }

  @Test
  void unknownGroupVersionHasNoDocument() {
    assertTrue(OpenApi.v3GroupVersion("apis/apps/v1beta1").isEmpty());
    assertTrue(OpenApi.v3GroupVersion("apps/v1").isEmpty());
  }

  @Test
  void deploymentPatchCarriesGvkAndFieldValidation() {
    JsonNode doc = OpenApi.v3GroupVersion("apis/apps/v1").orElseThrow();
    assertEquals("3.0.0", doc.get("openapi").asText());
    JsonNode patch = doc.get("paths").get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").get("patch");
    assertNotNull(patch);
    assertEquals("patch", patch.get("x-kubernetes-action").asText());
    JsonNode gvk = patch.get("x-kubernetes-group-version-kind");
    assertEquals("apps", gvk.get("group").asText());
    assertEquals("v1", gvk.get("version").asText());
    assertEquals("Deployment", gvk.get("kind").asText());
    JsonNode validation = parameter(patch, "fieldValidation");
    assertEquals("query", validation.get("in").asText());
    assertEquals(List.of("Strict", "Warn", "Ignore"), texts(validation.get("schema").get("enum")));
    assertNotNull(parameter(patch, "dryRun"));
    assertNotNull(parameter(patch, "fieldManager"));
    assertEquals("boolean", parameter(patch, "force").get("schema").get("type").asText());
    List<String> types = new ArrayList<>();
    patch.get("requestBody").get("content").fieldNames().forEachRemaining(types::add);
    assertEquals(Set.of("application/json-patch+json", "application/merge-patch+json",
        "application/strategic-merge-patch+json", "application/apply-patch+yaml"), Set.copyOf(types));
  }

  @Test
  void everyKindHasAPatchPathWhoseEveryPatchCarriesFieldValidation() {
    for (ResourceType t : ResourceRegistry.all()) {
      JsonNode paths = OpenApi.v3GroupVersion(OpenApi.gvPath(t)).orElseThrow().get("paths");
      String item = t.groupVersionPath() + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.plural()
          + "/{name}";
      JsonNode patch = paths.path(item).path("patch");
      assertEquals(t.kind(), patch.path("x-kubernetes-group-version-kind").path("kind").asText(), item);
      assertEquals(t.group(), patch.path("x-kubernetes-group-version-kind").path("group").asText(), item);
      // kubectl stops at the first PATCH with the kind's GVK; any of them (status, too) must carry the parameter.
      paths.fields().forEachRemaining(e -> {
        JsonNode op = e.getValue().get("patch");
        if (op != null) {
          assertNotNull(parameter(op, "fieldValidation"), e.getKey());
        }
      });
    }
  }

  @Test
  void clusterScopedPathsHaveNoNamespaceSegment() {
    JsonNode paths = OpenApi.v3GroupVersion("api/v1").orElseThrow().get("paths");
    assertTrue(paths.has("/api/v1/namespaces/{name}"));
    assertTrue(paths.has("/api/v1/nodes/{name}/status"));
    assertTrue(paths.has("/api/v1/namespaces/{namespace}/pods"));
    assertTrue(paths.has("/api/v1/pods"), "list across all namespaces");
    assertFalse(paths.has("/api/v1/namespaces/{namespace}/nodes"));
    assertEquals("list", paths.get("/api/v1/namespaces/{namespace}/pods").get("get").get("x-kubernetes-action")
        .asText());
    assertEquals("post", paths.get("/api/v1/namespaces/{namespace}/pods").get("post").get("x-kubernetes-action")
        .asText());
  }

  @Test
  void scaleSubresourceOperatesOnAutoscalingV1Scale() {
    JsonNode doc = OpenApi.v3GroupVersion("apis/apps/v1").orElseThrow();
    JsonNode scale = doc.get("paths").get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale");
    assertEquals("Scale", scale.get("patch").get("x-kubernetes-group-version-kind").get("kind").asText());
    assertEquals("autoscaling", scale.get("get").get("x-kubernetes-group-version-kind").get("group").asText());
    assertEquals("#/components/schemas/io.k8s.api.autoscaling.v1.Scale",
        scale.get("get").get("responses").get("200").get("content").get("application/json").get("schema")
            .get("$ref").asText());
    assertTrue(doc.get("components").get("schemas").has("io.k8s.api.autoscaling.v1.Scale"));
    assertTrue(doc.get("paths").has("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"));
  }

  @Test
  void podSchemaReachesContainersMergedByName() {
    JsonNode schemas = OpenApi.v3GroupVersion("api/v1").orElseThrow().get("components").get("schemas");
    JsonNode pod = schemas.get("io.k8s.api.core.v1.Pod");
    assertEquals("object", pod.get("type").asText());
    assertTrue(pod.get("description").asText().startsWith("Pod is a collection of containers"));
    JsonNode gvk = pod.get("x-kubernetes-group-version-kind").get(0);
    assertEquals("Pod", gvk.get("kind").asText());
    assertEquals("", gvk.get("group").asText());
    JsonNode spec = pod.get("properties").get("spec");
    assertEquals("#/components/schemas/io.k8s.api.core.v1.PodSpec", spec.get("allOf").get(0).get("$ref").asText());
    assertTrue(spec.get("description").asText().startsWith("Specification of the desired behavior"));
    assertTrue(pod.get("properties").get("metadata").get("description").asText()
        .startsWith("Standard object's metadata"));
    assertFalse(pod.has("required") && texts(pod.get("required")).contains("apiVersion"));

    JsonNode podSpec = schemas.get("io.k8s.api.core.v1.PodSpec");
    assertEquals(List.of("containers"), texts(podSpec.get("required")));
    JsonNode containers = podSpec.get("properties").get("containers");
    assertEquals("array", containers.get("type").asText());
    assertEquals("#/components/schemas/io.k8s.api.core.v1.Container", containers.get("items").get("$ref").asText());
    assertEquals("name", containers.get("x-kubernetes-patch-merge-key").asText());
    assertEquals("merge", containers.get("x-kubernetes-patch-strategy").asText());
    assertEquals("merge,retainKeys", podSpec.get("properties").get("volumes").get("x-kubernetes-patch-strategy")
        .asText());
    assertEquals("object", podSpec.get("properties").get("nodeSelector").get("type").asText());
    assertEquals("string", podSpec.get("properties").get("nodeSelector").get("additionalProperties").get("type")
        .asText());

    JsonNode container = schemas.get("io.k8s.api.core.v1.Container");
    assertEquals(List.of("name"), texts(container.get("required")));
    assertEquals("containerPort", container.get("properties").get("ports").get("x-kubernetes-patch-merge-key")
        .asText());
    assertEquals("mountPath", container.get("properties").get("volumeMounts").get("x-kubernetes-patch-merge-key")
        .asText());
    assertEquals("type", schemas.get("io.k8s.api.core.v1.PodStatus").get("properties").get("conditions")
        .get("x-kubernetes-patch-merge-key").asText());
  }

  @Test
  void metaTypesIntOrStringAndQuantityUseKubernetesNames() {
    JsonNode v1 = OpenApi.v3GroupVersion("api/v1").orElseThrow().get("components").get("schemas");
    JsonNode meta = v1.get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assertFalse(meta.has("required"));
    assertEquals("uid", meta.get("properties").get("ownerReferences").get("x-kubernetes-patch-merge-key").asText());
    assertEquals("merge", meta.get("properties").get("finalizers").get("x-kubernetes-patch-strategy").asText());
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time",
        meta.get("properties").get("creationTimestamp").get("$ref").asText());
    assertEquals("date-time", v1.get("io.k8s.apimachinery.pkg.apis.meta.v1.Time").get("format").asText());
    assertTrue(v1.get("io.k8s.apimachinery.pkg.util.intstr.IntOrString").get("x-kubernetes-int-or-string")
        .asBoolean());
    assertEquals("string", v1.get("io.k8s.apimachinery.pkg.api.resource.Quantity").get("type").asText());
    assertEquals(List.of("port"), texts(v1.get("io.k8s.api.core.v1.ServicePort").get("required")));
    assertEquals("port", v1.get("io.k8s.api.core.v1.ServiceSpec").get("properties").get("ports")
        .get("x-kubernetes-patch-merge-key").asText());
    JsonNode apps = OpenApi.v3GroupVersion("apis/apps/v1").orElseThrow().get("components").get("schemas");
    assertEquals(List.of("selector", "template"), texts(apps.get("io.k8s.api.apps.v1.DeploymentSpec").get("required")));
    assertTrue(apps.has("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"));
    assertTrue(apps.has("io.k8s.api.apps.v1.DeploymentList"));
    JsonNode rbac = OpenApi.v3GroupVersion("apis/rbac.authorization.k8s.io/v1").orElseThrow().get("components")
        .get("schemas");
    assertTrue(rbac.has("io.k8s.api.rbac.v1.ClusterRoleBinding"));
    assertTrue(OpenApi.v3GroupVersion("apis/storage.k8s.io/v1").orElseThrow().get("components").get("schemas")
        .has("io.k8s.api.storage.v1.StorageClass"));
  }

  @Test
  void everyReferenceResolvesInsideItsOwnDocument() {
    for (String gv : names(OpenApi.v3Root().get("paths"))) {
      ObjectNode doc = OpenApi.v3GroupVersion(gv).orElseThrow();
      JsonNode schemas = doc.get("components").get("schemas");
      for (String ref : refs(doc, new ArrayList<>())) {
        String prefix = "#/components/schemas/";
        assertTrue(ref.startsWith(prefix), ref);
        assertTrue(schemas.has(ref.substring(prefix.length())), gv + " lacks " + ref);
      }
    }
    ObjectNode v2 = OpenApi.v2();
    for (String ref : refs(v2, new ArrayList<>())) {
      assertTrue(v2.get("definitions").has(ref.substring("#/definitions/".length())), "v2 lacks " + ref);
    }
  }

  @Test
  void everyTopLevelKindSchemaHasADescriptionAndItsGvk() {
    for (ResourceType t : ResourceRegistry.all()) {
      JsonNode schemas = OpenApi.v3GroupVersion(OpenApi.gvPath(t)).orElseThrow().get("components").get("schemas");
      String name = KubeSchemas.schemaName(t.modelClass());
      JsonNode schema = schemas.get(name);
      assertNotNull(schema, name);
      assertFalse(schema.path("description").asText().isEmpty(), name);
      JsonNode gvk = schema.get("x-kubernetes-group-version-kind").get(0);
      assertEquals(t.group() + "/" + t.version() + "/" + t.kind(),
          gvk.get("group").asText() + "/" + gvk.get("version").asText() + "/" + gvk.get("kind").asText());
    }
  }

  @Test
  void swaggerV2CoversEveryKindWithBodyParametersAndGvks() {
    ObjectNode v2 = OpenApi.v2();
    assertEquals("2.0", v2.get("swagger").asText());
    for (ResourceType t : ResourceRegistry.all()) {
      assertTrue(v2.get("definitions").has(KubeSchemas.schemaName(t.modelClass())), t.kind());
    }
    JsonNode patch = v2.get("paths").get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").get("patch");
    assertEquals("Deployment", patch.get("x-kubernetes-group-version-kind").get("kind").asText());
    assertEquals("body", parameter(patch, "body").get("in").asText());
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
        parameter(patch, "body").get("schema").get("$ref").asText());
    assertEquals(List.of("Strict", "Warn", "Ignore"), texts(parameter(patch, "fieldValidation").get("enum")));
    assertEquals(4, patch.get("consumes").size());
    assertTrue(v2.get("paths").has("/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers/{name}"));
    assertTrue(v2.get("paths").has("/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers/{name}"));
  }

  @Test
  void callersGetCopiesTheyMayChange() {
    OpenApi.v3Root().remove("paths");
    OpenApi.v3GroupVersion("api/v1").orElseThrow().remove("paths");
    OpenApi.v2().remove("definitions");
    assertTrue(OpenApi.v3Root().has("paths"));
    assertTrue(OpenApi.v3GroupVersion("api/v1").orElseThrow().has("paths"));
    assertTrue(OpenApi.v2().has("definitions"));
  }

  @Test
  void generatesEveryDocumentInOneGoAndDeterministically() {
    // Sanity, not a benchmark: the whole set is built once and later calls only copy it.
    long started = System.nanoTime();
    ObjectNode root = OpenApi.v3Root();
    for (String gv : names(root.get("paths"))) {
      assertTrue(OpenApi.v3GroupVersion(gv).orElseThrow().get("components").get("schemas").size() > 0, gv);
    }
    assertTrue(OpenApi.v2().get("paths").size() > 0);
    assertEquals(root, OpenApi.v3Root());
    System.out.printf("OpenAPI documents ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
  }

  private static JsonNode parameter(JsonNode operation, String name) {
    for (JsonNode p : operation.get("parameters")) {
      if (p.get("name").asText().equals(name)) {
        return p;
      }
    }
    return null;
  }

  private static List<String> refs(JsonNode node, List<String> out) {
    if (node.has("$ref")) {
      out.add(node.get("$ref").asText());
    }
    node.forEach(child -> refs(child, out));
    return out;
  }

  private static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SchemaGeneratorTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void namesSchemasAfterKubernetesPackages() {
    assertEquals("io.k8s.api.core.v1.Pod", KubeSchemas.schemaName(io.fabric8.kubernetes.api.model.Pod.class));
    assertEquals("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        KubeSchemas.schemaName(io.fabric8.kubernetes.api.model.ObjectMeta.class));
    assertEquals("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
        KubeSchemas.schemaName(io.fabric8.kubernetes.api.model.LabelSelector.class));
    assertEquals("io.k8s.api.apps.v1.Deployment",
        KubeSchemas.schemaName(io.fabric8.kubernetes.api.model.apps.Deployment.class));
    assertEquals("io.k8s.api.rbac.v1.ClusterRole",
        KubeSchemas.schemaName(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class));
    assertEquals("io.k8s.api.storage.v1.StorageClass",
        KubeSchemas.schemaName(io.fabric8.kubernetes.api.model.storage.StorageClass.class));
    assertEquals("io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
        KubeSchemas.schemaName(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class));
    assertEquals("io.k8s.api.networking.v1.Ingress",
        KubeSchemas.schemaName(io.fabric8.kubernetes.api.model.networking.v1.Ingress.class));
    assertEquals("io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        KubeSchemas.schemaName(io.fabric8.kubernetes.api.model.IntOrString.class));
  }

  @Test
  void propertiesAreExactlyWhatJacksonSerializes() {
    SchemaGenerator generator = SchemaGenerator.openApiV3();
    List<String> roots = ResourceRegistry.all().stream().map(t -> generator.define(t.modelClass())).toList();
    ObjectNode schemas = generator.closure(roots);
    Deque<JavaType> todo = new ArrayDeque<>();
    ResourceRegistry.all().forEach(t -> todo.add(MAPPER.constructType(t.modelClass())));
    Set<Class<?>> seen = new HashSet<>();
    int compared = 0;
    while (!todo.isEmpty()) {
      JavaType type = todo.pop();
      if (type.isContainerType()) {
        todo.push(type.getContentType());
        continue;
      }
      Class<?> raw = type.getRawClass();
      if (raw.isPrimitive() || raw.getName().startsWith("java.") || !seen.add(raw)) {
        continue;
      }
      JsonNode schema = schemas.get(KubeSchemas.schemaName(raw));
      if (schema == null || !schema.get("type").asText().equals("object")
          || raw.getSimpleName().equals("MicroTime")) {
        continue; // scalars with custom serializers (IntOrString, Quantity, MicroTime) are not beans on the wire
      }
      BeanDescription bean = MAPPER.getSerializationConfig().introspect(type);
      Set<String> jackson = new TreeSet<>();
      for (BeanPropertyDefinition p : bean.findProperties()) {
        jackson.add(p.getName());
        todo.push(p.getPrimaryType());
      }
      Set<String> ours = new TreeSet<>();
      schema.path("properties").fieldNames().forEachRemaining(ours::add);
      assertEquals(jackson, ours, raw.getName());
      compared++;
    }
    assertTrue(compared > 200, "compared only " + compared + " classes");
  }

  @Test
  void everyRequiredFieldIsAProperty() {
    JsonNode schemas = OpenApi.v2().get("definitions");
    schemas.fields().forEachRemaining(e -> e.getValue().path("required").forEach(r ->
        assertTrue(e.getValue().get("properties").has(r.asText()), e.getKey() + " requires unknown " + r)));
    assertEquals(List.of("name"), List.of(schemas.get("io.k8s.api.core.v1.Container").get("required").get(0).asText()));
  }

  @Test
  void openApiV3RefsHaveNoSiblings() {
    for (ResourceType t : ResourceRegistry.all()) {
      JsonNode doc = OpenApi.v3GroupVersion(OpenApi.gvPath(t)).orElseThrow();
      assertNoRefSiblings(doc, OpenApi.gvPath(t));
    }
  }

  @Test
  void dependenciesOfOneDocumentStayOutOfAnother() {
    JsonNode coordination = OpenApi.v3GroupVersion("apis/coordination.k8s.io/v1").orElseThrow()
        .get("components").get("schemas");
    assertTrue(coordination.has("io.k8s.api.coordination.v1.Lease"));
    assertFalse(coordination.has("io.k8s.api.core.v1.PodSpec"));
    assertFalse(coordination.has("io.k8s.api.apps.v1.Deployment"));
  }

  private static void assertNoRefSiblings(JsonNode node, String where) {
    if (node.has("$ref")) {
      assertEquals(1, node.size(), where + ": " + node);
    }
    node.forEach(child -> assertNoRefSiblings(child, where));
  }
}

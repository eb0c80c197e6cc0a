package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void legacyCoreResourceListIncludesPodsWithShortNameAndAllCategory() {
    ObjectNode list = Discovery.apiResourceList("", "v1").orElseThrow();
    assertEquals("APIResourceList", list.get("kind").asText());
    assertEquals("v1", list.get("groupVersion").asText());
    JsonNode pods = resource(list, "pods");
    assertEquals(MAPPER.createArrayNode().add("po"), pods.get("shortNames"));
    assertEquals(MAPPER.createArrayNode().add("all"), pods.get("categories"));
    assertEquals("pod", pods.get("singularName").asText());
    assertTrue(pods.get("namespaced").asBoolean());
    assertEquals("Pod", pods.get("kind").asText());
    assertEquals(8, pods.get("verbs").size());
  }

  @Test
  void legacyCoreResourceListIncludesPodAndNamespaceSubresources() {
    ObjectNode list = Discovery.apiResourceList("", "v1").orElseThrow();
    assertEquals(List.of("get"), texts(resource(list, "pods/log").get("verbs")));
    assertEquals("PodExecOptions", resource(list, "pods/exec").get("kind").asText());
    assertEquals("Binding", resource(list, "pods/binding").get("kind").asText());
    assertEquals("policy", resource(list, "pods/eviction").get("group").asText());
    assertEquals(List.of("get", "patch", "update"), texts(resource(list, "pods/status").get("verbs")));
    assertEquals(List.of("update"), texts(resource(list, "namespaces/finalize").get("verbs")));
    assertFalse(resource(list, "pods/status").has("group"), "same group-version: no group/version fields");
  }

  @Test
  void legacyDeploymentScaleAnswersWithAutoscalingV1Scale() {
    JsonNode scale = resource(Discovery.apiResourceList("apps", "v1").orElseThrow(), "deployments/scale");
    assertEquals("Scale", scale.get("kind").asText());
    assertEquals("autoscaling", scale.get("group").asText());
    assertEquals("v1", scale.get("version").asText());
  }

  @Test
  void namespacesCannotBeDeletedAsACollection() {
    JsonNode namespaces = resource(Discovery.apiResourceList("", "v1").orElseThrow(), "namespaces");
    assertFalse(texts(namespaces.get("verbs")).contains("deletecollection"));
    assertFalse(namespaces.get("namespaced").asBoolean());
  }

  @Test
  void unknownGroupVersionHasNoResourceList() {
    assertTrue(Discovery.apiResourceList("apps", "v1beta1").isEmpty());
    assertTrue(Discovery.apiResourceList("metrics.k8s.io", "v1").isEmpty());
    assertTrue(Discovery.apiGroup("custom.metrics.k8s.io").isEmpty());
    assertTrue(Discovery.apiGroup("").isEmpty());
  }

  @Test
  void apiVersionsAdvertisesCoreV1AndTheServerAddress() {
    ObjectNode doc = Discovery.apiVersions();
    assertEquals("APIVersions", doc.get("kind").asText());
    assertEquals(List.of("v1"), texts(doc.get("versions")));
    JsonNode address = doc.get("serverAddressByClientCIDRs").get(0);
    assertEquals("0.0.0.0/0", address.get("clientCIDR").asText());
    assertEquals("127.0.0.1:6443", address.get("serverAddress").asText());
    assertEquals("10.0.0.1:443",
        Discovery.apiVersions("10.0.0.1:443").get("serverAddressByClientCIDRs").get(0).get("serverAddress").asText());
  }

  @Test
  void apiGroupListNamesEveryNonCoreGroupWithPreferredVersionFirst() {
    ObjectNode doc = Discovery.apiGroupList();
    assertEquals("APIGroupList", doc.get("kind").asText());
    List<String> names = new ArrayList<>();
    doc.get("groups").forEach(g -> names.add(g.get("name").asText()));
    List<String> expected = new ArrayList<>(ResourceRegistry.groups().keySet());
    expected.add("metrics.k8s.io"); // virtual resources' groups come after the registry's
    assertEquals(expected, names);
    assertFalse(names.contains(""));
    JsonNode autoscaling = Discovery.apiGroup("autoscaling").orElseThrow();
    assertEquals("APIGroup", autoscaling.get("kind").asText());
    List<String> versions = new ArrayList<>();
    autoscaling.get("versions").forEach(v -> versions.add(v.get("groupVersion").asText()));
    assertEquals(List.of("autoscaling/v2", "autoscaling/v1"), versions);
    assertEquals("autoscaling/v2", autoscaling.get("preferredVersion").get("groupVersion").asText());
    assertEquals("v2", autoscaling.get("preferredVersion").get("version").asText());
  }

  @Test
  void aggregatedV2AndV2beta1DifferOnlyInApiVersion() {
    for (boolean core : new boolean[] {true, false}) {
      ObjectNode v2 = Discovery.aggregated(core, "v2");
      ObjectNode v2beta1 = Discovery.aggregated(core, "v2beta1");
      assertEquals("apidiscovery.k8s.io/v2", v2.get("apiVersion").asText());
      assertEquals("apidiscovery.k8s.io/v2beta1", v2beta1.get("apiVersion").asText());
      assertNotEquals(v2, v2beta1);
      v2.remove("apiVersion");
      v2beta1.remove("apiVersion");
      assertEquals(v2, v2beta1);
    }
  }

  @Test
  void rejectsAnUnknownDiscoveryVersion() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Discovery.aggregated(true, "v1"));
    assertTrue(e.getMessage().contains("v2beta1"), e.getMessage());
  }

  @Test
  void aggregatedCoreHasOneUnnamedGroupWithPodsAsKubectlExpects() {
    ObjectNode doc = Discovery.aggregated(true, "v2");
    assertEquals("APIGroupDiscoveryList", doc.get("kind").asText());
    assertEquals(1, doc.get("items").size());
    JsonNode group = doc.get("items").get(0);
    assertEquals("", group.get("metadata").get("name").asText());
    JsonNode version = group.get("versions").get(0);
    assertEquals("v1", version.get("version").asText());
    assertEquals("Current", version.get("freshness").asText());
    JsonNode pods = version.get("resources").get(0);
    assertEquals("pods", pods.get("resource").asText());
    assertEquals("Pod", pods.get("responseKind").get("kind").asText());
    assertEquals("", pods.get("responseKind").get("group").asText());
    assertEquals("Namespaced", pods.get("scope").asText());
    assertEquals("pod", pods.get("singularResource").asText());
    assertEquals(List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
        texts(pods.get("verbs")));
    assertEquals(List.of("po"), texts(pods.get("shortNames")));
    assertEquals(List.of("all"), texts(pods.get("categories")));
    List<String> subs = new ArrayList<>();
    pods.get("subresources").forEach(s -> subs.add(s.get("subresource").asText()));
    assertEquals(List.of("attach", "binding", "eviction", "exec", "log", "portforward", "status"), subs);
  }

  @Test
  void aggregatedKeepsRegistryOrderForEveryResource() {
    List<String> served = new ArrayList<>();
    for (boolean core : new boolean[] {true, false}) {
      for (JsonNode group : Discovery.aggregated(core, "v2").get("items")) {
        for (JsonNode version : group.get("versions")) {
          for (JsonNode r : version.get("resources")) {
            served.add(group.get("metadata").get("name").asText() + "/" + version.get("version").asText() + "/"
                + r.get("resource").asText());
          }
        }
      }
    }
    List<String> registry = new ArrayList<>();
    for (ResourceType t : ResourceRegistry.all()) {
      registry.add(t.group() + "/" + t.version() + "/" + t.plural());
    }
    registry.addAll(List.of("metrics.k8s.io/v1beta1/nodes", "metrics.k8s.io/v1beta1/pods"));
    assertEquals(registry, served);
  }

  @Test
  void metricsAreVirtualResourcesThatOnlyGetAndList() {
    JsonNode list = Discovery.apiResourceList("metrics.k8s.io", "v1beta1").orElseThrow();
    assertEquals("metrics.k8s.io/v1beta1", list.get("groupVersion").asText());
    JsonNode nodes = list.get("resources").get(0);
    assertEquals("nodes", nodes.get("name").asText());
    assertEquals("NodeMetrics", nodes.get("kind").asText());
    assertFalse(nodes.get("namespaced").asBoolean());
    assertEquals(List.of("get", "list"), texts(nodes.get("verbs")));
    assertFalse(nodes.has("categories"), "not in kubectl get all");
    JsonNode pods = list.get("resources").get(1);
    assertEquals("PodMetrics", pods.get("kind").asText());
    assertTrue(pods.get("namespaced").asBoolean());
    assertEquals("v1beta1", Discovery.apiGroup("metrics.k8s.io").orElseThrow().get("preferredVersion")
        .get("version").asText());
    assertTrue(ResourceRegistry.byPath("metrics.k8s.io", "v1beta1", "pods").isEmpty(), "never stored");
  }

  @Test
  void aggregatedDeploymentScaleRespondsWithAutoscalingV1ScaleAndNamespacesAreClusterScoped() {
    JsonNode apps = Discovery.aggregated(false, "v2").get("items").get(0);
    assertEquals("apps", apps.get("metadata").get("name").asText());
    JsonNode deployments = apps.get("versions").get(0).get("resources").get(0);
    JsonNode scale = deployments.get("subresources").get(0);
    assertEquals("scale", scale.get("subresource").asText());
    assertEquals(MAPPER.createObjectNode().put("group", "autoscaling").put("version", "v1").put("kind", "Scale"),
        scale.get("responseKind"));
    assertEquals(List.of("get", "patch", "update"), texts(scale.get("verbs")));

    JsonNode core = Discovery.aggregated(true, "v2").get("items").get(0).get("versions").get(0);
    for (JsonNode r : core.get("resources")) {
      if (r.get("resource").asText().equals("namespaces")) {
        assertEquals("Cluster", r.get("scope").asText());
        return;
      }
    }
    throw new AssertionError("namespaces missing from core discovery");
  }

  @Test
  void aggregatedAutoscalingListsV2BeforeV1() {
    for (JsonNode group : Discovery.aggregated(false, "v2").get("items")) {
      if (group.get("metadata").get("name").asText().equals("autoscaling")) {
        assertEquals("v2", group.get("versions").get(0).get("version").asText());
        assertEquals("v1", group.get("versions").get(1).get("version").asText());
        return;
      }
    }
    throw new AssertionError("autoscaling missing from /apis discovery");
  }

  private static JsonNode resource(JsonNode list, String name) {
    for (JsonNode r : list.get("resources")) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError(name + " not in " + list.get("groupVersion"));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

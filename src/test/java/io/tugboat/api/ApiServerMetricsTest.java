package io.tugboat.api;

import static io.tugboat.api.StatusAssert.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.Quantity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * metrics.k8s.io/v1beta1 with this host's node agent (fake runtime) and the scheduler: discovery, NodeMetrics
 * and PodMetrics lists and gets with selectors, 404 for what has no metrics, 405 for writes.
 */
class ApiServerMetricsTest {
  private static final String NODE = "metrics-node";
  private static final String METRICS = "/apis/metrics.k8s.io/v1beta1";
  private static TestServer server;
  private static String ns;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("tugboat.node.enabled", true, "tugboat.node.name", NODE,
        "tugboat.node.metrics-interval", "200ms", "tugboat.node.fake-runtime.start-delay", "0s"));
    ns = server.createNamespace("metrics");
    ObjectNode pod = Manifests.pod("web");
    pod.with("metadata").putObject("labels").put("app", "web");
    server.create("/api/v1/namespaces/" + ns + "/pods", pod);
    TestServer.awaitTrue(Duration.ofSeconds(30), "metrics of pod web", () ->
        server.get(METRICS + "/namespaces/" + ns + "/pods/web").code() == 200);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
    return names;
  }

  private static JsonNode ok(String path) {
    TestServer.Reply r = server.get(path, "application/vnd.kubernetes.protobuf, */*");
    assertEquals(200, r.code(), r::toString);
    return r.json();
  }

  @Test
  void discoveryListsTheMetricsGroupInEveryForm() {
    JsonNode legacy = ok("/apis/metrics.k8s.io/v1beta1");
    assertEquals("metrics.k8s.io/v1beta1", legacy.path("groupVersion").asText());
    assertEquals("NodeMetrics", legacy.path("resources").get(0).path("kind").asText());
    assertEquals("PodMetrics", legacy.path("resources").get(1).path("kind").asText());
    assertTrue(legacy.path("resources").get(1).path("namespaced").asBoolean());
    assertEquals("[\"get\",\"list\"]", legacy.path("resources").get(0).path("verbs").toString());
    assertEquals("v1beta1", ok("/apis/metrics.k8s.io").path("preferredVersion").path("version").asText());
    assertTrue(ok("/apis").path("groups").toString().contains("\"name\":\"metrics.k8s.io\""));
    for (String v : List.of("v2", "v2beta1")) {
      JsonNode aggregated = server.get("/apis", "application/json;g=apidiscovery.k8s.io;v=" + v
          + ";as=APIGroupDiscoveryList,application/json").json();
      JsonNode group = null;
      for (JsonNode g : aggregated.path("items")) {
        if (g.path("metadata").path("name").asText().equals("metrics.k8s.io")) {
          group = g;
        }
      }
      assertTrue(group != null, aggregated::toString);
      JsonNode pods = group.path("versions").get(0).path("resources").get(1);
      assertEquals("pods", pods.path("resource").asText());
      assertEquals("Namespaced", pods.path("scope").asText());
      assertEquals("PodMetrics", pods.path("responseKind").path("kind").asText());
    }
  }

  @Test
  void podMetricsListTheRunningContainersUsage() {
    JsonNode list = ok(METRICS + "/namespaces/" + ns + "/pods");
    assertEquals("PodMetricsList", list.path("kind").asText());
    assertEquals("metrics.k8s.io/v1beta1", list.path("apiVersion").asText());
    assertEquals(List.of("web"), names(list));
    JsonNode web = list.path("items").get(0);
    assertEquals(ns, web.path("metadata").path("namespace").asText());
    assertEquals("web", web.path("metadata").path("labels").path("app").asText());
    assertTrue(web.path("metadata").path("creationTimestamp").asText().endsWith("Z"), web::toString);
    assertTrue(web.path("timestamp").asText().endsWith("Z"), web::toString);
    assertEquals("200ms", web.path("window").asText());
    assertEquals("[{\"name\":\"c\",\"usage\":{\"cpu\":\"1m\",\"memory\":\"4Mi\"}}]",
        web.path("containers").toString());
    assertEquals(web.path("containers"), ok(METRICS + "/namespaces/" + ns + "/pods/web").path("containers"));
    assertTrue(names(ok(METRICS + "/pods")).contains("web"));
  }

  @Test
  void podMetricsAreSelectedByLabelsAndName() {
    String pods = METRICS + "/namespaces/" + ns + "/pods";
    assertEquals(List.of("web"), names(ok(pods + "?labelSelector=app%3Dweb")));
    assertEquals(List.of(), names(ok(pods + "?labelSelector=app%3Ddb")));
    assertEquals(List.of("web"), names(ok(pods + "?fieldSelector=metadata.name%3Dweb")));
    assertEquals(List.of(), names(ok(pods + "?fieldSelector=metadata.name%3Dother")));
    assertStatus(server.get(pods + "?fieldSelector=spec.nodeName%3Dx"), 400, "BadRequest");
  }

  @Test
  void nodeMetricsIncludeThePodsUsage() {
    JsonNode list = ok(METRICS + "/nodes");
    assertEquals("NodeMetricsList", list.path("kind").asText());
    assertEquals(List.of(NODE), names(list));
    JsonNode node = ok(METRICS + "/nodes/" + NODE);
    assertEquals("NodeMetrics", node.path("kind").asText());
    assertEquals(NODE, node.path("metadata").path("labels").path("kubernetes.io/hostname").asText());
    assertTrue(Quantity.parse(node.path("usage").path("cpu").asText()).doubleValue() >= 0.001, node::toString);
    assertTrue(Quantity.parse(node.path("usage").path("memory").asText()).longValue() >= 4L << 20, node::toString);
    assertEquals(List.of(NODE), names(ok(METRICS + "/nodes?labelSelector=kubernetes.io%2Fhostname%3D" + NODE)));
    assertEquals(List.of(), names(ok(METRICS + "/nodes?labelSelector=kubernetes.io%2Fhostname%3Dother")));
  }

  @Test
  void missingPodsAndNodesHaveNoMetrics() {
    JsonNode status = assertStatus(server.get(METRICS + "/namespaces/" + ns + "/pods/missing"), 404, "NotFound");
    assertEquals("podmetrics.metrics.k8s.io \"" + ns + "/missing\" not found", status.path("message").asText());
    status = assertStatus(server.get(METRICS + "/nodes/missing"), 404, "NotFound");
    assertEquals("nodemetrics.metrics.k8s.io \"missing\" not found", status.path("message").asText());
    assertStatus(server.get(METRICS + "/namespaces/" + ns + "/pods/web/status"), 404, "NotFound");
  }

  @Test
  void metricsCannotBeWrittenOrWatched() {
    assertStatus(server.post(METRICS + "/namespaces/" + ns + "/pods", Json.object()), 405, "MethodNotAllowed");
    assertStatus(server.delete(METRICS + "/nodes/" + NODE), 405, "MethodNotAllowed");
    assertStatus(server.get(METRICS + "/nodes?watch=true"), 405, "MethodNotAllowed");
  }
}

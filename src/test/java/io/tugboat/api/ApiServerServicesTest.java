package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Services get a cluster IP and node ports when created, never one in use; `kubernetes` exists from the start. */
class ApiServerServicesTest {
  private static TestServer server;
  private static String ns;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    ns = server.createNamespace("svc");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ObjectNode service(String name, String type) {
    ObjectNode s = Json.object().put("apiVersion", "v1").put("kind", "Service");
    s.putObject("metadata").put("name", name);
    ObjectNode spec = s.putObject("spec").put("type", type);
    spec.putObject("selector").put("app", name);
    spec.putArray("ports").addObject().put("port", 80);
    return s;
  }

  private static boolean inServiceRange(String ip) {
    String[] p = ip.split("\\.");
    return p.length == 4 && p[0].equals("10") && Integer.parseInt(p[1]) >= 96 && Integer.parseInt(p[1]) <= 111;
  }

  @Test
  void theKubernetesServiceNamesTheFirstAddress() {
    TestServer.Reply r = server.get("/api/v1/namespaces/default/services/kubernetes");
    assertEquals(200, r.code(), r::toString);
    assertEquals("10.96.0.1", r.json().path("spec").path("clusterIP").asText());
    assertEquals(443, r.json().path("spec").path("ports").path(0).path("port").asInt());
  }

  @Test
  void aNewServiceGetsAFreeClusterIp() {
    JsonNode a = server.post("/api/v1/namespaces/" + ns + "/services", service("a", "ClusterIP")).json();
    JsonNode b = server.post("/api/v1/namespaces/" + ns + "/services", service("b", "ClusterIP")).json();
    String ipA = a.path("spec").path("clusterIP").asText();
    String ipB = b.path("spec").path("clusterIP").asText();
    assertTrue(inServiceRange(ipA), a::toString);
    assertTrue(inServiceRange(ipB), b::toString);
    assertNotEquals(ipA, ipB);
    assertEquals(ipA, a.path("spec").path("clusterIPs").path(0).asText());
  }

  @Test
  void aNodePortServiceGetsAPortFromTheRange() {
    JsonNode s = server.post("/api/v1/namespaces/" + ns + "/services", service("np", "NodePort")).json();
    int port = s.path("spec").path("ports").path(0).path("nodePort").asInt();
    assertTrue(port >= 30000 && port <= 32767, s::toString);
  }

  @Test
  void aClusterIpInUseIsRefused() {
    ObjectNode dup = service("dup", "ClusterIP");
    ((ObjectNode) dup.path("spec")).put("clusterIP", "10.96.0.1");
    StatusAssert.assertStatus(server.post("/api/v1/namespaces/" + ns + "/services", dup), 422, "Invalid");
  }
}

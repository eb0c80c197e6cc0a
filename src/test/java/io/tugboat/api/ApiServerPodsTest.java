package io.tugboat.api;

import static io.tugboat.api.Manifests.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** pods/binding and graceful pod deletion. */
class ApiServerPodsTest {
  private static TestServer server;
  private static String ns;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    ns = server.createNamespace("pods");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String pods() {
    return "/api/v1/namespaces/" + ns + "/pods";
  }

  private static String binding(String node) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},"
        + "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"" + node + "\"}}";
  }

  private static TestServer.Reply bind(String pod, String node) {
    return server.send(pods() + "/" + pod + "/binding", "POST", "application/json",
        binding(node).replace("\"name\":\"p\"", "\"name\":\"" + pod + "\""));
  }

  @Test
  void bindingSetsTheNodeAndPodScheduledOnce() {
    server.post(pods(), pod("b1"));
    TestServer.Reply r = bind("b1", "node-a");
    assertEquals(201, r.code(), r::toString);
    assertEquals("Success", r.json().path("status").asText());

    JsonNode bound = server.get(pods() + "/b1").json();
    assertEquals("node-a", bound.path("spec").path("nodeName").asText());
    boolean scheduled = false;
    for (JsonNode c : bound.path("status").path("conditions")) {
      scheduled |= c.path("type").asText().equals("PodScheduled") && c.path("status").asText().equals("True");
    }
    assertTrue(scheduled, bound::toString);

    StatusAssert.assertStatus(bind("b1", "node-b"), 409, "Conflict");
    assertEquals("node-a", server.get(pods() + "/b1").json().path("spec").path("nodeName").asText());
  }

  @Test
  void bindingAMissingPodIs404() {
    StatusAssert.assertStatus(bind("nobody", "node-a"), 404, "NotFound");
  }

  @Test
  void deletingAnUnboundPodRemovesItAtOnce() {
    server.post(pods(), pod("u1"));
    assertEquals(200, server.delete(pods() + "/u1").code());
    assertEquals(404, server.get(pods() + "/u1").code());
  }

  @Test
  void deletingABoundPodWaitsForItsGracePeriodUntilDeletedWithZero() {
    server.post(pods(), pod("g1"));
    bind("g1", "node-a");
    TestServer.Reply r = server.delete(pods() + "/g1");
    assertEquals(202, r.code(), r::toString);
    JsonNode deleting = server.get(pods() + "/g1").json();
    assertFalse(deleting.path("metadata").path("deletionTimestamp").asText().isEmpty(), deleting::toString);
    assertEquals(30, deleting.path("metadata").path("deletionGracePeriodSeconds").asInt());

    TestServer.Reply last = server.delete(pods() + "/g1?gracePeriodSeconds=0");
    assertEquals(200, last.code(), last::toString);
    assertEquals(404, server.get(pods() + "/g1").code());
  }
}

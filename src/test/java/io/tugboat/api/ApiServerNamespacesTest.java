package io.tugboat.api;

import static io.tugboat.api.Manifests.configMap;
import static io.tugboat.api.Manifests.deployment;
import static io.tugboat.api.StatusAssert.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Namespaces: the initial ones, the protected ones, and deletion through Terminating to gone. */
class ApiServerNamespacesTest {
  private static final Duration NAMESPACE_DELETION = Duration.ofSeconds(30);
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theFourInitialNamespacesExist() {
    List<String> names = ApiServerTest.names(server.get("/api/v1/namespaces").json());
    assertTrue(names.containsAll(List.of("default", "kube-system", "kube-public", "kube-node-lease")),
        names::toString);
    for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      assertEquals(200, server.get("/api/v1/namespaces/" + ns).code(), ns);
    }
  }

  @Test
  void deletingDefaultOrKubeSystemIsForbidden() {
    for (String ns : List.of("default", "kube-system")) {
      JsonNode s = assertStatus(server.delete("/api/v1/namespaces/" + ns), 403, "Forbidden");
      assertEquals(ns, s.path("details").path("name").asText());
      assertEquals("namespaces", s.path("details").path("kind").asText());
      JsonNode still = server.get("/api/v1/namespaces/" + ns).json();
      assertTrue(still.path("metadata").path("deletionTimestamp").isMissingNode(), still::toString);
    }
  }

  @Test
  void deletingANamespaceTerminatesItDeletesItsContentsAndThenRemovesIt() {
    String ns = "doomed";
    // The "kubernetes" finalizer is what keeps a namespace until the lifecycle controller has emptied it.
    // Kubernetes defaults it on create; here it is sent explicitly, because that defaulting belongs to the
    // per-kind admission rules, which this branch still has as stand-ins.
    ObjectNode body = Manifests.namespace(ns);
    body.putObject("spec").putArray("finalizers").add("kubernetes");
    server.create("/api/v1/namespaces", body);
    server.create("/api/v1/namespaces/" + ns + "/configmaps", configMap("a"));
    server.create("/api/v1/namespaces/" + ns + "/configmaps", configMap("b"));
    server.create("/apis/apps/v1/namespaces/" + ns + "/deployments", deployment("web", 1));
    // A finalizer holds one object, so the namespace is seen Terminating for as long as the test wants.
    ObjectNode held = configMap("held");
    Json.meta(held).putArray("finalizers").add("example.com/hold");
    server.create("/api/v1/namespaces/" + ns + "/configmaps", held);

    TestServer.Reply r = server.delete("/api/v1/namespaces/" + ns);
    assertTrue(r.code() == 200 || r.code() == 202, r::toString);
    JsonNode terminating = server.get("/api/v1/namespaces/" + ns).json();
    assertEquals("Terminating", terminating.path("status").path("phase").asText(), terminating::toString);
    assertFalse(terminating.path("metadata").path("deletionTimestamp").asText().isEmpty());

    TestServer.awaitTrue(NAMESPACE_DELETION, "the namespace's free objects to be deleted", () ->
        ApiServerTest.names(server.get("/api/v1/namespaces/" + ns + "/configmaps").json()).equals(List.of("held"))
            && server.get("/apis/apps/v1/namespaces/" + ns + "/deployments").json().path("items").isEmpty());
    assertEquals(200, server.get("/api/v1/namespaces/" + ns).code(), "held content keeps the namespace");

    JsonNode s = assertStatus(server.post("/api/v1/namespaces/" + ns + "/configmaps", configMap("late")), 403,
        "Forbidden");
    assertTrue(s.path("message").asText().contains("being terminated"), s::toString);

    assertEquals(200, server.patch("/api/v1/namespaces/" + ns + "/configmaps/held", "application/merge-patch+json",
        "{\"metadata\":{\"finalizers\":null}}").code());
    TestServer.awaitTrue(NAMESPACE_DELETION, "the namespace to disappear",
        () -> server.get("/api/v1/namespaces/" + ns).code() == 404);
    assertStatus(server.get("/api/v1/namespaces/" + ns), 404, "NotFound");
    assertFalse(ApiServerTest.names(server.get("/api/v1/namespaces").json()).contains(ns));
  }

  @Test
  void creatingIntoAMissingNamespaceIsNotFound() {
    JsonNode s = assertStatus(server.post("/api/v1/namespaces/nowhere/configmaps", configMap("a")), 404, "NotFound");
    assertEquals("nowhere", s.path("details").path("name").asText());
    assertEquals("namespaces", s.path("details").path("kind").asText());
    assertTrue(server.get("/api/v1/configmaps").json().path("items").findValues("namespace").stream()
        .noneMatch(n -> n.asText().equals("nowhere")));
  }
}

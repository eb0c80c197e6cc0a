package io.tugboat.api;

import static io.tugboat.api.Manifests.configMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** dryRun=All: every verb answers as the real write would, and nothing changes. */
class ApiServerDryRunTest {
  private static TestServer server;
  private static String ns;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    ns = server.createNamespace("dry");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String cms() {
    return "/api/v1/namespaces/" + ns + "/configmaps";
  }

  @Test
  void dryRunCreateAnswersTheObjectAndStoresNothing() {
    TestServer.Reply r = server.post(cms() + "?dryRun=All", configMap("ghost"));
    assertEquals(201, r.code(), r::toString);
    assertEquals("ghost", r.json().path("metadata").path("name").asText());
    assertFalse(r.json().path("metadata").path("uid").asText().isEmpty(), r::toString);
    assertEquals(404, server.get(cms() + "/ghost").code());
  }

  @Test
  void dryRunCreateOfAnExistingNameIsStillAlreadyExists() {
    assertEquals(201, server.post(cms(), configMap("taken")).code());
    TestServer.Reply r = server.post(cms() + "?dryRun=All", configMap("taken"));
    StatusAssert.assertStatus(r, 409, "AlreadyExists");
  }

  @Test
  void dryRunUpdateAndPatchAnswerTheChangeButKeepTheObject() {
    TestServer.Reply created = server.post(cms(), configMap("kept", Map.of("k", "before")));
    String rv = created.json().path("metadata").path("resourceVersion").asText();

    TestServer.Reply put = server.put(cms() + "/kept?dryRun=All", configMap("kept", Map.of("k", "after")));
    assertEquals(200, put.code(), put::toString);
    assertEquals("after", put.json().path("data").path("k").asText());

    TestServer.Reply patch = server.patch(cms() + "/kept?dryRun=All", "application/merge-patch+json",
        "{\"data\":{\"k\":\"patched\"}}");
    assertEquals(200, patch.code(), patch::toString);
    assertEquals("patched", patch.json().path("data").path("k").asText());

    JsonNode now = server.get(cms() + "/kept").json();
    assertEquals("before", now.path("data").path("k").asText());
    assertEquals(rv, now.path("metadata").path("resourceVersion").asText());
  }

  @Test
  void dryRunInvalidPatchIsStill422() {
    server.post("/apis/apps/v1/namespaces/" + ns + "/deployments", Manifests.deployment("web", 1));
    TestServer.Reply r = server.patch("/apis/apps/v1/namespaces/" + ns + "/deployments/web?dryRun=All",
        "application/merge-patch+json", "{\"spec\":{\"replicas\":-1}}");
    StatusAssert.assertStatus(r, 422, "Invalid");
  }

  @Test
  void dryRunDeleteKeepsTheObject() {
    server.post(cms(), configMap("stays"));
    TestServer.Reply r = server.delete(cms() + "/stays?dryRun=All");
    assertEquals(200, r.code(), r::toString);
    assertEquals(200, server.get(cms() + "/stays").code());
  }

  @Test
  void dryRunInDeleteOptionsKeepsTheObject() {
    server.post(cms(), configMap("stays-too"));
    TestServer.Reply r = server.send(cms() + "/stays-too", "DELETE", "application/json",
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}");
    assertEquals(200, r.code(), r::toString);
    assertEquals(200, server.get(cms() + "/stays-too").code());
  }

  @Test
  void unknownDryRunValueIs400() {
    StatusAssert.assertStatus(server.post(cms() + "?dryRun=Some", configMap("x")), 400, "BadRequest");
  }
}

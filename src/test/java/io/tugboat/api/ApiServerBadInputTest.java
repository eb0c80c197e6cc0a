package io.tugboat.api;

import static io.tugboat.api.Manifests.configMap;
import static io.tugboat.api.StatusAssert.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad requests get the Status Kubernetes gives, and change nothing. */
class ApiServerBadInputTest {
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A namespace holding configmap "a" with data k=v; returns its configmaps path. */
  private static String withConfigMap() {
    String ns = server.createNamespace("bad-" + NAMESPACES.incrementAndGet());
    server.create("/api/v1/namespaces/" + ns + "/configmaps", configMap("a"));
    return "/api/v1/namespaces/" + ns + "/configmaps";
  }

  /** Asserts the collection still holds exactly the untouched configmap "a". */
  private static void assertUnchanged(String path, JsonNode before) {
    JsonNode list = server.get(path).json();
    assertEquals(1, list.path("items").size(), list::toString);
    assertEquals(before, list.path("items").get(0));
  }

  private static JsonNode current(String path) {
    return server.get(path + "/a").json();
  }

  @Test
  void malformedJsonIsABadRequest() {
    String path = withConfigMap();
    JsonNode before = current(path);
    JsonNode s = assertStatus(server.send(path, "POST", "application/json", "{\"metadata\": {\"name\": \"b\""), 400,
        "BadRequest");
    assertTrue(s.path("message").asText().contains("not valid JSON"), s::toString);
    assertStatus(server.send(path + "/a", "PUT", "application/json", "{not json}"), 400, "BadRequest");
    assertStatus(server.patch(path + "/a", "application/merge-patch+json", "{\"data\":"), 400, "BadRequest");
    assertUnchanged(path, before);
  }

  @Test
  void bodyKindOrApiVersionNotMatchingTheUrlIsABadRequest() {
    String path = withConfigMap();
    JsonNode before = current(path);
    ObjectNode secret = configMap("b");
    secret.put("kind", "Secret");
    JsonNode s = assertStatus(server.post(path, secret), 400, "BadRequest");
    assertTrue(s.path("message").asText().contains("Secret"), s::toString);
    ObjectNode wrongVersion = configMap("c");
    wrongVersion.put("apiVersion", "apps/v1");
    assertStatus(server.post(path, wrongVersion), 400, "BadRequest");
    ObjectNode replacement = (ObjectNode) before.deepCopy();
    replacement.put("kind", "Secret");
    assertStatus(server.put(path + "/a", replacement), 400, "BadRequest");
    assertUnchanged(path, before);
  }

  @Test
  void creatingAnExistingNameIsAlreadyExists() {
    String path = withConfigMap();
    JsonNode before = current(path);
    JsonNode s = assertStatus(server.post(path, configMap("a", Map.of("other", "data"))), 409, "AlreadyExists");
    assertEquals("a", s.path("details").path("name").asText());
    assertEquals("configmaps", s.path("details").path("kind").asText());
    assertUnchanged(path, before);
  }

  @Test
  void aMissingObjectIsNotFoundNamingIt() {
    String path = withConfigMap();
    for (TestServer.Reply r : List.of(server.get(path + "/zzz"), server.delete(path + "/zzz"),
        server.put(path + "/zzz", configMap("zzz")),
        server.patch(path + "/zzz", "application/merge-patch+json", "{\"data\":{\"x\":\"y\"}}"))) {
      JsonNode s = assertStatus(r, 404, "NotFound");
      assertEquals("zzz", s.path("details").path("name").asText(), r::toString);
      assertEquals("configmaps", s.path("details").path("kind").asText(), r::toString);
      assertEquals("configmaps \"zzz\" not found", s.path("message").asText());
    }
    assertStatus(server.get(path + "/zzz/scale"), 404, "NotFound");
  }

  @Test
  void aNameMissingFromTheBodyIsInvalidNamingTheField() {
    String path = withConfigMap();
    JsonNode before = current(path);
    ObjectNode nameless = configMap("x");
    Json.meta(nameless).remove("name");
    JsonNode s = assertStatus(server.post(path, nameless), 422, "Invalid");
    JsonNode cause = s.path("details").path("causes").path(0);
    assertEquals("metadata.name", cause.path("field").asText(), s::toString);
    assertEquals("FieldValueRequired", cause.path("reason").asText(), s::toString);
    assertUnchanged(path, before);
  }

  @Test
  void unsupportedContentTypesAreUnsupportedMediaType() {
    String path = withConfigMap();
    JsonNode before = current(path);
    assertStatus(server.send(path, "POST", "text/plain", configMap("b").toString()), 415, "UnsupportedMediaType");
    assertStatus(server.patch(path + "/a", "application/vnd.kubernetes.protobuf", "k8s\0"), 415,
        "UnsupportedMediaType");
    assertStatus(server.send(path + "/a", "PUT", "text/plain", before.toString()), 415, "UnsupportedMediaType");
    assertUnchanged(path, before);
  }

  @Test
  void aMalformedProtobufBodyIsABadRequest() {
    String path = withConfigMap();
    JsonNode before = current(path);
    String truncated = "k8s\0\n\u0002v1";
    JsonNode s = assertStatus(server.send(path, "POST", "application/vnd.kubernetes.protobuf", truncated), 400,
        "BadRequest");
    assertTrue(s.path("message").asText().contains("runtime.Unknown"), s::toString);
    assertStatus(server.send(path, "POST", "application/vnd.kubernetes.protobuf", "{}"), 400, "BadRequest");
    assertUnchanged(path, before);
  }

  @Test
  void patchWithAnUnknownPatchTypeIsUnsupportedMediaType() {
    String path = withConfigMap();
    JsonNode before = current(path);
    JsonNode s = assertStatus(server.patch(path + "/a", "application/json", "{\"data\":{\"k\":\"changed\"}}"), 415,
        "UnsupportedMediaType");
    assertTrue(s.path("message").asText().contains("application/merge-patch+json"), s::toString);
    assertStatus(server.patch(path + "/a", "application/x-unknown-patch", "{}"), 415, "UnsupportedMediaType");
    assertUnchanged(path, before);
  }

  @Test
  void aBodyOverThreeMebibytesIsTooLarge() {
    String path = withConfigMap();
    JsonNode before = current(path);
    String big = "x".repeat(3 * 1024 * 1024 + 1);
    TestServer.Reply r = server.send(server.request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(configMap("big", Map.of("blob", big)).toString())).build());
    assertStatus(r, 413, "RequestEntityTooLarge");
    assertUnchanged(path, before);
  }

  @Test
  void aChunkedBodyOverThreeMebibytesIsTooLarge() {
    String path = withConfigMap();
    JsonNode before = current(path);
    byte[] body = configMap("big", Map.of("blob", "x".repeat(3 * 1024 * 1024 + 1))).toString().getBytes();
    // An InputStream publisher has no known length, so the body goes chunked without Content-Length.
    TestServer.Reply r = server.send(server.request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build());
    assertStatus(r, 413, "RequestEntityTooLarge");
    assertUnchanged(path, before);
  }

  @Test
  void putWithAStaleResourceVersionIsAConflict() {
    String path = withConfigMap();
    ObjectNode stale = (ObjectNode) current(path).deepCopy();
    assertEquals(200, server.patch(path + "/a", "application/merge-patch+json", "{\"data\":{\"k\":\"new\"}}").code());
    JsonNode before = current(path);
    ((ObjectNode) stale.path("data")).put("k", "lost update");
    JsonNode s = assertStatus(server.put(path + "/a", stale), 409, "Conflict");
    assertEquals("a", s.path("details").path("name").asText());
    assertTrue(s.path("message").asText().contains("the object has been modified"), s::toString);
    assertUnchanged(path, before);
  }

  @Test
  void putWhoseBodyNameDiffersFromTheUrlIsABadRequest() {
    String path = withConfigMap();
    JsonNode before = current(path);
    ObjectNode renamed = (ObjectNode) before.deepCopy();
    Json.meta(renamed).put("name", "b");
    JsonNode s = assertStatus(server.put(path + "/a", renamed), 400, "BadRequest");
    assertTrue(s.path("message").asText().contains("does not match"), s::toString);
    assertUnchanged(path, before);
    assertStatus(server.get(path + "/b"), 404, "NotFound");
  }
}

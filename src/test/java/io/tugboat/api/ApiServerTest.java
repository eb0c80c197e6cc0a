package io.tugboat.api;

import static io.tugboat.api.Manifests.configMap;
import static io.tugboat.api.Manifests.deployment;
import static io.tugboat.api.StatusAssert.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST verbs over real HTTP: create, get, list, replace, the patch formats, delete, and the subresources. */
class ApiServerTest {
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

  /** A fresh namespace per test, so tests never see each other's objects. */
  static String freshNamespace() {
    return server.createNamespace("crud-" + NAMESPACES.incrementAndGet());
  }

  static String configMaps(String ns) {
    return "/api/v1/namespaces/" + ns + "/configmaps";
  }

  @Test
  void createAnswers201WithUidCreationTimestampAndResourceVersion() {
    String ns = freshNamespace();
    TestServer.Reply r = server.post(configMaps(ns), configMap("a"));
    assertEquals(201, r.code(), r::toString);
    assertTrue(r.contentType().startsWith("application/json"), r::toString);
    JsonNode meta = r.json().path("metadata");
    assertEquals("a", meta.path("name").asText());
    assertEquals(ns, meta.path("namespace").asText());
    assertFalse(meta.path("uid").asText().isEmpty());
    assertTrue(meta.path("creationTimestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
        meta::toString);
    assertTrue(Long.parseLong(meta.path("resourceVersion").asText()) > 0, meta::toString);
    assertEquals("ConfigMap", r.json().path("kind").asText());
    assertEquals("v1", r.json().path("apiVersion").asText());
  }

  @Test
  void getReturnsTheCreatedObject() {
    String ns = freshNamespace();
    ObjectNode created = server.create(configMaps(ns), configMap("a", Map.of("x", "1")));
    TestServer.Reply r = server.get(configMaps(ns) + "/a");
    assertEquals(200, r.code(), r::toString);
    assertEquals(created, r.json());
  }

  @Test
  void listAnswersAnXListWithItsResourceVersion() {
    String ns = freshNamespace();
    ObjectNode a = server.create(configMaps(ns), configMap("a"));
    server.create(configMaps(ns), configMap("b"));
    TestServer.Reply r = server.get(configMaps(ns));
    assertEquals(200, r.code(), r::toString);
    JsonNode list = r.json();
    assertEquals("ConfigMapList", list.path("kind").asText());
    assertEquals("v1", list.path("apiVersion").asText());
    long listRv = Long.parseLong(list.path("metadata").path("resourceVersion").asText());
    assertTrue(listRv >= Long.parseLong(a.path("metadata").path("resourceVersion").asText()));
    assertEquals(List.of("a", "b"), names(list));
  }

  @Test
  void putReplacesTheObjectAndMovesItsResourceVersion() {
    String ns = freshNamespace();
    ObjectNode created = server.create(configMaps(ns), configMap("a", Map.of("x", "1")));
    ObjectNode replacement = configMap("a", Map.of("y", "2"));
    Json.meta(replacement).put("resourceVersion", created.path("metadata").path("resourceVersion").asText());
    TestServer.Reply r = server.put(configMaps(ns) + "/a", replacement);
    assertEquals(200, r.code(), r::toString);
    assertEquals(Json.object().put("y", "2"), r.json().path("data"));
    assertEquals(created.path("metadata").path("uid"), r.json().path("metadata").path("uid"));
    assertNotEquals(created.path("metadata").path("resourceVersion"), r.json().path("metadata").path("resourceVersion"));
    assertEquals(r.json(), server.get(configMaps(ns) + "/a").json());
  }

  @Test
  void mergePatchMergesAndNullRemovesAKey() {
    String ns = freshNamespace();
    server.create(configMaps(ns), configMap("a", Map.of("x", "1", "y", "2")));
    TestServer.Reply r = server.patch(configMaps(ns) + "/a", "application/merge-patch+json",
        "{\"data\":{\"x\":null,\"z\":\"3\"}}");
    assertEquals(200, r.code(), r::toString);
    assertEquals(Json.object().put("y", "2").put("z", "3"), r.json().path("data"));
  }

  @Test
  void jsonPatchAppliesEachOperation() {
    String ns = freshNamespace();
    server.create(configMaps(ns), configMap("a", Map.of("x", "1")));
    TestServer.Reply r = server.patch(configMaps(ns) + "/a", "application/json-patch+json",
        "[{\"op\":\"test\",\"path\":\"/data/x\",\"value\":\"1\"},"
            + "{\"op\":\"replace\",\"path\":\"/data/x\",\"value\":\"2\"},"
            + "{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"app\":\"web\"}}]");
    assertEquals(200, r.code(), r::toString);
    assertEquals("2", r.json().path("data").path("x").asText());
    assertEquals("web", r.json().path("metadata").path("labels").path("app").asText());
  }

  @Test
  void strategicMergePatchMergesContainersByNameInTheGivenOrder() {
    String ns = freshNamespace();
    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments";
    server.create(path, deployment("web", 1));
    // What `kubectl set image deployment/web web=nginx:1.16-alpine` sends.
    TestServer.Reply r = server.patch(path + "/web", "application/strategic-merge-patch+json",
        "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"web\"},{\"name\":\"sidecar\"}],"
            + "\"containers\":[{\"image\":\"nginx:1.16-alpine\",\"name\":\"web\"}]}}}}");
    assertEquals(200, r.code(), r::toString);
    JsonNode containers = r.json().path("spec").path("template").path("spec").path("containers");
    assertEquals(2, containers.size(), containers::toString);
    assertEquals("web", containers.get(0).path("name").asText());
    assertEquals("nginx:1.16-alpine", containers.get(0).path("image").asText());
    assertEquals("sidecar", containers.get(1).path("name").asText());
    assertEquals("busybox:1.36", containers.get(1).path("image").asText());
  }

  @Test
  void serverSideApplyCreatesWith201AndUpdatesWith200() {
    String ns = freshNamespace();
    // kubectl apply --server-side sends the manifest as JSON under the apply-patch+yaml content type.
    String manifest = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
        + "\"data\":{\"x\":\"%s\"}}";
    TestServer.Reply created = server.patch(configMaps(ns) + "/ssa?fieldManager=kubectl&force=false",
        "application/apply-patch+yaml", String.format(manifest, "1"));
    assertEquals(201, created.code(), created::toString);
    assertEquals("1", created.json().path("data").path("x").asText());
    TestServer.Reply updated = server.patch(configMaps(ns) + "/ssa?fieldManager=kubectl&force=false",
        "application/apply-patch+yaml", String.format(manifest, "2"));
    assertEquals(200, updated.code(), updated::toString);
    assertEquals("2", updated.json().path("data").path("x").asText());
    assertEquals(created.json().path("metadata").path("uid"), updated.json().path("metadata").path("uid"));
  }

  @Test
  void deleteAnswersTheObjectAndThenGetIsNotFound() {
    String ns = freshNamespace();
    ObjectNode created = server.create(configMaps(ns), configMap("a"));
    TestServer.Reply r = server.delete(configMaps(ns) + "/a");
    assertEquals(200, r.code(), r::toString);
    assertEquals(created.path("metadata").path("uid"), r.json().path("metadata").path("uid"));
    JsonNode status = assertStatus(server.get(configMaps(ns) + "/a"), 404, "NotFound");
    assertEquals("a", status.path("details").path("name").asText());
    assertEquals("configmaps", status.path("details").path("kind").asText());
    assertEquals(List.of(), names(server.get(configMaps(ns)).json()));
  }

  @Test
  void acceptsAYamlBody() {
    String ns = freshNamespace();
    String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n  labels:\n    app: web\n"
        + "data:\n  greeting: hello\n";
    TestServer.Reply r = server.send(configMaps(ns), "POST", "application/yaml", yaml);
    assertEquals(201, r.code(), r::toString);
    assertEquals("hello", r.json().path("data").path("greeting").asText());
    assertEquals("web", r.json().path("metadata").path("labels").path("app").asText());
  }

  @Test
  void answersYamlWhenAskedFor() throws Exception {
    String ns = freshNamespace();
    server.create(configMaps(ns), configMap("a", Map.of("greeting", "hello")));
    TestServer.Reply r = server.get(configMaps(ns) + "/a", "application/yaml");
    assertEquals(200, r.code(), r::toString);
    assertTrue(r.contentType().startsWith("application/yaml"), r::toString);
    assertTrue(r.body().contains("kind: ConfigMap"), r::body);
    JsonNode parsed = Json.YAML.readTree(r.body());
    assertEquals("hello", parsed.path("data").path("greeting").asText());
  }

  @Test
  void generateNameGivesAFreshNameWithThePrefix() {
    String ns = freshNamespace();
    ObjectNode body = configMap("ignored");
    Json.meta(body).remove("name");
    Json.meta(body).put("generateName", "gen-");
    String first = server.create(configMaps(ns), body).path("metadata").path("name").asText();
    String second = server.create(configMaps(ns), body).path("metadata").path("name").asText();
    assertTrue(first.startsWith("gen-") && first.length() > 4, first);
    assertTrue(second.startsWith("gen-") && second.length() > 4, second);
    assertNotEquals(first, second);
    assertEquals(200, server.get(configMaps(ns) + "/" + first).code());
  }

  @Test
  void generationMovesOnSpecChangesOnly() {
    String ns = freshNamespace();
    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments";
    assertEquals(1, server.create(path, deployment("web", 1)).path("metadata").path("generation").asLong());
    TestServer.Reply labelled = server.patch(path + "/web", "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
    assertEquals(1, labelled.json().path("metadata").path("generation").asLong(), labelled::toString);
    TestServer.Reply scaled = server.patch(path + "/web", "application/merge-patch+json",
        "{\"spec\":{\"replicas\":2}}");
    assertEquals(2, scaled.json().path("metadata").path("generation").asLong(), scaled::toString);
    TestServer.Reply status = server.patch(path + "/web/status", "application/merge-patch+json",
        "{\"status\":{\"replicas\":2}}");
    assertEquals(200, status.code(), status::toString);
    assertEquals(2, status.json().path("metadata").path("generation").asLong(), status::toString);
  }

  @Test
  void putToStatusChangesOnlyTheStatus() {
    String ns = freshNamespace();
    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments";
    ObjectNode created = server.create(path, deployment("web", 1));
    ObjectNode body = created.deepCopy();
    body.putObject("status").put("replicas", 1).put("readyReplicas", 1);
    ((ObjectNode) body.path("spec")).put("replicas", 5);
    Json.meta(body).putObject("labels").put("sneaky", "yes");
    TestServer.Reply r = server.put(path + "/web/status", body);
    assertEquals(200, r.code(), r::toString);
    assertEquals(1, r.json().path("status").path("readyReplicas").asInt());
    assertEquals(1, r.json().path("spec").path("replicas").asInt(), "a status write must not change the spec");
    assertTrue(r.json().path("metadata").path("labels").path("sneaky").isMissingNode(), r::toString);
  }

  @Test
  void putToTheObjectIgnoresTheStatus() {
    String ns = freshNamespace();
    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments";
    server.create(path, deployment("web", 1));
    server.patch(path + "/web/status", "application/merge-patch+json", "{\"status\":{\"replicas\":1}}");
    ObjectNode body = (ObjectNode) server.get(path + "/web").json();
    body.putObject("status").put("replicas", 42);
    ((ObjectNode) body.path("spec")).put("replicas", 3);
    TestServer.Reply r = server.put(path + "/web", body);
    assertEquals(200, r.code(), r::toString);
    assertEquals(3, r.json().path("spec").path("replicas").asInt());
    assertEquals(1, r.json().path("status").path("replicas").asInt(), "a main write must not change the status");
  }

  @Test
  void scaleSubresourceReadsAndPatchesReplicasAsAnAutoscalingV1Scale() {
    String ns = freshNamespace();
    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments";
    server.create(path, deployment("web", 1));
    TestServer.Reply get = server.get(path + "/web/scale");
    assertEquals(200, get.code(), get::toString);
    assertScale(get.json(), 1);
    TestServer.Reply patched = server.patch(path + "/web/scale", "application/merge-patch+json",
        "{\"spec\":{\"replicas\":3}}");
    assertEquals(200, patched.code(), patched::toString);
    assertScale(patched.json(), 3);
    assertEquals(3, server.get(path + "/web").json().path("spec").path("replicas").asInt());
  }

  private static void assertScale(JsonNode scale, int replicas) {
    assertEquals("Scale", scale.path("kind").asText(), scale::toString);
    assertEquals("autoscaling/v1", scale.path("apiVersion").asText());
    assertEquals("web", scale.path("metadata").path("name").asText());
    assertEquals(replicas, scale.path("spec").path("replicas").asInt());
    assertEquals("app=web", scale.path("status").path("selector").asText(), scale::toString);
  }

  @Test
  void deleteOfAnObjectWithFinalizersOnlyMarksItUntilTheyAreRemoved() {
    String ns = freshNamespace();
    ObjectNode body = configMap("held");
    Json.meta(body).putArray("finalizers").add("example.com/hold");
    server.create(configMaps(ns), body);
    TestServer.Reply r = server.delete(configMaps(ns) + "/held");
    assertEquals(202, r.code(), r::toString);
    assertFalse(r.json().path("metadata").path("deletionTimestamp").asText().isEmpty(), r::toString);
    TestServer.Reply still = server.get(configMaps(ns) + "/held");
    assertEquals(200, still.code(), still::toString);
    assertFalse(still.json().path("metadata").path("deletionTimestamp").asText().isEmpty());
    TestServer.Reply released = server.patch(configMaps(ns) + "/held", "application/merge-patch+json",
        "{\"metadata\":{\"finalizers\":null}}");
    assertEquals(200, released.code(), released::toString);
    assertStatus(server.get(configMaps(ns) + "/held"), 404, "NotFound");
  }

  @Test
  void auditListsEveryChangeOfAnObjectWithItsVerb() {
    String ns = freshNamespace();
    server.create(configMaps(ns), configMap("x"));
    assertEquals(200, server.patch(configMaps(ns) + "/x", "application/merge-patch+json",
        "{\"data\":{\"k\":\"w\"}}").code());
    assertEquals(200, server.delete(configMaps(ns) + "/x").code());
    TestServer.Reply r = server.get("/tugboat/audit?object=configmaps/x&namespace=" + ns);
    assertEquals(200, r.code(), r::toString);
    List<String> lines = r.body().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(3, lines.size(), r::body);
    assertTrue(lines.get(0).contains(" create ") && lines.get(0).contains("ObjectCreated"), lines.get(0));
    assertTrue(lines.get(1).contains(" patch "), lines.get(1));
    assertTrue(lines.get(2).contains(" delete ") && lines.get(2).contains("ObjectDeleted"), lines.get(2));
  }

  static List<String> names(JsonNode list) {
    return java.util.stream.StreamSupport.stream(list.path("items").spliterator(), false)
        .map(i -> i.path("metadata").path("name").asText()).toList();
  }
}

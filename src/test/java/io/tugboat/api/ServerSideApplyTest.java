package io.tugboat.api;

import static io.tugboat.api.Manifests.deployment;
import static io.tugboat.api.StatusAssert.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server-side apply over real HTTP, as kubectl drives it: managers, conflicts, force, and managedFields. */
class ServerSideApplyTest {
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final String APPLY = "application/apply-patch+yaml";
  private static final String KUBECTL = "kubectl/v1.31.0 (linux/amd64) kubernetes/9b21bd1";
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String deployments(String ns) {
    return "/apis/apps/v1/namespaces/" + ns + "/deployments";
  }

  /** A request as kubectl sends it (its user agent names managers that pass no fieldManager). */
  private static TestServer.Reply send(String method, String path, String contentType, String body) {
    return server.send(server.request(path).header("Content-Type", contentType).header("User-Agent", KUBECTL)
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static TestServer.Reply apply(String ns, ObjectNode manifest, String query) {
    return send("PATCH", deployments(ns) + "/" + manifest.path("metadata").path("name").asText() + query, APPLY,
        manifest.toString());
  }

  private static List<String> managers(JsonNode obj) {
    List<String> out = new ArrayList<>();
    obj.path("metadata").path("managedFields")
        .forEach(e -> out.add(e.path("manager").asText() + "/" + e.path("operation").asText()));
    return out;
  }

  @Test
  void applyCreates201ThenReapplyingChangesNothing() {
    String ns = server.createNamespace("ssa-" + NAMESPACES.incrementAndGet());
    TestServer.Reply created = apply(ns, deployment("web", 2), "?fieldManager=kubectl&fieldValidation=Strict&force=false");
    assertEquals(201, created.code(), created::toString);
    JsonNode entry = created.json().path("metadata").path("managedFields").path(0);
    assertEquals("kubectl", entry.path("manager").asText());
    assertEquals("Apply", entry.path("operation").asText());
    assertEquals("apps/v1", entry.path("apiVersion").asText());
    assertEquals("FieldsV1", entry.path("fieldsType").asText());
    assertTrue(entry.path("fieldsV1").path("f:spec").has("f:replicas"), entry::toString);
    assertTrue(entry.path("fieldsV1").path("f:spec").path("f:template").path("f:spec").path("f:containers")
        .has("k:{\"name\":\"web\"}"), entry::toString);

    TestServer.Reply again = apply(ns, deployment("web", 2), "?fieldManager=kubectl&force=false");
    assertEquals(200, again.code(), again::toString);
    assertEquals(created.json().path("metadata").path("resourceVersion"),
        again.json().path("metadata").path("resourceVersion"), "an apply that changes nothing writes nothing");
    assertEquals(created.json().path("metadata").path("managedFields"),
        again.json().path("metadata").path("managedFields"));
  }

  @Test
  void aContainerDroppedFromTheConfigurationIsRemoved() {
    String ns = server.createNamespace("ssa-" + NAMESPACES.incrementAndGet());
    assertEquals(201, apply(ns, deployment("web", 1), "?fieldManager=kubectl").code());
    ObjectNode fewer = deployment("web", 1);
    ((com.fasterxml.jackson.databind.node.ArrayNode) fewer.at("/spec/template/spec/containers")).remove(1);
    TestServer.Reply r = apply(ns, fewer, "?fieldManager=kubectl");
    assertEquals(200, r.code(), r::toString);
    assertEquals(1, r.json().at("/spec/template/spec/containers").size(), r::toString);
  }

  @Test
  void scaleThenApplyIsAConflictNamingTheManagerAndForceTakesTheField() {
    String ns = server.createNamespace("ssa-" + NAMESPACES.incrementAndGet());
    assertEquals(201, apply(ns, deployment("web", 2), "?fieldManager=kubectl&force=false").code());
    // kubectl scale: a merge patch of /scale without fieldManager; the user agent names the manager.
    TestServer.Reply scaled = send("PATCH", deployments(ns) + "/web/scale", "application/merge-patch+json",
        "{\"spec\":{\"replicas\":5}}");
    assertEquals(200, scaled.code(), scaled::toString);
    assertEquals(List.of("kubectl/Apply", "kubectl/Update"), managers(server.get(deployments(ns) + "/web").json()));

    JsonNode status = assertStatus(apply(ns, deployment("web", 2), "?fieldManager=kubectl&force=false"), 409,
        "Conflict");
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl\" using apps/v1: .spec.replicas",
        status.path("message").asText());
    JsonNode cause = status.path("details").path("causes").path(0);
    assertEquals("FieldManagerConflict", cause.path("reason").asText());
    assertEquals("conflict with \"kubectl\" using apps/v1", cause.path("message").asText());
    assertEquals(".spec.replicas", cause.path("field").asText());
    assertEquals(5, server.get(deployments(ns) + "/web").json().at("/spec/replicas").asInt(), "nothing written");

    TestServer.Reply forced = apply(ns, deployment("web", 2), "?fieldManager=kubectl&force=true");
    assertEquals(200, forced.code(), forced::toString);
    assertEquals(2, forced.json().at("/spec/replicas").asInt());
    assertEquals(List.of("kubectl/Apply"), managers(forced.json()), "the updater lost its only field");
  }

  @Test
  void aClientSideUpdateAfterApplyShowsBothManagers() {
    String ns = server.createNamespace("ssa-" + NAMESPACES.incrementAndGet());
    assertEquals(201, apply(ns, deployment("web", 1), "?fieldManager=kubectl").code());
    TestServer.Reply patched = send("PATCH", deployments(ns) + "/web?fieldManager=kubectl-client-side-apply",
        "application/strategic-merge-patch+json", "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
    assertEquals(200, patched.code(), patched::toString);
    assertEquals(List.of("kubectl/Apply", "kubectl-client-side-apply/Update"), managers(patched.json()));
    JsonNode update = patched.json().path("metadata").path("managedFields").path(1);
    assertEquals("{\"f:metadata\":{\"f:labels\":{\"f:tier\":{}}}}", update.path("fieldsV1").toString());
  }

  @Test
  void createAndReplaceRecordTheirManagers() {
    String ns = server.createNamespace("ssa-" + NAMESPACES.incrementAndGet());
    TestServer.Reply created = send("POST", deployments(ns) + "?fieldManager=kubectl-create", "application/json",
        deployment("web", 1).toString());
    assertEquals(201, created.code(), created::toString);
    assertEquals(List.of("kubectl-create/Update"), managers(created.json()));
    ObjectNode edited = (ObjectNode) created.json().deepCopy();
    edited.with("spec").put("replicas", 3);
    TestServer.Reply replaced = send("PUT", deployments(ns) + "/web", "application/json", edited.toString());
    assertEquals(200, replaced.code(), replaced::toString);
    // Entries of one operation are ordered by time, then manager: both writes fall in the same second here.
    assertEquals(List.of("kubectl-create/Update", "kubectl/Update"), managers(replaced.json()).stream().sorted().toList());
  }

  @Test
  void applyWithoutFieldManagerIs400() {
    String ns = server.createNamespace("ssa-" + NAMESPACES.incrementAndGet());
    JsonNode status = assertStatus(apply(ns, deployment("web", 1), ""), 400, "BadRequest");
    assertEquals("PATCH /apis/apps/v1/namespaces/" + ns + "/deployments/web: fieldManager is required for apply "
        + "requests", status.path("message").asText());
    assertFalse(server.get(deployments(ns) + "/web").code() == 200, "nothing created");
  }
}

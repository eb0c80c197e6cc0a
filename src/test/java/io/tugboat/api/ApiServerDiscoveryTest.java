package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What kubectl reads before anything else: /version, discovery (aggregated and legacy) and OpenAPI v3. */
class ApiServerDiscoveryTest {
  private static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  private static final String V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A Content-Type's parameters in any order and spacing, for comparing media types. */
  private static List<String> mediaType(String contentType) {
    List<String> parts = new ArrayList<>();
    for (String p : contentType.split(";")) {
      parts.add(p.trim());
    }
    List<String> params = new ArrayList<>(parts.subList(1, parts.size()));
    params.removeIf(p -> p.startsWith("charset="));
    params.sort(null);
    List<String> out = new ArrayList<>(List.of(parts.get(0)));
    out.addAll(params);
    return out;
  }

  @Test
  void versionReportsMajorAndMinor() {
    TestServer.Reply r = server.get("/version?timeout=5s");
    assertEquals(200, r.code(), r::toString);
    assertEquals("1", r.json().path("major").asText());
    assertTrue(r.json().path("minor").asText().matches("\\d+"), r::toString);
    assertTrue(r.json().path("gitVersion").asText().startsWith("v1."), r::toString);
  }

  @Test
  void aggregatedDiscoveryV2IsAnsweredWithItsContentType() {
    for (String path : List.of("/api", "/apis")) {
      TestServer.Reply r = server.get(path + "?timeout=32s", V2 + "," + V2BETA1 + ",application/json");
      assertEquals(200, r.code(), r::toString);
      assertEquals(mediaType(V2), mediaType(r.contentType()), r::toString);
      assertEquals("APIGroupDiscoveryList", r.json().path("kind").asText());
      assertEquals("apidiscovery.k8s.io/v2", r.json().path("apiVersion").asText());
      assertFalse(r.json().path("items").isEmpty(), r::toString);
    }
    JsonNode core = server.get("/api", V2 + ",application/json").json().path("items").get(0);
    assertEquals("", core.path("metadata").path("name").asText());
    List<String> resources = new ArrayList<>();
    core.path("versions").get(0).path("resources").forEach(res -> resources.add(res.path("resource").asText()));
    assertTrue(resources.containsAll(List.of("pods", "configmaps", "namespaces")), resources::toString);
  }

  @Test
  void aggregatedDiscoveryV2beta1IsAnsweredWhenOnlyItIsOffered() {
    for (String path : List.of("/api", "/apis")) {
      TestServer.Reply r = server.get(path, V2BETA1 + ",application/json");
      assertEquals(200, r.code(), r::toString);
      assertEquals(mediaType(V2BETA1), mediaType(r.contentType()), r::toString);
      assertEquals("apidiscovery.k8s.io/v2beta1", r.json().path("apiVersion").asText());
    }
  }

  @Test
  void plainAcceptGetsTheLegacyDocuments() {
    TestServer.Reply api = server.get("/api", "application/json, */*");
    assertEquals(200, api.code(), api::toString);
    assertEquals(List.of("application/json"), mediaType(api.contentType()));
    assertEquals("APIVersions", api.json().path("kind").asText());
    assertEquals("v1", api.json().path("versions").get(0).asText());
    TestServer.Reply apis = server.get("/apis", "application/json, */*");
    assertEquals("APIGroupList", apis.json().path("kind").asText(), apis::toString);
    List<String> groups = new ArrayList<>();
    apis.json().path("groups").forEach(g -> groups.add(g.path("name").asText()));
    assertTrue(groups.contains("apps"), groups::toString);
  }

  @Test
  void apiV1IsAnApiResourceList() {
    TestServer.Reply r = server.get("/api/v1");
    assertEquals(200, r.code(), r::toString);
    assertEquals("APIResourceList", r.json().path("kind").asText());
    assertEquals("v1", r.json().path("groupVersion").asText());
    List<String> names = new ArrayList<>();
    r.json().path("resources").forEach(res -> names.add(res.path("name").asText()));
    assertTrue(names.containsAll(List.of("pods", "configmaps", "namespaces")), names::toString);
    TestServer.Reply apps = server.get("/apis/apps/v1");
    assertEquals("apps/v1", apps.json().path("groupVersion").asText(), apps::toString);
  }

  @Test
  void openApiV3RootLeadsToGroupVersionDocumentsWithPatchAndFieldValidation() {
    TestServer.Reply root = server.get("/openapi/v3", "application/json, */*");
    assertEquals(200, root.code(), root::toString);
    String url = root.json().path("paths").path("apis/apps/v1").path("serverRelativeURL").asText();
    assertTrue(url.startsWith("/openapi/v3/apis/apps/v1"), root::toString);
    TestServer.Reply doc = server.get(url);
    assertEquals(200, doc.code(), doc::toString);
    assertTrue(doc.json().path("openapi").asText().startsWith("3."), () -> doc.body().substring(0, 200));
    JsonNode patch = doc.json().path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
        .path("patch");
    assertEquals("Deployment", patch.path("x-kubernetes-group-version-kind").path("kind").asText());
    boolean fieldValidation = false;
    for (JsonNode p : patch.path("parameters")) {
      fieldValidation |= p.path("name").asText().equals("fieldValidation");
    }
    assertTrue(fieldValidation, "the PATCH operation lists fieldValidation, so kubectl validates server-side");
    assertEquals(200, server.get("/openapi/v3/api/v1").code());
  }

  @Test
  void unknownPathsAreNotFoundStatuses() {
    StatusAssert.assertStatus(server.get("/apis/nope/v1"), 404, "NotFound");
    StatusAssert.assertStatus(server.get("/api/v1/widgets"), 404, "NotFound");
    StatusAssert.assertStatus(server.get("/openapi/v3/apis/nope/v1"), 404, "NotFound");
  }
}

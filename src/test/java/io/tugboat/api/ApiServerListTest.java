package io.tugboat.api;

import static io.tugboat.api.ApiServerTest.names;
import static io.tugboat.api.Manifests.configMap;
import static io.tugboat.api.Manifests.deployment;
import static io.tugboat.api.Manifests.labelled;
import static io.tugboat.api.Manifests.pod;
import static io.tugboat.api.StatusAssert.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lists: label and field selectors, all namespaces, paging with limit and continue, and Tables. */
class ApiServerListTest {
  private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
  private static TestServer server;
  private static final String NS = "sel";
  private static final String CM = "/api/v1/namespaces/" + NS + "/configmaps";

  @BeforeAll
  static void start() {
    server = TestServer.start();
    server.createNamespace(NS);
    server.create(CM, labelled(configMap("web-prod"), Map.of("app", "web", "env", "prod")));
    server.create(CM, labelled(configMap("web-dev"), Map.of("app", "web", "env", "dev")));
    server.create(CM, labelled(configMap("db-prod"), Map.of("app", "db", "env", "prod", "tier", "back")));
    server.create(CM, configMap("plain"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String> select(String labelSelector) {
    TestServer.Reply r = server.get(CM + "?labelSelector=" + URLEncoder.encode(labelSelector, StandardCharsets.UTF_8));
    assertEquals(200, r.code(), r::toString);
    return names(r.json());
  }

  @Test
  void labelSelectorsFilterWithEveryOperator() {
    assertEquals(List.of("web-dev", "web-prod"), select("app=web"));
    assertEquals(List.of("web-dev", "web-prod"), select("app==web"));
    assertEquals(List.of("plain", "web-dev"), select("env!=prod"));
    assertEquals(List.of("db-prod", "web-dev", "web-prod"), select("app in (web,db)"));
    assertEquals(List.of("db-prod", "plain"), select("app notin (web)"));
    assertEquals(List.of("db-prod"), select("tier"));
    assertEquals(List.of("plain", "web-dev", "web-prod"), select("!tier"));
    assertEquals(List.of("web-prod"), select("app=web,env=prod"));
  }

  @Test
  void aMalformedLabelSelectorIsABadRequest() {
    assertStatus(server.get(CM + "?labelSelector=" + URLEncoder.encode("app in web", StandardCharsets.UTF_8)), 400,
        "BadRequest");
  }

  @Test
  void fieldSelectorOnMetadataNameSelectsOneObject() {
    TestServer.Reply r = server.get(CM + "?fieldSelector=metadata.name%3Dweb-dev");
    assertEquals(200, r.code(), r::toString);
    assertEquals(List.of("web-dev"), names(r.json()));
    assertEquals(List.of("db-prod", "plain", "web-prod"),
        names(server.get(CM + "?fieldSelector=metadata.name!%3Dweb-dev").json()));
  }

  @Test
  void anUnsupportedFieldSelectorIsABadRequest() {
    JsonNode s = assertStatus(server.get(CM + "?fieldSelector=data.k%3Dv"), 400, "BadRequest");
    assertTrue(s.path("message").asText().contains("data.k"), s::toString);
  }

  @Test
  void listingAcrossAllNamespacesShowsEachObjectsNamespace() {
    server.createNamespace("other");
    server.create("/api/v1/namespaces/other/configmaps", configMap("elsewhere"));
    TestServer.Reply r = server.get("/api/v1/configmaps");
    assertEquals(200, r.code(), r::toString);
    assertEquals("ConfigMapList", r.json().path("kind").asText());
    List<String> qualified = new ArrayList<>();
    r.json().path("items").forEach(i -> qualified.add(i.path("metadata").path("namespace").asText() + "/"
        + i.path("metadata").path("name").asText()));
    assertTrue(qualified.containsAll(List.of("other/elsewhere", "sel/web-prod", "sel/plain")), qualified::toString);
  }

  @Test
  void limitAndContinuePageThroughEverythingExactlyOnce() {
    server.createNamespace("paged");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      String name = String.format("cm-%02d", i);
      server.create("/api/v1/namespaces/paged/configmaps", configMap(name));
      expected.add(name);
    }
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      TestServer.Reply r = server.get("/api/v1/namespaces/paged/configmaps?limit=4"
          + (token == null ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
      assertEquals(200, r.code(), r::toString);
      List<String> page = names(r.json());
      assertTrue(page.size() <= 4, page::toString);
      seen.addAll(page);
      token = r.json().path("metadata").path("continue").asText("");
      token = token.isEmpty() ? null : token;
      pages++;
      assertTrue(pages <= 5, "paging does not end");
    } while (token != null);
    assertEquals(expected, seen);
    assertEquals(3, pages);
  }

  @Test
  void tablesOfPodsDeploymentsAndConfigMapsHaveColumnsAndRowMetadata() {
    server.createNamespace("tables");
    server.create("/api/v1/namespaces/tables/pods", pod("p"));
    server.create("/apis/apps/v1/namespaces/tables/deployments", deployment("d", 2));
    server.create("/api/v1/namespaces/tables/configmaps", configMap("c"));
    for (String[] c : List.of(new String[] {"/api/v1/namespaces/tables/pods", "p"},
        new String[] {"/apis/apps/v1/namespaces/tables/deployments", "d"},
        new String[] {"/api/v1/namespaces/tables/configmaps", "c"})) {
      TestServer.Reply r = server.get(c[0], TABLE);
      assertEquals(200, r.code(), r::toString);
      JsonNode t = r.json();
      assertEquals("Table", t.path("kind").asText(), r::toString);
      assertEquals("meta.k8s.io/v1", t.path("apiVersion").asText());
      assertFalse(t.path("metadata").path("resourceVersion").asText().isEmpty(), r::toString);
      assertEquals("Name", t.path("columnDefinitions").path(0).path("name").asText(), r::toString);
      assertTrue(t.path("columnDefinitions").size() >= 2, r::toString);
      assertEquals(1, t.path("rows").size(), r::toString);
      JsonNode row = t.path("rows").get(0);
      assertEquals(t.path("columnDefinitions").size(), row.path("cells").size(), r::toString);
      assertEquals(c[1], row.path("cells").get(0).asText());
      assertEquals(c[1], row.path("object").path("metadata").path("name").asText(), r::toString);
      assertEquals("tables", row.path("object").path("metadata").path("namespace").asText(), r::toString);
      assertEquals("PartialObjectMetadata", row.path("object").path("kind").asText(), r::toString);
    }
  }

  @Test
  void aTableOfAllNamespacesCarriesEachRowsNamespace() {
    JsonNode t = server.get("/api/v1/configmaps?labelSelector=app%3Dweb", TABLE).json();
    assertEquals("Table", t.path("kind").asText());
    assertEquals(2, t.path("rows").size(), t::toString);
    t.path("rows").forEach(row -> assertEquals(NS, row.path("object").path("metadata").path("namespace").asText()));
  }
}

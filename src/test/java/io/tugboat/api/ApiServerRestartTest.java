package io.tugboat.api;

import static io.tugboat.api.Manifests.configMap;
import static io.tugboat.api.Manifests.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The journal is the source of truth: a node restarted on the same data dir serves the same objects. */
class ApiServerRestartTest {
  private Path dataDir;

  @AfterEach
  void cleanUp() {
    TestServer.deleteTree(dataDir);
  }

  @Test
  void aRestartedNodeServesTheSameObjectsAtTheSameVersions() throws IOException {
    dataDir = Files.createTempDirectory("tugboat-restart-");
    int port = TestServer.freePort();
    String cm = "/api/v1/namespaces/keep/configmaps";
    JsonNode configMap;
    JsonNode deploymentBefore;
    long listRvBefore;
    try (TestServer first = TestServer.startOn(dataDir, port)) {
      first.createNamespace("keep");
      first.create(cm, configMap("a", Map.of("x", "1")));
      configMap = first.patch(cm + "/a", "application/merge-patch+json", "{\"data\":{\"x\":\"2\"}}").json();
      first.create("/apis/apps/v1/namespaces/keep/deployments", deployment("web", 2));
      deploymentBefore = first.get("/apis/apps/v1/namespaces/keep/deployments/web").json();
      first.create(cm, configMap("gone"));
      first.delete(cm + "/gone");
      listRvBefore = Long.parseLong(first.get(cm).json().path("metadata").path("resourceVersion").asText());
    }
    try (TestServer second = TestServer.startOn(dataDir, port)) {
      JsonNode after = second.get(cm + "/a").json();
      assertEquals(configMap.path("metadata").path("uid"), after.path("metadata").path("uid"));
      assertEquals(configMap.path("metadata").path("resourceVersion"), after.path("metadata").path("resourceVersion"));
      assertEquals(configMap, after);
      assertEquals(deploymentBefore, second.get("/apis/apps/v1/namespaces/keep/deployments/web").json());
      StatusAssert.assertStatus(second.get(cm + "/gone"), 404, "NotFound");
      JsonNode list = second.get(cm).json();
      assertEquals(java.util.List.of("a"), ApiServerTest.names(list));
      long listRvAfter = Long.parseLong(list.path("metadata").path("resourceVersion").asText());
      assertTrue(listRvAfter >= listRvBefore, listRvAfter + " < " + listRvBefore);

      // New writes continue the same resourceVersion sequence, so old watch positions stay meaningful.
      String next = second.create(cm, configMap("b")).path("metadata").path("resourceVersion").asText();
      assertTrue(Long.parseLong(next) > listRvBefore, next + " <= " + listRvBefore);
      try (TestServer.Watch w = second.watch(cm + "?watch=true&resourceVersion=" + listRvBefore)) {
        JsonNode e = w.next(Duration.ofSeconds(10));
        assertEquals("ADDED", e.path("type").asText(), e::toString);
        assertEquals("b", e.path("object").path("metadata").path("name").asText(), e::toString);
      }
    }
  }
}

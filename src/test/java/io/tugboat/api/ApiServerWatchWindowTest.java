package io.tugboat.api;

import static io.tugboat.api.Manifests.configMap;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A watch from a resourceVersion that has left the cache's window is told 410 Gone, so the client re-lists. */
class ApiServerWatchWindowTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    // No node agent: its Node and Lease writes would push this test's few events out of a 5-event window.
    server = TestServer.start(Map.of("tugboat.store.watch-window", 5));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aResourceVersionOlderThanTheWindowYieldsAnErrorEventWithCode410() {
    String path = "/api/v1/namespaces/" + server.createNamespace("old") + "/configmaps";
    String old = server.create(path, configMap("first")).path("metadata").path("resourceVersion").asText();
    for (int i = 0; i < 6; i++) {
      server.create(path, configMap("later-" + i));
    }
    try (TestServer.Watch w = server.watch(path + "?watch=true&resourceVersion=" + old)) {
      assertEquals(200, w.code());
      JsonNode e = w.next();
      assertEquals("ERROR", e.path("type").asText(), e::toString);
      JsonNode status = e.path("object");
      assertEquals("Status", status.path("kind").asText(), e::toString);
      assertEquals("Failure", status.path("status").asText());
      assertEquals("Expired", status.path("reason").asText());
      assertEquals(410, status.path("code").asInt());
      assertEquals(List.of(), w.awaitEnd(Duration.ofSeconds(10)), "the stream ends after the error");
    }
  }

  @Test
  void aResourceVersionStillInTheWindowResumes() {
    String path = "/api/v1/namespaces/" + server.createNamespace("recent") + "/configmaps";
    String from = server.create(path, configMap("a")).path("metadata").path("resourceVersion").asText();
    server.create(path, configMap("b"));
    try (TestServer.Watch w = server.watch(path + "?watch=true&resourceVersion=" + from)) {
      JsonNode e = w.next();
      assertEquals("ADDED", e.path("type").asText(), e::toString);
      assertEquals("b", e.path("object").path("metadata").path("name").asText());
    }
  }
}

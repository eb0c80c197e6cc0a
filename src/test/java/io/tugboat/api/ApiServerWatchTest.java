package io.tugboat.api;

import static io.tugboat.api.Manifests.configMap;
import static io.tugboat.api.Manifests.labelled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Watches over HTTP: chunked JSON lines, resuming from a resourceVersion, initial state, timeouts, selectors. */
class ApiServerWatchTest {
  /** How long a test waits to be sure no further event comes. */
  private static final Duration QUIET = Duration.ofMillis(500);
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

  private static String freshConfigMaps() {
    String ns = server.createNamespace("watch-" + NAMESPACES.incrementAndGet());
    return "/api/v1/namespaces/" + ns + "/configmaps";
  }

  private static String rv(JsonNode obj) {
    return obj.path("metadata").path("resourceVersion").asText();
  }

  private static String listRv(String path) {
    return rv(server.get(path).json());
  }

  /** Asserts an event's type, object name and the resourceVersion it carries. */
  private static void assertEvent(JsonNode event, String type, String name, String resourceVersion) {
    assertEquals(type, event.path("type").asText(), event::toString);
    assertEquals(name, event.path("object").path("metadata").path("name").asText(), event::toString);
    if (resourceVersion != null) {
      assertEquals(resourceVersion, rv(event.path("object")), event::toString);
    }
  }

  @Test
  void streamsAddedModifiedAndDeletedAfterTheResourceVersionAsChunkedJsonLines() {
    String path = freshConfigMaps();
    server.create(path, configMap("before"));
    String from = listRv(path);
    try (TestServer.Watch w = server.watch(path + "?watch=true&resourceVersion=" + from)) {
      assertEquals(200, w.code());
      assertTrue(w.header("Content-Type").startsWith("application/json"), w.header("Content-Type"));
      assertEquals("chunked", w.header("Transfer-Encoding"));
      String added = rv(server.create(path, configMap("b")));
      String modified = rv(server.patch(path + "/b", "application/merge-patch+json", "{\"data\":{\"k\":\"2\"}}")
          .json());
      String deleted = rv(server.delete(path + "/b").json());
      assertEvent(w.next(), "ADDED", "b", added);
      assertEvent(w.next(), "MODIFIED", "b", modified);
      JsonNode last = w.next();
      assertEvent(last, "DELETED", "b", null);
      assertTrue(Long.parseLong(rv(last.path("object"))) >= Long.parseLong(deleted), last::toString);
      assertNull(w.poll(QUIET), "nothing about objects from before the resourceVersion");
    }
  }

  @Test
  void aWatchCutAndResumedFromItsLastResourceVersionMissesNothingAndRepeatsNothing() {
    String path = freshConfigMaps();
    String from = listRv(path);
    List<String> written = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    String last;
    try (TestServer.Watch w = server.watch(path + "?watch=true&resourceVersion=" + from)) {
      for (int i = 0; i < 4; i++) {
        written.add("ADDED " + rv(server.create(path, configMap("cm-" + i))));
      }
      for (int i = 0; i < 2; i++) {
        JsonNode e = w.next();
        seen.add(e.path("type").asText() + " " + rv(e.path("object")));
      }
      last = rv(w.next().path("object"));
      seen.add("ADDED " + last);
    }
    // Written while nobody watches: the resumed watch must replay these and the one not yet read.
    written.add("MODIFIED " + rv(server.patch(path + "/cm-0", "application/merge-patch+json",
        "{\"data\":{\"k\":\"2\"}}").json()));
    written.add("ADDED " + rv(server.create(path, configMap("cm-4"))));
    try (TestServer.Watch w = server.watch(path + "?watch=true&resourceVersion=" + last)) {
      for (int i = 0; i < 3; i++) {
        JsonNode e = w.next();
        seen.add(e.path("type").asText() + " " + rv(e.path("object")));
      }
      written.add("DELETED " + rv(server.delete(path + "/cm-1").json()));
      JsonNode e = w.next();
      seen.add(e.path("type").asText() + " " + rv(e.path("object")));
      assertNull(w.poll(QUIET), "no repeated or extra events");
    }
    assertEquals(written, seen);
  }

  @Test
  void withoutResourceVersionItFirstSendsAddedForExistingObjects() {
    String path = freshConfigMaps();
    String a = rv(server.create(path, configMap("a")));
    String b = rv(server.create(path, configMap("b")));
    try (TestServer.Watch w = server.watch(path + "?watch=true")) {
      assertEvent(w.next(), "ADDED", "a", a);
      assertEvent(w.next(), "ADDED", "b", b);
      String c = rv(server.create(path, configMap("c")));
      assertEvent(w.next(), "ADDED", "c", c);
    }
  }

  @Test
  void timeoutSecondsEndsTheStream() {
    String path = freshConfigMaps();
    try (TestServer.Watch w = server.watch(path + "?watch=true&timeoutSeconds=1&resourceVersion=" + listRv(path))) {
      assertEquals(200, w.code());
      assertEquals(List.of(), w.awaitEnd(Duration.ofSeconds(10)));
    }
  }

  @Test
  void aLabelSelectedWatchReportsAnObjectWhoseLabelStopsMatchingAsDeleted() {
    String path = freshConfigMaps();
    server.create(path, labelled(configMap("other"), Map.of("app", "db")));
    String from = listRv(path);
    try (TestServer.Watch w = server.watch(path + "?watch=true&labelSelector=app%3Dweb&resourceVersion=" + from)) {
      String added = rv(server.create(path, labelled(configMap("w"), Map.of("app", "web"))));
      server.patch(path + "/other", "application/merge-patch+json", "{\"data\":{\"k\":\"2\"}}");
      String moved = rv(server.patch(path + "/w", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"app\":\"db\"}}}").json());
      String back = rv(server.patch(path + "/w", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}").json());
      assertEvent(w.next(), "ADDED", "w", added);
      assertEvent(w.next(), "DELETED", "w", moved);
      assertEvent(w.next(), "ADDED", "w", back);
      assertNull(w.poll(QUIET), "nothing about objects that never matched");
    }
  }

  @Test
  void aWatchAskingForATableGetsOneRowTables() {
    String path = freshConfigMaps();
    String from = listRv(path);
    try (TestServer.Watch w = server.watch(path + "?watch=true&resourceVersion=" + from,
        "application/json;as=Table;v=v1;g=meta.k8s.io")) {
      server.create(path, configMap("t"));
      JsonNode e = w.next();
      assertEquals("ADDED", e.path("type").asText());
      assertEquals("Table", e.path("object").path("kind").asText(), e::toString);
      assertEquals(1, e.path("object").path("rows").size(), e::toString);
      assertEquals("t", e.path("object").path("rows").get(0).path("object").path("metadata").path("name").asText());
    }
  }
}

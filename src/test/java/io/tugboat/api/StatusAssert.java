package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;

/** Assertions on failures: the HTTP code and the Kubernetes Status body that must come with it. */
final class StatusAssert {
  private StatusAssert() {}

  /** Asserts the reply is a Failure Status with this code and reason, and returns the Status. */
  static JsonNode assertStatus(TestServer.Reply r, int code, String reason) {
    assertEquals(code, r.code(), () -> "HTTP status of " + r);
    JsonNode s = r.json();
    assertEquals("Status", s.path("kind").asText(), () -> "kind of " + r);
    assertEquals("v1", s.path("apiVersion").asText(), () -> "apiVersion of " + r);
    assertEquals("Failure", s.path("status").asText(), () -> "status of " + r);
    assertEquals(reason, s.path("reason").asText(), () -> "reason of " + r);
    assertEquals(code, s.path("code").asInt(), () -> "code field of " + r);
    return s;
  }
}

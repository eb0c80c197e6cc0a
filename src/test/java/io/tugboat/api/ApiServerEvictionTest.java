package io.tugboat.api;

import static io.tugboat.api.Manifests.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** pods/eviction against PodDisruptionBudgets whose status the disruption controller keeps, on a whole server. */
class ApiServerEvictionTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static TestServer server;
  private static String ns;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    ns = server.createNamespace("evict");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String pods() {
    return "/api/v1/namespaces/" + ns + "/pods";
  }

  private static String pdbs() {
    return "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets";
  }

  /** A pod labeled app=web, bound to a node and reported Running and Ready (as its node agent would). */
  private static void readyPod(String name, String app) {
    ObjectNode p = pod(name);
    p.with("metadata").putObject("labels").put("app", app);
    server.create(pods(), p);
    assertEquals(201, server.send(pods() + "/" + name + "/binding", "POST", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"" + name + "\"},"
            + "\"target\":{\"kind\":\"Node\",\"name\":\"node-a\"}}").code());
    ObjectNode current = (ObjectNode) server.get(pods() + "/" + name).json();
    current.set("status", Json.object().put("phase", "Running"));
    current.with("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True");
    assertEquals(200, server.put(pods() + "/" + name + "/status", current).code());
  }

  private static TestServer.Reply evict(String name, String deleteOptions) {
    return server.send(pods() + "/" + name + "/eviction", "POST", "application/json",
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
            + ns + "\"}" + (deleteOptions == null ? "" : ",\"deleteOptions\":" + deleteOptions) + "}");
  }

  private static JsonNode awaitBudget(String name, int allowed) {
    JsonNode[] last = new JsonNode[1];
    TestServer.awaitTrue(WAIT, "pdb " + name + " to allow " + allowed + " disruptions", () -> {
      last[0] = server.get(pdbs() + "/" + name).json();
      return last[0].path("status").has("disruptionsAllowed")
          && last[0].path("status").path("disruptionsAllowed").asInt() == allowed;
    });
    return last[0];
  }

  @Test
  void evictionIs201WhileTheBudgetAllowsItThen429() {
    readyPod("web-0", "web");
    readyPod("web-1", "web");
    readyPod("web-2", "web");
    server.create(pdbs(), Json.MAPPER.valueToTree(java.util.Map.of("apiVersion", "policy/v1",
        "kind", "PodDisruptionBudget", "metadata", java.util.Map.of("name", "web"),
        "spec", java.util.Map.of("minAvailable", 2, "selector", java.util.Map.of("matchLabels",
            java.util.Map.of("app", "web"))))));
    JsonNode budget = awaitBudget("web", 1);
    assertEquals(3, budget.path("status").path("currentHealthy").asInt());
    assertEquals(2, budget.path("status").path("desiredHealthy").asInt());
    assertEquals(3, budget.path("status").path("expectedPods").asInt());

    TestServer.Reply first = evict("web-0", null);
    assertEquals(201, first.code(), first::toString);
    assertEquals("Success", first.json().path("status").asText());
    // Deleted gracefully: a pod on a node waits for its node agent.
    JsonNode deleting = server.get(pods() + "/web-0").json();
    assertFalse(deleting.path("metadata").path("deletionTimestamp").isMissingNode(), deleting::toString);

    JsonNode refused = StatusAssert.assertStatus(evict("web-1", null), 429, "TooManyRequests");
    assertEquals("Cannot evict pod as it would violate the pod's disruption budget.", refused.path("message").asText());
    assertEquals("DisruptionBudget", refused.path("details").path("causes").get(0).path("reason").asText());
    assertEquals(200, server.get(pods() + "/web-1").code());

    // The controller agrees once it sees the pod going: 2 healthy, 2 desired.
    JsonNode after = awaitBudget("web", 0);
    assertEquals(2, after.path("status").path("currentHealthy").asInt());
    JsonNode table = server.get(pdbs(), "application/json;as=Table;v=v1;g=meta.k8s.io").json();
    assertEquals("Allowed Disruptions", table.path("columnDefinitions").get(3).path("name").asText());
  }

  @Test
  void evictionOutsideAnyBudgetHonoursTheGracePeriodOfItsDeleteOptions() {
    readyPod("db-0", "db");
    TestServer.Reply r = evict("db-0", "{\"gracePeriodSeconds\":0}");
    assertEquals(201, r.code(), r::toString);
    assertEquals(404, server.get(pods() + "/db-0").code());
  }

  @Test
  void evictingAMissingPodIs404AndAMismatchedNameIs400() {
    StatusAssert.assertStatus(evict("nobody", null), 404, "NotFound");
    readyPod("db-1", "db");
    TestServer.Reply r = server.send(pods() + "/db-1/eviction", "POST", "application/json",
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"other\"}}");
    StatusAssert.assertStatus(r, 400, "BadRequest");
  }

  @Test
  void budgetsNeedASelectorAndOneBound() {
    ObjectNode bad = Json.object().put("apiVersion", "policy/v1").put("kind", "PodDisruptionBudget");
    bad.putObject("metadata").put("name", "bad");
    TestServer.Reply r = server.post(pdbs(), bad);
    StatusAssert.assertStatus(r, 422, "Invalid");
  }
}

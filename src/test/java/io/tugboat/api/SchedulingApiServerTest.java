package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole server with its scheduler singleton: PriorityClasses, priority admission, affinity validation, binding. */
class SchedulingApiServerTest {
  private static TestServer server;
  private static String ns;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    ns = server.createNamespace("scheduling");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static String pods() {
    return "/api/v1/namespaces/" + ns + "/pods";
  }

  @Test
  void aPodIsBoundToAReadyNodeWithAScheduledEvent() {
    server.create("/api/v1/nodes", json("{'apiVersion':'v1','kind':'Node','metadata':{'name':'worker-1'}}"));
    TestServer.Reply status = server.patch("/api/v1/nodes/worker-1/status", "application/merge-patch+json",
        "{\"status\":{\"allocatable\":{\"cpu\":\"2\",\"memory\":\"4Gi\",\"pods\":\"10\"},"
            + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
    assertEquals(200, status.code(), status::toString);
    server.create(pods(), Manifests.pod("web"));
    TestServer.awaitTrue(Duration.ofSeconds(20), "web to be bound", () ->
        "worker-1".equals(server.get(pods() + "/web").json().path("spec").path("nodeName").asText()));
    TestServer.awaitTrue(Duration.ofSeconds(20), "the Scheduled event", () -> {
      for (JsonNode e : server.get("/api/v1/namespaces/" + ns + "/events").json().path("items")) {
        if (e.path("reason").asText().equals("Scheduled")
            && e.path("message").asText().equals("Successfully assigned " + ns + "/web to worker-1")) {
          return true;
        }
      }
      return false;
    });
  }

  @Test
  void priorityClassesAreServedAndResolvedIntoPodPriority() {
    server.create("/apis/scheduling.k8s.io/v1/priorityclasses", json(
        "{'apiVersion':'scheduling.k8s.io/v1','kind':'PriorityClass','metadata':{'name':'gold'},'value':5000}"));
    JsonNode table = server.get("/apis/scheduling.k8s.io/v1/priorityclasses/gold",
        "application/json;as=Table;v=v1;g=meta.k8s.io").json();
    assertEquals("gold", table.path("rows").get(0).path("cells").get(0).asText());
    assertEquals(5000, table.path("rows").get(0).path("cells").get(1).asInt());

    ObjectNode pod = Manifests.pod("vip");
    pod.with("spec").put("priorityClassName", "gold");
    JsonNode created = server.create(pods(), pod);
    assertEquals(5000, created.path("spec").path("priority").asInt());
    assertEquals("PreemptLowerPriority", created.path("spec").path("preemptionPolicy").asText());

    ObjectNode unknown = Manifests.pod("nobody");
    unknown.with("spec").put("priorityClassName", "silver");
    TestServer.Reply r = server.post(pods(), unknown);
    StatusAssert.assertStatus(r, 403, "Forbidden");
    assertEquals("pods \"nobody\" is forbidden: no PriorityClass with name silver was found",
        r.json().path("message").asText());
  }

  @Test
  void malformedAffinityIsRejectedWithTheFieldNamed() {
    ObjectNode pod = Manifests.pod("picky");
    pod.with("spec").set("affinity", json(
        "{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':"
            + "[{'matchExpressions':[{'key':'zone','operator':'In'}]}]}}}"));
    TestServer.Reply r = server.post(pods(), pod);
    StatusAssert.assertStatus(r, 422, "Invalid");
    assertTrue(r.body().contains("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        + ".nodeSelectorTerms[0].matchExpressions[0].values"), r::toString);
  }
}

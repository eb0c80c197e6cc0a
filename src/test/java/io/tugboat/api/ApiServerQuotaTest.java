package io.tugboat.api;

import static io.tugboat.api.Manifests.configMap;
import static io.tugboat.api.Manifests.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ResourceQuota and LimitRange admission through the API, and the quota controller's status. */
class ApiServerQuotaTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ObjectNode quota(String name, String hardJson) {
    ObjectNode q = Json.object().put("apiVersion", "v1").put("kind", "ResourceQuota");
    q.putObject("metadata").put("name", name);
    try {
      q.putObject("spec").set("hard", Json.MAPPER.readTree(hardJson));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    return q;
  }

  private static ObjectNode limitRange(String name, String limitsJson) {
    ObjectNode lr = Json.object().put("apiVersion", "v1").put("kind", "LimitRange");
    lr.putObject("metadata").put("name", name);
    try {
      lr.putObject("spec").set("limits", Json.MAPPER.readTree(limitsJson));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    return lr;
  }

  @Test
  void concurrentCreatesAgainstAPodQuotaAdmitExactlyTheQuota() throws Exception {
    String ns = server.createNamespace("quota-race");
    server.create("/api/v1/namespaces/" + ns + "/resourcequotas", quota("pods", "{\"pods\":\"5\"}"));
    int attempts = 40;
    String admitted;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<TestServer.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        String name = "p" + i;
        replies.add(pool.submit(() -> server.post("/api/v1/namespaces/" + ns + "/pods", pod(name))));
      }
      List<String> created = new ArrayList<>();
      int forbidden = 0;
      for (Future<TestServer.Reply> f : replies) {
        TestServer.Reply r = f.get(60, TimeUnit.SECONDS);
        if (r.code() == 201) {
          created.add(r.json().path("metadata").path("name").asText());
        } else {
          JsonNode status = StatusAssert.assertStatus(r, 403, "Forbidden");
          assertTrue(status.path("message").asText().matches(
              "pods \"p\\d+\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=5, limited: pods=5"),
              r::toString);
          forbidden++;
        }
      }
      assertEquals(5, created.size());
      assertEquals(attempts - 5, forbidden);
      admitted = created.get(0);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(5, server.get("/api/v1/namespaces/" + ns + "/pods").json().path("items").size());
    TestServer.awaitTrue(Duration.ofSeconds(20), "the quota's status to say pods 5/5", () -> {
      JsonNode status = server.get("/api/v1/namespaces/" + ns + "/resourcequotas/pods").json().path("status");
      return status.path("used").path("pods").asText().equals("5") && status.path("hard").path("pods").asText()
          .equals("5");
    });
    // Freeing one admits one again.
    assertEquals(200, server.delete("/api/v1/namespaces/" + ns + "/pods/" + admitted + "?gracePeriodSeconds=0").code());
    TestServer.awaitTrue(Duration.ofSeconds(20), "a pod to fit again", () ->
        server.post("/api/v1/namespaces/" + ns + "/pods", pod("again")).code() == 201);
  }

  @Test
  void aQuotaOnConfigMapsRefusesTheOneTooManyAndDryRunReservesNothing() {
    String ns = server.createNamespace("quota-count");
    server.create("/api/v1/namespaces/" + ns + "/resourcequotas", quota("cm", "{\"configmaps\":\"1\"}"));
    String cms = "/api/v1/namespaces/" + ns + "/configmaps";
    assertEquals(201, server.post(cms + "?dryRun=All", configMap("ghost")).code());
    server.create(cms, configMap("one"));
    JsonNode s = StatusAssert.assertStatus(server.post(cms, configMap("two")), 403, "Forbidden");
    assertEquals("configmaps \"two\" is forbidden: exceeded quota: cm, requested: configmaps=1, used: configmaps=1,"
        + " limited: configmaps=1", s.path("message").asText());
  }

  @Test
  void limitRangeDefaultsAreFilledBeforeTheQuotaIsChecked() {
    String ns = server.createNamespace("quota-limits");
    server.create("/api/v1/namespaces/" + ns + "/limitranges", limitRange("mem",
        "[{\"type\":\"Container\",\"default\":{\"memory\":\"512Mi\"},\"defaultRequest\":{\"memory\":\"256Mi\"},"
            + "\"max\":{\"cpu\":\"500m\"}}]"));
    server.create("/api/v1/namespaces/" + ns + "/resourcequotas", quota("mem",
        "{\"requests.memory\":\"300Mi\",\"limits.memory\":\"1Gi\"}"));
    ObjectNode created = server.create("/api/v1/namespaces/" + ns + "/pods", pod("filled"));
    assertEquals("256Mi", created.at("/spec/containers/0/resources/requests/memory").asText());
    assertEquals("512Mi", created.at("/spec/containers/0/resources/limits/memory").asText());
    assertEquals("500m", created.at("/spec/containers/0/resources/limits/cpu").asText());
    assertEquals("LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c",
        created.at("/metadata/annotations").path("kubernetes.io/limit-ranger").asText());
    JsonNode quotaRefusal = StatusAssert.assertStatus(server.post("/api/v1/namespaces/" + ns + "/pods",
        pod("second")), 403, "Forbidden");
    assertEquals("pods \"second\" is forbidden: exceeded quota: mem, requested: requests.memory=256Mi, used:"
        + " requests.memory=256Mi, limited: requests.memory=300Mi", quotaRefusal.path("message").asText());
    ObjectNode tooBig = pod("big");
    ((ObjectNode) tooBig.at("/spec/containers/0")).putObject("resources").putObject("limits").put("cpu", "1");
    JsonNode rangeRefusal = StatusAssert.assertStatus(server.post("/api/v1/namespaces/" + ns + "/pods", tooBig),
        403, "Forbidden");
    assertEquals("pods \"big\" is forbidden: maximum cpu usage per Container is 500m, but limit is 1",
        rangeRefusal.path("message").asText());
  }

  @Test
  void badQuotasAndRangesAreInvalidWithTheFieldNamed() {
    String ns = server.createNamespace("quota-bad");
    JsonNode s = StatusAssert.assertStatus(server.post("/api/v1/namespaces/" + ns + "/resourcequotas",
        quota("bad", "{\"cpus\":\"1\",\"memory\":\"lots\"}")), 422, "Invalid");
    List<String> fields = new ArrayList<>();
    s.path("details").path("causes").forEach(c -> fields.add(c.path("field").asText()));
    assertEquals(List.of("spec.hard[cpus]", "spec.hard[memory]"), fields);
    JsonNode lr = StatusAssert.assertStatus(server.post("/api/v1/namespaces/" + ns + "/limitranges",
        limitRange("bad", "[{\"type\":\"Container\",\"min\":{\"cpu\":\"1\"},\"max\":{\"cpu\":\"500m\"}}]")),
        422, "Invalid");
    assertEquals("spec.limits[0].min[cpu]", lr.path("details").path("causes").get(0).path("field").asText());
  }

  @Test
  void claimsAreBoundedByTheirLimitRangeAndCountedByStorageQuota() {
    String ns = server.createNamespace("quota-storage");
    server.create("/api/v1/namespaces/" + ns + "/limitranges", limitRange("storage",
        "[{\"type\":\"PersistentVolumeClaim\",\"min\":{\"storage\":\"1Gi\"},\"max\":{\"storage\":\"2Gi\"}}]"));
    server.create("/api/v1/namespaces/" + ns + "/resourcequotas", quota("storage", "{\"requests.storage\":\"3Gi\"}"));
    String claims = "/api/v1/namespaces/" + ns + "/persistentvolumeclaims";
    JsonNode tooBig = StatusAssert.assertStatus(server.post(claims, claim("big", "5Gi")), 403, "Forbidden");
    assertEquals("persistentvolumeclaims \"big\" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi,"
        + " but request is 5Gi", tooBig.path("message").asText());
    server.create(claims, claim("a", "2Gi"));
    JsonNode over = StatusAssert.assertStatus(server.post(claims, claim("b", "2Gi")), 403, "Forbidden");
    assertEquals("persistentvolumeclaims \"b\" is forbidden: exceeded quota: storage, requested: requests.storage=2Gi,"
        + " used: requests.storage=2Gi, limited: requests.storage=3Gi", over.path("message").asText());
  }

  @Test
  void aPodThatFinishedNoLongerCountsAgainstPods() {
    String ns = server.createNamespace("quota-terminal");
    server.create("/api/v1/namespaces/" + ns + "/resourcequotas", quota("one", "{\"pods\":\"1\"}"));
    String pods = "/api/v1/namespaces/" + ns + "/pods";
    server.create(pods, pod("first"));
    StatusAssert.assertStatus(server.post(pods, pod("second")), 403, "Forbidden");
    // The scheduler may write the pod's status meanwhile: read, change, write until the write is not stale.
    TestServer.awaitTrue(Duration.ofSeconds(20), "the pod's phase to become Succeeded", () -> {
      ObjectNode current = (ObjectNode) server.get(pods + "/first").json();
      current.with("status").put("phase", "Succeeded");
      return server.put(pods + "/first/status", current).code() == 200;
    });
    // The write has settled in this node's cache, so admission sees the finished pod at once.
    TestServer.Reply second = server.post(pods, pod("second"));
    assertEquals(201, second.code(), second::toString);
  }

  private static ObjectNode claim(String name, String storage) {
    ObjectNode c = Json.object().put("apiVersion", "v1").put("kind", "PersistentVolumeClaim");
    c.putObject("metadata").put("name", name);
    ObjectNode spec = c.putObject("spec");
    spec.putArray("accessModes").add("ReadWriteOnce");
    spec.putObject("resources").putObject("requests").put("storage", storage);
    return c;
  }
}

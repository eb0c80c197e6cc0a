package io.tugboat.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.StoreTestConfig;
import io.tugboat.store.WatchCache;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler singleton over a real single-node store (sharded entities, LevelDB journal, watch cache): pods
 * are bound, unschedulable pods say why and wait for a change that helps, and preemption makes room. Every wait
 * is a bounded await on the store, never a sleep.
 */
class SchedulerTest {

  private static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  private static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();
  private static final ResourceType NAMESPACES = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
  private static final ResourceType CLASSES =
      ResourceRegistry.byPath("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final SchedulerSettings SETTINGS = new SchedulerSettings(0, 256, 64, Duration.ofMillis(50),
      Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(60), 42);

  private ActorTestKit testKit;
  private ObjectStore store;
  private TestProbe<Void> probe;
  private akka.actor.typed.ActorRef<Scheduler.Command> scheduler;

  @BeforeEach
  void start(@TempDir Path dataDir) throws Exception {
    testKit = ActorTestKit.create("SchedulerTest", StoreTestConfig.singleNodeCluster(dataDir));
    probe = testKit.createTestProbe();
    store = StoreTestConfig.startStore(testKit, new WatchCache(10_000), WAIT);
    await(store.create(NAMESPACES, yaml("metadata: {name: default}"), request("create")));
    scheduler = testKit.spawn(Scheduler.create(store, SETTINGS, Clock.systemUTC()), "scheduler");
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  // ---- helpers ----

  private static ObjectNode yaml(String text) {
    return Fixtures.yaml(text);
  }

  private static RequestInfo request(String verb) {
    return RequestInfo.system("scheduler-test", verb);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** A Ready node with this much cpu (and 8Gi, 110 pods), its spec from YAML. */
  private void node(String name, String cpu, String spec) throws Exception {
    ObjectNode n = yaml("metadata: {name: " + name + "}\n" + spec);
    await(store.create(NODES, n, request("create")));
    ObjectNode status = yaml("""
        status:
          capacity: {cpu: "%s", memory: 8Gi, pods: "110"}
          allocatable: {cpu: "%s", memory: 8Gi, pods: "110"}
          conditions: [{type: Ready, status: "True"}]
        """.formatted(cpu, cpu));
    await(store.patch(ObjectKey.of(NODES, "", name), PatchType.MERGE, status, Subresource.STATUS,
        request("patch")));
  }

  private void pod(String name, String cpu, String extra) throws Exception {
    ObjectNode pod = yaml("""
        metadata: {name: %s, namespace: default}
        spec:
          containers: [{name: c, image: busybox, resources: {requests: {cpu: "%s"}}}]
        """.formatted(name, cpu));
    if (!extra.isBlank()) {
      Fixtures.merge(pod, yaml(extra));
    }
    await(store.create(PODS, pod, request("create")));
  }

  private JsonNode get(String name) {
    return store.get(ObjectKey.of(PODS, "default", name)).map(WatchCache.Entry::object).orElse(null);
  }

  private String awaitBound(String name) {
    return probe.awaitAssert(WAIT, () -> {
      String node = Json.text(get(name).path("spec").path("nodeName"));
      assertFalse(node.isEmpty(), name + " is not bound yet");
      return node;
    });
  }

  /** Waits for PodScheduled=False (Unschedulable) with this message. */
  private void awaitUnschedulable(String name, String message) {
    probe.awaitAssert(WAIT, () -> {
      JsonNode condition = condition(get(name));
      assertEquals("False", Json.text(condition.path("status")));
      assertEquals("Unschedulable", Json.text(condition.path("reason")));
      assertEquals(message, Json.text(condition.path("message")));
      return null;
    });
  }

  private static JsonNode condition(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("PodScheduled".equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object();
  }

  private List<JsonNode> events(String pod, String reason) {
    return store.cache().list("core/events", "default", e -> pod.equals(Json.text(e.object().path("involvedObject")
            .path("name"))) && reason.equals(Json.text(e.object().path("reason"))), null, 0).items().stream()
        .map(e -> (JsonNode) e.object()).toList();
  }

  private JsonNode awaitEvent(String pod, String reason) {
    return probe.awaitAssert(WAIT, () -> {
      List<JsonNode> found = events(pod, reason);
      assertFalse(found.isEmpty(), "no " + reason + " event for " + pod);
      return found.get(0);
    });
  }

  // ---- scenarios ----

  @Test
  void bindsPendingPodsAndSaysSo() throws Exception {
    node("n1", "4", "");
    node("n2", "4", "");
    Set<String> used = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      pod("p" + i, "1", "");
    }
    for (int i = 0; i < 4; i++) {
      used.add(awaitBound("p" + i));
    }
    assertEquals(Set.of("n1", "n2"), used, "least allocated spreads the pods");
    JsonNode scheduled = awaitEvent("p0", "Scheduled");
    assertEquals("Normal", scheduled.path("type").asText());
    assertEquals("Successfully assigned default/p0 to " + awaitBound("p0"), scheduled.path("message").asText());
    assertEquals("default-scheduler", scheduled.path("source").path("component").asText());
    assertEquals("True", Json.text(condition(get("p0")).path("status")));
  }

  @Test
  void anUnschedulablePodSaysWhyAndBindsOnceANodeIsAdded() throws Exception {
    node("cordoned", "4", "spec: {unschedulable: true}");
    pod("web", "1", "");
    String message = "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: "
        + "1 Preemption is not helpful for scheduling.";
    awaitUnschedulable("web", message);
    JsonNode event = awaitEvent("web", "FailedScheduling");
    assertEquals("Warning", event.path("type").asText());
    assertEquals(message, event.path("message").asText());
    assertEquals("default-scheduler", event.path("source").path("component").asText());
    assertEquals("default-scheduler", event.path("reportingComponent").asText());
    assertEquals("Pod", event.path("involvedObject").path("kind").asText());
    node("fresh", "4", "");
    assertEquals("fresh", awaitBound("web"));
  }

  @Test
  void uncordoningANodeLetsTheWaitingPodIn() throws Exception {
    node("n1", "4", "spec: {unschedulable: true}");
    pod("web", "1", "");
    awaitUnschedulable("web", "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are "
        + "available: 1 Preemption is not helpful for scheduling.");
    await(store.patch(ObjectKey.of(NODES, "", "n1"), PatchType.MERGE, yaml("spec: {unschedulable: false}"),
        Subresource.MAIN, request("patch")));
    assertEquals("n1", awaitBound("web"));
  }

  @Test
  void anImpossiblePodDoesNotBlockTheOthers() throws Exception {
    node("n1", "2", "");
    pod("huge", "1000", "");
    awaitUnschedulable("huge", "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
        + "1 No preemption victims found for incoming pod.");
    for (int i = 0; i < 3; i++) {
      pod("small" + i, "500m", "");
    }
    for (int i = 0; i < 3; i++) {
      assertEquals("n1", awaitBound("small" + i));
    }
    assertTrue(Json.text(get("huge").path("spec").path("nodeName")).isEmpty());
  }

  @Test
  void podsForOtherSchedulersOrAlreadyPlacedAreLeftAlone() throws Exception {
    node("n1", "2", "");
    pod("mine", "0", "spec: {schedulerName: my-scheduler}");
    pod("placed", "0", "spec: {nodeName: elsewhere}");
    pod("marker", "0", "");
    awaitBound("marker");
    assertTrue(Json.text(get("mine").path("spec").path("nodeName")).isEmpty());
    assertEquals("elsewhere", Json.text(get("placed").path("spec").path("nodeName")));
    assertTrue(events("mine", "FailedScheduling").isEmpty());
  }

  @Test
  void aNewSchedulerRebuildsItsViewFromTheCache() throws Exception {
    node("n1", "2", "");
    pod("first", "1500m", "");
    assertEquals("n1", awaitBound("first"));
    testKit.stop(scheduler, WAIT);
    pod("second", "1", "");
    testKit.spawn(Scheduler.create(store, SETTINGS, Clock.systemUTC()), "scheduler-2");
    awaitUnschedulable("second", "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are "
        + "available: 1 No preemption victims found for incoming pod.");
    pod("third", "500m", "");
    assertEquals("n1", awaitBound("third"));
  }

  @Test
  void aHigherPriorityPodPreemptsALowerOne() throws Exception {
    await(store.create(CLASSES, yaml("{metadata: {name: low}, value: 10}"), request("create")));
    await(store.create(CLASSES, yaml("{metadata: {name: high}, value: 1000}"), request("create")));
    node("n1", "2", "");
    pod("batch", "2", "spec: {priorityClassName: low}");
    assertEquals("n1", awaitBound("batch"));
    pod("vip", "2", "spec: {priorityClassName: high}");
    assertEquals(1000, get("vip").path("spec").path("priority").asInt());
    probe.awaitAssert(WAIT, () -> {
      assertTrue(get("batch").path("metadata").hasNonNull("deletionTimestamp"), "the victim is being deleted");
      assertEquals("n1", Json.text(get("vip").path("status").path("nominatedNodeName")));
      return null;
    });
    awaitEvent("batch", "Preempted");
    // The node agent's part: the victim's containers stopped, it deletes the pod for good.
    await(store.delete(ObjectKey.of(PODS, "default", "batch"), null, null, 0L, null, request("delete")));
    assertEquals("n1", awaitBound("vip"));
  }
}

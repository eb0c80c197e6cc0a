package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.StoreNode.await;
import static io.tugboat.controllers.StoreNode.json;
import static io.tugboat.controllers.StoreNode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.StoreNode;
import io.tugboat.controllers.gc.GarbageCollector;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Job controller over a real in-process store: its sharded loops, the dispatcher, the garbage collector and
 * the orphan-finalizer janitor, with the test as the kubelet finishing pods (no scheduler: pods stay unbound, so a
 * deleted pod goes once its finalizer is released). The failure back-off is 100 ms here. One namespace per test.
 */
class JobControllerTest {

  static final ResourceType PODS = ReplicaSetSync.PODS;
  static final ResourceType JOBS = JobSync.JOBS;
  static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();
  static final ResourceType NAMESPACES = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path dataDir;

  private static StoreNode node;
  private static Jobs jobs;

  @BeforeAll
  static void start() throws Exception {
    node = new StoreNode("JobControllerTest", dataDir);
    WorkloadSettings settings = new WorkloadSettings(Duration.ofSeconds(30), 500, Duration.ofMillis(200));
    jobs = new Jobs(500, new JobSettings(Duration.ofMillis(100), Duration.ofSeconds(1)));
    OwnerController.initSharding(node.testKit.system(), jobs, node.store, Clock.systemUTC(), settings);
    ClusterSharding sharding = ClusterSharding.get(node.testKit.system());
    node.testKit.spawn(WorkloadDispatcher.create(node.store, List.of(jobs), key -> sharding.entityRefFor(
        OwnerController.typeKey(JOBS), key.entityId()).tell(OwnerController.Reconcile.INSTANCE), settings));
    node.testKit.spawn(GarbageCollector.create(node.store, Clock.systemUTC()));
    node.testKit.spawn(JobPodJanitor.create(node.store, Clock.systemUTC(), Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static String namespace(String name) throws Exception {
    node.create(NAMESPACES, json("{'metadata':{'name':'" + name + "'}}"));
    return name;
  }

  private static ObjectNode job(String ns, String name, String spec) {
    return json("{'metadata':{'name':'" + name + "','namespace':'" + ns + "'},'spec':{" + spec + ",'template':"
        + "{'spec':{'restartPolicy':'Never','containers':[{'name':'c','image':'busybox'}]}}}}");
  }

  private static List<JsonNode> pods(String ns) {
    return node.store.cache().list(PODS.storageKey(), ns, e -> true, null, 0).items().stream()
        .map(e -> (JsonNode) e.object()).toList();
  }

  private static List<JsonNode> active(String ns) {
    return pods(ns).stream().filter(Pods::active).toList();
  }

  private static JsonNode get(String ns, String name) {
    return node.get(ObjectKey.of(JOBS, ns, name)).orElse(null);
  }

  private static String condition(String ns, String name, String type) {
    JsonNode job = get(ns, name);
    return job == null ? "" : JobSync.condition(job, type).filter(c -> "True".equals(c.path("status").asText()))
        .map(c -> c.path("reason").asText("")).orElse("");
  }

  private static List<String> reasons(String ns) {
    return node.store.cache().list(EVENTS.storageKey(), ns, e -> true, null, 0).items().stream()
        .map(e -> e.object().path("reason").asText()).toList();
  }

  /** The kubelet: the pod's container exits with this code (0: Succeeded, else Failed). False on a conflict. */
  private static boolean finish(String ns, JsonNode pod, int exitCode) {
    ObjectNode copy = (ObjectNode) pod.deepCopy();
    ObjectNode status = copy.with("status");
    status.put("phase", exitCode == 0 ? "Succeeded" : "Failed");
    ObjectNode cs = status.putArray("containerStatuses").addObject();
    cs.put("name", "c");
    ObjectNode terminated = cs.putObject("state").putObject("terminated");
    terminated.put("exitCode", exitCode);
    terminated.put("finishedAt", ObjectLifecycle.timestamp(Instant.now()));
    try {
      await(node.store.update(ObjectKey.of(PODS, ns, Json.metaText(pod, "name")), copy, Subresource.STATUS,
          request("update")));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void eventually(Runnable check) {
    TestProbe<Void> probe = node.testKit.createTestProbe();
    probe.awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      check.run();
      return null;
    });
  }

  /** Finishes active pods one at a time until the Job is done, checking parallelism on every look. */
  private static void runToEnd(String ns, String name, int parallelism, int exitCode, Set<String> seen) {
    eventually(() -> {
      List<JsonNode> running = active(ns);
      assertTrue(running.size() <= parallelism, "at most " + parallelism + " active: " + running.size());
      running.forEach(p -> seen.add(Json.metaText(p, "uid")));
      if (!running.isEmpty()) {
        finish(ns, running.get(0), exitCode);
      }
      assertTrue(JobSync.finished(get(ns, name)), "not finished yet");
    });
  }

  @Test
  void tenCompletionsThreeAtATimeWithTheTestAsKubelet() throws Exception {
    String ns = namespace("ten");
    node.create(JOBS, job(ns, "pi", "'completions':10,'parallelism':3"));
    Set<String> seen = new HashSet<>();
    runToEnd(ns, "pi", 3, 0, seen);
    JsonNode status = get(ns, "pi").path("status");
    assertEquals("CompletionsReached", condition(ns, "pi", "SuccessCriteriaMet"));
    assertTrue(JobSync.conditionTrue(get(ns, "pi"), "Complete"));
    assertEquals(10, status.path("succeeded").asInt());
    assertEquals(10, pods(ns).size(), "exactly ten pods ever: " + pods(ns).size());
    eventually(() -> assertTrue(pods(ns).stream().noneMatch(JobTracking::tracked), "finalizers released"));
    eventually(() -> assertTrue(reasons(ns).contains("Completed") && reasons(ns).contains("SuccessfulCreate")));
  }

  @Test
  void backoffLimitFailsTheJobWithAnEvent() throws Exception {
    String ns = namespace("limit");
    node.create(JOBS, job(ns, "bad", "'completions':1,'backoffLimit':2"));
    runToEnd(ns, "bad", 1, 1, new HashSet<>());
    assertEquals("BackoffLimitExceeded", condition(ns, "bad", "Failed"));
    assertEquals(3, get(ns, "bad").path("status").path("failed").asInt());
    eventually(() -> assertTrue(reasons(ns).contains("BackoffLimitExceeded")));
  }

  @Test
  void podDeletedRightAfterSucceedingIsCounted() throws Exception {
    String ns = namespace("deleted");
    node.create(JOBS, job(ns, "quick", "'completions':2,'parallelism':2"));
    eventually(() -> assertEquals(2, active(ns).size()));
    for (JsonNode pod : active(ns)) {
      assertTrue(finish(ns, pod, 0));
      await(node.store.delete(ObjectKey.of(PODS, ns, Json.metaText(pod, "name")), null, null, null, null,
          request("delete")));
    }
    eventually(() -> assertTrue(JobSync.conditionTrue(get(ns, "quick"), "Complete")));
    assertEquals(2, get(ns, "quick").path("status").path("succeeded").asInt());
    eventually(() -> assertEquals(0, pods(ns).size(), "deleted pods go once counted"));
  }

  @Test
  void controllerRestartMidRunNeitherLosesNorRepeatsCompletions() throws Exception {
    String ns = namespace("restart");
    node.create(JOBS, job(ns, "steady", "'completions':6,'parallelism':2"));
    eventually(() -> assertEquals(2, active(ns).size()));
    ClusterSharding sharding = ClusterSharding.get(node.testKit.system());
    var loop = sharding.entityRefFor(OwnerController.typeKey(JOBS), ObjectKey.of(JOBS, ns, "steady").entityId());
    AtomicInteger finished = new AtomicInteger();
    for (JsonNode pod : active(ns)) {
      finish(ns, pod, 0);
      finished.incrementAndGet();
    }
    loop.tell(OwnerController.Stop.INSTANCE); // mid-accounting: the restarted loop knows only the cache
    runToEnd(ns, "steady", 2, 0, new HashSet<>());
    assertEquals(6, get(ns, "steady").path("status").path("succeeded").asInt());
    assertEquals(6, pods(ns).size(), "no pod created twice: " + pods(ns).size());
  }

  @Test
  void podsOfALostNodeAreCountedFailedAndReplaced() throws Exception {
    String ns = namespace("lost");
    node.create(JOBS, job(ns, "survivor", "'completions':2,'parallelism':2,'backoffLimit':4"));
    eventually(() -> assertEquals(2, active(ns).size()));
    Set<String> lost = new HashSet<>();
    for (JsonNode pod : active(ns)) {
      lost.add(Json.metaText(pod, "uid"));
      // the node lifecycle controller evicts them; their kubelet never reports again
      await(node.store.delete(ObjectKey.of(PODS, ns, Json.metaText(pod, "name")), null, null, null, null,
          request("delete")));
    }
    eventually(() -> {
      assertEquals(2, active(ns).size());
      assertTrue(active(ns).stream().noneMatch(p -> lost.contains(Json.metaText(p, "uid"))));
    });
    eventually(() -> assertEquals(2, get(ns, "survivor").path("status").path("failed").asInt()));
    runToEnd(ns, "survivor", 2, 0, new HashSet<>());
    assertTrue(JobSync.conditionTrue(get(ns, "survivor"), "Complete"));
  }

  @Test
  void deletingAJobDeletesItsRunningPods() throws Exception {
    String ns = namespace("cascade");
    node.create(JOBS, job(ns, "doomed", "'completions':3,'parallelism':3"));
    eventually(() -> assertEquals(3, active(ns).size()));
    await(node.store.delete(ObjectKey.of(JOBS, ns, "doomed"), null, null, null, "Background", request("delete")));
    eventually(() -> assertEquals(0, pods(ns).size(), "the janitor releases what the garbage collector deletes"));
  }
}

package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.StoreNode.await;
import static io.tugboat.controllers.StoreNode.json;
import static io.tugboat.controllers.StoreNode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.StoreNode;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.PodBinding;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.WatchCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workload controllers over a real in-process store: the sharded loops, the dispatcher and the garbage
 * collector, with the test as the kubelet (it marks pods Running and Ready; no scheduler runs, so pods stay unbound
 * and go at once when deleted). Each test uses its own namespace.
 */
class WorkloadControllersTest {

  static final ResourceType PODS = ReplicaSetSync.PODS;
  static final ResourceType RS = DeploymentSync.REPLICA_SETS;
  static final ResourceType DEPLOYMENTS = DeploymentSync.DEPLOYMENTS;
  static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();

  @TempDir
  static Path dataDir;

  private static StoreNode node;
  private static ControllerNode controllers;

  @BeforeAll
  static void start() throws Exception {
    controllers = new ControllerNode("WorkloadControllersTest", dataDir);
    node = controllers.node;
  }

  @AfterAll
  static void stop() {
    if (controllers != null) {
      controllers.close();
    }
  }

  private static String namespace(String name) throws Exception {
    return controllers.namespace(name);
  }

  private static ObjectNode replicaSet(String ns, int replicas) {
    return json("{'metadata':{'name':'web','namespace':'" + ns + "'},'spec':{'replicas':" + replicas
        + ",'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
        + "'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}");
  }

  private static ObjectNode deployment(String ns, int replicas, String image) {
    return json("{'metadata':{'name':'web','namespace':'" + ns + "'},'spec':{'replicas':" + replicas
        + ",'selector':{'matchLabels':{'app':'web'}},'strategy':{'type':'RollingUpdate','rollingUpdate':"
        + "{'maxSurge':1,'maxUnavailable':1}},'template':{'metadata':{'labels':{'app':'web'}},"
        + "'spec':{'containers':[{'name':'c','image':'" + image + "'}]}}}}");
  }

  private static List<JsonNode> list(ResourceType type, String ns) {
    return controllers.list(type, ns);
  }

  private static List<JsonNode> activePods(String ns) {
    return list(PODS, ns).stream().filter(Pods::active).toList();
  }

  /** The kubelet's part: every pod not ready becomes Running and Ready. */
  private static void kubelet(String ns) {
    for (JsonNode p : activePods(ns)) {
      if (!Pods.ready(p)) {
        ObjectNode copy = (ObjectNode) p.deepCopy();
        copy.with("status").put("phase", "Running");
        PodBinding.setCondition(copy, "Ready", "True", null, null, java.time.Instant.now());
        node.store.update(ObjectKey.of(PODS, ns, Json.metaText(p, "name")), copy, Subresource.STATUS,
            request("update"));
      }
    }
  }

  private static void eventually(Runnable check) {
    controllers.eventually(check);
  }

  private static JsonNode get(ResourceType type, String ns, String name) {
    return node.get(ObjectKey.of(type, ns, name)).orElse(null);
  }

  @Test
  void deletedPodIsReplacedAtOnce() throws Exception {
    String ns = namespace("replace");
    node.create(RS, replicaSet(ns, 2));
    eventually(() -> assertEquals(2, activePods(ns).size()));
    String victim = Json.metaText(activePods(ns).get(0), "name");
    await(node.store.delete(ObjectKey.of(PODS, ns, victim), null, null, null, null, request("delete")));
    eventually(() -> {
      assertEquals(2, activePods(ns).size());
      assertTrue(activePods(ns).stream().noneMatch(p -> Json.metaText(p, "name").equals(victim)));
    });
    eventually(() -> {
      List<String> reasons = list(EVENTS, ns).stream().map(e -> e.path("reason").asText()).toList();
      assertEquals(3, reasons.stream().filter("SuccessfulCreate"::equals).count(), reasons.toString());
    });
    assertEquals(2, activePods(ns).size(), "never more than replicas");
  }

  @Test
  void podsTheStoreRefusesAreReportedAsFailedCreateAndAReplicaFailureUntilTheyGoThrough() throws Exception {
    String ns = namespace("refused");
    ObjectNode rs = replicaSet(ns, 1);
    ((ObjectNode) rs.path("spec").path("template").path("spec")).put("priorityClassName", "no-such-class");
    node.create(RS, rs);
    eventually(() -> {
      List<JsonNode> failed = list(EVENTS, ns).stream()
          .filter(e -> e.path("reason").asText().equals("FailedCreate")).toList();
      assertFalse(failed.isEmpty());
      assertEquals("Warning", failed.get(0).path("type").asText());
      assertTrue(failed.get(0).path("message").asText().startsWith("Error creating: "), failed.get(0).toString());
      assertTrue(failed.get(0).path("message").asText().contains("no-such-class"), failed.get(0).toString());
      assertEquals("ReplicaSet", failed.get(0).path("involvedObject").path("kind").asText());
    });
    assertEquals(0, list(PODS, ns).size());
    eventually(() -> {
      JsonNode condition = get(RS, ns, "web").path("status").path("conditions").path(0);
      assertEquals("ReplicaFailure", condition.path("type").asText(), condition.toString());
      assertEquals("True", condition.path("status").asText());
      assertEquals("FailedCreate", condition.path("reason").asText());
      assertTrue(condition.path("message").asText().contains("no-such-class"), condition.toString());
    });
    // The class appears: the next retry (the backoff is short here) creates the pod and clears the condition.
    node.create(ResourceRegistry.byPath("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow(),
        json("{'metadata':{'name':'no-such-class'},'value':1000}"));
    eventually(() -> {
      assertEquals(1, activePods(ns).size());
      assertTrue(get(RS, ns, "web").path("status").path("conditions").isMissingNode(),
          get(RS, ns, "web").path("status").toString());
    });
  }

  @Test
  void scalesUpAndDownAndReportsStatus() throws Exception {
    String ns = namespace("scale");
    node.create(RS, replicaSet(ns, 1));
    ObjectKey key = ObjectKey.of(RS, ns, "web");
    eventually(() -> assertEquals(1, activePods(ns).size()));
    await(node.store.patch(key, PatchType.MERGE, json("{'spec':{'replicas':5}}"), Subresource.MAIN, request("patch")));
    eventually(() -> {
      kubelet(ns);
      JsonNode status = get(RS, ns, "web").path("status");
      assertEquals(5, status.path("readyReplicas").asInt(), status.toString());
      assertEquals(5, status.path("availableReplicas").asInt());
      assertEquals(2, status.path("observedGeneration").asInt());
    });
    assertEquals(5, activePods(ns).size());
    await(node.store.patch(key, PatchType.MERGE, json("{'spec':{'replicas':1}}"), Subresource.MAIN, request("patch")));
    eventually(() -> {
      assertEquals(1, activePods(ns).size());
      assertEquals(1, get(RS, ns, "web").path("status").path("replicas").asInt());
    });
  }

  @Test
  void rollingUpdateRunsToTheEndWithinSurgeAndUnavailable() throws Exception {
    String ns = namespace("rolling");
    node.create(DEPLOYMENTS, deployment(ns, 4, "nginx:1"));
    ObjectKey key = ObjectKey.of(DEPLOYMENTS, ns, "web");
    eventually(() -> {
      kubelet(ns);
      assertEquals(4, get(DEPLOYMENTS, ns, "web").path("status").path("availableReplicas").asInt());
    });
    AtomicInteger maxSpecs = new AtomicInteger();
    AtomicInteger minAvailable = new AtomicInteger(Integer.MAX_VALUE);
    Runnable cancel = node.store.cache().onChanges(List.of(RS.storageKey(), PODS.storageKey()), () -> {
      // Under the cache's lock, after every single change: what the rollout promises at every moment.
      int specs = list(RS, ns).stream().mapToInt(r -> r.path("spec").path("replicas").asInt()).sum();
      int available = (int) activePods(ns).stream().filter(Pods::ready).count();
      maxSpecs.accumulateAndGet(specs, Math::max);
      minAvailable.accumulateAndGet(available, Math::min);
    });
    try {
      await(node.store.patch(key, PatchType.STRATEGIC, json("{'spec':{'template':{'spec':{'containers':"
          + "[{'name':'c','image':'nginx:2'}]}}}}"), Subresource.MAIN, request("patch")));
      eventually(() -> {
        kubelet(ns);
        JsonNode d = get(DEPLOYMENTS, ns, "web");
        assertEquals(4, d.path("status").path("updatedReplicas").asInt(), d.path("status").toString());
        assertEquals(4, d.path("status").path("availableReplicas").asInt());
        assertEquals(4, d.path("status").path("replicas").asInt());
        assertEquals("2", d.path("metadata").path("annotations").path(Rollout.REVISION).asText());
      });
    } finally {
      cancel.run();
    }
    assertTrue(maxSpecs.get() <= 5, "replica sets sized " + maxSpecs.get() + " > replicas + maxSurge");
    assertTrue(minAvailable.get() >= 3, minAvailable.get() + " available < replicas - maxUnavailable");
    assertEquals(4, activePods(ns).size());
    for (JsonNode p : activePods(ns)) {
      assertEquals("nginx:2", p.path("spec").path("containers").get(0).path("image").asText());
    }
    assertEquals(2, list(RS, ns).size());
    List<String> scaling = list(EVENTS, ns).stream().filter(e -> e.path("reason").asText().equals("ScalingReplicaSet"))
        .map(e -> e.path("message").asText()).toList();
    assertTrue(scaling.stream().anyMatch(m -> m.startsWith("Scaled down replica set")), scaling.toString());
  }

  @Test
  void controllerRestartMidRolloutContinuesFromTheCache() throws Exception {
    String ns = namespace("restart");
    node.create(DEPLOYMENTS, deployment(ns, 4, "nginx:1"));
    eventually(() -> {
      kubelet(ns);
      assertEquals(4, get(DEPLOYMENTS, ns, "web").path("status").path("availableReplicas").asInt());
    });
    await(node.store.patch(ObjectKey.of(DEPLOYMENTS, ns, "web"), PatchType.STRATEGIC,
        json("{'spec':{'template':{'spec':{'containers':[{'name':'c','image':'nginx:2'}]}}}}"), Subresource.MAIN,
        request("patch")));
    // Mid-rollout: the new ReplicaSet has pods that nobody made ready.
    eventually(() -> assertTrue(activePods(ns).stream().anyMatch(p -> !Pods.ready(p))));
    controllers.stopDispatcher();
    ClusterSharding sharding = ClusterSharding.get(node.testKit.system());
    for (JsonNode rs : list(RS, ns)) {
      sharding.entityRefFor(OwnerController.typeKey(RS), ObjectKey.of(RS, ns, Json.metaText(rs, "name")).entityId())
          .tell(OwnerController.Stop.INSTANCE);
    }
    sharding.entityRefFor(OwnerController.typeKey(DEPLOYMENTS), ObjectKey.of(DEPLOYMENTS, ns, "web").entityId())
        .tell(OwnerController.Stop.INSTANCE);
    controllers.startDispatcher();
    eventually(() -> {
      kubelet(ns);
      JsonNode d = get(DEPLOYMENTS, ns, "web");
      assertEquals(4, d.path("status").path("updatedReplicas").asInt(), d.path("status").toString());
      assertEquals(4, d.path("status").path("availableReplicas").asInt());
      assertEquals(4, d.path("status").path("replicas").asInt());
    });
    assertEquals(4, activePods(ns).size(), "nothing over-created across the restart");
  }

  @Test
  void backgroundDeletionTakesTheReplicaSetsAndPodsOfADeployment() throws Exception {
    String ns = namespace("background");
    node.create(DEPLOYMENTS, deployment(ns, 3, "nginx:1"));
    eventually(() -> assertEquals(3, activePods(ns).size()));
    await(node.store.delete(ObjectKey.of(DEPLOYMENTS, ns, "web"), null, null, null, "Background", request("delete")));
    eventually(() -> {
      assertEquals(0, list(RS, ns).size());
      assertEquals(0, list(PODS, ns).size());
    });
  }

  @Test
  void foregroundDeletionRemovesDependentsBeforeTheOwner() throws Exception {
    String ns = namespace("foreground");
    node.create(DEPLOYMENTS, deployment(ns, 2, "nginx:1"));
    eventually(() -> assertEquals(2, activePods(ns).size()));
    ObjectNode marked = await(node.store.delete(ObjectKey.of(DEPLOYMENTS, ns, "web"), null, null, null, "Foreground",
        request("delete"))).object();
    assertTrue(marked.path("metadata").has("deletionTimestamp"));
    assertEquals("foregroundDeletion", marked.path("metadata").path("finalizers").get(0).asText());
    List<String> order = new ArrayList<>();
    WatchCache.Start watch = node.store.cache().watch(DEPLOYMENTS.storageKey(), ns, -1, false, new WatchCache.Watcher() {
      @Override
      public boolean offer(WatchCache.Change change) {
        if (change.type().equals("DELETED")) {
          synchronized (order) {
            order.add("deployment gone with " + list(PODS, ns).size() + " pods and " + list(RS, ns).size() + " rs");
          }
        }
        return true;
      }

      @Override
      public void close() {}
    });
    try {
      eventually(() -> {
        assertEquals(0, list(PODS, ns).size());
        assertEquals(0, list(DEPLOYMENTS, ns).size());
      });
    } finally {
      watch.cancel().run();
    }
    assertEquals(List.of("deployment gone with 0 pods and 0 rs"), order);
  }

  @Test
  void orphanDeletionLeavesPodsWithoutOwner() throws Exception {
    String ns = namespace("orphan");
    node.create(RS, replicaSet(ns, 2));
    eventually(() -> assertEquals(2, activePods(ns).size()));
    Set<String> before = Set.copyOf(activePods(ns).stream().map(p -> Json.metaText(p, "name")).toList());
    await(node.store.delete(ObjectKey.of(RS, ns, "web"), null, null, null, "Orphan", request("delete")));
    eventually(() -> {
      assertEquals(0, list(RS, ns).size());
      for (JsonNode p : list(PODS, ns)) {
        assertFalse(p.path("metadata").has("ownerReferences"), p.toString());
      }
    });
    assertEquals(before, Set.copyOf(list(PODS, ns).stream().map(p -> Json.metaText(p, "name")).toList()));
  }
}

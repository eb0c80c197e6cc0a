package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.StoreNode.await;
import static io.tugboat.controllers.StoreNode.json;
import static io.tugboat.controllers.StoreNode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.StoreNode;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.PodBinding;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DaemonSet controller over a real in-process store: the sharded loops, the dispatcher and the garbage
 * collector, with the test as the kubelet (it marks pods Running and Ready; no scheduler runs, so pods stay unbound
 * with their node in their required affinity, and go at once when deleted). Nodes are cluster-wide, so each test
 * labels its own nodes and selects them with the DaemonSet's nodeSelector.
 */
class DaemonSetControllerTest {

  static final ResourceType PODS = ReplicaSetSync.PODS;
  static final ResourceType NODES = DaemonSetSync.NODES;
  static final ResourceType DAEMON_SETS = DaemonSetSync.DAEMON_SETS;
  static final ResourceType EVENTS = DaemonSetSync.EVENTS;

  @TempDir
  static Path dataDir;

  private static StoreNode node;
  private static ControllerNode controllers;

  @BeforeAll
  static void start() throws Exception {
    controllers = new ControllerNode("DaemonSetControllerTest", dataDir);
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

  private static void addNode(String group, String name) throws Exception {
    node.create(NODES, json("{'metadata':{'name':'" + name + "','labels':{'group':'" + group + "'}}}"));
  }

  private static void patchNode(String name, String patch) throws Exception {
    await(node.store.patch(ObjectKey.of(NODES, "", name), PatchType.MERGE, json(patch), Subresource.MAIN,
        request("patch")));
  }

  private static ObjectNode daemonSet(String ns, String image, String strategy) {
    return json("{'metadata':{'name':'fluentd','namespace':'" + ns + "'},'spec':{'selector':{'matchLabels':"
        + "{'name':'fluentd-elasticsearch'}},'updateStrategy':" + strategy + ",'template':{'metadata':{'labels':"
        + "{'name':'fluentd-elasticsearch'}},'spec':{'nodeSelector':{'group':'" + ns + "'},'containers':"
        + "[{'name':'fluentd','image':'" + image + "'}]}}}}");
  }

  private static List<JsonNode> list(ResourceType type, String ns) {
    return controllers.list(type, ns);
  }

  private static List<JsonNode> activePods(String ns) {
    return list(PODS, ns).stream().filter(Pods::active).toList();
  }

  private static Map<String, Long> podsPerNode(String ns) {
    return activePods(ns).stream()
        .collect(Collectors.groupingBy(DaemonNodes::targetNode, TreeMap::new, Collectors.counting()));
  }

  /** The kubelet's part: every pod not ready becomes Running and Ready. */
  private static void kubelet(String ns) {
    for (JsonNode p : activePods(ns)) {
      if (!Pods.ready(p)) {
        ObjectNode copy = (ObjectNode) p.deepCopy();
        copy.with("status").put("phase", "Running");
        PodBinding.setCondition(copy, "Ready", "True", null, null, Instant.now());
        node.store.update(ObjectKey.of(PODS, ns, Json.metaText(p, "name")), copy, Subresource.STATUS,
            request("update"));
      }
    }
  }

  private static void eventually(Runnable check) {
    controllers.eventually(check);
  }

  private static JsonNode ds(String ns) {
    return node.get(ObjectKey.of(DAEMON_SETS, ns, "fluentd")).orElseThrow();
  }

  private static void awaitAllReady(String ns, int nodes) {
    eventually(() -> {
      kubelet(ns);
      JsonNode s = ds(ns).path("status");
      assertEquals(nodes, s.path("desiredNumberScheduled").asInt(), s.toString());
      assertEquals(nodes, s.path("currentNumberScheduled").asInt(), s.toString());
      assertEquals(nodes, s.path("numberReady").asInt(), s.toString());
      assertEquals(nodes, s.path("updatedNumberScheduled").asInt(), s.toString());
      assertEquals(nodes, activePods(ns).size());
    });
  }

  private static void setImage(String ns, String image) throws Exception {
    await(node.store.patch(ObjectKey.of(DAEMON_SETS, ns, "fluentd"), PatchType.STRATEGIC,
        json("{'spec':{'template':{'spec':{'containers':[{'name':'fluentd','image':'" + image + "'}]}}}}"),
        Subresource.MAIN, request("patch")));
  }

  private static final String ROLLING_1 = "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':1}}";

  @Test
  void nodesJoiningAndLeavingGainAndLoseTheirPod() throws Exception {
    String ns = namespace("join");
    for (String n : List.of("join-1", "join-2", "join-3")) {
      addNode(ns, n);
    }
    node.create(DAEMON_SETS, daemonSet(ns, "fluentd:1", ROLLING_1));
    awaitAllReady(ns, 3);
    assertEquals(Set.of("join-1", "join-2", "join-3"), podsPerNode(ns).keySet());

    addNode(ns, "join-4");
    awaitAllReady(ns, 4);
    assertEquals(Map.of("join-1", 1L, "join-2", 1L, "join-3", 1L, "join-4", 1L), podsPerNode(ns));

    await(node.store.delete(ObjectKey.of(NODES, "", "join-2"), null, null, null, null, request("delete")));
    awaitAllReady(ns, 3);
    assertEquals(Set.of("join-1", "join-3", "join-4"), podsPerNode(ns).keySet());
    eventually(() -> {
      List<String> reasons = list(EVENTS, ns).stream().map(e -> e.path("reason").asText()).toList();
      assertEquals(4, reasons.stream().filter("SuccessfulCreate"::equals).count(), reasons.toString());
      assertEquals(1, reasons.stream().filter("SuccessfulDelete"::equals).count(), reasons.toString());
    });
  }

  @Test
  void aBoundPodOfADeletedNodeIsForceDeleted() throws Exception {
    String ns = namespace("gone");
    addNode(ns, "gone-1");
    addNode(ns, "gone-2");
    node.create(DAEMON_SETS, daemonSet(ns, "fluentd:1", ROLLING_1));
    awaitAllReady(ns, 2);
    for (JsonNode p : activePods(ns)) {
      await(node.store.bindPod(ObjectKey.of(PODS, ns, Json.metaText(p, "name")), DaemonNodes.targetNode(p),
          request("bind")));
    }
    // Bound, a pod is deleted gracefully and waits for its kubelet; gone-2 has none any more.
    await(node.store.delete(ObjectKey.of(NODES, "", "gone-2"), null, null, null, null, request("delete")));
    eventually(() -> {
      assertEquals(Set.of("gone-1"), list(PODS, ns).stream().map(DaemonNodes::targetNode).collect(Collectors.toSet()));
      assertEquals(1, ds(ns).path("status").path("desiredNumberScheduled").asInt());
    });
  }

  @Test
  void aLostNodeKeepsItsDaemonPodAndAnUntoleratedTaintGetsNone() throws Exception {
    String ns = namespace("lost");
    addNode(ns, "lost-1");
    addNode(ns, "lost-2");
    node.create(DAEMON_SETS, daemonSet(ns, "fluentd:1", ROLLING_1));
    awaitAllReady(ns, 2);
    String kept = Json.metaText(activePods(ns).stream().filter(p -> DaemonNodes.targetNode(p).equals("lost-1"))
        .findFirst().orElseThrow(), "name");
    // What the node lifecycle controller does to a node whose lease stopped: Ready Unknown, unreachable taints.
    patchNode("lost-1", "{'spec':{'taints':[{'key':'node.kubernetes.io/unreachable','effect':'NoExecute'},"
        + "{'key':'node.kubernetes.io/unreachable','effect':'NoSchedule'}]}}");
    // A node tainted for something else: no pod for it.
    node.create(NODES, json("{'metadata':{'name':'lost-3','labels':{'group':'" + ns + "'}},'spec':{'taints':"
        + "[{'key':'dedicated','value':'db','effect':'NoSchedule'}]}}"));
    // A plain node after both: once its pod exists the loop has seen the taints too.
    addNode(ns, "lost-4");
    eventually(() -> assertTrue(podsPerNode(ns).containsKey("lost-4")));
    eventually(() -> {
      JsonNode s = ds(ns).path("status");
      // As in Kubernetes: unreachable:NoSchedule is not tolerated, so lost-1 is no longer desired, but the
      // tolerated unreachable:NoExecute lets its pod stay (counted misscheduled); lost-3 gets none.
      assertEquals(2, s.path("desiredNumberScheduled").asInt(), s.toString());
      assertEquals(1, s.path("numberMisscheduled").asInt(), s.toString());
    });
    assertTrue(activePods(ns).stream().anyMatch(p -> Json.metaText(p, "name").equals(kept)), "lost node's pod kept");
    assertEquals(Set.of("lost-1", "lost-2", "lost-4"), podsPerNode(ns).keySet());
  }

  @Test
  void rollingUpdateRunsToTheEndWithinMaxUnavailable() throws Exception {
    String ns = namespace("rolling");
    for (int i = 1; i <= 4; i++) {
      addNode(ns, "rolling-" + i);
    }
    node.create(DAEMON_SETS, daemonSet(ns, "fluentd:1", ROLLING_1));
    awaitAllReady(ns, 4);
    AtomicInteger worst = new AtomicInteger();
    AtomicInteger mostOnANode = new AtomicInteger();
    Runnable cancel = node.store.cache().onChanges(List.of(PODS.storageKey()), () -> {
      // Under the cache's lock, after every single change: the rollout's promise at that moment.
      int down = 0;
      for (int i = 1; i <= 4; i++) {
        String n = "rolling-" + i;
        down += activePods(ns).stream().anyMatch(p -> DaemonNodes.targetNode(p).equals(n) && Pods.ready(p)) ? 0 : 1;
      }
      worst.accumulateAndGet(down, Math::max);
      mostOnANode.accumulateAndGet(podsPerNode(ns).values().stream().mapToInt(Long::intValue).max().orElse(0),
          Math::max);
    });
    try {
      setImage(ns, "fluentd:2");
      awaitAllReady(ns, 4);
      eventually(() -> {
        kubelet(ns);
        assertTrue(activePods(ns).stream().allMatch(p -> p.at("/spec/containers/0/image").asText()
            .equals("fluentd:2")));
        assertEquals(4, ds(ns).path("status").path("numberAvailable").asInt());
      });
    } finally {
      cancel.run();
    }
    assertTrue(worst.get() <= 1, worst.get() + " nodes without an available pod > maxUnavailable 1");
    assertEquals(1, mostOnANode.get(), "no surge: never two pods on a node");
    assertEquals(2, list(DaemonHistory.REVISIONS, ns).size());
  }

  @Test
  void controllerRestartMidRolloutContinuesFromTheCache() throws Exception {
    String ns = namespace("restart");
    for (int i = 1; i <= 3; i++) {
      addNode(ns, "restart-" + i);
    }
    node.create(DAEMON_SETS, daemonSet(ns, "fluentd:1", ROLLING_1));
    awaitAllReady(ns, 3);
    setImage(ns, "fluentd:2");
    // Mid-rollout: a new pod that nobody made ready.
    eventually(() -> assertTrue(activePods(ns).stream().anyMatch(p -> !Pods.ready(p))));
    controllers.stopDispatcher();
    ClusterSharding.get(node.testKit.system())
        .entityRefFor(OwnerController.typeKey(DAEMON_SETS), ObjectKey.of(DAEMON_SETS, ns, "fluentd").entityId())
        .tell(OwnerController.Stop.INSTANCE);
    controllers.startDispatcher();
    awaitAllReady(ns, 3);
    eventually(() -> {
      kubelet(ns);
      assertTrue(activePods(ns).stream().allMatch(p -> p.at("/spec/containers/0/image").asText()
          .equals("fluentd:2")));
    });
    assertEquals(Map.of("restart-1", 1L, "restart-2", 1L, "restart-3", 1L), podsPerNode(ns),
        "nothing over-created across the restart");
  }

  @Test
  void failedDaemonPodIsKilledAndReplaced() throws Exception {
    String ns = namespace("failed");
    addNode(ns, "failed-1");
    node.create(DAEMON_SETS, daemonSet(ns, "fluentd:1", ROLLING_1));
    awaitAllReady(ns, 1);
    JsonNode pod = activePods(ns).get(0);
    ObjectNode failed = (ObjectNode) pod.deepCopy();
    failed.with("status").put("phase", "Failed");
    await(node.store.update(ObjectKey.of(PODS, ns, Json.metaText(pod, "name")), failed, Subresource.STATUS,
        request("update")));
    eventually(() -> {
      List<JsonNode> pods = activePods(ns);
      assertEquals(1, pods.size());
      assertTrue(!Json.metaText(pods.get(0), "name").equals(Json.metaText(pod, "name")));
      assertTrue(list(EVENTS, ns).stream().anyMatch(e -> e.path("reason").asText().equals("FailedDaemonPod")
          && e.path("message").asText().equals("Found failed daemon pod " + ns + "/" + Json.metaText(pod, "name")
          + " on node failed-1, will try to kill it")));
    });
  }

  @Test
  void deletingTheDaemonSetTakesItsPodsAndRevisions() throws Exception {
    String ns = namespace("cascade");
    addNode(ns, "cascade-1");
    addNode(ns, "cascade-2");
    node.create(DAEMON_SETS, daemonSet(ns, "fluentd:1", ROLLING_1));
    awaitAllReady(ns, 2);
    await(node.store.delete(ObjectKey.of(DAEMON_SETS, ns, "fluentd"), null, null, null, null, request("delete")));
    eventually(() -> {
      assertEquals(0, list(PODS, ns).size());
      assertEquals(0, list(DaemonHistory.REVISIONS, ns).size());
    });
  }
}

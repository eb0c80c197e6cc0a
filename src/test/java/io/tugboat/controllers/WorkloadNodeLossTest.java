package io.tugboat.controllers;

import static io.tugboat.controllers.StoreNode.await;
import static io.tugboat.controllers.StoreNode.json;
import static io.tugboat.controllers.StoreNode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.workloads.Pods;
import io.tugboat.controllers.workloads.WorkloadDispatcher;
import io.tugboat.controllers.workloads.WorkloadSettings;
import io.tugboat.controllers.workloads.Workloads;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node loss under a ReplicaSet: the node lifecycle controller (on a movable clock) finds a node's lease stale,
 * taints it unreachable and evicts its pods once their toleration runs out; the ReplicaSet's loop replaces them at
 * once, so the set is back to its replicas while the lost node's pods are still terminating. The test is the
 * kubelet of the surviving node and the scheduler (it binds and starts pods by hand).
 */
class WorkloadNodeLossTest {

  private static final ResourceType RS = ResourceRegistry.byPath("apps", "v1", "replicasets").orElseThrow();
  private static final Duration GRACE = Duration.ofSeconds(40);

  @TempDir
  static Path dataDir;

  private static StoreNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new StoreNode("WorkloadNodeLossTest", dataDir);
    WorkloadSettings settings = new WorkloadSettings(Duration.ofSeconds(30), 500, Duration.ofMillis(200));
    var reconcile = Workloads.initLoops(node.testKit.system(), node.store, Clock.systemUTC(), settings);
    node.testKit.spawn(WorkloadDispatcher.create(node.store, reconcile, settings));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static void liveNode(String name, Instant at) throws Exception {
    node.create(NodeLifecycle.NODES, json("{'metadata':{'name':'" + name + "'}}"));
    String t = ObjectLifecycle.timestamp(at);
    node.writeStatus(ObjectKey.of(NodeLifecycle.NODES, null, name), json("{'conditions':[{'type':'Ready',"
        + "'status':'True','reason':'KubeletReady','lastHeartbeatTime':'" + t + "','lastTransitionTime':'" + t
        + "'}]}"));
    node.create(NodeLifecycle.LEASES, json("{'metadata':{'name':'" + name + "','namespace':'kube-node-lease'},"
        + "'spec':{'holderIdentity':'" + name + "','leaseDurationSeconds':40,'renewTime':'" + at + "'}}"));
  }

  private static List<JsonNode> pods() {
    return node.store.cache().list(NodeLifecycle.PODS.storageKey(), "default", e -> true, null, 0).items().stream()
        .map(e -> (JsonNode) e.object()).toList();
  }

  private static List<JsonNode> activePods() {
    return pods().stream().filter(Pods::active).toList();
  }

  /** Binds every unbound active pod to {@code nodeName} and reports it Running and Ready. */
  private static void scheduleAndRun(String nodeName) throws Exception {
    for (JsonNode p : activePods()) {
      if (p.path("spec").path("nodeName").asText().isEmpty()) {
        ObjectKey key = ObjectKey.of(NodeLifecycle.PODS, "default", Json.metaText(p, "name"));
        await(node.store.bindPod(key, nodeName, request("create")));
        node.writeStatus(key, json("{'phase':'Running','conditions':[{'type':'Ready','status':'True'}]}"));
      }
    }
  }

  private static void eventually(Runnable check) {
    node.testKit.createTestProbe().awaitAssert(StoreNode.WAIT, Duration.ofMillis(100), () -> {
      check.run();
      return null;
    });
  }

  private static long on(List<JsonNode> pods, String nodeName) {
    return pods.stream().filter(p -> nodeName.equals(p.path("spec").path("nodeName").asText())).count();
  }

  @Test
  void podsOfALostNodeAreEvictedAndReplacedElsewhere() throws Exception {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    StoreNode.MovableClock clock = new StoreNode.MovableClock(t0);
    liveNode("lost", t0);
    liveNode("kept", t0);
    ObjectNode rs = json("{'metadata':{'name':'web','namespace':'default'},'spec':{'replicas':4,"
        + "'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
        + "'spec':{'containers':[{'name':'c','image':'nginx'}],'tolerations':[{'key':"
        + "'node.kubernetes.io/unreachable','operator':'Exists','effect':'NoExecute','tolerationSeconds':5}]}}}}");
    node.create(RS, rs);
    eventually(() -> assertEquals(4, activePods().size()));
    scheduleAndRun("lost");
    eventually(() -> assertEquals(4, on(activePods(), "lost")));

    ActorRef<NodeLifecycle.Command> lifecycle = node.testKit.spawn(NodeLifecycle.create(node.store,
        new NodeLifecycleSettings(GRACE, Duration.ofSeconds(300), Duration.ofHours(1)), clock));
    // The lost node renews nothing from now on; the kept one keeps renewing.
    for (int step = 0; step < 5; step++) {
      clock.advance(Duration.ofSeconds(10));
      renew("kept", clock.instant());
      lifecycle.tell(NodeLifecycle.Tick.INSTANCE);
    }
    eventually(() -> assertEquals(2, node.get(ObjectKey.of(NodeLifecycle.NODES, null, "lost")).orElseThrow()
        .path("spec").path("taints").size(), "the lost node is tainted unreachable"));
    clock.advance(Duration.ofSeconds(6));
    renew("kept", clock.instant());
    lifecycle.tell(NodeLifecycle.Tick.INSTANCE);
    eventually(() -> {
      assertEquals(0, on(activePods(), "lost"), "the lost node's pods are evicted");
      assertEquals(4, activePods().size(), "and replaced at once: " + activePods().size());
    });
    scheduleAndRun("kept");
    eventually(() -> {
      JsonNode status = node.get(ObjectKey.of(RS, "default", "web")).orElseThrow().path("status");
      assertEquals(4, status.path("readyReplicas").asInt(), status.toString());
    });
    assertEquals(4, on(activePods(), "kept"));
    assertTrue(activePods().size() <= 4, "never more than replicas");
    node.testKit.stop(lifecycle);
  }

  private static void renew(String name, Instant at) throws Exception {
    ObjectKey key = ObjectKey.of(NodeLifecycle.LEASES, "kube-node-lease", name);
    await(node.store.update(key, json("{'metadata':{'name':'" + name + "','namespace':'kube-node-lease'},"
        + "'spec':{'holderIdentity':'" + name + "','leaseDurationSeconds':40,'renewTime':'" + at + "'}}"),
        Subresource.MAIN, request("update")));
    String t = ObjectLifecycle.timestamp(at);
    node.writeStatus(ObjectKey.of(NodeLifecycle.NODES, null, name), json("{'conditions':[{'type':'Ready',"
        + "'status':'True','reason':'KubeletReady','lastHeartbeatTime':'" + t + "','lastTransitionTime':'" + t
        + "'}]}"));
  }
}

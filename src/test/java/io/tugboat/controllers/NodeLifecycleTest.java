package io.tugboat.controllers;

import static io.tugboat.controllers.StoreNode.await;
import static io.tugboat.controllers.StoreNode.json;
import static io.tugboat.controllers.StoreNode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PodDisruption;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node lifecycle controller over a real in-process store, its time given by a clock the test moves: a node
 * that stops renewing its Lease goes Unknown and is tainted, its pods are evicted as their tolerations run out,
 * and it becomes Ready and untainted when it renews.
 */
class NodeLifecycleTest {

  private static final Duration GRACE = Duration.ofSeconds(40);

  @TempDir
  static Path dataDir;

  private static StoreNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new StoreNode("NodeLifecycleTest", dataDir);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static ObjectKey nodeKey(String name) {
    return ObjectKey.of(NodeLifecycle.NODES, "", name);
  }

  private static ObjectKey podKey(String name) {
    return ObjectKey.of(NodeLifecycle.PODS, "default", name);
  }

  private static ObjectNode readyStatus(Instant heartbeat) {
    String at = ObjectLifecycle.timestamp(heartbeat);
    ObjectNode status = json("{'conditions':[]}");
    for (String type : List.of("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")) {
      boolean ready = type.equals("Ready");
      status.withArray("conditions").addObject().put("type", type).put("status", ready ? "True" : "False")
          .put("lastHeartbeatTime", at).put("lastTransitionTime", at)
          .put("reason", ready ? "KubeletReady" : "KubeletHasNo" + type);
    }
    return status;
  }

  private static void registerNode(String name, Instant heartbeat, boolean unschedulable) throws Exception {
    node.create(NodeLifecycle.NODES, json("{'metadata':{'name':'" + name + "'},'spec':{'unschedulable':"
        + unschedulable + "}}"));
    node.writeStatus(nodeKey(name), readyStatus(heartbeat));
  }

  private static void renewLease(String name, Instant at) throws Exception {
    ObjectKey key = ObjectKey.of(NodeLifecycle.LEASES, NodeLifecycle.LEASE_NAMESPACE, name);
    ObjectNode lease = json("{'metadata':{'name':'" + name + "','namespace':'kube-node-lease'},"
        + "'spec':{'holderIdentity':'" + name + "','leaseDurationSeconds':40,'renewTime':'" + at + "'}}");
    if (node.get(key).isEmpty()) {
      node.create(NodeLifecycle.LEASES, lease);
    } else {
      await(node.store.update(key, lease, Subresource.MAIN, request("update")));
    }
  }

  private static void runningPodOn(String nodeName, String name, String tolerations) throws Exception {
    node.create(NodeLifecycle.PODS, json("{'metadata':{'name':'" + name + "','namespace':'default'},'spec':{"
        + "'containers':[{'name':'c','image':'x'}]" + tolerations + "}}"));
    await(node.store.bindPod(podKey(name), nodeName, request("create")));
    node.writeStatus(podKey(name), json("{'phase':'Running','conditions':[{'type':'Ready','status':'True'}]}"));
  }

  private static JsonNode awaitObject(ObjectKey key, String what, java.util.function.Predicate<JsonNode> test) {
    TestProbe<Void> probe = node.testKit.createTestProbe();
    return probe.awaitAssert(StoreNode.WAIT, () -> {
      JsonNode obj = node.get(key).orElseThrow(() -> new AssertionError(key + " is gone"));
      assertTrue(test.test(obj), what + ": " + obj);
      return obj;
    });
  }

  private static void awaitGone(ObjectKey key) {
    node.testKit.createTestProbe().awaitAssert(StoreNode.WAIT, () -> {
      assertTrue(node.get(key).isEmpty(), key + " should be gone");
      return null;
    });
  }

  @Test
  void staleNodeIsMarkedUnknownTaintedEvictedAndRecoversWhenItRenews() throws Exception {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    StoreNode.MovableClock clock = new StoreNode.MovableClock(t0);
    registerNode("n1", t0, false);
    renewLease("n1", t0);
    runningPodOn("n1", "short", ",'tolerations':[{'key':'node.kubernetes.io/unreachable','operator':'Exists',"
        + "'effect':'NoExecute','tolerationSeconds':10}]");
    runningPodOn("n1", "defaulted", "");
    runningPodOn("n1", "forever", ",'tolerations':[{'operator':'Exists'}]");
    assertEquals(300, node.get(podKey("defaulted")).orElseThrow().at("/spec/tolerations/1/tolerationSeconds").asInt());

    ActorRef<NodeLifecycle.Command> controller = node.testKit.spawn(NodeLifecycle.create(node.store,
        new NodeLifecycleSettings(GRACE, Duration.ofSeconds(300), Duration.ofHours(1)), clock));

    clock.advance(Duration.ofSeconds(30));
    controller.tell(NodeLifecycle.Tick.INSTANCE);
    clock.advance(Duration.ofSeconds(11));
    controller.tell(NodeLifecycle.Tick.INSTANCE);
    Instant stale = t0.plusSeconds(41);

    JsonNode unknown = awaitObject(nodeKey("n1"), "Ready Unknown and tainted unreachable",
        n -> NodeHealth.conditionStatus(n, "Ready").equals("Unknown") && n.path("spec").path("taints").size() == 2);
    for (String type : NodeHealth.AGENT_CONDITIONS) {
      JsonNode c = NodeHealth.condition(unknown, type).orElseThrow();
      assertEquals("NodeStatusUnknown", c.path("reason").asText());
      assertEquals("Kubelet stopped posting node status.", c.path("message").asText());
    }
    assertEquals(List.of("node.kubernetes.io/unreachable:NoExecute@" + stale,
        "node.kubernetes.io/unreachable:NoSchedule@" + stale),
        NodeHealthTest.taints((com.fasterxml.jackson.databind.node.ArrayNode) unknown.path("spec").path("taints")),
        "tainted at the first tick past the grace period, not before");
    awaitObject(podKey("forever"), "pods on an unreachable node are not ready", p -> !PodDisruption.ready(p));

    clock.advance(Duration.ofSeconds(10));
    controller.tell(NodeLifecycle.Tick.INSTANCE);
    awaitGone(podKey("short"));
    assertTrue(node.get(podKey("defaulted")).isPresent(), "the 300 s toleration has not run out");

    clock.advance(Duration.ofSeconds(290));
    controller.tell(NodeLifecycle.Tick.INSTANCE);
    awaitGone(podKey("defaulted"));
    assertTrue(node.get(podKey("forever")).isPresent(), "a pod tolerating the taint forever stays");

    // The node agent comes back: renews its lease and reports Ready.
    clock.advance(Duration.ofSeconds(5));
    renewLease("n1", clock.instant());
    node.writeStatus(nodeKey("n1"), readyStatus(clock.instant()));
    controller.tell(NodeLifecycle.Tick.INSTANCE);
    JsonNode back = awaitObject(nodeKey("n1"), "Ready and untainted",
        n -> NodeHealth.conditionStatus(n, "Ready").equals("True") && !n.path("spec").has("taints"));
    assertEquals("True", NodeHealth.conditionStatus(back, "Ready"));

    node.testKit.stop(controller);
    await(node.store.delete(podKey("forever"), null, null, 0L, null, request("delete")));
    await(node.store.delete(nodeKey("n1"), null, null, null, null, request("delete")));
  }

  @Test
  void theDeadlineTimerMarksTheNodeWithoutAnyOtherWakeUp() throws Exception {
    ActorTestKit timed = ActorTestKit.create("NodeLifecycleTimers", ManualTime.config()
        .withFallback(ConfigFactory.parseString("""
            akka.actor.provider = local
            akka.loglevel = WARNING
            akka.coordinated-shutdown.exit-jvm = off
            """))
        .withFallback(ConfigFactory.defaultReference()));
    try {
      ManualTime manualTime = ManualTime.get(timed.system());
      Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      StoreNode.MovableClock clock = new StoreNode.MovableClock(t0);
      // Cordoned, so the first pass shows itself (the unschedulable taint) and has armed the deadline timer.
      registerNode("n2", t0, true);
      timed.spawn(NodeLifecycle.create(node.store,
          new NodeLifecycleSettings(GRACE, Duration.ofSeconds(300), Duration.ofDays(100)), clock));
      awaitObject(nodeKey("n2"), "the unschedulable taint", n -> n.path("spec").path("taints").size() == 1);
      assertEquals("True", NodeHealth.conditionStatus(node.get(nodeKey("n2")).orElseThrow(), "Ready"));

      clock.advance(GRACE);
      node.testKit.createTestProbe().awaitAssert(StoreNode.WAIT, () -> {
        manualTime.timePasses(GRACE); // the deadline timer is due GRACE after the last pass
        JsonNode n = node.get(nodeKey("n2")).orElseThrow();
        assertEquals("Unknown", NodeHealth.conditionStatus(n, "Ready"));
        return null;
      });
      JsonNode n = awaitObject(nodeKey("n2"), "tainted unreachable", x -> x.path("spec").path("taints").size() == 3);
      assertFalse(NodeHealthTest.taints((com.fasterxml.jackson.databind.node.ArrayNode) n.path("spec").path("taints"))
          .isEmpty());
    } finally {
      timed.shutdownTestKit();
    }
    await(node.store.delete(nodeKey("n2"), null, null, null, null, request("delete")));
  }
}

package io.tugboat.node;

import static io.tugboat.node.NodeTestCluster.WAIT;
import static io.tugboat.node.NodeTestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.FakeRuntime;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node agents against a real in-process store: registration, Lease renewal, status from host readings, pods
 * run to Running, graceful deletion, restart, and hollow nodes. Timers are set to an hour so the test drives
 * every tick itself, with a hand-moved clock.
 */
class NodeAgentTest {

  private static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();
  private static final ResourceType LEASES =
      ResourceRegistry.byPath("coordination.k8s.io", "v1", "leases").orElseThrow();
  private static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  private static final Duration HOUR = Duration.ofHours(1);
  private static final NodeTimings MANUAL = new NodeTimings(HOUR, Duration.ofSeconds(40), HOUR, Duration.ofMinutes(5),
      Duration.ofMillis(200), HOUR);
  private static final long GI = 1L << 30;

  @TempDir
  static Path dataDir;

  private static NodeTestCluster cluster;
  private static ObjectStore store;
  private static ActorRef<PodDispatcher.Command> dispatcher;

  @BeforeAll
  static void start() throws Exception {
    cluster = new NodeTestCluster("NodeAgentTest", dataDir);
    store = cluster.store;
    dispatcher = cluster.testKit.spawn(PodDispatcher.create(store.cache()), "pod-dispatcher");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static NodeProfile profile(String name) {
    return new NodeProfile(name, NodeSettings.labels(name, "amd64"),
        Map.of("cpu", "4", "memory", "16Gi", "pods", "110", "ephemeral-storage", "100Gi"),
        Map.of("cpu", "4", "memory", "16Gi", "pods", "110", "ephemeral-storage", "100Gi"), "10.1.2.3", 10250,
        new NodeProfile.NodeInfo("v1.31.0", "Test OS", "6.1.0", "tugboat://0.1", "amd64", "linux", "m", "s", "b"),
        new NodeProfile.Thresholds(100L << 20, 10, 5), "kubelet is posting ready status");
  }

  /** An agent with its own runtime, readings the test can change, and a probe told when it is Ready. */
  private record Agent(ActorRef<NodeAgent.Command> ref, FakeRuntime runtime, AtomicReference<HostReadings> readings,
      TestProbe<String> ready, NodeTestCluster.ManualClock clock) {}

  private static Agent startAgent(String name, FakeRuntime runtime, NodeTestCluster.ManualClock clock) {
    AtomicReference<HostReadings> readings = new AtomicReference<>(HostReadings.idle(16 * GI, 100 * GI));
    TestProbe<String> ready = cluster.testKit.createTestProbe();
    ActorRef<NodeAgent.Command> ref = cluster.testKit.spawn(NodeAgent.create(new NodeAgent.Setup(profile(name),
        MANUAL, readings::get, runtime, store, dispatcher, clock, ready.getRef())));
    return new Agent(ref, runtime, readings, ready, clock);
  }

  private static Agent startAgent(String name) {
    NodeTestCluster.ManualClock clock = new NodeTestCluster.ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    FakeRuntime runtime = new FakeRuntime(name, clock, Duration.ZERO, (d, a) -> a.run(), "10.244.7.0/24");
    return startAgent(name, runtime, clock);
  }

  private static JsonNode awaitObject(ObjectKey key, String what, java.util.function.Predicate<JsonNode> condition) {
    TestProbe<Void> probe = cluster.testKit.createTestProbe();
    return probe.awaitAssert(WAIT, Duration.ofMillis(20), () -> {
      JsonNode obj = store.get(key).map(e -> (JsonNode) e.object()).orElse(null);
      assertTrue(obj != null && condition.test(obj), () -> what + ": " + obj);
      return obj;
    });
  }

  private static JsonNode condition(JsonNode obj, String type) {
    for (JsonNode c : obj.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object();
  }

  private static ObjectKey createBoundPod(String name, String node) throws Exception {
    ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", name).put("namespace", "default");
    pod.putObject("spec").putArray("containers").addObject().put("name", "app").put("image", "nginx");
    await(store.create(PODS, pod, RequestInfo.system("test", "create")));
    ObjectKey key = ObjectKey.of(PODS, "default", name);
    await(store.bindPod(key, node, RequestInfo.system("test", "bind")));
    return key;
  }

  private static boolean running(JsonNode pod) {
    return pod.path("status").path("phase").asText().equals("Running")
        && pod.path("status").path("containerStatuses").path(0).path("state").has("running");
  }

  @Test
  void registersItsNodeAndLeaseAndRenewsTheLease() {
    Agent a = startAgent("reg-1");
    a.ready().expectMessage(WAIT, "reg-1");
    ObjectKey nodeKey = ObjectKey.of(NODES, "", "reg-1");
    JsonNode node = awaitObject(nodeKey, "Ready node", n -> condition(n, "Ready").path("status").asText()
        .equals("True"));
    assertEquals("reg-1", node.path("metadata").path("labels").path("kubernetes.io/hostname").asText());
    assertEquals("v1.31.0", node.path("status").path("nodeInfo").path("kubeletVersion").asText());
    assertEquals("110", node.path("status").path("capacity").path("pods").asText());

    ObjectKey leaseKey = ObjectKey.of(LEASES, "kube-node-lease", "reg-1");
    JsonNode lease = awaitObject(leaseKey, "lease", l -> l.path("spec").path("renewTime").asText()
        .equals("2026-03-01T10:00:00.000000Z"));
    assertEquals("reg-1", lease.path("spec").path("holderIdentity").asText());
    assertEquals(40, lease.path("spec").path("leaseDurationSeconds").asInt());
    assertEquals(Json.metaText(node, "uid"), lease.path("metadata").path("ownerReferences").path(0).path("uid")
        .asText());

    a.clock().advance(Duration.ofSeconds(10));
    a.ref().tell(NodeAgent.Tick.RENEW_LEASE);
    awaitObject(leaseKey, "renewed lease", l -> l.path("spec").path("renewTime").asText()
        .equals("2026-03-01T10:00:10.000000Z"));
  }

  @Test
  void writesStatusWhenReadingsChangeOrTheReportIntervalPasses() {
    Agent a = startAgent("status-1");
    a.ready().expectMessage(WAIT, "status-1");
    ObjectKey nodeKey = ObjectKey.of(NODES, "", "status-1");
    awaitObject(nodeKey, "Ready", n -> condition(n, "Ready").path("status").asText().equals("True"));

    a.readings().set(new HostReadings(16 * GI, 10L << 20, 100 * GI, 100 * GI, 4_000_000, 100));
    a.clock().advance(Duration.ofSeconds(10));
    a.ref().tell(NodeAgent.Tick.SYNC_STATUS);
    JsonNode pressed = awaitObject(nodeKey, "MemoryPressure", n -> condition(n, "MemoryPressure").path("status")
        .asText().equals("True"));
    assertEquals("2026-03-01T10:00:10Z", condition(pressed, "MemoryPressure").path("lastTransitionTime").asText());

    a.clock().advance(Duration.ofMinutes(5));
    a.ref().tell(NodeAgent.Tick.SYNC_STATUS);
    awaitObject(nodeKey, "heartbeat after the report interval", n -> condition(n, "Ready")
        .path("lastHeartbeatTime").asText().equals("2026-03-01T10:05:10Z"));
  }

  @Test
  void aBoundPodRunsAndAGracefulDeleteEndsWithThePodGone() throws Exception {
    Agent a = startAgent("pods-1");
    a.ready().expectMessage(WAIT, "pods-1");
    ObjectKey key = createBoundPod("web-1", "pods-1");
    JsonNode pod = awaitObject(key, "Running pod", NodeAgentTest::running);
    JsonNode status = pod.path("status");
    assertEquals("10.1.2.3", status.path("hostIP").asText());
    assertEquals("10.244.7.2", status.path("podIP").asText());
    assertEquals("2026-03-01T10:00:00Z", status.path("startTime").asText());
    JsonNode c = status.path("containerStatuses").get(0);
    assertTrue(c.path("ready").asBoolean());
    assertTrue(c.path("started").asBoolean());
    assertEquals(0, c.path("restartCount").asInt());
    assertEquals("docker.io/library/nginx:latest", c.path("image").asText());
    assertTrue(c.path("containerID").asText().startsWith("tugboat://"), c::toString);
    assertTrue(c.path("imageID").asText().contains("@sha256:"), c::toString);
    for (String type : new String[] {"PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready",
        "PodScheduled"}) {
      assertEquals("True", condition(pod, type).path("status").asText(), type);
    }
    assertEquals(1, a.runtime().containerCount());

    ObjectStore.WriteResult deleting = await(store.delete(key, null, null, null, null,
        RequestInfo.system("test", "delete")));
    assertFalse(deleting.deleted(), "a running pod waits for its node");
    TestProbe<Void> probe = cluster.testKit.createTestProbe();
    probe.awaitAssert(WAIT, () -> {
      assertTrue(store.get(key).isEmpty(), "the pod is gone");
      assertEquals(0, a.runtime().containerCount(), "and its containers");
      return null;
    });
  }

  @Test
  void publishesTheUsageOfItsNodeAndPodsAndForgetsItWhenStopped() throws Exception {
    Agent a = startAgent("usage-1");
    a.ready().expectMessage(WAIT, "usage-1");
    ObjectKey key = createBoundPod("busy-1", "usage-1");
    awaitObject(key, "Running pod", NodeAgentTest::running);
    MetricsRegistry registry = MetricsRegistry.get(cluster.testKit.system());
    TestProbe<Void> probe = cluster.testKit.createTestProbe();
    NodeUsage usage = probe.awaitAssert(WAIT, Duration.ofMillis(20), () -> {
      a.ref().tell(NodeAgent.Tick.MEASURE_USAGE);
      NodeUsage u = registry.node("usage-1").orElseThrow();
      assertTrue(u.pod("default", "busy-1").isPresent(), u::toString);
      return u;
    });
    NodeUsage.PodUsage pod = usage.pod("default", "busy-1").orElseThrow();
    NodeUsage.Usage app = new NodeUsage.Usage(FakeRuntime.SIMULATED_CPU_NANOCORES,
        FakeRuntime.SIMULATED_MEMORY_BYTES);
    assertEquals(java.util.List.of(new NodeUsage.ContainerUsage("app", app)), pod.containers());
    assertEquals(NodeAgent.SIMULATED_SYSTEM_USAGE.read().plus(app), usage.usage());
    assertEquals(a.clock().instant(), usage.timestamp());

    cluster.testKit.stop(a.ref());
    probe.awaitAssert(WAIT, Duration.ofMillis(20), () -> {
      assertTrue(registry.node("usage-1").isEmpty());
      return null;
    });
  }

  @Test
  void aRestartedAgentKeepsItsPodsAndRunsTheOnesBoundWhileItWasDown() throws Exception {
    NodeTestCluster.ManualClock clock = new NodeTestCluster.ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    FakeRuntime runtime = new FakeRuntime("restart-1", clock, Duration.ZERO, (d, r) -> r.run(), "10.244.8.0/24");
    Agent first = startAgent("restart-1", runtime, clock);
    first.ready().expectMessage(WAIT, "restart-1");
    ObjectKey before = createBoundPod("before", "restart-1");
    String containerId = awaitObject(before, "Running", NodeAgentTest::running)
        .path("status").path("containerStatuses").get(0).path("containerID").asText();

    cluster.testKit.stop(first.ref());
    ObjectKey during = createBoundPod("during", "restart-1");
    assertFalse(store.get(during).orElseThrow().object().path("status").has("containerStatuses"));

    clock.advance(Duration.ofMinutes(1));
    Agent second = startAgent("restart-1", runtime, clock);
    second.ready().expectMessage(WAIT, "restart-1");
    awaitObject(during, "the pod bound while the agent was down runs", NodeAgentTest::running);
    JsonNode kept = awaitObject(before, "Running", NodeAgentTest::running);
    assertEquals(containerId, kept.path("status").path("containerStatuses").get(0).path("containerID").asText(),
        "the restarted agent adopts the running container instead of starting another");
    assertEquals(2, runtime.containerCount());
  }

  @Test
  void anAgentWhoseRuntimeLostItsContainersStartsThemAgain() throws Exception {
    Agent first = startAgent("reboot-1");
    first.ready().expectMessage(WAIT, "reboot-1");
    ObjectKey key = createBoundPod("survivor", "reboot-1");
    String before = awaitObject(key, "Running", NodeAgentTest::running)
        .path("status").path("containerStatuses").get(0).path("containerID").asText();
    cluster.testKit.stop(first.ref());

    Agent second = startAgent("reboot-1"); // a fresh runtime, as after a JVM restart with the fake one
    second.ready().expectMessage(WAIT, "reboot-1");
    JsonNode again = awaitObject(key, "Running with a new container", p -> running(p)
        && !p.path("status").path("containerStatuses").get(0).path("containerID").asText().equals(before));
    assertEquals("10.244.7.2", again.path("status").path("podIP").asText());
    assertEquals(1, second.runtime().containerCount());
  }

  @Test
  void twentyHollowNodesRegisterAndBecomeReady() {
    NodeSettings settings = NodeSettings.create(ConfigFactory.parseString("""
            tugboat.node.enabled = off
            tugboat.node.hollow-count = 20
            tugboat.node.hollow-start-concurrency = 4
            tugboat.node.hollow-start-delay = 0s
            """).withFallback(cluster.testKit.system().settings().config()));
    cluster.testKit.spawn(NodeAgents.create(store, settings, java.time.Clock.systemUTC()), "hollow-agents");
    TestProbe<Void> probe = cluster.testKit.createTestProbe();
    probe.awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      for (int i = 1; i <= 20; i++) {
        String name = NodeSettings.hollowName(i);
        JsonNode node = store.get(ObjectKey.of(NODES, "", name)).map(e -> (JsonNode) e.object()).orElse(null);
        assertTrue(node != null && condition(node, "Ready").path("status").asText().equals("True"), name);
        assertEquals("16Gi", node.path("status").path("allocatable").path("memory").asText());
        assertTrue(store.get(ObjectKey.of(LEASES, "kube-node-lease", name)).isPresent(), name + " lease");
      }
      return null;
    });
    assertTrue(store.get(ObjectKey.of(NODES, "", NodeSettings.hollowName(21))).isEmpty());
  }

  @Test
  void aPodOnAHollowNodeRuns() throws Exception {
    // A hollow node's profile, readings and timings, as NodeAgents gives them, with a runtime the test holds.
    NodeSettings settings = NodeSettings.create(ConfigFactory.parseString("""
            tugboat.node.enabled = off
            tugboat.node.hollow-count = 0
            """).withFallback(cluster.testKit.system().settings().config()));
    assertEquals(0, settings.hollowCount());
    ContainerRuntime runtime = new FakeRuntime("h", java.time.Clock.systemUTC(), Duration.ZERO, (d, r) -> r.run(),
        NodeSettings.hollowPodCidr(99));
    ActorRef<NodeAgent.Command> ref = cluster.testKit.spawn(NodeAgent.create(new NodeAgent.Setup(
        settings.hollowProfile(99, runtime.version()), settings.hollowTimings(), settings::hollowReadings, runtime,
        store, dispatcher, java.time.Clock.systemUTC(), null)));
    ObjectKey key = createBoundPod("on-hollow", NodeSettings.hollowName(99));
    JsonNode pod = awaitObject(key, "Running", NodeAgentTest::running);
    assertEquals("10.128.99.2", pod.path("status").path("podIP").asText());
    cluster.testKit.stop(ref);
  }
}

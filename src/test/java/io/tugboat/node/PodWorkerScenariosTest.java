package io.tugboat.node;

import static io.tugboat.node.NodeTestCluster.WAIT;
import static io.tugboat.node.NodeTestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.FakeRuntime;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared set-up of the pod lifecycle scenarios: a one-JVM store, and per test a node agent on a {@link FakeRuntime}
 * whose containers run at once, with a hand-moved clock. Timers are an hour, so the tests move time and send
 * {@link NodeAgent.Tick#SYNC_PODS} themselves: nothing sleeps.
 */
abstract class PodWorkerScenariosTest {

  static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  static final ResourceType CONFIG_MAPS = ResourceRegistry.byPath("", "v1", "configmaps").orElseThrow();
  static final Duration HOUR = Duration.ofHours(1);
  static final NodeTimings MANUAL = new NodeTimings(HOUR, Duration.ofSeconds(40), HOUR, Duration.ofMinutes(5),
      Duration.ofMillis(200), HOUR);

  @TempDir
  static Path dataDir;

  static NodeTestCluster cluster;
  static ObjectStore store;
  static ActorRef<PodDispatcher.Command> dispatcher;

  @BeforeAll
  static void start() throws Exception {
    cluster = new NodeTestCluster("PodWorkerScenarios", java.nio.file.Files.createDirectories(dataDir.resolve("store")));
    store = cluster.store;
    dispatcher = cluster.testKit.spawn(PodDispatcher.create(store.cache()), "pod-dispatcher");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A running agent: its runtime and clock, and the probe told when its node is Ready. */
  record Agent(String node, ActorRef<NodeAgent.Command> ref, FakeRuntime runtime,
      NodeTestCluster.ManualClock clock) {

    /** Moves the clock and has every pod worker look again. */
    void advance(Duration d) {
      clock.advance(d);
      ref.tell(NodeAgent.Tick.SYNC_PODS);
    }

    /** The newest instance of a container of a pod. */
    ContainerStatus container(String pod, String name) {
      return runtime.container(pod, name).orElseThrow(() -> new AssertionError("no container " + pod + "/" + name));
    }
  }

  static Agent startAgent(String name) {
    NodeTestCluster.ManualClock clock = new NodeTestCluster.ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    FakeRuntime runtime = new FakeRuntime(name, clock, Duration.ZERO, (d, a) -> a.run(), "10.244.9.0/24");
    TestProbe<String> ready = cluster.testKit.createTestProbe();
    NodeProfile profile = new NodeProfile(name, NodeSettings.labels(name, "amd64"),
        Map.of("cpu", "4", "memory", "16Gi", "pods", "110"), Map.of("cpu", "4", "memory", "16Gi", "pods", "110"),
        "10.1.2.3", 10250, new NodeProfile.NodeInfo("v1.31.0", "Test OS", "6.1.0", "tugboat://0.1", "amd64",
        "linux", "m", "s", "b"), new NodeProfile.Thresholds(100L << 20, 10, 5), "ready");
    PodSettings pods = new PodSettings(Backoff.KUBERNETES, dataDir.resolve("pods-" + name),
        List.of(dataDir.toString()), List.of(), "cluster.local", true);
    ActorRef<NodeAgent.Command> ref = cluster.testKit.spawn(NodeAgent.create(new NodeAgent.Setup(profile, MANUAL,
        () -> HostReadings.idle(16L << 30, 100L << 30), runtime, store, dispatcher, clock, ready.getRef(),
        NodeAgent.SIMULATED_SYSTEM_USAGE, pods)));
    ready.expectMessage(WAIT, name);
    return new Agent(name, ref, runtime, clock);
  }

  /** Creates a pod from YAML (metadata.name, spec) in default and binds it to the agent's node. */
  static ObjectKey createPod(Agent a, String yaml) throws Exception {
    ObjectNode pod = PodStatusesTest.pod(yaml);
    pod.put("apiVersion", "v1").put("kind", "Pod");
    ((ObjectNode) pod.get("metadata")).put("namespace", "default");
    await(store.create(PODS, pod, RequestInfo.system("test", "create")));
    ObjectKey key = ObjectKey.of(PODS, "default", Json.metaText(pod, "name"));
    await(store.bindPod(key, a.node(), RequestInfo.system("test", "bind")));
    return key;
  }

  static void putConfigMap(String name, Map<String, String> data) throws Exception {
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", name).put("namespace", "default");
    ObjectNode d = cm.putObject("data");
    data.forEach(d::put);
    ObjectKey key = ObjectKey.of(CONFIG_MAPS, "default", name);
    if (store.get(key).isPresent()) {
      await(store.update(key, cm, io.tugboat.model.Subresource.MAIN, RequestInfo.system("test", "update")));
    } else {
      await(store.create(CONFIG_MAPS, cm, RequestInfo.system("test", "create")));
    }
  }

  static JsonNode awaitPod(ObjectKey key, String what, Predicate<JsonNode> condition) {
    TestProbe<Void> probe = cluster.testKit.createTestProbe();
    return probe.awaitAssert(WAIT, Duration.ofMillis(20), () -> {
      JsonNode obj = store.get(key).map(e -> (JsonNode) e.object()).orElse(null);
      assertTrue(obj != null && condition.test(obj), () -> what + ": " + (obj == null ? null : obj.path("status")));
      return obj;
    });
  }

  /** The first container status (of containerStatuses, or initContainerStatuses when {@code init}). */
  static JsonNode status(JsonNode pod, boolean init) {
    return pod.path("status").path(init ? "initContainerStatuses" : "containerStatuses").path(0);
  }

  static String waitingReason(JsonNode pod, boolean init) {
    return status(pod, init).path("state").path("waiting").path("reason").asText();
  }

  static boolean running(JsonNode pod) {
    return status(pod, false).path("state").has("running");
  }

  static int restarts(JsonNode pod) {
    return status(pod, false).path("restartCount").asInt();
  }

  static String condition(JsonNode pod, String type) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return "";
  }

  /** Waits until the pod has an event with this reason whose message contains {@code text}; answers it. */
  static JsonNode awaitEvent(String podName, String reason, String text) {
    TestProbe<Void> probe = cluster.testKit.createTestProbe();
    return probe.awaitAssert(WAIT, Duration.ofMillis(20), () -> {
      var events = store.cache().list("core/events", "default", e -> podName.equals(
          e.object().path("involvedObject").path("name").asText()), null, 0).items();
      for (var e : events) {
        if (reason.equals(e.object().path("reason").asText())
            && e.object().path("message").asText().contains(text)) {
          return (JsonNode) e.object();
        }
      }
      throw new AssertionError("no " + reason + " event with \"" + text + "\" for " + podName + " in "
          + events.stream().map(e -> e.object().path("reason").asText() + ": " + e.object().path("message")
          .asText()).toList());
    });
  }
}

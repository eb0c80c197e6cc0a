package io.tugboat.controllers.autoscaling;

import static io.tugboat.controllers.StoreNode.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.StoreNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.node.NodeUsage;
import io.tugboat.store.ObjectKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autoscaler over a real in-process store, with usage the test sets and a clock it moves: usage up scales the
 * Deployment up; usage down scales it down only once the (short) stabilization window has passed. The test plays
 * the kubelet (pods Running and Ready) and the metrics pipeline; syncs run when it asks ({@code Sync}).
 */
class HorizontalPodAutoscalingTest {

  static final ResourceType DEPLOYMENTS = ResourceRegistry.byPath("apps", "v1", "deployments").orElseThrow();
  static final ResourceType NAMESPACES = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
  static final Duration WINDOW = Duration.ofSeconds(60);

  @TempDir
  static Path dataDir;

  private static StoreNode node;
  private static StoreNode.MovableClock clock;
  private static final AtomicReference<Map<String, NodeUsage>> USAGE = new AtomicReference<>(Map.of());
  private static ActorRef<HorizontalPodAutoscaling.Command> hpa;

  @BeforeAll
  static void start() throws Exception {
    node = new StoreNode("HorizontalPodAutoscalingTest", dataDir);
    clock = new StoreNode.MovableClock(Instant.now());
    // A sync period longer than the test: passes run only when the test asks.
    HpaSettings settings = new HpaSettings(true, Duration.ofHours(1), 0.1, Duration.ofMinutes(5),
        Duration.ofSeconds(30), WINDOW, Duration.ofSeconds(2));
    hpa = node.testKit.spawn(HorizontalPodAutoscaling.create(node.store, settings,
        () -> CompletableFuture.completedFuture(USAGE.get()), clock));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static void sync() {
    TestProbe<HorizontalPodAutoscaling.Synced> probe = node.testKit.createTestProbe();
    hpa.tell(new HorizontalPodAutoscaling.Sync(probe.ref()));
    probe.expectMessage(Duration.ofSeconds(15), HorizontalPodAutoscaling.Synced.INSTANCE);
  }

  /** Two running, ready pods of app=web requesting 100m CPU, on node n1; their uids. */
  private static List<String> pods(String ns) throws Exception {
    String started = ObjectLifecycle.timestamp(clock.instant().minus(Duration.ofHours(1)));
    List<String> uids = new java.util.ArrayList<>();
    for (String name : List.of("web-a", "web-b")) {
      ObjectNode pod = node.create(HorizontalPodAutoscaling.PODS, json("{'metadata':{'name':'" + name
          + "','namespace':'" + ns + "','labels':{'app':'web'}},'spec':{'nodeName':'n1','containers':[{'name':'c',"
          + "'image':'nginx','resources':{'requests':{'cpu':'100m'}}}]}}"));
      node.writeStatus(ObjectKey.of(HorizontalPodAutoscaling.PODS, ns, name), json("{'phase':'Running','startTime':'"
          + started + "','conditions':[{'type':'Ready','status':'True','lastTransitionTime':'" + started + "'}]}"));
      uids.add(Json.metaText(pod, "uid"));
    }
    return uids;
  }

  /** Node n1 measured both pods now at {@code milli} millicores each. */
  private static void load(String ns, List<String> uids, long milli) {
    Map<String, NodeUsage.PodUsage> pods = new HashMap<>();
    for (int i = 0; i < 2; i++) {
      String name = i == 0 ? "web-a" : "web-b";
      pods.put(ns + "/" + name, new NodeUsage.PodUsage(ns, name, uids.get(i), List.of(new NodeUsage.ContainerUsage(
          "c", new NodeUsage.Usage(milli * 1_000_000, 4L << 20)))));
    }
    USAGE.set(Map.of("n1", new NodeUsage("n1", clock.instant(), Duration.ofSeconds(10), NodeUsage.Usage.ZERO, pods)));
  }

  private static void deploymentAndHpa(String ns, String target) throws Exception {
    node.create(NAMESPACES, json("{'metadata':{'name':'" + ns + "'}}"));
    node.create(DEPLOYMENTS, json("{'metadata':{'name':'web','namespace':'" + ns + "'},'spec':{'replicas':2,"
        + "'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
        + "'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}"));
    node.create(HorizontalPodAutoscaling.HPAS, json("{'metadata':{'name':'web','namespace':'" + ns + "'},"
        + "'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'" + target + "'},"
        + "'minReplicas':1,'maxReplicas':10,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':"
        + "{'type':'Utilization','averageUtilization':50}}}]}}"));
  }

  private static int replicas(String ns) {
    return node.get(ObjectKey.of(DEPLOYMENTS, ns, "web")).orElseThrow().path("spec").path("replicas").asInt();
  }

  private static JsonNode status(String ns) {
    return node.get(ObjectKey.of(HorizontalPodAutoscaling.HPAS, ns, "web")).orElseThrow().path("status");
  }

  private static List<String> events(String ns) {
    return node.store.cache().list(HorizontalPodAutoscaling.EVENTS.storageKey(), ns, e -> true, null, 0).items()
        .stream().map(e -> e.object().path("reason").asText() + ": " + e.object().path("message").asText()
            + " (" + e.object().path("count").asInt() + ")").sorted().toList();
  }

  @Test
  void usageUpScalesUpAndUsageDownScalesDownAfterTheWindow() throws Exception {
    String ns = "load";
    deploymentAndHpa(ns, "web");
    List<String> uids = pods(ns);
    load(ns, uids, 200);
    sync();
    // 200% of 50% asks for 8; one step may at most double (or reach 4).
    assertEquals(4, replicas(ns));
    JsonNode status = status(ns);
    assertEquals(2, status.path("currentReplicas").asInt(), status.toString());
    assertEquals(4, status.path("desiredReplicas").asInt());
    assertEquals(200, status.at("/currentMetrics/0/resource/current/averageUtilization").asInt());
    assertEquals("SucceededRescale", HpaFixtures.condition(status, "AbleToScale").path("reason").asText());
    assertEquals(List.of("SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) "
        + "above target (1)"), events(ns));

    clock.advance(Duration.ofSeconds(15));
    load(ns, uids, 200);
    sync();
    assertEquals(8, replicas(ns), "the next step doubles again");

    load(ns, uids, 5);
    clock.advance(Duration.ofSeconds(15));
    sync();
    assertEquals(8, replicas(ns), "the window still holds the recommendations of 8");
    assertEquals("ScaleDownStabilized", HpaFixtures.condition(status(ns), "AbleToScale").path("reason").asText());

    clock.advance(WINDOW);
    load(ns, uids, 5);
    sync();
    assertEquals(1, replicas(ns));
    assertEquals(List.of("SuccessfulRescale: New size: 1; reason: All metrics below target (1)",
        "SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target (1)",
        "SuccessfulRescale: New size: 8; reason: cpu resource utilization (percentage of request) above target (1)"),
        events(ns));
    assertEquals(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
        status(ns).path("lastScaleTime").asText());
  }

  @Test
  void aMissingTargetIsReportedOnceAndCountedThereafter() throws Exception {
    String ns = "missing";
    deploymentAndHpa(ns, "nosuch");
    sync();
    JsonNode status = status(ns);
    assertEquals("False", HpaFixtures.condition(status, "AbleToScale").path("status").asText(), status.toString());
    assertEquals("FailedGetScale", HpaFixtures.condition(status, "ScalingActive").path("reason").asText());
    clock.advance(Duration.ofSeconds(15));
    sync();
    assertEquals(List.of("FailedGetScale: deployments.apps \"nosuch\" not found (2)"), events(ns));
    assertTrue(replicas(ns) == 2, "the Deployment of another name is left alone");
  }
}

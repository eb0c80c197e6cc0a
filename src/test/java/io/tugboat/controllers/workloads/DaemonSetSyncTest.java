package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.workloads.World.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The DaemonSet step as a pure function over an in-memory namespace and a list of nodes: one pod per eligible node
 * as nodes come, go and get tainted; failed pods replaced with backoff; rolling updates that keep maxUnavailable
 * (or maxSurge) after every single write; OnDelete; the ControllerRevision history through undo and cleanup.
 */
class DaemonSetSyncTest {

  static final ObjectKey KEY = ObjectKey.of(DaemonSetSync.DAEMON_SETS, "default", "fluentd");
  static final String ROLLING_1 = "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':1,'maxSurge':0}}";

  /** The docs' fluentd-elasticsearch DaemonSet (named fluentd here). */
  static ObjectNode daemonSet(String image, String strategy) {
    return json("{'apiVersion':'apps/v1','kind':'DaemonSet','metadata':{'name':'fluentd','namespace':'default'},"
        + "'spec':{'selector':{'matchLabels':{'name':'fluentd-elasticsearch'}},'updateStrategy':" + strategy
        + ",'revisionHistoryLimit':10,'template':{'metadata':{'labels':{'name':'fluentd-elasticsearch'}},"
        + "'spec':{'containers':[{'name':'fluentd-elasticsearch','image':'" + image + "'}]}}}}");
  }

  private final World w = new World();
  private final Map<String, ObjectNode> nodes = new TreeMap<>();
  private Map<String, DaemonSetSync.Backoff> backoff = Map.of();
  private Plan last = Plan.none();

  private void addNodes(String... names) {
    for (String n : names) {
      nodes.put(n, DaemonNodesTest.node(n, "{}", "[]"));
    }
  }

  private ObjectNode ds() {
    return w.objects.get(KEY);
  }

  private int step() {
    DaemonSetSync.Step s = DaemonSetSync.plan(ds(), List.copyOf(nodes.values()), w.list(ReplicaSetSync.PODS),
        w.list(DaemonHistory.REVISIONS), backoff, w.now, 500);
    backoff = s.backoff();
    last = s.plan();
    int writes = w.apply(s.plan());
    w.afterEachStep.run();
    return writes;
  }

  private void settle() {
    for (int i = 0; i < 100; i++) {
      if (step() == 0) {
        return;
      }
    }
    throw new AssertionError("the DaemonSet never settles");
  }

  /** Steps, the kubelet making one pod ready between them, until nothing is written and every pod is ready. */
  private void converge() {
    for (int i = 0; i < 500; i++) {
      settle();
      if (w.makeReady(1) == 0) {
        settle();
        return;
      }
    }
    throw new AssertionError("the DaemonSet never converges");
  }

  private List<JsonNode> pods() {
    return w.list(ReplicaSetSync.PODS);
  }

  private Map<String, Long> podsPerNode() {
    return pods().stream().collect(Collectors.groupingBy(DaemonNodes::targetNode, TreeMap::new, Collectors.counting()));
  }

  private Set<String> hashes() {
    return pods().stream().map(p -> p.at("/metadata/labels/controller-revision-hash").asText())
        .collect(Collectors.toSet());
  }

  private JsonNode status() {
    return ds().path("status");
  }

  private void setTemplateImage(String image) {
    ObjectNode copy = ds().deepCopy();
    ((ObjectNode) copy.at("/spec/template/spec/containers/0")).put("image", image);
    assertTrue(w.update(KEY, copy, Subresource.MAIN));
  }

  private void setPhase(JsonNode pod, String phase) {
    ObjectNode copy = (ObjectNode) pod.deepCopy();
    copy.with("status").put("phase", phase);
    assertTrue(w.update(ObjectKey.of(ReplicaSetSync.PODS, "default", Json.metaText(pod, "name")), copy,
        Subresource.STATUS));
  }

  @Test
  void onePodPerNodeWithTheRevisionHashAndStatusCounts() {
    addNodes("n1", "n2", "n3");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", ROLLING_1));
    converge();
    assertEquals(Map.of("n1", 1L, "n2", 1L, "n3", 1L), podsPerNode());
    List<JsonNode> revisions = w.list(DaemonHistory.REVISIONS);
    assertEquals(1, revisions.size());
    String hash = DaemonHistory.hash(ds());
    assertEquals("fluentd-" + hash, Json.metaText(revisions.get(0), "name"));
    assertEquals(Set.of(hash), hashes());
    assertEquals(3, status().path("desiredNumberScheduled").asInt());
    assertEquals(3, status().path("currentNumberScheduled").asInt());
    assertEquals(3, status().path("numberReady").asInt());
    assertEquals(3, status().path("numberAvailable").asInt());
    assertEquals(3, status().path("updatedNumberScheduled").asInt());
    assertEquals(0, status().path("numberMisscheduled").asInt());
    assertFalse(status().has("numberUnavailable"));
    assertEquals(1, status().path("observedGeneration").asLong());
    assertEquals(3, w.events.stream().filter(e -> e.startsWith("SuccessfulCreate Created pod: fluentd-")).count());
  }

  @Test
  void nodesJoiningGetAPodAndNodesLeavingLoseTheirs() {
    addNodes("n1", "n2", "n3");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", ROLLING_1));
    converge();
    addNodes("n4");
    converge();
    assertEquals(4, podsPerNode().size());
    assertEquals(4, status().path("desiredNumberScheduled").asInt());
    nodes.remove("n2");
    step();
    Plan.Delete gone = (Plan.Delete) last.actions().get(0);
    assertEquals(null, gone.gracePeriodSeconds(), "an unbound pod goes the usual way");
    converge();
    assertEquals(Set.of("n1", "n3", "n4"), podsPerNode().keySet());
    assertEquals(3, status().path("numberReady").asInt());
    assertTrue(w.events.stream().anyMatch(e -> e.startsWith("SuccessfulDelete Deleted pod: fluentd-")));
  }

  @Test
  void boundPodsOfADeletedNodeAreForceDeleted() {
    addNodes("n1", "n2");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", ROLLING_1));
    converge();
    for (JsonNode p : pods()) {
      ObjectNode bound = (ObjectNode) p.deepCopy();
      bound.with("spec").put("nodeName", DaemonNodes.targetNode(p));
      Json.meta(bound).put("deletionTimestamp", "2026-01-01T00:00:00Z"); // already deleted gracefully: still goes
      w.objects.put(ObjectKey.of(ReplicaSetSync.PODS, "default", Json.metaText(p, "name")), bound);
    }
    nodes.remove("n2");
    step();
    List<Plan.Delete> deletes = last.actions().stream().filter(a -> a instanceof Plan.Delete)
        .map(a -> (Plan.Delete) a).toList();
    assertEquals(1, deletes.size());
    assertEquals(0L, deletes.get(0).gracePeriodSeconds());
    assertEquals(Set.of("n1"), podsPerNode().keySet());
  }

  @Test
  void taintsDecideWhichPodsStay() {
    addNodes("n1", "n2", "n3");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", ROLLING_1));
    converge();
    // A lost node (unreachable, NoExecute) keeps its daemon pod: the automatic toleration covers it.
    nodes.put("n1", DaemonNodesTest.node("n1", "{}",
        "[{'key':'node.kubernetes.io/unreachable','effect':'NoExecute'}]"));
    // A NoSchedule taint not tolerated: the pod already there may stay, but it no longer counts as desired.
    nodes.put("n2", DaemonNodesTest.node("n2", "{}", "[{'key':'dedicated','value':'db','effect':'NoSchedule'}]"));
    // A NoExecute taint not tolerated: the pod goes.
    nodes.put("n3", DaemonNodesTest.node("n3", "{}", "[{'key':'dedicated','value':'db','effect':'NoExecute'}]"));
    converge();
    assertEquals(Set.of("n1", "n2"), podsPerNode().keySet());
    assertEquals(1, status().path("desiredNumberScheduled").asInt());
    assertEquals(1, status().path("numberMisscheduled").asInt());
    // A new node with a taint the pod does not tolerate never gets one.
    nodes.put("n4", DaemonNodesTest.node("n4", "{}", "[{'key':'dedicated','value':'db','effect':'NoSchedule'}]"));
    converge();
    assertFalse(podsPerNode().containsKey("n4"));
  }

  @Test
  void nodeSelectorChangesMovePods() {
    nodes.put("a", DaemonNodesTest.node("a", "{'logging':'on'}", "[]"));
    nodes.put("b", DaemonNodesTest.node("b", "{}", "[]"));
    ObjectNode ds = daemonSet("fluentd:1", ROLLING_1);
    ds.with("spec").with("template").with("spec").putObject("nodeSelector").put("logging", "on");
    w.create(DaemonSetSync.DAEMON_SETS, ds);
    converge();
    assertEquals(Set.of("a"), podsPerNode().keySet());
    nodes.put("a", DaemonNodesTest.node("a", "{}", "[]"));
    nodes.put("b", DaemonNodesTest.node("b", "{'logging':'on'}", "[]"));
    converge();
    assertEquals(Set.of("b"), podsPerNode().keySet());
  }

  @Test
  void failedDaemonPodsAreKilledAndRecreatedWithBackoff() {
    addNodes("n1");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", ROLLING_1));
    converge();
    JsonNode first = pods().get(0);
    setPhase(first, "Failed");
    settle();
    List<JsonNode> events = w.list(DaemonSetSync.EVENTS);
    assertEquals(1, events.size());
    assertEquals("FailedDaemonPod", events.get(0).path("reason").asText());
    assertEquals("Warning", events.get(0).path("type").asText());
    assertEquals("Found failed daemon pod default/" + Json.metaText(first, "name")
        + " on node n1, will try to kill it", events.get(0).path("message").asText());
    assertEquals(1, pods().size());
    JsonNode second = pods().get(0);
    assertNotEquals(Json.metaText(first, "name"), Json.metaText(second, "name"));

    // It fails again at once: within the 1 s backoff it stays, and the step asks to be woken when it ends.
    setPhase(second, "Failed");
    settle();
    assertEquals(Json.metaText(second, "name"), Json.metaText(pods().get(0), "name"));
    assertEquals(Optional.of(w.now.plusSeconds(1)), last.wakeAt());
    w.now = w.now.plusMillis(1001);
    settle();
    assertNotEquals(Json.metaText(second, "name"), Json.metaText(pods().get(0), "name"));
    assertEquals(Duration.ofSeconds(2), backoff.get("n1").delay());
    assertEquals(2, w.list(DaemonSetSync.EVENTS).size());
  }

  @Test
  void rollingUpdateReplacesOneNodeAtATimeWithinMaxUnavailable() {
    addNodes("n1", "n2", "n3", "n4", "n5");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", ROLLING_1));
    converge();
    String oldHash = DaemonHistory.hash(ds());
    List<Integer> unavailableSeen = new ArrayList<>();
    w.afterEachStep = () -> {
      int withoutAvailablePod = 0;
      for (String n : nodes.keySet()) {
        boolean ok = pods().stream().anyMatch(p -> DaemonNodes.targetNode(p).equals(n) && Pods.ready(p));
        withoutAvailablePod += ok ? 0 : 1;
      }
      unavailableSeen.add(withoutAvailablePod);
      assertTrue(withoutAvailablePod <= 1, "maxUnavailable 1 broken: " + withoutAvailablePod + " nodes down");
      assertTrue(podsPerNode().values().stream().allMatch(c -> c == 1), "two pods on a node without surge");
    };
    setTemplateImage("fluentd:2");
    converge();
    String newHash = DaemonHistory.hash(ds());
    assertNotEquals(oldHash, newHash);
    assertEquals(Set.of(newHash), hashes());
    assertEquals(5, podsPerNode().size());
    assertTrue(unavailableSeen.contains(1), "the rollout took nodes down one at a time");
    assertEquals(5, status().path("updatedNumberScheduled").asInt());
    assertEquals(2, status().path("observedGeneration").asLong());
    List<JsonNode> revisions = w.list(DaemonHistory.REVISIONS);
    assertEquals(Set.of(1L, 2L), revisions.stream().map(DaemonHistory::revision).collect(Collectors.toSet()));
  }

  @Test
  void rollingUpdateWithSurgeKeepsEveryNodeAvailable() {
    addNodes("n1", "n2", "n3", "n4");
    w.create(DaemonSetSync.DAEMON_SETS,
        daemonSet("fluentd:1", "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':0,'maxSurge':1}}"));
    converge();
    w.afterEachStep = () -> {
      for (String n : nodes.keySet()) {
        assertTrue(pods().stream().anyMatch(p -> DaemonNodes.targetNode(p).equals(n) && Pods.ready(p)),
            "node " + n + " lost its available pod");
      }
      assertTrue(podsPerNode().values().stream().allMatch(c -> c <= 2));
      assertTrue(podsPerNode().values().stream().filter(c -> c == 2).count() <= 1, "more than maxSurge 1 extra");
    };
    setTemplateImage("fluentd:2");
    converge();
    assertEquals(Set.of(DaemonHistory.hash(ds())), hashes());
    assertEquals(Map.of("n1", 1L, "n2", 1L, "n3", 1L, "n4", 1L), podsPerNode());
  }

  @Test
  void onDeleteReplacesOnlyPodsTheUserDeletes() {
    addNodes("n1", "n2");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", "{'type':'OnDelete'}"));
    converge();
    String oldHash = DaemonHistory.hash(ds());
    setTemplateImage("fluentd:2");
    converge();
    assertEquals(Set.of(oldHash), hashes());
    assertFalse(status().has("updatedNumberScheduled"));
    JsonNode victim = pods().get(0);
    w.objects.remove(ObjectKey.of(ReplicaSetSync.PODS, "default", Json.metaText(victim, "name")));
    converge();
    assertEquals(Set.of(oldHash, DaemonHistory.hash(ds())), hashes());
    assertEquals(1, status().path("updatedNumberScheduled").asInt());
  }

  @Test
  void undoToAnOldTemplateReusesItsRevisionWithTheNextNumber() {
    addNodes("n1", "n2");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", ROLLING_1));
    converge();
    String firstHash = DaemonHistory.hash(ds());
    setTemplateImage("fluentd:2");
    converge();
    setTemplateImage("fluentd:1"); // what kubectl rollout undo's patch does
    converge();
    Map<String, Long> byName = w.list(DaemonHistory.REVISIONS).stream()
        .collect(Collectors.toMap(r -> Json.metaText(r, "name"), DaemonHistory::revision));
    assertEquals(2, byName.size());
    assertEquals(3L, byName.get("fluentd-" + firstHash));
    assertEquals(Set.of(firstHash), hashes());
  }

  @Test
  void revisionHistoryLimitDeletesTheOldestRevisions() {
    addNodes("n1");
    ObjectNode ds = daemonSet("fluentd:1", ROLLING_1);
    ds.with("spec").put("revisionHistoryLimit", 1);
    w.create(DaemonSetSync.DAEMON_SETS, ds);
    converge();
    for (int i = 2; i <= 4; i++) {
      setTemplateImage("fluentd:" + i);
      converge();
    }
    assertEquals(List.of(3L, 4L), w.list(DaemonHistory.REVISIONS).stream().map(DaemonHistory::revision).sorted()
        .toList());
  }

  @Test
  void aNameClashWithAnotherTemplateMovesCollisionCountOn() {
    addNodes("n1");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", ROLLING_1));
    String clashing = DaemonHistory.hash(ds());
    ObjectNode squatter = DaemonHistory.snapshot(daemonSet("something-else", ROLLING_1), clashing, 1);
    Json.meta(squatter).remove("ownerReferences");
    Json.meta(squatter).putObject("labels").put("app", "unrelated");
    w.create(DaemonHistory.REVISIONS, squatter);
    converge();
    assertEquals(1, status().path("collisionCount").asInt());
    String hash = DaemonHistory.hash(ds());
    assertNotEquals(clashing, hash);
    assertEquals(Set.of(hash), hashes());
    assertTrue(w.objects.containsKey(ObjectKey.of(DaemonHistory.REVISIONS, "default", "fluentd-" + hash)));
  }

  @Test
  void orphanDaemonPodsAreAdoptedAndExtraOnesDeleted() {
    addNodes("n1");
    w.create(DaemonSetSync.DAEMON_SETS, daemonSet("fluentd:1", ROLLING_1));
    converge();
    ObjectNode orphan = DaemonNodes.pod(ds(), "n1", "whatever");
    Json.meta(orphan).remove("ownerReferences");
    w.now = w.now.plusSeconds(5);
    w.create(ReplicaSetSync.PODS, orphan);
    converge();
    assertEquals(Map.of("n1", 1L), podsPerNode());
    assertEquals(Set.of(DaemonHistory.hash(ds())), hashes(), "the older pod stays, the extra one goes");
  }

  @Test
  void statusCountsOnlyNodesThatShouldRunAndTheOldestPodOfEach() {
    ObjectNode ds = daemonSet("fluentd:1", ROLLING_1);
    Json.meta(ds).put("generation", 3);
    Map<String, JsonNode> byName = new TreeMap<>(Map.of("a", DaemonNodesTest.node("a", "{}", "[]"),
        "b", DaemonNodesTest.node("b", "{}", "[]")));
    Map<String, DaemonNodes.Fit> fits = Map.of("a", new DaemonNodes.Fit(true, true),
        "b", new DaemonNodes.Fit(true, true));
    ObjectNode ready = DaemonNodes.pod(ds, "a", "h");
    ready.with("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True")
        .put("lastTransitionTime", "2026-01-01T00:00:00Z");
    ds.with("spec").put("minReadySeconds", 10);
    ObjectNode status = DaemonSetSync.status(ds, byName, fits, Map.of("a", List.of(ready)), "h",
        Instant.parse("2026-01-01T00:00:05Z"));
    ObjectNode expected = json("{'currentNumberScheduled':1,'numberMisscheduled':0,'desiredNumberScheduled':2,"
        + "'numberReady':1,'observedGeneration':3,'updatedNumberScheduled':1,'numberUnavailable':2}");
    assertTrue(io.tugboat.model.ObjectLifecycle.same(expected, status), status.toString());
  }
}

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
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The Deployment step as a pure function over an in-memory namespace: new ReplicaSets named by hash, rolling
 * updates that keep maxSurge and maxUnavailable after every single write, Recreate, proportional scaling, history
 * cleanup, pause, rollback and the progress deadline.
 */
class DeploymentSyncTest {

  static final ObjectKey KEY = ObjectKey.of(DeploymentSync.DEPLOYMENTS, "default", "web");

  private static ObjectNode deployment(int replicas, String strategy) {
    return json("{'metadata':{'name':'web','annotations':{'kubernetes.io/change-cause':'first'}},'spec':{'replicas':"
        + replicas + ",'selector':{'matchLabels':{'app':'web'}},'strategy':" + strategy + ",'template':{'metadata':"
        + "{'labels':{'app':'web'}},'spec':{'containers':[{'name':'c','image':'nginx:1'}]}}}}");
  }

  private static String rolling(String surge, String unavailable) {
    return "{'type':'RollingUpdate','rollingUpdate':{'maxSurge':" + surge + ",'maxUnavailable':" + unavailable + "}}";
  }

  /**
   * Two Deployment steps (the second before any ReplicaSet loop saw the first: the Deployment's loop is faster than
   * theirs), then the ReplicaSets until they settle. Answers the Deployment steps' writes.
   */
  private static int step(World w) {
    int writes = 0;
    for (int i = 0; i < 2; i++) {
      writes += w.apply(DeploymentSync.plan(w.objects.get(KEY), w.list(DeploymentSync.REPLICA_SETS),
          w.list(ReplicaSetSync.PODS), w.now));
      w.afterEachStep.run();
    }
    w.settleReplicaSets();
    return writes;
  }

  /** Steps, making {@code readyPerStep} pods ready each time, until nothing is written and no pod waits. */
  private static void converge(World w, int readyPerStep) {
    for (int i = 0; i < 500; i++) {
      int writes = step(w);
      int ready = w.makeReady(readyPerStep);
      if (ready > 0) {
        w.settleReplicaSets();
      }
      if (writes == 0 && ready == 0) {
        return;
      }
    }
    throw new AssertionError("the deployment never settles: " + w.objects.get(KEY).path("status"));
  }

  private static void setImage(World w, String image) {
    ObjectNode d = w.objects.get(KEY).deepCopy();
    ((ObjectNode) d.path("spec").path("template").path("spec").path("containers").get(0)).put("image", image);
    assertTrue(w.update(KEY, d, Subresource.MAIN));
  }

  private static void patchSpec(World w, String field, JsonNode value) {
    ObjectNode d = w.objects.get(KEY).deepCopy();
    d.with("spec").set(field, value);
    assertTrue(w.update(KEY, d, Subresource.MAIN));
  }

  private static List<JsonNode> replicaSets(World w) {
    List<JsonNode> rss = new java.util.ArrayList<>(w.list(DeploymentSync.REPLICA_SETS));
    rss.sort(Comparator.comparingLong(Rollout::revisionOf));
    return rss;
  }

  private static String condition(JsonNode d, String type) {
    return DeploymentStatus.condition(d.path("status"), type).map(c -> c.path("status").asText() + "/"
        + c.path("reason").asText()).orElse("none");
  }

  @Test
  void createsTheNewReplicaSetNamedByTemplateHashWithRevisionAnnotations() {
    World w = new World();
    w.create(DeploymentSync.DEPLOYMENTS, deployment(3, rolling("1", "1")));
    step(w);
    JsonNode rs = replicaSets(w).get(0);
    String hash = rs.path("metadata").path("labels").path(PodTemplateHash.LABEL).asText();
    assertEquals("web-" + hash, Json.metaText(rs, "name"));
    assertEquals(PodTemplateHash.compute(w.objects.get(KEY).path("spec").path("template"), null), hash);
    assertEquals(hash, rs.path("spec").path("selector").path("matchLabels").path(PodTemplateHash.LABEL).asText());
    assertEquals(hash, rs.path("spec").path("template").path("metadata").path("labels").path(PodTemplateHash.LABEL)
        .asText());
    JsonNode annotations = rs.path("metadata").path("annotations");
    assertEquals("1", annotations.path(Rollout.REVISION).asText());
    assertEquals("3", annotations.path(Rollout.DESIRED_REPLICAS).asText());
    assertEquals("4", annotations.path(Rollout.MAX_REPLICAS).asText());
    assertEquals("first", annotations.path("kubernetes.io/change-cause").asText());
    assertEquals(3, rs.path("spec").path("replicas").asInt());
    assertEquals("True/NewReplicaSetCreated", condition(w.objects.get(KEY), "Progressing"));
    assertTrue(w.events.contains("ScalingReplicaSet Scaled up replica set web-" + hash + " from 0 to 3"), w.events.toString());
    converge(w, 3);
    JsonNode d = w.objects.get(KEY);
    assertEquals("1", d.path("metadata").path("annotations").path(Rollout.REVISION).asText());
    assertEquals("True/NewReplicaSetAvailable", condition(d, "Progressing"));
    assertEquals("True/MinimumReplicasAvailable", condition(d, "Available"));
    assertEquals(3, d.path("status").path("availableReplicas").asInt());
    assertEquals(3, d.path("status").path("updatedReplicas").asInt());
  }

  @ParameterizedTest(name = "replicas {0}, maxSurge {1}, maxUnavailable {2}, {3} pods ready per step")
  @CsvSource(delimiter = ';', value = {
      "10; '25%'; '25%'; 1", "10; '25%'; '25%'; 4", "5; 0; 1; 1", "4; 1; 0; 1", "3; '50%'; '0%'; 2", "7; 3; 2; 3",
      "1; 1; 0; 1", "6; '100%'; 0; 6"})
  void rollingUpdateKeepsMaxSurgeAndMaxUnavailableAfterEveryWrite(int replicas, String surge, String unavailable,
      int readyPerStep) {
    World w = new World();
    String s = surge.endsWith("%") ? "'" + surge + "'" : surge;
    String u = unavailable.endsWith("%") ? "'" + unavailable + "'" : unavailable;
    w.create(DeploymentSync.DEPLOYMENTS, deployment(replicas, rolling(s, u)));
    converge(w, replicas);
    Rollout.Params params = Rollout.Params.of(w.objects.get(KEY));
    int[] maxSeen = {0};
    int[] minAvailable = {Integer.MAX_VALUE};
    w.afterEachStep = () -> {
      int active = 0;
      int available = 0;
      for (JsonNode p : w.list(ReplicaSetSync.PODS)) {
        if (Pods.active(p)) {
          active++;
          if (Pods.ready(p)) {
            available++;
          }
        }
      }
      maxSeen[0] = Math.max(maxSeen[0], active);
      minAvailable[0] = Math.min(minAvailable[0], available);
      assertTrue(active <= replicas + params.maxSurge(), active + " pods > replicas + maxSurge");
      assertTrue(available >= replicas - params.maxUnavailable(), available + " available < replicas - maxUnavailable");
    };
    setImage(w, "nginx:2");
    converge(w, readyPerStep);
    List<JsonNode> rss = replicaSets(w);
    assertEquals(2, rss.size());
    assertEquals(0, rss.get(0).path("spec").path("replicas").asInt());
    assertEquals(replicas, rss.get(1).path("spec").path("replicas").asInt());
    assertEquals("2", rss.get(1).path("metadata").path("annotations").path(Rollout.REVISION).asText());
    JsonNode d = w.objects.get(KEY);
    assertEquals("2", d.path("metadata").path("annotations").path(Rollout.REVISION).asText());
    assertEquals(replicas, d.path("status").path("updatedReplicas").asInt());
    assertEquals(replicas, d.path("status").path("availableReplicas").asInt());
    assertEquals("True/NewReplicaSetAvailable", condition(d, "Progressing"));
    for (JsonNode p : w.list(ReplicaSetSync.PODS)) {
      assertEquals("nginx:2", p.path("spec").path("containers").get(0).path("image").asText());
    }
    assertTrue(maxSeen[0] > replicas || minAvailable[0] < replicas, "the rollout moved through intermediate states");
  }

  @Test
  void resolvesPercentagesRoundingSurgeUpAndUnavailableDown() {
    Rollout.Params p = Rollout.Params.of(deployment(10, rolling("'25%'", "'25%'")));
    assertEquals(3, p.maxSurge());
    assertEquals(2, p.maxUnavailable());
    Rollout.Params zero = Rollout.Params.of(deployment(1, rolling("'10%'", "'10%'")));
    assertEquals(1, zero.maxSurge());
    assertEquals(0, zero.maxUnavailable());
  }

  @Test
  void recreateScalesOldToZeroBeforeTheNewReplicaSetGetsPods() {
    World w = new World();
    w.create(DeploymentSync.DEPLOYMENTS, deployment(3, "{'type':'Recreate'}"));
    converge(w, 3);
    w.afterEachStep = () -> {
      long images = w.list(ReplicaSetSync.PODS).stream()
          .map(p -> p.path("spec").path("containers").get(0).path("image").asText()).distinct().count();
      assertTrue(images <= 1, "old and new pods at once");
    };
    setImage(w, "nginx:2");
    converge(w, 3);
    List<JsonNode> rss = replicaSets(w);
    assertEquals(0, rss.get(0).path("spec").path("replicas").asInt());
    assertEquals(3, rss.get(1).path("spec").path("replicas").asInt());
    assertEquals(3, w.objects.get(KEY).path("status").path("availableReplicas").asInt());
  }

  @Test
  void scalingMidRolloutSpreadsTheNewReplicasProportionally() {
    // Kubernetes' documented example: 10 replicas, maxSurge 3, maxUnavailable 2, a rollout whose pods never get
    // ready; scaling to 15 adds 3 to the old ReplicaSet and 2 to the new one.
    World w = new World();
    w.create(DeploymentSync.DEPLOYMENTS, deployment(10, rolling("3", "2")));
    converge(w, 10);
    setImage(w, "nginx:missing");
    converge(w, 0);
    List<JsonNode> rss = replicaSets(w);
    assertEquals(8, rss.get(0).path("spec").path("replicas").asInt());
    assertEquals(5, rss.get(1).path("spec").path("replicas").asInt());
    patchSpec(w, "replicas", Json.NODES.numberNode(15));
    converge(w, 0);
    rss = replicaSets(w);
    assertEquals(11, rss.get(0).path("spec").path("replicas").asInt());
    assertEquals(7, rss.get(1).path("spec").path("replicas").asInt());
  }

  @Test
  void keepsRevisionHistoryLimitOldReplicaSets() {
    World w = new World();
    ObjectNode spec = deployment(2, rolling("1", "0"));
    spec.with("spec").put("revisionHistoryLimit", 1);
    w.create(DeploymentSync.DEPLOYMENTS, spec);
    converge(w, 2);
    for (String image : List.of("nginx:2", "nginx:3", "nginx:4")) {
      setImage(w, image);
      converge(w, 2);
    }
    List<JsonNode> rss = replicaSets(w);
    assertEquals(2, rss.size(), "the current one and one old");
    assertEquals(List.of("3", "4"), rss.stream().map(r -> r.path("metadata").path("annotations")
        .path(Rollout.REVISION).asText()).toList());
  }

  @Test
  void rollbackReusesTheOldReplicaSetUnderANewRevision() {
    World w = new World();
    w.create(DeploymentSync.DEPLOYMENTS, deployment(2, rolling("1", "0")));
    converge(w, 2);
    String first = Json.metaText(replicaSets(w).get(0), "name");
    setImage(w, "nginx:2");
    converge(w, 2);
    setImage(w, "nginx:1");
    converge(w, 2);
    JsonNode rs = w.get(DeploymentSync.REPLICA_SETS, first);
    assertEquals("3", rs.path("metadata").path("annotations").path(Rollout.REVISION).asText());
    assertEquals("1", rs.path("metadata").path("annotations").path(Rollout.REVISION_HISTORY).asText());
    assertEquals(2, rs.path("spec").path("replicas").asInt());
    assertEquals(2, w.list(DeploymentSync.REPLICA_SETS).size());
    assertEquals("3", w.objects.get(KEY).path("metadata").path("annotations").path(Rollout.REVISION).asText());
  }

  @Test
  void pausedDeploymentDoesNotRollOutUntilResumed() {
    World w = new World();
    w.create(DeploymentSync.DEPLOYMENTS, deployment(2, rolling("1", "0")));
    converge(w, 2);
    patchSpec(w, "paused", Json.NODES.booleanNode(true));
    converge(w, 2);
    assertEquals("Unknown/DeploymentPaused", condition(w.objects.get(KEY), "Progressing"));
    setImage(w, "nginx:2");
    converge(w, 2);
    assertEquals(1, w.list(DeploymentSync.REPLICA_SETS).size());
    patchSpec(w, "paused", Json.NODES.booleanNode(false));
    w.apply(DeploymentSync.plan(w.objects.get(KEY), w.list(DeploymentSync.REPLICA_SETS), w.list(ReplicaSetSync.PODS),
        w.now));
    assertEquals("Unknown/DeploymentResumed", condition(w.objects.get(KEY), "Progressing"));
    converge(w, 2);
    assertEquals(2, w.list(DeploymentSync.REPLICA_SETS).size());
    assertEquals("True/NewReplicaSetAvailable", condition(w.objects.get(KEY), "Progressing"));
  }

  @Test
  void progressDeadlineExceededWhenPodsNeverBecomeAvailable() {
    World w = new World();
    ObjectNode spec = deployment(2, rolling("1", "0"));
    spec.with("spec").put("progressDeadlineSeconds", 30);
    w.create(DeploymentSync.DEPLOYMENTS, spec);
    converge(w, 0);
    JsonNode d = w.objects.get(KEY);
    Plan plan = DeploymentSync.plan(d, w.list(DeploymentSync.REPLICA_SETS), w.list(ReplicaSetSync.PODS), w.now);
    assertTrue(plan.wakeAt().isPresent(), "wakes at the deadline");
    w.now = plan.wakeAt().get();
    step(w);
    assertEquals("False/ProgressDeadlineExceeded", condition(w.objects.get(KEY), "Progressing"));
    assertEquals("False/MinimumReplicasUnavailable", condition(w.objects.get(KEY), "Available"));
  }

  @Test
  void nameTakenByAnotherTemplateMovesCollisionCount() {
    World w = new World();
    ObjectNode d = w.create(DeploymentSync.DEPLOYMENTS, deployment(1, rolling("1", "0")));
    String hash = PodTemplateHash.compute(d.path("spec").path("template"), null);
    w.create(DeploymentSync.REPLICA_SETS, json("{'metadata':{'name':'web-" + hash + "','labels':{'app':'other'}},"
        + "'spec':{'replicas':0,'selector':{'matchLabels':{'app':'other'}},'template':{'metadata':{'labels':"
        + "{'app':'other'}},'spec':{'containers':[{'name':'c','image':'x'}]}}}}"));
    step(w);
    assertEquals(1, w.objects.get(KEY).path("status").path("collisionCount").asInt());
    step(w);
    String second = PodTemplateHash.compute(d.path("spec").path("template"), 1);
    assertNotEquals(hash, second);
    assertTrue(w.get(DeploymentSync.REPLICA_SETS, "web-" + second) != null);
  }

  @Test
  void hashIsStableAndUsesOnlySafeCharacters() {
    JsonNode t = deployment(1, rolling("1", "0")).path("spec").path("template");
    String h = PodTemplateHash.compute(t, null);
    assertEquals(h, PodTemplateHash.compute(t.deepCopy(), null));
    assertTrue(h.matches("[bcdfghjklmnpqrstvwxz2456789]+"), h);
    assertFalse(h.equals(PodTemplateHash.compute(t, 0)));
  }
}

package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.workloads.World.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The StatefulSet step as a pure function over an in-memory namespace; the test is the kubelet. */
class StatefulSetSyncTest {

  static final ResourceType STS = StatefulSetSync.STATEFUL_SETS;
  static final ResourceType PODS = ReplicaSetSync.PODS;
  static final ResourceType CLAIMS = StatefulSetPods.CLAIMS;
  static final ResourceType REVISIONS = StatefulSetRevisions.REVISIONS;

  static ObjectNode web(int replicas, String policy, String image) {
    return json("{'apiVersion':'apps/v1','kind':'StatefulSet','metadata':{'name':'web'},'spec':{'replicas':"
        + replicas + ",'serviceName':'nginx','podManagementPolicy':'" + policy + "','selector':{'matchLabels':"
        + "{'app':'nginx'}},'template':{'metadata':{'labels':{'app':'nginx'}},'spec':{'containers':"
        + "[{'name':'nginx','image':'" + image + "','volumeMounts':[{'name':'www','mountPath':'/usr/share/nginx/html'}]}]}},"
        + "'volumeClaimTemplates':[{'metadata':{'name':'www'},'spec':{'accessModes':['ReadWriteOnce'],"
        + "'resources':{'requests':{'storage':'1Gi'}}}}]}}");
  }

  /** One step of the set's loop over the world as it is; the writes that took effect. */
  static int step(World w) {
    JsonNode set = w.get(STS, "web");
    return w.apply(StatefulSetSync.plan(set, w.list(REVISIONS), w.list(PODS), w.list(CLAIMS), w.now));
  }

  /** Steps until one writes nothing. */
  static void settle(World w) {
    for (int i = 0; i < 100; i++) {
      if (step(w) == 0) {
        return;
      }
    }
    throw new AssertionError("the StatefulSet never settles");
  }

  static List<String> podNames(World w) {
    List<String> names = new ArrayList<>();
    w.list(PODS).forEach(p -> names.add(Json.metaText(p, "name")));
    names.sort(null);
    return names;
  }

  static void patchSpec(World w, String field, JsonNode value) {
    ObjectNode set = w.get(STS, "web").deepCopy();
    ((ObjectNode) set.path("spec")).set(field, value);
    assertTrue(w.update(ObjectKey.of(STS, "default", "web"), set, Subresource.MAIN));
  }

  static void setImage(World w, String image) {
    ObjectNode set = w.get(STS, "web").deepCopy();
    ((ObjectNode) set.path("spec").path("template").path("spec").path("containers").get(0)).put("image", image);
    assertTrue(w.update(ObjectKey.of(STS, "default", "web"), set, Subresource.MAIN));
  }

  static String image(JsonNode pod) {
    return pod.path("spec").path("containers").get(0).path("image").asText();
  }

  @Test
  void orderedReadyCreatesEachPodOnlyWhenTheLowerOnesAreRunningAndReady() {
    World w = new World();
    w.create(STS, web(3, "OrderedReady", "nginx:1"));
    settle(w);
    assertEquals(List.of("web-0"), podNames(w));
    assertEquals(1, w.list(CLAIMS).size(), "the claim of web-0 only");
    for (int i = 1; i < 3; i++) {
      w.makeReady(1);
      settle(w);
      assertEquals(i + 1, podNames(w).size());
    }
    assertEquals(List.of("web-0", "web-1", "web-2"), podNames(w));
    assertTrue(w.events.contains("SuccessfulCreate create Pod web-0 in StatefulSet web successful"), w.events.toString());
    assertTrue(w.events.contains("SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success"),
        w.events.toString());
    // The claim of an ordinal always comes before its pod.
    assertTrue(w.events.indexOf("SuccessfulCreate create Claim www-web-2 Pod web-2 in StatefulSet web success")
        < w.events.indexOf("SuccessfulCreate create Pod web-2 in StatefulSet web successful"));
    w.makeReady(1);
    settle(w);
    JsonNode status = w.get(STS, "web").path("status");
    assertEquals(3, status.path("readyReplicas").asInt(), status.toString());
    assertEquals(3, status.path("availableReplicas").asInt());
    assertEquals(3, status.path("currentReplicas").asInt());
    assertEquals(status.path("currentRevision"), status.path("updateRevision"));
  }

  @Test
  void podsCarryTheirIdentityAndTheirClaims() {
    World w = new World();
    w.create(STS, web(1, "OrderedReady", "nginx:1"));
    settle(w);
    JsonNode pod = w.get(PODS, "web-0");
    JsonNode labels = pod.path("metadata").path("labels");
    assertEquals("web-0", labels.path(StatefulSetPods.POD_NAME).asText());
    assertEquals("0", labels.path(StatefulSetPods.POD_INDEX).asText());
    assertEquals("nginx", labels.path("app").asText());
    JsonNode revision = w.list(REVISIONS).get(0);
    assertEquals(Json.metaText(revision, "name"), labels.path(StatefulSetPods.REVISION).asText());
    assertEquals("web-" + revision.path("metadata").path("labels").path(StatefulSetRevisions.HASH).asText(),
        Json.metaText(revision, "name"));
    assertEquals(1, revision.path("revision").asLong());
    assertEquals("replace", revision.path("data").path("spec").path("template").path("$patch").asText());
    assertEquals("web-0", pod.path("spec").path("hostname").asText());
    assertEquals("nginx", pod.path("spec").path("subdomain").asText());
    assertEquals("www-web-0", pod.path("spec").path("volumes").get(0).path("persistentVolumeClaim")
        .path("claimName").asText());
    assertEquals("StatefulSet", pod.path("metadata").path("ownerReferences").get(0).path("kind").asText());
    JsonNode claim = w.get(CLAIMS, "www-web-0");
    assertEquals("nginx", claim.path("metadata").path("labels").path("app").asText());
    assertEquals("1Gi", claim.path("spec").path("resources").path("requests").path("storage").asText());
    assertTrue(claim.path("metadata").path("ownerReferences").isMissingNode(), "Retain: the claim has no owner");
  }

  @Test
  void claimNamesAreTemplateSetAndOrdinal() {
    ObjectNode set = web(1, "OrderedReady", "nginx");
    assertEquals("www-web-7", StatefulSetPods.claimName(set, "www", 7));
    assertEquals(List.of("www-web-3"), StatefulSetPods.claimNames(set, 3));
    set.put("kind", "StatefulSet");
    assertEquals(3, StatefulSetPods.ordinal(set, json("{'metadata':{'name':'web-3'}}")));
    assertEquals(-1, StatefulSetPods.ordinal(set, json("{'metadata':{'name':'web-x'}}")));
    assertEquals(-1, StatefulSetPods.ordinal(set, json("{'metadata':{'name':'webby-3'}}")));
  }

  @Test
  void parallelCreatesEveryPodAtOnce() {
    World w = new World();
    w.create(STS, web(3, "Parallel", "nginx:1"));
    step(w); // the revision
    step(w); // the claims
    assertEquals(3, w.list(CLAIMS).size());
    step(w); // the pods, none ready
    assertEquals(List.of("web-0", "web-1", "web-2"), podNames(w));
  }

  @Test
  void ordinalsStartWhereTheSpecSays() {
    World w = new World();
    ObjectNode set = web(2, "Parallel", "nginx:1");
    ((ObjectNode) set.path("spec")).putObject("ordinals").put("start", 5);
    w.create(STS, set);
    settle(w);
    assertEquals(List.of("web-5", "web-6"), podNames(w));
    assertEquals("5", w.get(PODS, "web-5").path("metadata").path("labels").path(StatefulSetPods.POD_INDEX).asText());
  }

  @Test
  void scaleDownRemovesTheHighestOrdinalFirstOneAtATimeAndKeepsItsClaims() {
    World w = new World();
    w.create(STS, web(3, "OrderedReady", "nginx:1"));
    for (int i = 0; i < 4; i++) {
      settle(w);
      w.makeReady(3);
    }
    assertEquals(3, podNames(w).size());
    patchSpec(w, "replicas", Json.NODES.numberNode(1));
    List<Plan.Action> actions = StatefulSetSync.plan(w.get(STS, "web"), w.list(REVISIONS), w.list(PODS),
        w.list(CLAIMS), w.now).actions();
    List<String> deleted = actions.stream().filter(a -> a instanceof Plan.Delete)
        .map(a -> ((Plan.Delete) a).key().name()).toList();
    assertEquals(List.of("web-2"), deleted);
    // web-2 is terminating: nothing more until it is gone.
    ObjectNode terminating = w.get(PODS, "web-2").deepCopy();
    Json.meta(terminating).put("deletionTimestamp", "2026-01-01T00:00:00Z");
    w.objects.put(ObjectKey.of(PODS, "default", "web-2"), terminating);
    assertTrue(StatefulSetSync.plan(w.get(STS, "web"), w.list(REVISIONS), w.list(PODS), w.list(CLAIMS), w.now)
        .actions().stream().noneMatch(a -> a instanceof Plan.Delete));
    w.objects.remove(ObjectKey.of(PODS, "default", "web-2"));
    settle(w);
    assertEquals(List.of("web-0"), podNames(w));
    assertEquals(3, w.list(CLAIMS).size(), "claims outlive their pods");
    assertTrue(w.events.indexOf("SuccessfulDelete delete Pod web-2 in StatefulSet web successful")
        < w.events.indexOf("SuccessfulDelete delete Pod web-1 in StatefulSet web successful"));
    // Scaling up again reuses the claims.
    patchSpec(w, "replicas", Json.NODES.numberNode(2));
    settle(w);
    assertEquals(List.of("web-0", "web-1"), podNames(w));
    assertEquals(3, w.list(CLAIMS).size());
  }

  @Test
  void whenScaledDeleteHandsTheClaimToTheCondemnedPod() {
    World w = new World();
    ObjectNode set = web(2, "Parallel", "nginx:1");
    ((ObjectNode) set.path("spec")).putObject("persistentVolumeClaimRetentionPolicy")
        .put("whenDeleted", "Delete").put("whenScaled", "Delete");
    w.create(STS, set);
    settle(w);
    w.makeReady(2);
    JsonNode claim = w.get(CLAIMS, "www-web-1");
    assertEquals(Json.metaText(w.get(STS, "web"), "uid"),
        claim.path("metadata").path("ownerReferences").get(0).path("uid").asText());
    assertFalse(claim.path("metadata").path("ownerReferences").get(0).path("controller").asBoolean());
    String podUid = Json.metaText(w.get(PODS, "web-1"), "uid");
    patchSpec(w, "replicas", Json.NODES.numberNode(1));
    settle(w);
    assertNull(w.get(PODS, "web-1"));
    JsonNode refs = w.get(CLAIMS, "www-web-1").path("metadata").path("ownerReferences");
    assertEquals(1, refs.size(), "the pod's only, so the claim goes with it: " + refs);
    assertEquals(podUid, refs.get(0).path("uid").asText());
    assertEquals(Json.metaText(w.get(STS, "web"), "uid"), w.get(CLAIMS, "www-web-0").path("metadata")
        .path("ownerReferences").get(0).path("uid").asText(), "kept claims stay the set's");
  }

  @Test
  void claimsFollowARetentionPolicyChangedAfterTheyWereMade() {
    World w = new World();
    w.create(STS, web(2, "Parallel", "nginx:1"));
    settle(w);
    w.makeReady(2);
    assertTrue(w.get(CLAIMS, "www-web-0").path("metadata").path("ownerReferences").isMissingNode());
    patchSpec(w, "persistentVolumeClaimRetentionPolicy", json("{'whenDeleted':'Delete','whenScaled':'Retain'}"));
    settle(w);
    for (String claim : List.of("www-web-0", "www-web-1")) {
      JsonNode refs = w.get(CLAIMS, claim).path("metadata").path("ownerReferences");
      assertEquals(1, refs.size(), refs.toString());
      assertEquals("StatefulSet", refs.get(0).path("kind").asText());
    }
    patchSpec(w, "persistentVolumeClaimRetentionPolicy", json("{'whenDeleted':'Retain','whenScaled':'Retain'}"));
    settle(w);
    assertTrue(w.get(CLAIMS, "www-web-1").path("metadata").path("ownerReferences").isMissingNode());
  }

  @Test
  void aCondemnedPodGoesOnlyOnceItsClaimsAreItsOwn() {
    World w = new World();
    ObjectNode set = web(2, "Parallel", "nginx:1");
    ((ObjectNode) set.path("spec")).putObject("persistentVolumeClaimRetentionPolicy")
        .put("whenDeleted", "Retain").put("whenScaled", "Delete");
    w.create(STS, set);
    settle(w);
    w.makeReady(2);
    patchSpec(w, "replicas", Json.NODES.numberNode(1));
    List<Plan.Action> first = StatefulSetSync.plan(w.get(STS, "web"), w.list(REVISIONS), w.list(PODS),
        w.list(CLAIMS), w.now).actions();
    assertTrue(first.stream().noneMatch(a -> a instanceof Plan.Delete), "claims first: " + first);
    assertTrue(first.stream().anyMatch(a -> a instanceof Plan.Update u && u.key().name().equals("www-web-1")));
  }

  @Test
  void failedPodIsDeletedAndMadeAgainWithTheSameName() {
    World w = new World();
    w.create(STS, web(2, "OrderedReady", "nginx:1"));
    for (int i = 0; i < 3; i++) {
      settle(w);
      w.makeReady(2);
    }
    String oldUid = Json.metaText(w.get(PODS, "web-1"), "uid");
    ObjectNode failed = w.get(PODS, "web-1").deepCopy();
    failed.with("status").put("phase", "Failed");
    w.objects.put(ObjectKey.of(PODS, "default", "web-1"), failed);
    settle(w);
    assertEquals(List.of("web-0", "web-1"), podNames(w));
    assertNotEquals(oldUid, Json.metaText(w.get(PODS, "web-1"), "uid"));
    assertEquals(2, w.list(CLAIMS).size(), "the same claim again");
    assertTrue(w.events.contains("SuccessfulDelete delete Pod web-1 in StatefulSet web successful"));
  }

  @Test
  void rollingUpdateGoesFromTheHighestOrdinalDownToThePartition() {
    World w = new World();
    w.create(STS, web(4, "OrderedReady", "nginx:1"));
    for (int i = 0; i < 5; i++) {
      settle(w);
      w.makeReady(4);
    }
    String oldRevision = w.get(STS, "web").path("status").path("currentRevision").asText();
    ObjectNode strategy = json("{'type':'RollingUpdate','rollingUpdate':{'partition':2}}");
    patchSpec(w, "updateStrategy", strategy);
    setImage(w, "nginx:2");
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      List<String> before = podNames(w);
      for (String name : before) {
        // Record each pod that comes back with the new image, in order.
        if (image(w.get(PODS, name)).equals("nginx:2") && !order.contains(name)) {
          order.add(name);
        }
      }
      settle(w);
      assertTrue(w.list(PODS).stream().filter(p -> !Pods.ready(p)).count() <= 1, "one pod at a time");
      w.makeReady(1);
    }
    assertEquals(List.of("web-3", "web-2"), order);
    assertEquals("nginx:1", image(w.get(PODS, "web-1")));
    assertEquals("nginx:1", image(w.get(PODS, "web-0")));
    JsonNode status = w.get(STS, "web").path("status");
    assertEquals(oldRevision, status.path("currentRevision").asText(), "partitioned: not complete");
    assertEquals(2, status.path("updatedReplicas").asInt(), status.toString());
    assertEquals(2, status.path("currentReplicas").asInt(), status.toString());
    assertEquals(2, w.get(REVISIONS, status.path("updateRevision").asText()).path("revision").asInt());
    // Partition 0 finishes the rollout; the update revision becomes the current one.
    patchSpec(w, "updateStrategy", json("{'type':'RollingUpdate','rollingUpdate':{'partition':0}}"));
    for (int i = 0; i < 6; i++) {
      settle(w);
      w.makeReady(1);
    }
    settle(w);
    status = w.get(STS, "web").path("status");
    assertEquals(status.path("updateRevision"), status.path("currentRevision"), status.toString());
    assertEquals(4, status.path("updatedReplicas").asInt());
    w.list(PODS).forEach(p -> assertEquals("nginx:2", image(p)));
  }

  @Test
  void maxUnavailableReplacesThatManyPodsAtOnceFromTheTop() {
    World w = new World();
    w.create(STS, web(5, "Parallel", "nginx:1"));
    settle(w);
    w.makeReady(5);
    settle(w);
    patchSpec(w, "updateStrategy", json("{'type':'RollingUpdate','rollingUpdate':{'partition':0,'maxUnavailable':2}}"));
    setImage(w, "nginx:2");
    step(w); // the update revision
    List<String> deleted = StatefulSetSync.plan(w.get(STS, "web"), w.list(REVISIONS), w.list(PODS), w.list(CLAIMS),
        w.now).actions().stream().filter(a -> a instanceof Plan.Delete).map(a -> ((Plan.Delete) a).key().name())
        .toList();
    assertEquals(List.of("web-4", "web-3"), deleted);
    settle(w); // web-4 and web-3 come back from the new revision, not ready: the budget is spent
    assertEquals(2, w.list(PODS).stream().filter(p -> image(p).equals("nginx:2")).count());
    for (int i = 0; i < 5; i++) {
      w.makeReady(5);
      settle(w);
    }
    w.list(PODS).forEach(p -> assertEquals("nginx:2", image(p)));
  }

  @Test
  void onDeleteLeavesPodsUntilTheyAreDeleted() {
    World w = new World();
    ObjectNode set = web(2, "Parallel", "nginx:1");
    ((ObjectNode) set.path("spec")).set("updateStrategy", json("{'type':'OnDelete'}"));
    w.create(STS, set);
    settle(w);
    w.makeReady(2);
    setImage(w, "nginx:2");
    settle(w);
    w.list(PODS).forEach(p -> assertEquals("nginx:1", image(p)));
    w.objects.remove(ObjectKey.of(PODS, "default", "web-1"));
    settle(w);
    assertEquals("nginx:2", image(w.get(PODS, "web-1")));
    assertEquals("nginx:1", image(w.get(PODS, "web-0")));
  }

  @Test
  void anOldTemplateComingBackIsRenumberedAndHistoryIsTrimmed() {
    World w = new World();
    ObjectNode set = web(1, "Parallel", "nginx:1");
    ((ObjectNode) set.path("spec")).put("revisionHistoryLimit", 1);
    w.create(STS, set);
    for (String image : List.of("nginx:2", "nginx:3", "nginx:1")) {
      settle(w);
      w.makeReady(1);
      settle(w);
      setImage(w, image);
    }
    for (int i = 0; i < 4; i++) {
      settle(w);
      w.makeReady(1);
    }
    JsonNode status = w.get(STS, "web").path("status");
    JsonNode update = w.get(REVISIONS, status.path("updateRevision").asText());
    assertEquals(4, update.path("revision").asInt(), "nginx:1 is back as revision 4");
    assertEquals("nginx:1", image(StatefulSetRevisions.template(update)));
    assertEquals(2, w.list(REVISIONS).size(), "the live revision and one of history");
  }

  @Test
  void aNameClashWithAnotherTemplateMovesCollisionCountOn() {
    World w = new World();
    ObjectNode set = w.create(STS, web(1, "Parallel", "nginx:1"));
    String hash = StatefulSetRevisions.hash(StatefulSetRevisions.data(set), null);
    w.create(REVISIONS, json("{'metadata':{'name':'web-" + hash + "'},'data':{'other':1},'revision':1}"));
    step(w);
    assertEquals(1, w.get(STS, "web").path("status").path("collisionCount").asInt());
    step(w);
    assertEquals(2, w.list(REVISIONS).size());
  }
}

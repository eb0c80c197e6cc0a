package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.workloads.World.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ReplicaSet/ReplicationController step as a pure function: seed objects, run one step, check the writes. */
class ReplicaSetSyncTest {

  static final ResourceType RS = DeploymentSync.REPLICA_SETS;
  static final ResourceType RC = ResourceRegistry.byPath("", "v1", "replicationcontrollers").orElseThrow();
  static final ResourceType PODS = ReplicaSetSync.PODS;

  private static ObjectNode rs(int replicas) {
    return json("{'metadata':{'name':'web'},'spec':{'replicas':" + replicas + ",'selector':{'matchLabels':"
        + "{'app':'web'}},'template':{'metadata':{'labels':{'app':'web','tier':'front'}},'spec':{'containers':"
        + "[{'name':'c','image':'nginx'}]}}}}");
  }

  private static ObjectNode orphan(String name, String labels) {
    return json("{'metadata':{'name':'" + name + "','labels':" + labels + "},'spec':{'containers':"
        + "[{'name':'c','image':'nginx'}]}}");
  }

  @Test
  void createsMissingPodsFromTheTemplateWithAControllerReference() {
    World w = new World();
    ObjectNode owner = w.create(RS, rs(3));
    Plan plan = ReplicaSetSync.plan(owner, List.of(), w.now, 500);
    List<Plan.Create> creates = plan.actions().stream().filter(a -> a instanceof Plan.Create)
        .map(a -> (Plan.Create) a).toList();
    assertEquals(3, creates.size());
    JsonNode pod = creates.get(0).object();
    assertEquals("web-", Json.metaText(pod, "generateName"));
    assertEquals("front", pod.path("metadata").path("labels").path("tier").asText());
    JsonNode ref = pod.path("metadata").path("ownerReferences").get(0);
    assertEquals(Json.metaText(owner, "uid"), ref.path("uid").asText());
    assertTrue(ref.path("controller").asBoolean() && ref.path("blockOwnerDeletion").asBoolean());
    assertEquals("ReplicaSet", ref.path("kind").asText());
    assertEquals("SuccessfulCreate", creates.get(0).onSuccess().reason());
  }

  @Test
  void aFailedStepIsReportedAsReplicaFailureUntilAStepGoesThrough() {
    World w = new World();
    ObjectNode owner = w.create(RS, rs(2));
    Plan.Failure quota = new Plan.Failure("FailedCreate", "pods \"web-x\" is forbidden: exceeded quota: q");
    Plan failing = ReplicaSetSync.plan(owner, List.of(), w.now, 500, java.util.Optional.of(quota));
    ObjectNode status = statusWritten(failing);
    JsonNode condition = status.path("conditions").get(0);
    assertEquals("ReplicaFailure", condition.path("type").asText());
    assertEquals("True", condition.path("status").asText());
    assertEquals("FailedCreate", condition.path("reason").asText());
    assertEquals(quota.message(), condition.path("message").asText());
    assertEquals(2, failing.actions().stream().filter(a -> a instanceof Plan.Create).count(), "creates retried");

    ObjectNode failed = owner.deepCopy();
    failed.set("status", status);
    Plan recovered = ReplicaSetSync.plan(failed, List.of(), w.now, 500, java.util.Optional.empty());
    assertTrue(statusWritten(recovered).path("conditions").isMissingNode(), "cleared once a step goes through");
  }

  private static ObjectNode statusWritten(Plan plan) {
    return plan.actions().stream().filter(a -> a instanceof Plan.Update u && u.subresource() == Subresource.STATUS)
        .map(a -> (ObjectNode) ((Plan.Update) a).object().path("status")).findFirst().orElseThrow();
  }

  @Test
  void burstLimitsCreatesPerStep() {
    World w = new World();
    ObjectNode owner = w.create(RS, rs(10));
    assertEquals(4, ReplicaSetSync.plan(owner, List.of(), w.now, 4).actions().stream()
        .filter(a -> a instanceof Plan.Create).count());
  }

  @Test
  void deletesExtraPodsNotReadyAndUnscheduledFirst() {
    World w = new World();
    w.create(RS, rs(4));
    w.settleReplicaSets();
    w.makeReady(4);
    List<JsonNode> pods = w.list(PODS);
    // one pod scheduled and ready, one not ready, the rest ready but unscheduled
    ObjectNode notReady = (ObjectNode) pods.get(1).deepCopy();
    notReady.with("status").remove("conditions");
    w.update(ObjectKey.of(PODS, "default", Json.metaText(notReady, "name")), notReady, Subresource.STATUS);
    ObjectNode owner = w.get(RS, "web").deepCopy();
    owner.with("spec").put("replicas", 3);
    w.update(ObjectKey.of(RS, "default", "web"), owner, Subresource.MAIN);
    Plan plan = ReplicaSetSync.plan(w.get(RS, "web"), w.list(PODS), w.now, 500);
    List<Plan.Delete> deletes = plan.actions().stream().filter(a -> a instanceof Plan.Delete)
        .map(a -> (Plan.Delete) a).toList();
    assertEquals(1, deletes.size());
    assertEquals(Json.metaText(notReady, "name"), deletes.get(0).key().name());
  }

  @Test
  void ranksUnscheduledBeforeScheduledAndNewerBeforeOlder() {
    ObjectNode older = json("{'metadata':{'name':'a','creationTimestamp':'2026-01-01T00:00:00Z'},"
        + "'spec':{'nodeName':'n1'},'status':{'phase':'Running'}}");
    ObjectNode newer = json("{'metadata':{'name':'b','creationTimestamp':'2026-01-01T00:01:00Z'},"
        + "'spec':{'nodeName':'n1'},'status':{'phase':'Running'}}");
    ObjectNode unscheduled = json("{'metadata':{'name':'c','creationTimestamp':'2025-01-01T00:00:00Z'},"
        + "'spec':{},'status':{'phase':'Pending'}}");
    List<JsonNode> sorted = new java.util.ArrayList<>(List.of(older, newer, unscheduled));
    sorted.sort(Pods.DELETE_FIRST);
    assertEquals(List.of("c", "b", "a"), sorted.stream().map(p -> Json.metaText(p, "name")).toList());
  }

  @Test
  void adoptsMatchingOrphansAndReleasesPodsThatStopMatching() {
    World w = new World();
    ObjectNode owner = w.create(RS, rs(2));
    w.create(PODS, orphan("stray", "{'app':'web'}"));
    w.create(PODS, orphan("other", "{'app':'db'}"));
    w.apply(ReplicaSetSync.plan(owner, w.list(PODS), w.now, 500));
    JsonNode stray = w.get(PODS, "stray");
    assertEquals(Json.metaText(owner, "uid"), Owners.controllerUid(stray));
    assertEquals("", Owners.controllerUid(w.get(PODS, "other")));
    // one pod was adopted, so only one was created
    assertEquals(3, w.list(PODS).size());

    ObjectNode relabelled = w.get(PODS, "stray").deepCopy();
    relabelled.with("metadata").with("labels").put("app", "debug");
    w.update(ObjectKey.of(PODS, "default", "stray"), relabelled, Subresource.MAIN);
    Plan plan = ReplicaSetSync.plan(w.get(RS, "web"), w.list(PODS), w.now, 500);
    w.apply(plan);
    assertEquals("", Owners.controllerUid(w.get(PODS, "stray")), "released");
    assertEquals(1, plan.actions().stream().filter(a -> a instanceof Plan.Create).count(), "a replacement at once");
  }

  @Test
  void replacesADeletedPodAtOnceAndCountsTerminatingPodsAsGone() {
    World w = new World();
    w.create(RS, rs(2));
    w.settleReplicaSets();
    JsonNode victim = w.list(PODS).get(0);
    ObjectNode terminating = ObjectLifecycle.markDeleting((ObjectNode) victim, w.now, 30);
    w.objects.put(ObjectKey.of(PODS, "default", Json.metaText(victim, "name")), terminating);
    Plan plan = ReplicaSetSync.plan(w.get(RS, "web"), w.list(PODS), w.now, 500);
    assertEquals(1, plan.actions().stream().filter(a -> a instanceof Plan.Create).count());
  }

  @Test
  void doesNotCreateWhileTheOwnerIsBeingDeleted() {
    World w = new World();
    ObjectNode owner = ObjectLifecycle.markDeleting(w.create(RS, rs(2)), w.now, 0);
    assertTrue(ReplicaSetSync.plan(owner, List.of(), w.now, 500).actions().stream()
        .noneMatch(a -> a instanceof Plan.Create));
  }

  @Test
  void statusCountsReadyAndAvailableAfterMinReadySeconds() {
    World w = new World();
    ObjectNode spec = rs(2);
    spec.with("spec").put("minReadySeconds", 10);
    w.create(RS, spec);
    w.settleReplicaSets();
    w.makeReady(2);
    w.settleReplicaSets();
    JsonNode status = w.get(RS, "web").path("status");
    assertEquals(2, status.path("replicas").asInt());
    assertEquals(2, status.path("fullyLabeledReplicas").asInt());
    assertEquals(2, status.path("readyReplicas").asInt());
    assertFalse(status.has("availableReplicas"), "not ready long enough yet: " + status);
    assertEquals(1, status.path("observedGeneration").asInt());
    Plan plan = ReplicaSetSync.plan(w.get(RS, "web"), w.list(PODS), w.now, 500);
    assertEquals(w.now.plusSeconds(10), plan.wakeAt().orElseThrow(), "wakes when the pods become available");
    w.now = w.now.plusSeconds(10);
    w.settleReplicaSets();
    assertEquals(2, w.get(RS, "web").path("status").path("availableReplicas").asInt());
  }

  @Test
  void replicationControllerUsesItsLabelMapSelector() {
    World w = new World();
    ObjectNode rc = w.create(RC, json("{'metadata':{'name':'rc'},'spec':{'replicas':2,'template':{'metadata':"
        + "{'labels':{'app':'old'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}"));
    w.create(PODS, orphan("stray", "{'app':'old'}"));
    Plan plan = ReplicaSetSync.plan(rc, w.list(PODS), w.now, 500);
    w.apply(plan);
    assertEquals("ReplicationController", Owners.controllerRef(w.get(PODS, "stray")).orElseThrow()
        .path("kind").asText());
    assertEquals(2, w.list(PODS).size());
  }
}

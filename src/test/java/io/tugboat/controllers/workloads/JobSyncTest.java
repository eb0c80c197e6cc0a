package io.tugboat.controllers.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PodBinding;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link JobSync} without actors: a {@link World} namespace in which deletes honour finalizers (a deleted pod that
 * holds the Job's finalizer stays, being deleted, until the Job releases it), the test as kubelet finishing pods.
 */
class JobSyncTest {

  static final ResourceType PODS = ReplicaSetSync.PODS;
  static final ResourceType JOBS = JobSync.JOBS;
  static final JobSettings SETTINGS = new JobSettings(Duration.ofSeconds(10), Duration.ofMinutes(6));

  final World world = new World();
  Plan last;

  ObjectNode job(String name, String spec) {
    return world.create(JOBS, World.json("{'metadata':{'name':'" + name + "'},'spec':{" + spec
        + ",'template':{'spec':{'restartPolicy':'Never','containers':[{'name':'c','image':'busybox'}]}}}}"));
  }

  JsonNode job() {
    return world.list(JOBS).get(0);
  }

  /** One reconcile step of the only Job, its writes applied. */
  Plan step() {
    last = JobSync.plan(job(), world.list(PODS), world.now, 500, SETTINGS);
    for (Plan.Action a : last.actions()) {
      if (a instanceof Plan.Delete d && d.key().storageKey().equals(PODS.storageKey())) {
        delete(d.key());
        world.events.add(d.onSuccess().reason());
      } else {
        world.apply(new Plan(List.of(a), Optional.empty()));
      }
      goIfReleased();
    }
    return last;
  }

  /** Steps until a step writes nothing. */
  void settle() {
    for (int i = 0; i < 50; i++) {
      if (step().actions().isEmpty()) {
        return;
      }
    }
    fail("the Job never settles: " + last);
  }

  /** Deletes as the store does: an object holding finalizers is only marked. */
  void delete(ObjectKey key) {
    ObjectNode obj = world.objects.get(key);
    if (obj == null) {
      return;
    }
    if (ObjectLifecycle.hasFinalizers(obj)) {
      world.objects.put(key, ObjectLifecycle.markDeleting(obj, world.now, 0));
    } else {
      world.objects.remove(key);
    }
  }

  void goIfReleased() {
    world.objects.entrySet().removeIf(e -> ObjectLifecycle.readyToDelete(e.getValue()));
  }

  List<JsonNode> active() {
    return world.list(PODS).stream().filter(Pods::active).toList();
  }

  /** The kubelet: a pod ends with this exit code (0: Succeeded, else Failed). */
  void finish(JsonNode pod, int exitCode) {
    ObjectNode copy = (ObjectNode) pod.deepCopy();
    ObjectNode status = copy.with("status");
    status.put("phase", exitCode == 0 ? "Succeeded" : "Failed");
    ObjectNode cs = status.putArray("containerStatuses").addObject();
    cs.put("name", "c");
    ObjectNode terminated = cs.putObject("state").putObject("terminated");
    terminated.put("exitCode", exitCode);
    terminated.put("finishedAt", ObjectLifecycle.timestamp(world.now));
    assertTrue(world.update(ObjectKey.of(PODS, "default", Json.metaText(pod, "name")), copy, Subresource.STATUS));
  }

  String condition(String type) {
    return JobSync.condition(job(), type).map(c -> Json.text(c.path("status")) + " " + Json.text(c.path("reason")))
        .orElse("");
  }

  int status(String field) {
    return job().path("status").path(field).asInt(0);
  }

  @Test
  void runsTenCompletionsThreeAtATime() {
    job("pi", "'completions':10,'parallelism':3");
    settle();
    int rounds = 0;
    while (!JobSync.finished(job())) {
      assertTrue(active().size() <= 3, "never more than parallelism pods: " + active().size());
      assertEquals(Math.min(3, 10 - status("succeeded")), active().size(), "as many as remain, up to 3");
      finish(active().get(0), 0);
      world.now = world.now.plusSeconds(1);
      settle();
      assertTrue(++rounds <= 10, "one success per round");
    }
    assertEquals(10, status("succeeded"));
    assertEquals(0, status("failed"));
    assertEquals("True ", condition("Complete"));
    assertEquals("True CompletionsReached", condition("SuccessCriteriaMet"));
    assertFalse(job().path("status").path("completionTime").isMissingNode());
    assertEquals(10, world.events.stream().filter(e -> e.startsWith("SuccessfulCreate")).count());
    assertTrue(world.events.contains("Completed Job completed"));
    assertTrue(world.list(PODS).stream().noneMatch(JobTracking::tracked), "every pod released once counted");
  }

  @Test
  void podsCarryTheGeneratedSelectorLabelsAndTheTrackingFinalizer() {
    ObjectNode j = job("pi", "'completions':1");
    step();
    JsonNode pod = active().get(0);
    JsonNode labels = pod.path("metadata").path("labels");
    assertEquals("pi", labels.path("job-name").asText());
    assertEquals(Json.metaText(j, "uid"), labels.path("batch.kubernetes.io/controller-uid").asText());
    assertTrue(JobTracking.tracked(pod));
    assertEquals(Json.metaText(j, "uid"), Owners.controllerUid(pod));
    assertTrue(Json.metaText(pod, "name").startsWith("pi-"));
  }

  @Test
  void podDeletedRightAfterSucceedingIsStillCounted() {
    job("once", "'completions':2,'parallelism':2");
    settle();
    JsonNode pod = active().get(0);
    finish(pod, 0);
    ObjectKey key = ObjectKey.of(PODS, "default", Json.metaText(pod, "name"));
    delete(key); // before the Job looked: the finalizer keeps it
    assertTrue(world.objects.containsKey(key));
    settle();
    assertFalse(world.objects.containsKey(key), "released, then gone");
    assertEquals(1, status("succeeded"));
    assertEquals(1, active().size(), "not replaced: it succeeded");
  }

  @Test
  void workQueueEndsWhenOneSucceededAndNoneRuns() {
    job("queue", "'parallelism':2");
    settle();
    assertEquals(2, active().size());
    finish(active().get(0), 0);
    settle();
    assertEquals(1, active().size(), "no new pod once one succeeded");
    assertEquals("", condition("Complete"));
    finish(active().get(0), 0);
    settle();
    assertEquals("True ", condition("Complete"));
    assertEquals(2, status("succeeded"));
  }

  @Test
  void failedPodsAreReplacedAfterADoublingBackoffUntilTheLimit() {
    job("flaky", "'completions':1,'backoffLimit':2");
    settle();
    finish(active().get(0), 1);
    settle();
    assertEquals(0, active().size(), "waits out the back-off");
    assertEquals(Optional.of(world.now.plusSeconds(10)), last.wakeAt());
    world.now = world.now.plusSeconds(10);
    settle();
    assertEquals(1, active().size());
    finish(active().get(0), 1);
    settle();
    assertEquals(Optional.of(world.now.plusSeconds(20)), last.wakeAt(), "doubled after a second failure");
    world.now = world.now.plusSeconds(20);
    settle();
    finish(active().get(0), 1);
    settle();
    assertEquals(3, status("failed"));
    assertEquals("True BackoffLimitExceeded", condition("Failed"));
    assertEquals("True BackoffLimitExceeded", condition("FailureTarget"));
    assertTrue(world.events.contains("BackoffLimitExceeded Job has reached the specified backoff limit"));
    assertEquals(0, active().size());
  }

  @Test
  void backoffDoublesAndIsCapped() {
    assertEquals(Duration.ZERO, SETTINGS.backoff(0));
    assertEquals(Duration.ofSeconds(10), SETTINGS.backoff(1));
    assertEquals(Duration.ofSeconds(80), SETTINGS.backoff(4));
    assertEquals(Duration.ofSeconds(320), SETTINGS.backoff(6));
    assertEquals(Duration.ofMinutes(6), SETTINGS.backoff(7));
    assertEquals(Duration.ofMinutes(6), SETTINGS.backoff(1000));
  }

  @Test
  void restartsUnderOnFailureCountTowardTheLimit() {
    world.create(JOBS, World.json("{'metadata':{'name':'crashy'},'spec':{'backoffLimit':2,'template':{'spec':"
        + "{'restartPolicy':'OnFailure','containers':[{'name':'c','image':'busybox'}]}}}}"));
    settle();
    ObjectNode pod = (ObjectNode) active().get(0).deepCopy();
    pod.with("status").put("phase", "Running");
    pod.with("status").putArray("containerStatuses").addObject().put("name", "c").put("restartCount", 2);
    world.update(ObjectKey.of(PODS, "default", Json.metaText(pod, "name")), pod, Subresource.STATUS);
    settle();
    assertEquals("True BackoffLimitExceeded", condition("Failed"));
    assertEquals(0, active().size(), "the crashing pod is deleted");
  }

  @Test
  void activeDeadlineFailsTheJobAndDeletesItsPods() {
    job("slow", "'completions':3,'parallelism':3,'activeDeadlineSeconds':60");
    settle();
    assertEquals(3, active().size());
    Instant started = Instant.parse(job().path("status").path("startTime").asText());
    assertEquals(Optional.of(started.plusSeconds(60)), last.wakeAt());
    world.now = started.plusSeconds(60);
    settle();
    assertEquals(0, active().size());
    assertEquals("True DeadlineExceeded", condition("Failed"));
    assertEquals(3, status("failed"), "pods deleted before they ended count as failed");
    assertTrue(world.events.contains("DeadlineExceeded Job was active longer than specified deadline"));
  }

  @Test
  void finishedJobIsDeletedTtlAfterFinishing() {
    job("short", "'completions':1,'ttlSecondsAfterFinished':100");
    settle();
    finish(active().get(0), 0);
    settle();
    assertEquals("True ", condition("Complete"));
    Instant done = world.now;
    assertEquals(Optional.of(done.plusSeconds(100)), last.wakeAt());
    world.now = done.plusSeconds(100);
    Plan p = JobSync.plan(job(), world.list(PODS), world.now, 500, SETTINGS);
    assertEquals(1, p.actions().size());
    Plan.Delete d = (Plan.Delete) p.actions().get(0);
    assertEquals("short", d.key().name());
    assertEquals("Background", d.propagationPolicy());
  }

  @Test
  void suspendDeletesActivePodsAndResumeStartsAgain() {
    job("paused", "'completions':4,'parallelism':2");
    settle();
    assertEquals(2, active().size());
    ObjectNode j = (ObjectNode) job().deepCopy();
    j.with("spec").put("suspend", true);
    world.update(ObjectKey.of(JOBS, "default", "paused"), j, Subresource.MAIN);
    settle();
    assertEquals(0, active().size());
    assertEquals("True JobSuspended", condition("Suspended"));
    world.now = world.now.plusSeconds(30);
    j = (ObjectNode) job().deepCopy();
    j.with("spec").put("suspend", false);
    world.update(ObjectKey.of(JOBS, "default", "paused"), j, Subresource.MAIN);
    settle();
    assertEquals("False JobResumed", condition("Suspended"));
    assertEquals(world.now, Instant.parse(job().path("status").path("startTime").asText()), "startTime reset");
    assertEquals(2, active().size());
  }

  @Test
  void indexedJobRunsEachIndexOnceAndReportsRanges() {
    job("idx", "'completions':5,'parallelism':2,'completionMode':'Indexed'");
    settle();
    List<Integer> indexes = active().stream().map(JobIndexes::of).sorted().toList();
    assertEquals(List.of(0, 1), indexes);
    JsonNode pod0 = active().stream().filter(p -> JobIndexes.of(p) == 0).findFirst().orElseThrow();
    assertTrue(Json.metaText(pod0, "name").startsWith("idx-0-"));
    assertEquals("idx-0", pod0.path("spec").path("hostname").asText());
    assertEquals("0", pod0.path("spec").path("containers").get(0).path("env").get(0).path("value").asText());
    assertEquals("JOB_COMPLETION_INDEX",
        pod0.path("spec").path("containers").get(0).path("env").get(0).path("name").asText());
    finish(pod0, 0);
    settle();
    assertEquals("0", job().path("status").path("completedIndexes").asText());
    assertEquals(List.of(1, 2), active().stream().map(JobIndexes::of).sorted().toList());
    JsonNode pod1 = active().stream().filter(p -> JobIndexes.of(p) == 1).findFirst().orElseThrow();
    finish(pod1, 1);
    world.now = world.now.plusSeconds(10);
    settle();
    assertEquals(List.of(1, 2), active().stream().map(JobIndexes::of).sorted().toList(), "index 1 again");
    while (!active().isEmpty()) {
      finish(active().get(0), 0);
      settle();
    }
    assertEquals("0-4", job().path("status").path("completedIndexes").asText());
    assertEquals(5, status("succeeded"));
    assertEquals(1, status("failed"));
    assertEquals("True ", condition("Complete"));
  }

  @Test
  void backoffLimitPerIndexFailsOnlyThatIndex() {
    job("per", "'completions':3,'parallelism':3,'completionMode':'Indexed','backoffLimitPerIndex':1");
    settle();
    JsonNode zero = active().stream().filter(p -> JobIndexes.of(p) == 0).findFirst().orElseThrow();
    assertEquals("0", zero.path("metadata").path("annotations").path(JobPods.INDEX_FAILURES).asText());
    finish(zero, 1);
    world.now = world.now.plusSeconds(10);
    settle();
    JsonNode again = active().stream().filter(p -> JobIndexes.of(p) == 0).findFirst().orElseThrow();
    assertEquals("1", again.path("metadata").path("annotations").path(JobPods.INDEX_FAILURES).asText());
    finish(again, 1);
    world.now = world.now.plusSeconds(60);
    settle();
    assertEquals("0", job().path("status").path("failedIndexes").asText());
    assertEquals(List.of(1, 2), active().stream().map(JobIndexes::of).sorted().toList(), "index 0 not retried");
    assertEquals("", condition("Failed"), "not before the other indexes have ended");
    while (!active().isEmpty()) {
      finish(active().get(0), 0);
      settle();
    }
    assertEquals("1-2", job().path("status").path("completedIndexes").asText());
    assertEquals("True FailedIndexes", condition("Failed"));
  }

  @Test
  void maxFailedIndexesEndsTheJobEarly() {
    job("few", "'completions':4,'parallelism':2,'completionMode':'Indexed','backoffLimitPerIndex':0,"
        + "'maxFailedIndexes':0");
    settle();
    finish(active().get(0), 2);
    settle();
    assertEquals("True MaxFailedIndexesExceeded", condition("FailureTarget"));
    assertEquals(0, active().size(), "the other index's pod is deleted");
  }

  @Test
  void indexRangesParseAndFormat() {
    assertEquals("0-2,4,7-8", JobIndexes.format(JobIndexes.parse("0-2,4,7,8", 10)));
    assertEquals("", JobIndexes.format(JobIndexes.parse("", 3)));
    assertEquals("1-2", JobIndexes.format(JobIndexes.parse("1-5,x", 3)), "only indexes below completions");
  }

  @Test
  void podFailurePolicyFailsTheJobOnAnExitCode() {
    job("pfp", "'completions':2,'parallelism':2,'podFailurePolicy':{'rules':[{'action':'FailJob',"
        + "'onExitCodes':{'containerName':'c','operator':'In','values':[42]}}]}");
    settle();
    finish(active().get(0), 42);
    settle();
    assertEquals("True PodFailurePolicy", condition("FailureTarget"));
    assertEquals("", condition("Failed"), "not before the other pod has ended");
    JsonNode other = world.list(PODS).stream().filter(Owners::deleting).findFirst().orElseThrow();
    finish(other, 137);
    settle();
    assertEquals("True PodFailurePolicy", condition("Failed"));
    String message = JobSync.condition(job(), "Failed").orElseThrow().path("message").asText();
    assertTrue(message.startsWith("Container c for pod default/pfp-") && message.endsWith(
        "failed with exit code 42 matching FailJob rule at index 0"), message);
    assertEquals(0, active().size());
  }

  @Test
  void podFailurePolicyIgnoresDisruptionsAndCountsOtherCodes() {
    job("ign", "'completions':1,'backoffLimit':0,'podFailurePolicy':{'rules':[{'action':'Ignore',"
        + "'onPodConditions':[{'type':'DisruptionTarget'}]},{'action':'Count','onExitCodes':{'operator':'NotIn',"
        + "'values':[0]}}]}");
    settle();
    ObjectNode pod = (ObjectNode) active().get(0).deepCopy();
    PodBinding.setCondition(pod, "DisruptionTarget", "True", "PreemptionByScheduler", null, world.now);
    world.update(ObjectKey.of(PODS, "default", Json.metaText(pod, "name")), pod, Subresource.STATUS);
    finish(world.get(PODS, Json.metaText(pod, "name")), 137);
    settle();
    assertEquals(0, status("failed"), "an ignored failure is not counted");
    assertEquals(1, active().size(), "and the pod is replaced at once");
    finish(active().get(0), 3);
    settle();
    assertEquals("True BackoffLimitExceeded", condition("Failed"));
  }

  @Test
  void podFailurePolicyMatching() {
    JsonNode policy = World.json("{'rules':[{'action':'Ignore','onExitCodes':{'operator':'In','values':[1,2]}},"
        + "{'action':'FailJob','onExitCodes':{'containerName':'main','operator':'NotIn','values':[5]}}]}");
    ObjectNode pod = World.json("{'metadata':{'name':'p','namespace':'n'},'status':{'containerStatuses':["
        + "{'name':'side','state':{'terminated':{'exitCode':7}}},{'name':'main','state':{'terminated':"
        + "{'exitCode':5}}}]}}");
    assertTrue(JobFailurePolicy.match(policy, pod).isEmpty(), "7 is not the main container's, 5 is excluded");
    ((ObjectNode) pod.path("status").path("containerStatuses").get(1).path("state").path("terminated"))
        .put("exitCode", 9);
    assertEquals(JobFailurePolicy.Action.FAIL_JOB, JobFailurePolicy.match(policy, pod).orElseThrow().action());
    ((ObjectNode) pod.path("status").path("containerStatuses").get(0).path("state").path("terminated"))
        .put("exitCode", 2);
    assertEquals(JobFailurePolicy.Action.IGNORE, JobFailurePolicy.match(policy, pod).orElseThrow().action());
  }

  @Test
  void lostPodsAreCountedFailedAndReplaced() {
    job("lost", "'completions':2,'parallelism':2,'backoffLimit':5");
    settle();
    List<String> before = new ArrayList<>(active().stream().map(p -> Json.metaText(p, "name")).toList());
    for (String name : before) {
      delete(ObjectKey.of(PODS, "default", name)); // node lost: the pods are deleted and never report again
    }
    world.now = world.now.plusSeconds(20);
    settle();
    assertEquals(2, status("failed"));
    assertEquals(2, active().size());
    assertTrue(active().stream().noneMatch(p -> before.contains(Json.metaText(p, "name"))));
    assertTrue(before.stream().noneMatch(n -> world.objects.containsKey(ObjectKey.of(PODS, "default", n))),
        "released and gone");
  }
}

package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Counting a Job's finished pods exactly once, even when a pod is deleted right after it finished, as Kubernetes
 * does with the {@code batch.kubernetes.io/job-tracking} finalizer and status.uncountedTerminatedPods. A pod is
 * created holding the finalizer, so it cannot vanish before the Job has seen how it ended.
 *
 * <p>Phases of one pod's accounting: tracked (finalizer, uid in no list) -finished, status write-> uncounted (uid
 * in uncountedTerminatedPods.succeeded or .failed) -pod update-> released (finalizer removed) -status write->
 * counted (uid leaves the list, status.succeeded or .failed grows). Each step needs the previous one persisted
 * and seen in the cache, so a lost write or a restarted controller repeats a step and never counts twice. A
 * failure the pod failure policy ignores goes from tracked to released without being counted.
 */
final class JobTracking {

  /** The Job's finalizer on its pods. */
  static final String FINALIZER = "batch.kubernetes.io/job-tracking";

  /** How a pod ended, as far as the Job is concerned. */
  enum Outcome { NONE, SUCCEEDED, FAILED }

  /**
   * The accounting after this step: counters and the uncounted uids to write, the pods whose finalizer goes now,
   * the indexes that succeeded (Indexed), a FailJob or FailIndex match of a newly failed pod, and whether pods
   * still hold the finalizer for a finished pod or an uncounted uid remains (the Job cannot end before that).
   */
  record Result(int succeeded, int failed, Set<String> uncountedSucceeded, Set<String> uncountedFailed,
      List<ObjectNode> release, SortedSet<Integer> succeededIndexes, Optional<JobFailurePolicy.Match> failJob,
      boolean settling, SortedSet<Integer> failedIndexes) {}

  private JobTracking() {}

  static boolean tracked(JsonNode pod) {
    for (JsonNode f : pod.path("metadata").path("finalizers")) {
      if (FINALIZER.equals(f.asText())) {
        return true;
      }
    }
    return false;
  }

  /**
   * How a pod ended: its phase, or, being deleted before it succeeded, failed (isPodFailed); with a pod failure
   * policy a deleted pod only counts once it has a terminal phase, since the policy looks at its exit codes.
   */
  static Outcome outcome(JsonNode pod, boolean hasPolicy) {
    String phase = Json.text(pod.path("status").path("phase"));
    if (phase.equals("Succeeded")) {
      return Outcome.SUCCEEDED;
    }
    if (phase.equals("Failed") || (!hasPolicy && Owners.deleting(pod))) {
      return Outcome.FAILED;
    }
    return Outcome.NONE;
  }

  /** A copy of the pod without the Job's finalizer. */
  static ObjectNode withoutFinalizer(JsonNode pod) {
    return io.tugboat.model.ObjectLifecycle.withoutFinalizer(pod, FINALIZER);
  }

  /**
   * One step of accounting for {@code job} over its owned pods; {@code allPods} (the namespace's) finds the pods
   * of uncounted uids that were released meanwhile. When {@code finished} (or the Job is being deleted), every
   * pod's finalizer goes and the counters stay as they are.
   */
  static Result track(JsonNode job, List<JsonNode> owned, List<? extends JsonNode> allPods, boolean finished) {
    JsonNode status = job.path("status");
    JsonNode spec = job.path("spec");
    JsonNode policy = spec.get("podFailurePolicy");
    boolean hasPolicy = policy != null && policy.isObject();
    boolean indexed = "Indexed".equals(Json.text(spec.path("completionMode")));
    int completions = spec.path("completions").asInt(0);
    int succeeded = status.path("succeeded").asInt(0);
    int failed = status.path("failed").asInt(0);
    Set<String> oldSucceeded = uids(status.path("uncountedTerminatedPods").path("succeeded"));
    Set<String> oldFailed = uids(status.path("uncountedTerminatedPods").path("failed"));
    SortedSet<Integer> indexes = indexed ? JobIndexes.parse(Json.text(status.path("completedIndexes")), completions)
        : new TreeSet<>();
    boolean perIndex = indexed && spec.hasNonNull("backoffLimitPerIndex");
    long perIndexLimit = spec.path("backoffLimitPerIndex").asLong(0);
    SortedSet<Integer> failedIndexes = perIndex
        ? JobIndexes.parse(Json.text(status.path("failedIndexes")), completions) : new TreeSet<>();
    Map<String, JsonNode> byUid = new HashMap<>();
    for (JsonNode p : allPods) {
      byUid.put(Json.metaText(p, "uid"), p);
    }
    Set<String> newSucceeded = new LinkedHashSet<>();
    Set<String> newFailed = new LinkedHashSet<>();
    // released or gone: counted now
    for (String uid : oldSucceeded) {
      JsonNode p = byUid.get(uid);
      if (p != null && tracked(p)) {
        newSucceeded.add(uid);
      } else if (!indexed) {
        succeeded++;
      }
    }
    for (String uid : oldFailed) {
      JsonNode p = byUid.get(uid);
      if (p != null && tracked(p)) {
        newFailed.add(uid);
      } else {
        failed++;
      }
    }
    List<ObjectNode> release = new ArrayList<>();
    Optional<JobFailurePolicy.Match> failJob = Optional.empty();
    boolean settling = !newSucceeded.isEmpty() || !newFailed.isEmpty();
    for (JsonNode pod : owned) {
      if (!tracked(pod)) {
        continue;
      }
      String uid = Json.metaText(pod, "uid");
      Outcome outcome = outcome(pod, hasPolicy);
      if (oldSucceeded.contains(uid) || oldFailed.contains(uid)) {
        release.add(withoutFinalizer(pod));
        continue;
      }
      if (finished) {
        release.add(withoutFinalizer(pod));
        continue;
      }
      if (outcome == Outcome.SUCCEEDED) {
        newSucceeded.add(uid);
        int index = JobIndexes.of(pod);
        if (indexed && index >= 0 && index < completions) {
          indexes.add(index);
        }
        settling = true;
      } else if (outcome == Outcome.FAILED) {
        Optional<JobFailurePolicy.Match> match = hasPolicy && "Failed".equals(Json.text(pod.path("status")
            .path("phase"))) ? JobFailurePolicy.match(policy, pod) : Optional.empty();
        if (match.isPresent() && match.get().action() == JobFailurePolicy.Action.IGNORE) {
          release.add(withoutFinalizer(pod));
          continue;
        }
        if (match.isPresent() && match.get().action() == JobFailurePolicy.Action.FAIL_JOB && failJob.isEmpty()) {
          failJob = match;
        }
        int index = JobIndexes.of(pod);
        boolean failIndex = match.isPresent() && match.get().action() == JobFailurePolicy.Action.FAIL_INDEX;
        if (perIndex && index >= 0 && index < completions && (failIndex || JobPods.indexFailures(pod) + 1
            > perIndexLimit)) {
          failedIndexes.add(index);
        }
        newFailed.add(uid);
        settling = true;
      }
    }
    if (indexed) {
      succeeded = indexes.size();
    }
    return new Result(succeeded, failed, newSucceeded, newFailed, release, indexes, failJob, settling,
        failedIndexes);
  }

  private static Set<String> uids(JsonNode list) {
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode u : list) {
      out.add(u.asText());
    }
    return out;
  }
}

package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PodBinding;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One reconcile step of a Job (Kubernetes' job controller and its TTL-after-finished controller) as a pure
 * function from the Job and the pods of its namespace to writes: claim pods, count finished ones exactly once
 * ({@link JobTracking}), decide whether the Job failed (podFailurePolicy FailJob, backoffLimit,
 * activeDeadlineSeconds) or succeeded (completions, or for a work queue one success and nothing running), keep
 * {@code min(parallelism, remaining)} pods running otherwise (after the failure back-off), and write the status.
 *
 * <p>Phases of a Job, from its conditions: running -decided-> FailureTarget or SuccessCriteriaMet (active pods
 * deleted, nothing created) -no pod active or terminating, every finished pod counted-> Failed or Complete
 * (terminal: finalizers of the remaining pods removed; deleted ttlSecondsAfterFinished later). Running and
 * suspended alternate with spec.suspend (Suspended condition; active pods deleted; startTime reset on resume).
 */
public final class JobSync {

  /** batch/v1 Jobs. */
  public static final ResourceType JOBS = ResourceRegistry.byPath("batch", "v1", "jobs").orElseThrow();
  /** The component the Job controller's writes and Events are reported as. */
  public static final String COMPONENT = "job-controller";
  /** Annotation and label with an Indexed Job pod's completion index. */
  public static final String INDEX = "batch.kubernetes.io/job-completion-index";

  private JobSync() {}

  /** The writes that move {@code job} on, given every pod of its namespace. */
  public static Plan plan(JsonNode job, List<? extends JsonNode> podsInNamespace, Instant now, int burst,
      JobSettings settings) {
    List<Plan.Action> actions = new ArrayList<>();
    String namespace = Json.metaText(job, "namespace");
    JsonNode spec = job.path("spec");
    Owners.Claim claim = Owners.claim(job, spec.path("selector"), podsInNamespace);
    for (ObjectNode pod : claim.adopt()) {
      actions.add(new Plan.Update(podKey(namespace, pod), pod, Subresource.MAIN, null));
    }
    for (ObjectNode pod : claim.release()) {
      actions.add(new Plan.Update(podKey(namespace, pod), pod, Subresource.MAIN, null));
    }
    boolean finished = finished(job);
    JobTracking.Result t = JobTracking.track(job, claim.owned(), podsInNamespace, finished || Owners.deleting(job));
    for (ObjectNode pod : t.release()) {
      actions.add(new Plan.Update(podKey(namespace, pod), pod, Subresource.MAIN, null));
    }
    List<JsonNode> active = new ArrayList<>();
    int terminating = 0;
    int ready = 0;
    for (JsonNode p : claim.owned()) {
      if (Pods.active(p)) {
        active.add(p);
        ready += Pods.ready(p) ? 1 : 0;
      } else if (Owners.deleting(p) && JobTracking.outcome(p, true) == JobTracking.Outcome.NONE) {
        terminating++;
      }
    }

    ObjectNode updated = (ObjectNode) job.deepCopy();
    ObjectNode status = Json.object();
    JsonNode old = job.path("status");
    for (String f : List.of("conditions", "startTime", "completionTime")) {
      if (old.hasNonNull(f)) {
        status.set(f, old.get(f).deepCopy());
      }
    }
    updated.set("status", status);
    Optional<Instant> wake = Optional.empty();
    Plan.Note note = null;
    List<Plan.Action> podWrites = new ArrayList<>();

    if (finished) {
      wake = ttl(job, now).flatMap(at -> {
        if (!at.isAfter(now)) {
          actions.add(new Plan.Delete(ObjectKey.of(JOBS, namespace, Json.metaText(job, "name")),
              Json.metaText(job, "uid"), "Background", null));
          return Optional.empty();
        }
        return Optional.of(at);
      });
    } else if (!Owners.deleting(job)) {
      boolean suspend = spec.path("suspend").asBoolean(false);
      if (suspend) {
        if (!conditionTrue(job, "Suspended")) {
          PodBinding.setCondition(updated, "Suspended", "True", "JobSuspended", "Job suspended", now);
          note = Plan.Note.normal("Suspended", "Job suspended");
        }
      } else {
        if (conditionTrue(job, "Suspended")) {
          PodBinding.setCondition(updated, "Suspended", "False", "JobResumed", "Job resumed", now);
          status.put("startTime", ObjectLifecycle.timestamp(now));
          note = Plan.Note.normal("Resumed", "Job resumed");
        } else if (!status.hasNonNull("startTime")) {
          status.put("startTime", ObjectLifecycle.timestamp(now));
        }
      }
      Instant started = Instant.parse(status.path("startTime").asText(ObjectLifecycle.timestamp(now)));

      Optional<String[]> failure = failureTarget(job);
      boolean success = conditionTrue(job, "SuccessCriteriaMet");
      if (failure.isEmpty() && !success) {
        if (t.failJob().isPresent()) {
          failure = Optional.of(new String[] {"PodFailurePolicy", t.failJob().get().message()});
        } else if (spec.hasNonNull("maxFailedIndexes")
            && t.failedIndexes().size() > spec.path("maxFailedIndexes").asInt()) {
          failure = Optional.of(new String[] {"MaxFailedIndexesExceeded",
              "Job has exceeded the specified maximal number of failed indexes"});
        } else if (!t.failedIndexes().isEmpty()
            && t.failedIndexes().size() + t.succeededIndexes().size() >= spec.path("completions").asInt()) {
          failure = Optional.of(new String[] {"FailedIndexes", "Job has failed indexes"});
        } else if (pastBackoffLimit(spec, t.failed() + t.uncountedFailed().size(), active)) {
          failure = Optional.of(new String[] {"BackoffLimitExceeded", "Job has reached the specified backoff limit"});
        } else if (!suspend && spec.hasNonNull("activeDeadlineSeconds")) {
          Instant deadline = started.plusSeconds(spec.path("activeDeadlineSeconds").asLong());
          if (!deadline.isAfter(now)) {
            failure = Optional.of(new String[] {"DeadlineExceeded", "Job was active longer than specified deadline"});
          } else {
            wake = Optional.of(deadline);
          }
        }
        if (failure.isPresent()) {
          PodBinding.setCondition(updated, "FailureTarget", "True", failure.get()[0], failure.get()[1], now);
          note = Plan.Note.warning(failure.get()[0], failure.get()[1]);
        } else if (succeeded(spec, t, active)) {
          success = true;
          PodBinding.setCondition(updated, "SuccessCriteriaMet", "True", "CompletionsReached",
              "Reached expected number of succeeded pods", now);
        }
      }
      if (failure.isPresent() || success || suspend) {
        deleteAll(active, namespace, podWrites, burst);
        if (!suspend && active.isEmpty() && terminating == 0 && !t.settling() && t.release().isEmpty()) {
          if (failure.isPresent()) {
            PodBinding.setCondition(updated, "Failed", "True", failure.get()[0], failure.get()[1], now);
          } else {
            PodBinding.setCondition(updated, "Complete", "True", null, null, now);
            status.put("completionTime", ObjectLifecycle.timestamp(now));
            note = Plan.Note.normal("Completed", "Job completed");
          }
        }
      } else {
        wake = earliest(wake, manage(job, spec, claim.owned(), active, t, terminating, namespace, now, burst,
            settings, podWrites));
      }
    }
    actions.addAll(podWrites);

    if (!active.isEmpty()) {
      status.put("active", active.size());
    }
    if (t.succeeded() > 0) {
      status.put("succeeded", t.succeeded());
    }
    if (t.failed() > 0) {
      status.put("failed", t.failed());
    }
    status.put("terminating", terminating);
    status.put("ready", ready);
    if ("Indexed".equals(Json.text(spec.path("completionMode")))) {
      status.put("completedIndexes", JobIndexes.format(t.succeededIndexes()));
      if (spec.hasNonNull("backoffLimitPerIndex")) {
        status.put("failedIndexes", JobIndexes.format(t.failedIndexes()));
      }
    }
    ObjectNode uncounted = status.putObject("uncountedTerminatedPods");
    if (!t.uncountedSucceeded().isEmpty()) {
      ArrayNode a = uncounted.putArray("succeeded");
      t.uncountedSucceeded().forEach(a::add);
    }
    if (!t.uncountedFailed().isEmpty()) {
      ArrayNode a = uncounted.putArray("failed");
      t.uncountedFailed().forEach(a::add);
    }
    if (!ObjectLifecycle.same(status, old)) {
      actions.add(new Plan.Update(ObjectKey.of(JOBS, namespace, Json.metaText(job, "name")), updated,
          Subresource.STATUS, note));
    }
    return new Plan(actions, wake);
  }

  /** Complete or Failed is True. */
  public static boolean finished(JsonNode job) {
    return conditionTrue(job, "Complete") || conditionTrue(job, "Failed");
  }

  /** Whether the condition of this type is True. */
  public static boolean conditionTrue(JsonNode job, String type) {
    return condition(job, type).map(c -> "True".equals(Json.text(c.path("status")))).orElse(false);
  }

  static Optional<JsonNode> condition(JsonNode job, String type) {
    for (JsonNode c : job.path("status").path("conditions")) {
      if (type.equals(Json.text(c.path("type")))) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private static Optional<String[]> failureTarget(JsonNode job) {
    return condition(job, "FailureTarget").filter(c -> "True".equals(Json.text(c.path("status"))))
        .map(c -> new String[] {Json.text(c.path("reason")), Json.text(c.path("message"))});
  }

  /** When a finished Job is to be deleted (ttlSecondsAfterFinished after its terminal condition), if ever. */
  static Optional<Instant> ttl(JsonNode job, Instant now) {
    JsonNode ttl = job.path("spec").get("ttlSecondsAfterFinished");
    if (ttl == null || !ttl.canConvertToLong()) {
      return Optional.empty();
    }
    Optional<JsonNode> end = condition(job, "Complete").filter(c -> "True".equals(Json.text(c.path("status"))))
        .or(() -> condition(job, "Failed").filter(c -> "True".equals(Json.text(c.path("status")))));
    return end.map(c -> {
      String at = Json.text(c.path("lastTransitionTime"));
      return (at.isEmpty() ? now : Instant.parse(at)).plusSeconds(ttl.asLong());
    });
  }

  /**
   * Past the back-off limit: more failed pods than backoffLimit, or with restartPolicy OnFailure as many container
   * restarts in active pods as the limit (any, for a limit of 0), as pastBackoffLimitOnFailure counts them.
   */
  static boolean pastBackoffLimit(JsonNode spec, int failed, List<JsonNode> active) {
    long limit = spec.path("backoffLimit").asLong(6);
    if (failed > limit) {
      return true;
    }
    if (!"OnFailure".equals(Json.text(spec.path("template").path("spec").path("restartPolicy")))) {
      return false;
    }
    long restarts = 0;
    for (JsonNode p : active) {
      for (String list : List.of("initContainerStatuses", "containerStatuses")) {
        for (JsonNode cs : p.path("status").path(list)) {
          restarts += cs.path("restartCount").asLong(0);
        }
      }
    }
    return limit == 0 ? restarts > 0 : restarts >= limit;
  }

  /**
   * The success criteria: completions reached (every index, for Indexed), or for a work queue (no completions)
   * one pod succeeded and none is running any more.
   */
  static boolean succeeded(JsonNode spec, JobTracking.Result t, List<JsonNode> active) {
    int done = t.succeeded() + ("Indexed".equals(Json.text(spec.path("completionMode"))) ? 0
        : t.uncountedSucceeded().size());
    if (!spec.hasNonNull("completions")) {
      return done > 0 && active.isEmpty();
    }
    return done >= spec.path("completions").asInt();
  }

  /** Pods created or deleted to run {@code min(parallelism, remaining)}; when to look again for the back-off. */
  private static Optional<Instant> manage(JsonNode job, JsonNode spec, List<JsonNode> owned, List<JsonNode> active,
      JobTracking.Result t, int terminating, String namespace, Instant now, int burst, JobSettings settings,
      List<Plan.Action> out) {
    boolean indexed = "Indexed".equals(Json.text(spec.path("completionMode")));
    int parallelism = spec.path("parallelism").asInt(1);
    int done = t.succeeded() + (indexed ? 0 : t.uncountedSucceeded().size());
    int want;
    if (!spec.hasNonNull("completions")) {
      want = done > 0 ? 0 : parallelism;
    } else {
      want = Math.max(0, Math.min(parallelism, spec.path("completions").asInt() - done - t.failedIndexes().size()));
    }
    int running = active.size() + ("Failed".equals(Json.text(spec.path("podReplacementPolicy"))) ? terminating : 0);
    if (active.size() > want && !(done > 0 && !spec.hasNonNull("completions"))) {
      List<JsonNode> ranked = new ArrayList<>(active);
      ranked.sort(Pods.DELETE_FIRST);
      deleteAll(ranked.subList(0, active.size() - want), namespace, out, burst);
      return Optional.empty();
    }
    if (running >= want) {
      return Optional.empty();
    }
    Optional<Instant> backoffUntil = backoffUntil(owned, spec.get("podFailurePolicy"), settings);
    if (backoffUntil.isPresent() && backoffUntil.get().isAfter(now)) {
      return backoffUntil;
    }
    int toCreate = Math.min(want - running, burst);
    if (!indexed) {
      for (int i = 0; i < toCreate; i++) {
        out.add(create(JobPods.pod(job, -1)));
      }
      return Optional.empty();
    }
    SortedSet<Integer> taken = new TreeSet<>(t.succeededIndexes());
    taken.addAll(t.failedIndexes());
    boolean perIndex = spec.hasNonNull("backoffLimitPerIndex");
    java.util.Map<Integer, Integer> failures = new java.util.HashMap<>();
    for (JsonNode p : owned) {
      boolean ignored = spec.hasNonNull("podFailurePolicy") && JobFailurePolicy.match(spec.get("podFailurePolicy"), p)
          .filter(m -> m.action() == JobFailurePolicy.Action.IGNORE).isPresent();
      if (perIndex && !ignored && JobTracking.outcome(p, true) == JobTracking.Outcome.FAILED) {
        failures.merge(JobIndexes.of(p), JobPods.indexFailures(p) + 1, Math::max);
      }
    }
    for (JsonNode p : owned) {
      if (Pods.active(p) || (Owners.deleting(p) && JobTracking.outcome(p, true) == JobTracking.Outcome.NONE
          && "Failed".equals(Json.text(spec.path("podReplacementPolicy"))))) {
        taken.add(JobIndexes.of(p));
      }
    }
    int completions = spec.path("completions").asInt();
    for (int i = 0; i < completions && toCreate > 0; i++) {
      if (!taken.contains(i)) {
        out.add(create(JobPods.pod(job, i, perIndex ? failures.getOrDefault(i, 0) : -1)));
        toCreate--;
      }
    }
    return Optional.empty();
  }

  /**
   * Until when new pods wait after failures: the back-off for the failures since the last success among the
   * finished pods still there, from the last failure (Kubernetes keeps this record in memory; the pods are ours).
   * Failures the pod failure policy ignores do not count.
   */
  static Optional<Instant> backoffUntil(List<JsonNode> owned, JsonNode policy, JobSettings settings) {
    List<JsonNode> finished = new ArrayList<>();
    for (JsonNode p : owned) {
      boolean ignored = policy != null && JobFailurePolicy.match(policy, p)
          .filter(m -> m.action() == JobFailurePolicy.Action.IGNORE).isPresent();
      if (JobTracking.outcome(p, false) != JobTracking.Outcome.NONE && !ignored) {
        finished.add(p);
      }
    }
    finished.sort((a, b) -> JobPods.finishedAt(a).compareTo(JobPods.finishedAt(b)));
    int failures = 0;
    Instant last = null;
    for (JsonNode p : finished) {
      if (JobTracking.outcome(p, false) == JobTracking.Outcome.SUCCEEDED) {
        failures = 0;
      } else {
        failures++;
        last = JobPods.finishedAt(p);
      }
    }
    if (failures == 0) {
      return Optional.empty();
    }
    Duration wait = settings.backoff(failures);
    return Optional.of(last.plus(wait));
  }

  private static Plan.Create create(ObjectNode pod) {
    return new Plan.Create(ReplicaSetSync.PODS, pod, Plan.Note.normal("SuccessfulCreate", "Created pod: %s"),
        Plan.Note.warning("FailedCreate", "Error creating: %s"));
  }

  private static void deleteAll(List<JsonNode> pods, String namespace, List<Plan.Action> out, int burst) {
    for (JsonNode p : pods.subList(0, Math.min(pods.size(), burst))) {
      out.add(new Plan.Delete(podKey(namespace, p), Json.metaText(p, "uid"), null,
          Plan.Note.normal("SuccessfulDelete", "Deleted pod: %s")));
    }
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a.get().isBefore(b.get()) ? a : b;
  }

  private static ObjectKey podKey(String namespace, JsonNode pod) {
    return ObjectKey.of(ReplicaSetSync.PODS, namespace, Json.metaText(pod, "name"));
  }
}

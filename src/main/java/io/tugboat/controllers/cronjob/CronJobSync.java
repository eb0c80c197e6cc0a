package io.tugboat.controllers.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.workloads.Owners;
import io.tugboat.controllers.workloads.Plan;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One sync of one CronJob, Kubernetes' cronjob controller (cronjob_controllerv2.go syncCronJob and
 * cleanupFinishedJobs) as a pure function of the CronJob, the Jobs of its namespace and the time. In order:
 * reconcile status.active with the Jobs it controls (finished ones leave with SawCompletedJob, vanished ones with
 * MissingJob, unknown running ones are reported as UnexpectedJob), lastSuccessfulTime; then, unless being deleted,
 * suspended or badly configured, the most recent unmet scheduled time: too late for startingDeadlineSeconds
 * (MissSchedule), already done, Forbid with a Job active (JobAlreadyActive), Replace (delete the active Jobs), else
 * create {@code <name>-<unix minutes>}; then delete the oldest finished Jobs beyond the history limits.
 *
 * <p>Unlike Kubernetes, which writes the new Job into status.active from the create's answer in the same sync,
 * the writes of one decision go out together: the create's Job, once in the cache, is found by its name at the
 * next sync (Kubernetes' AlreadyExists path) and recorded in active and lastScheduleTime then.
 */
public final class CronJobSync {

  /** batch/v1 CronJobs. */
  public static final ResourceType CRON_JOBS = ResourceRegistry.byPath("batch", "v1", "cronjobs").orElseThrow();
  /** batch/v1 Jobs. */
  public static final ResourceType JOBS = ResourceRegistry.byPath("batch", "v1", "jobs").orElseThrow();
  /** The component the controller's writes and Events name. */
  public static final String COMPONENT = "cronjob-controller";
  /** Annotation on a created Job: its scheduled time, RFC 3339 in the CronJob's time zone. */
  public static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";

  private static final DateTimeFormatter RFC1123Z =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private CronJobSync() {}

  /**
   * An Event to report now; {@code once} keys it so the controller reports it once however often a sync sees the
   * same situation (Kubernetes repeats it every sync and lets its recorder aggregate), null to always report.
   */
  public record Notice(Plan.Note note, String once) {}

  /** The writes to send together, the Events to report, and when to sync again if nothing changes before. */
  public record Decision(List<Plan.Action> writes, List<Notice> notices, Optional<Instant> wakeAt) {}

  /** A Job is finished when it has the condition Complete or Failed with status True; the type, or empty. */
  public static Optional<String> finished(JsonNode job) {
    for (JsonNode c : job.path("status").path("conditions")) {
      String type = Json.text(c.path("type"));
      if ((type.equals("Complete") || type.equals("Failed")) && Json.text(c.path("status")).equals("True")) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The name of the Job for a scheduled time: the CronJob's name and the time in Unix minutes. */
  public static String jobName(JsonNode cronJob, Instant scheduled) {
    return Json.metaText(cronJob, "name") + "-" + scheduled.getEpochSecond() / 60;
  }

  /** The CronJob's time zone: spec.timeZone (IANA), UTC without one; empty when spec.timeZone is unknown. */
  public static Optional<ZoneId> zone(JsonNode cronJob) {
    JsonNode tz = cronJob.path("spec").get("timeZone");
    if (tz == null || tz.isNull()) {
      return Optional.of(ZoneOffset.UTC);
    }
    String id = tz.asText();
    if (!ZoneId.getAvailableZoneIds().contains(id)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZoneId.of(id));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The Jobs of the namespace a sync of {@code cronJob} looks at: those it controls, those named in its
   * status.active, and those named {@code <name>-...} (where its next Job's name may be taken).
   */
  public static java.util.function.Predicate<io.tugboat.store.WatchCache.Entry> concerns(JsonNode cronJob) {
    String uid = Json.metaText(cronJob, "uid");
    String prefix = Json.metaText(cronJob, "name") + "-";
    Set<String> active = new java.util.HashSet<>();
    cronJob.path("status").path("active").forEach(ref -> active.add(Json.text(ref.path("uid"))));
    return e -> e.key().name().startsWith(prefix) || Owners.controllerUid(e.object()).equals(uid)
        || active.contains(Json.metaText(e.object(), "uid"));
  }

  /** One sync of {@code cronJob} given the Jobs of its namespace (at least those {@link #concerns}), at {@code now}. */
  public static Decision plan(JsonNode cronJob, List<? extends JsonNode> namespaceJobs, Instant now) {
    return new Sync(cronJob, namespaceJobs, now).run();
  }

  /** The working state of one sync. */
  private static final class Sync {
    private final JsonNode cronJob;
    private final List<? extends JsonNode> namespaceJobs;
    private final List<JsonNode> owned;
    private final Instant now;
    private final String namespace;
    private final JsonNode spec;
    private final ArrayNode active;
    private Instant lastSuccessful;
    private final List<Plan.Action> writes = new ArrayList<>();
    private final List<Notice> notices = new ArrayList<>();
    private Optional<Instant> wakeAt = Optional.empty();

    Sync(JsonNode cronJob, List<? extends JsonNode> namespaceJobs, Instant now) {
      this.cronJob = cronJob;
      this.namespaceJobs = namespaceJobs;
      this.now = now;
      this.namespace = Json.metaText(cronJob, "namespace");
      this.spec = cronJob.path("spec");
      String uid = Json.metaText(cronJob, "uid");
      this.owned = namespaceJobs.stream().filter(j -> Owners.controllerUid(j).equals(uid))
          .map(j -> (JsonNode) j).toList();
      JsonNode a = cronJob.path("status").path("active");
      this.active = a.isArray() ? (ArrayNode) a.deepCopy() : Json.NODES.arrayNode();
      this.lastSuccessful = instant(cronJob.path("status").path("lastSuccessfulTime"));
    }

    Decision run() {
      Optional<String> pendingName = dueJobName();
      reconcileActive(pendingName);
      if (!Owners.deleting(cronJob)) {
        schedule();
      }
      cleanup();
      writeStatus();
      return new Decision(writes, notices, wakeAt);
    }

    /** The name of the Job the current unmet time would create, if one is due (to recognise our own create). */
    private Optional<String> dueJobName() {
      try {
        Optional<ZoneId> zone = zone(cronJob);
        if (zone.isEmpty()) {
          return Optional.empty();
        }
        CronExpression schedule = CronExpression.parse(Json.text(spec.path("schedule")));
        return ScheduleTimes.mostRecent(schedule, zone.get(), earliest(true), now).mostRecent()
            .map(t -> jobName(cronJob, t));
      } catch (IllegalArgumentException | ScheduleTimes.InvalidSchedule e) {
        return Optional.empty();
      }
    }

    private void reconcileActive(Optional<String> pendingName) {
      Set<String> ownedUids = new java.util.HashSet<>();
      for (JsonNode job : owned) {
        String uid = Json.metaText(job, "uid");
        String name = Json.metaText(job, "name");
        ownedUids.add(uid);
        boolean found = activeIndex(uid) >= 0;
        Optional<String> done = finished(job);
        if (!found && done.isEmpty()) {
          if (!pendingName.map(name::equals).orElse(false)) {
            notices.add(new Notice(Plan.Note.warning("UnexpectedJob",
                "Saw a job that the controller did not create or forgot: " + name), "UnexpectedJob@" + uid));
          }
        } else if (found && done.isPresent()) {
          active.remove(activeIndex(uid));
          notices.add(new Notice(Plan.Note.normal("SawCompletedJob",
              "Saw completed job: " + name + ", condition: " + done.get()), "SawCompletedJob@" + uid));
        }
        if (done.map("Complete"::equals).orElse(false)) {
          Instant completed = instant(job.path("status").path("completionTime"));
          if (completed != null && (lastSuccessful == null || completed.isAfter(lastSuccessful))) {
            lastSuccessful = completed;
          }
        }
      }
      // An active Job that is not among the controlled ones: gone (or orphaned: then it stays, as in Kubernetes).
      for (int i = active.size() - 1; i >= 0; i--) {
        JsonNode ref = active.get(i);
        String uid = Json.text(ref.path("uid"));
        if (ownedUids.contains(uid)) {
          continue;
        }
        boolean stillThere = namespaceJobs.stream().anyMatch(j -> Json.metaText(j, "uid").equals(uid));
        if (!stillThere) {
          active.remove(i);
          notices.add(new Notice(Plan.Note.normal("MissingJob", "Active job went missing: "
              + Json.text(ref.path("name"))), "MissingJob@" + uid));
        }
      }
    }

    private void schedule() {
      String generation = "@" + Json.metaText(cronJob, "generation");
      Optional<ZoneId> zone = zone(cronJob);
      if (zone.isEmpty()) {
        String tz = Json.text(spec.path("timeZone"));
        notices.add(new Notice(Plan.Note.warning("UnknownTimeZone", "invalid timeZone: \"" + tz
            + "\": unknown time zone " + tz), "UnknownTimeZone" + generation));
        return;
      }
      if (spec.path("suspend").asBoolean(false)) {
        return;
      }
      String text = Json.text(spec.path("schedule"));
      CronExpression schedule;
      try {
        schedule = CronExpression.parse(text);
      } catch (IllegalArgumentException e) {
        notices.add(new Notice(Plan.Note.warning("UnparseableSchedule", "unparseable schedule: \"" + text + "\" : "
            + e.getMessage()), "UnparseableSchedule" + generation));
        return;
      }
      ScheduleTimes.Unmet unmet;
      try {
        unmet = ScheduleTimes.mostRecent(schedule, zone.get(), earliest(true), now);
      } catch (ScheduleTimes.InvalidSchedule e) {
        notices.add(new Notice(Plan.Note.warning("InvalidSchedule", "invalid schedule: " + text + " : "
            + e.getMessage()), "InvalidSchedule" + generation));
        return;
      }
      wakeAt = ScheduleTimes.wakeAt(schedule, zone.get(), earliest(false), now);
      if (unmet.mostRecent().isEmpty()) {
        return;
      }
      Instant scheduled = unmet.mostRecent().get();
      String at = "@" + scheduled;
      if (unmet.missed() > ScheduleTimes.TOO_MANY_MISSED) {
        notices.add(new Notice(Plan.Note.warning("TooManyMissedTimes", "too many missed start times: "
            + unmet.missed() + ". Set or decrease .spec.startingDeadlineSeconds or check clock skew"),
            "TooManyMissedTimes" + at));
      }
      JsonNode deadline = spec.get("startingDeadlineSeconds");
      if (deadline != null && deadline.isNumber() && scheduled.plusSeconds(deadline.asLong()).isBefore(now)) {
        notices.add(new Notice(Plan.Note.warning("MissSchedule", "Missed scheduled time to start a job: "
            + RFC1123Z.format(scheduled)), "MissSchedule" + at));
        return;
      }
      String name = jobName(cronJob, scheduled);
      if (activeByName(name) || scheduled.equals(instant(cronJob.path("status").path("lastScheduleTime")))) {
        return;
      }
      String policy = Json.text(spec.path("concurrencyPolicy"));
      if (policy.equals("Forbid") && !active.isEmpty()) {
        notices.add(new Notice(Plan.Note.normal("JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid"),
            "JobAlreadyActive" + at));
        return;
      }
      if (policy.equals("Replace")) {
        for (int i = active.size() - 1; i >= 0; i--) {
          JsonNode ref = active.get(i);
          writes.add(deleteJob(Json.text(ref.path("name")), Json.text(ref.path("uid"))));
          active.remove(i);
        }
      }
      Optional<? extends JsonNode> existing = namespaceJobs.stream()
          .filter(j -> Json.metaText(j, "name").equals(name)).findFirst();
      if (existing.isPresent()) {
        // Created by an earlier sync (or by someone else, who then keeps the status): record ours. One that has
        // already finished is not active again; a schedule firing more than once a minute (@every) finds the
        // minute's Job under the same name, which it records only for the time it was made for.
        JsonNode job = existing.get();
        if (Owners.controllerUid(job).equals(Json.metaText(cronJob, "uid"))) {
          boolean forThisTime = scheduled.equals(instant(job.path("metadata").path("annotations")
              .path(SCHEDULED_TIMESTAMP)));
          if (finished(job).isEmpty()) {
            active.add(reference(job));
          }
          if (finished(job).isEmpty() || forThisTime) {
            ((ObjectNode) statusOut()).put("lastScheduleTime", ObjectLifecycle.timestamp(scheduled));
            wakeAt = schedule.next(scheduled, zone.get()).map(t -> t.plus(ScheduleTimes.WAKE_DELTA));
          }
        }
        return;
      }
      writes.add(new Plan.Create(JOBS, jobFromTemplate(cronJob, scheduled, zone.get()),
          Plan.Note.normal("SuccessfulCreate", "Created job %s"),
          Plan.Note.warning("FailedCreate", "Error creating job: %s")));
    }

    /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
    private void cleanup() {
      List<JsonNode> succeeded = new ArrayList<>();
      List<JsonNode> failed = new ArrayList<>();
      for (JsonNode job : owned) {
        if (Owners.deleting(job)) {
          continue;
        }
        finished(job).ifPresent(type -> (type.equals("Complete") ? succeeded : failed).add(job));
      }
      removeOldest(succeeded, spec.get("successfulJobsHistoryLimit"));
      removeOldest(failed, spec.get("failedJobsHistoryLimit"));
    }

    private void removeOldest(List<JsonNode> jobs, JsonNode limit) {
      if (limit == null || !limit.isNumber() || jobs.size() <= limit.asInt()) {
        return;
      }
      // Oldest start first, Jobs never started last, names breaking ties (Kubernetes' byJobStartTime).
      List<JsonNode> sorted = new ArrayList<>(jobs);
      sorted.sort(Comparator.comparing((JsonNode j) -> instant(j.path("status").path("startTime")),
              Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(j -> Json.metaText(j, "name")));
      for (JsonNode job : sorted.subList(0, jobs.size() - limit.asInt())) {
        String uid = Json.metaText(job, "uid");
        writes.add(deleteJob(Json.metaText(job, "name"), uid));
        int i = activeIndex(uid);
        if (i >= 0) {
          active.remove(i);
        }
      }
    }

    private Plan.Delete deleteJob(String name, String uid) {
      return new Plan.Delete(ObjectKey.of(JOBS, namespace, name), uid, "Background",
          Plan.Note.normal("SuccessfulDelete", "Deleted job " + name));
    }

    private ObjectNode status;

    private JsonNode statusOut() {
      if (status == null) {
        JsonNode s = cronJob.path("status");
        status = s.isObject() ? (ObjectNode) s.deepCopy() : Json.object();
      }
      return status;
    }

    private void writeStatus() {
      ObjectNode out = (ObjectNode) statusOut();
      if (active.isEmpty()) {
        out.remove("active");
      } else {
        out.set("active", active);
      }
      if (lastSuccessful != null) {
        out.put("lastSuccessfulTime", ObjectLifecycle.timestamp(lastSuccessful));
      }
      JsonNode before = cronJob.path("status");
      if (!out.equals(before) && !(out.isEmpty() && before.isMissingNode())) {
        ObjectNode updated = (ObjectNode) cronJob.deepCopy();
        updated.set("status", out);
        writes.add(new Plan.Update(ObjectKey.of(CRON_JOBS, namespace, Json.metaText(cronJob, "name")), updated,
            Subresource.STATUS, null));
      }
    }

    /** The time the schedule is walked from: last scheduled, else created; with the deadline if asked. */
    private Instant earliest(boolean withDeadline) {
      Instant last = instant(cronJob.path("status").path("lastScheduleTime"));
      Instant earliest = last != null ? last : instant(cronJob.path("metadata").path("creationTimestamp"));
      if (earliest == null) {
        earliest = now;
      }
      JsonNode deadline = spec.get("startingDeadlineSeconds");
      if (withDeadline && deadline != null && deadline.isNumber()) {
        Instant limit = now.minusSeconds(deadline.asLong());
        if (limit.isAfter(earliest)) {
          earliest = limit;
        }
      }
      return earliest;
    }

    private int activeIndex(String uid) {
      for (int i = 0; i < active.size(); i++) {
        if (Json.text(active.get(i).path("uid")).equals(uid)) {
          return i;
        }
      }
      return -1;
    }

    private boolean activeByName(String name) {
      for (JsonNode ref : active) {
        if (Json.text(ref.path("name")).equals(name) && Json.text(ref.path("namespace")).equals(namespace)) {
          return true;
        }
      }
      return false;
    }
  }

  /** An ObjectReference to a Job, as status.active holds them. */
  static ObjectNode reference(JsonNode job) {
    ObjectNode ref = Json.object();
    ref.put("kind", "Job");
    ref.put("namespace", Json.metaText(job, "namespace"));
    ref.put("name", Json.metaText(job, "name"));
    ref.put("uid", Json.metaText(job, "uid"));
    ref.put("apiVersion", "batch/v1");
    String rv = Json.metaText(job, "resourceVersion");
    if (!rv.isEmpty()) {
      ref.put("resourceVersion", rv);
    }
    return ref;
  }

  /**
   * The Job for a scheduled time (Kubernetes' getJobFromTemplate2): the template's labels and annotations, the
   * scheduled-timestamp annotation, a controller reference to the CronJob, the template's spec.
   */
  public static ObjectNode jobFromTemplate(JsonNode cronJob, Instant scheduled, ZoneId zone) {
    JsonNode template = cronJob.path("spec").path("jobTemplate");
    ObjectNode job = Json.object();
    job.put("apiVersion", "batch/v1");
    job.put("kind", "Job");
    ObjectNode meta = Json.meta(job);
    meta.put("name", jobName(cronJob, scheduled));
    meta.put("namespace", Json.metaText(cronJob, "namespace"));
    JsonNode labels = template.path("metadata").path("labels");
    if (labels.isObject() && !labels.isEmpty()) {
      meta.set("labels", labels.deepCopy());
    }
    ObjectNode annotations = template.path("metadata").path("annotations").isObject()
        ? (ObjectNode) template.path("metadata").path("annotations").deepCopy() : Json.object();
    annotations.put(SCHEDULED_TIMESTAMP,
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(scheduled.atZone(zone).withNano(0).toOffsetDateTime()));
    meta.set("annotations", annotations);
    meta.putArray("ownerReferences").add(Owners.reference(cronJob));
    job.set("spec", template.path("spec").isObject() ? template.path("spec").deepCopy() : Json.object());
    return job;
  }

  private static Instant instant(JsonNode timestamp) {
    if (timestamp == null || !timestamp.isTextual() || timestamp.asText().isEmpty()) {
      return null;
    }
    try {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(timestamp.asText(), Instant::from);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}

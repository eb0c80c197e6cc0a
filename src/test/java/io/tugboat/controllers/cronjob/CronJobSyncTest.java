package io.tugboat.controllers.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.workloads.Owners;
import io.tugboat.controllers.workloads.Plan;
import io.tugboat.model.Json;
import io.tugboat.model.Subresource;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One sync of a CronJob as a pure function: seed the CronJob and its Jobs, run, check writes and Events. */
class CronJobSyncTest {

  static final Instant CREATED = Instant.parse("2026-11-22T05:00:00Z");

  static ObjectNode cronJob(String schedule, String extraSpec) {
    return json("{'apiVersion':'batch/v1','kind':'CronJob','metadata':{'name':'tick','namespace':'ns','uid':'cj-1',"
        + "'generation':1,'creationTimestamp':'" + CREATED + "'},'spec':{'schedule':'" + schedule + "',"
        + "'concurrencyPolicy':'Allow','suspend':false,'successfulJobsHistoryLimit':3,'failedJobsHistoryLimit':1,"
        + extraSpec + "'jobTemplate':{'metadata':{'labels':{'team':'a'},'annotations':{'note':'x'}},"
        + "'spec':{'template':{'spec':{'restartPolicy':'OnFailure','containers':[{'name':'c','image':'busybox'}]}}}}}}");
  }

  static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  /** A Job of the CronJob for a scheduled time, with a uid; {@code condition} Complete/Failed or null. */
  static ObjectNode job(ObjectNode cronJob, Instant scheduled, String condition) {
    ObjectNode job = CronJobSync.jobFromTemplate(cronJob, scheduled, ZoneOffset.UTC);
    Json.meta(job).put("uid", "job-" + scheduled.getEpochSecond());
    ObjectNode status = job.putObject("status");
    status.put("startTime", scheduled.plusSeconds(1).toString());
    if (condition != null) {
      status.putArray("conditions").addObject().put("type", condition).put("status", "True");
      if (condition.equals("Complete")) {
        status.put("completionTime", scheduled.plusSeconds(30).toString());
      }
    }
    return job;
  }

  /** The CronJob with {@code jobs} in status.active and the given lastScheduleTime. */
  static ObjectNode withActive(ObjectNode cronJob, Instant lastSchedule, JsonNode... jobs) {
    ObjectNode copy = cronJob.deepCopy();
    ObjectNode status = copy.putObject("status");
    if (jobs.length > 0) {
      for (JsonNode j : jobs) {
        status.withArray("active").add(CronJobSync.reference(j));
      }
    }
    if (lastSchedule != null) {
      status.put("lastScheduleTime", lastSchedule.toString());
    }
    return copy;
  }

  static List<String> reasons(CronJobSync.Decision d) {
    return d.notices().stream().map(n -> n.note().reason()).toList();
  }

  static List<Plan.Create> creates(CronJobSync.Decision d) {
    return d.writes().stream().filter(w -> w instanceof Plan.Create).map(w -> (Plan.Create) w).toList();
  }

  static List<String> deletes(CronJobSync.Decision d) {
    return d.writes().stream().filter(w -> w instanceof Plan.Delete).map(w -> ((Plan.Delete) w).key().name())
        .toList();
  }

  static Optional<JsonNode> statusWrite(CronJobSync.Decision d) {
    return d.writes().stream().filter(w -> w instanceof Plan.Update u && u.subresource() == Subresource.STATUS)
        .map(w -> (JsonNode) ((Plan.Update) w).object().path("status")).findFirst();
  }

  static Instant at(String t) {
    return Instant.parse(t);
  }

  @Test
  void createsTheJobForTheScheduledTimeFromTheTemplate() {
    ObjectNode cj = cronJob("*/1 * * * *", "");
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(), at("2026-11-22T05:01:00.050Z"));
    assertEquals(1, creates(d).size());
    ObjectNode job = creates(d).get(0).object();
    assertEquals("tick-29922061", Json.metaText(job, "name")); // 2026-11-22T05:01Z in Unix minutes
    assertEquals("a", job.at("/metadata/labels/team").asText());
    assertEquals("x", job.at("/metadata/annotations/note").asText());
    assertEquals("2026-11-22T05:01:00Z", job.at("/metadata/annotations")
        .path(CronJobSync.SCHEDULED_TIMESTAMP).asText());
    JsonNode ref = Owners.controllerRef(job).orElseThrow();
    assertEquals("CronJob", ref.path("kind").asText());
    assertEquals("cj-1", ref.path("uid").asText());
    assertTrue(ref.path("blockOwnerDeletion").asBoolean());
    assertEquals("busybox", job.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("SuccessfulCreate", creates(d).get(0).onSuccess().reason());
    assertEquals("Created job %s", creates(d).get(0).onSuccess().message());
    assertEquals(Optional.of(at("2026-11-22T05:02:00.100Z")), d.wakeAt());
    assertTrue(statusWrite(d).isEmpty(), "the Job is recorded once it is in the cache");
  }

  @Test
  void recordsItsOwnNewJobInActiveAndLastScheduleTime() {
    ObjectNode cj = cronJob("*/1 * * * *", "");
    Instant scheduled = at("2026-11-22T05:01:00Z");
    ObjectNode job = job(cj, scheduled, null);
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(job), at("2026-11-22T05:01:01Z"));
    assertEquals(List.of(), creates(d));
    assertEquals(List.of(), reasons(d), "its own Job is not unexpected");
    JsonNode status = statusWrite(d).orElseThrow();
    assertEquals("tick-29922061", status.at("/active/0/name").asText());
    assertEquals("Job", status.at("/active/0/kind").asText());
    assertEquals("2026-11-22T05:01:00Z", status.path("lastScheduleTime").asText());
    assertEquals(Optional.of(at("2026-11-22T05:02:00.100Z")), d.wakeAt());
  }

  @Test
  void nothingBeforeTheFirstTimeButAWakeUp() {
    CronJobSync.Decision d = CronJobSync.plan(cronJob("0 6 * * *", ""), List.of(), at("2026-11-22T05:30:00Z"));
    assertEquals(List.of(), d.writes());
    assertEquals(Optional.of(at("2026-11-22T06:00:00.100Z")), d.wakeAt());
  }

  @Test
  void theScheduleIsEvaluatedInTheTimeZone() {
    ObjectNode cj = cronJob("0 6 * * *", "'timeZone':'Asia/Tokyo',");
    // 06:00 in Tokyo is 21:00 UTC the day before.
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(), at("2026-11-22T21:00:00Z"));
    ObjectNode job = creates(d).get(0).object();
    assertEquals("2026-11-23T06:00:00+09:00", job.at("/metadata/annotations")
        .path(CronJobSync.SCHEDULED_TIMESTAMP).asText());
  }

  @Test
  void afterDowntimeOnlyTheMostRecentMissedTimeRuns() {
    ObjectNode cj = withActive(cronJob("0 * * * *", ""), at("2026-11-22T05:00:00Z"));
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(), at("2026-11-22T09:20:00Z"));
    assertEquals(List.of("tick-" + at("2026-11-22T09:00:00Z").getEpochSecond() / 60),
        creates(d).stream().map(c -> Json.metaText(c.object(), "name")).toList());
    assertEquals(List.of(), reasons(d));
  }

  @Test
  void aMissedTimeOlderThanTheStartingDeadlineIsSkipped() {
    ObjectNode cj = withActive(cronJob("0 * * * *", "'startingDeadlineSeconds':600,"), at("2026-11-22T05:00:00Z"));
    CronJobSync.Decision late = CronJobSync.plan(cj, List.of(), at("2026-11-22T09:20:00Z"));
    assertEquals(List.of(), late.writes());
    assertEquals(List.of(), reasons(late), "nothing due within the deadline: no Job and no event");
    assertEquals(Optional.of(at("2026-11-22T10:00:00.100Z")), late.wakeAt());
    CronJobSync.Decision inTime = CronJobSync.plan(cj, List.of(), at("2026-11-22T09:09:59Z"));
    assertEquals(1, creates(inTime).size());
  }

  @Test
  void aTimeWithinTheDeadlineRuns() {
    // Due at 05:01:00, deadline 10 s, looked at 5 s later: still in time.
    ObjectNode cj = withActive(cronJob("* * * * *", "'startingDeadlineSeconds':10,"), at("2026-11-22T05:00:00Z"));
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(), at("2026-11-22T05:01:05Z"));
    assertEquals(1, creates(d).size());
    assertEquals("tick-29922061", Json.metaText(creates(d).get(0).object(), "name"));
  }

  @Test
  void moreThanAHundredMissedTimesWarnAndRunOnlyTheLatest() {
    ObjectNode cj = withActive(cronJob("* * * * *", ""), at("2026-11-22T01:00:00Z"));
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(), at("2026-11-22T05:00:30Z"));
    assertEquals(List.of("TooManyMissedTimes"), reasons(d));
    assertEquals("Warning", d.notices().get(0).note().type());
    assertEquals("too many missed start times: 240. Set or decrease .spec.startingDeadlineSeconds or check clock"
        + " skew", d.notices().get(0).note().message());
    assertEquals(List.of("tick-" + at("2026-11-22T05:00:00Z").getEpochSecond() / 60),
        creates(d).stream().map(c -> Json.metaText(c.object(), "name")).toList());
  }

  @Test
  void forbidSkipsWhileAJobIsActive() {
    ObjectNode cj0 = cronJob("*/1 * * * *", "");
    ((ObjectNode) cj0.get("spec")).put("concurrencyPolicy", "Forbid");
    Instant first = at("2026-11-22T05:01:00Z");
    ObjectNode running = job(cj0, first, null);
    ObjectNode cj = withActive(cj0, first, running);
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(running), at("2026-11-22T05:02:00.100Z"));
    assertEquals(List.of(), d.writes());
    assertEquals(List.of("JobAlreadyActive"), reasons(d));
    assertEquals("Not starting job because prior execution is running and concurrency policy is Forbid",
        d.notices().get(0).note().message());
    assertEquals(Optional.of(at("2026-11-22T05:03:00.100Z")), d.wakeAt());
  }

  @Test
  void forbidRunsOnceThePriorJobFinished() {
    ObjectNode cj0 = cronJob("*/1 * * * *", "");
    ((ObjectNode) cj0.get("spec")).put("concurrencyPolicy", "Forbid");
    Instant first = at("2026-11-22T05:01:00Z");
    ObjectNode done = job(cj0, first, "Complete");
    ObjectNode cj = withActive(cj0, first, job(cj0, first, null));
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(done), at("2026-11-22T05:02:00.100Z"));
    assertEquals(List.of("SawCompletedJob"), reasons(d));
    assertEquals("Saw completed job: tick-29922061, condition: Complete", d.notices().get(0).note().message());
    assertEquals(1, creates(d).size());
    JsonNode status = statusWrite(d).orElseThrow();
    assertFalse(status.has("active"));
    assertEquals("2026-11-22T05:01:30Z", status.path("lastSuccessfulTime").asText());
  }

  @Test
  void replaceDeletesTheActiveJobAndCreatesTheNext() {
    ObjectNode cj0 = cronJob("*/1 * * * *", "");
    ((ObjectNode) cj0.get("spec")).put("concurrencyPolicy", "Replace");
    Instant first = at("2026-11-22T05:01:00Z");
    ObjectNode running = job(cj0, first, null);
    ObjectNode cj = withActive(cj0, first, running);
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(running), at("2026-11-22T05:02:00.100Z"));
    assertEquals(List.of("tick-29922061"), deletes(d));
    Plan.Delete delete = (Plan.Delete) d.writes().stream().filter(w -> w instanceof Plan.Delete).findFirst()
        .orElseThrow();
    assertEquals("Background", delete.propagationPolicy());
    assertEquals("job-" + first.getEpochSecond(), delete.uid());
    assertEquals("SuccessfulDelete", delete.onSuccess().reason());
    assertEquals("Deleted job tick-29922061", delete.onSuccess().message());
    assertEquals("tick-29922062", Json.metaText(creates(d).get(0).object(), "name"));
    assertFalse(statusWrite(d).orElseThrow().has("active"), "the replaced Job leaves status.active at once");
  }

  @Test
  void allowRunsConcurrently() {
    ObjectNode cj0 = cronJob("*/1 * * * *", "");
    Instant first = at("2026-11-22T05:01:00Z");
    ObjectNode running = job(cj0, first, null);
    CronJobSync.Decision d = CronJobSync.plan(withActive(cj0, first, running), List.of(running),
        at("2026-11-22T05:02:00.100Z"));
    assertEquals(List.of(), deletes(d));
    assertEquals(1, creates(d).size());
  }

  @Test
  void suspendedCreatesNothingButKeepsStatus() {
    ObjectNode cj0 = cronJob("*/1 * * * *", "");
    ((ObjectNode) cj0.get("spec")).put("suspend", true);
    Instant first = at("2026-11-22T05:01:00Z");
    ObjectNode cj = withActive(cj0, first, job(cj0, first, null));
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(job(cj0, first, "Failed")), at("2026-11-22T05:30:00Z"));
    assertEquals(List.of(), creates(d));
    assertEquals(List.of("SawCompletedJob"), reasons(d));
    assertFalse(statusWrite(d).orElseThrow().has("active"));
    assertEquals(Optional.empty(), d.wakeAt(), "a suspended CronJob wakes when it is changed");
  }

  @Test
  void aTimeAlreadyScheduledIsNotScheduledAgain() {
    ObjectNode cj0 = cronJob("*/1 * * * *", "");
    Instant first = at("2026-11-22T05:01:00Z");
    ObjectNode cj = withActive(cj0, first);
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(job(cj0, first, "Complete")),
        at("2026-11-22T05:01:40Z"));
    assertEquals(List.of(), creates(d));
  }

  @Test
  void historyLimitsDeleteTheOldestFinishedJobs() {
    ObjectNode cj0 = cronJob("0 * * * *", "");
    ((ObjectNode) cj0.get("spec")).put("successfulJobsHistoryLimit", 2).put("failedJobsHistoryLimit", 1);
    List<ObjectNode> jobs = new ArrayList<>();
    for (int h = 1; h <= 4; h++) {
      jobs.add(job(cj0, at("2026-11-22T0" + h + ":00:00Z"), "Complete"));
    }
    jobs.add(job(cj0, at("2026-11-22T05:00:00Z"), "Failed"));
    jobs.add(job(cj0, at("2026-11-22T06:00:00Z"), "Failed"));
    ObjectNode neverStarted = job(cj0, at("2026-11-22T00:00:00Z"), "Complete");
    ((ObjectNode) neverStarted.get("status")).remove("startTime");
    jobs.add(neverStarted);
    ObjectNode cj = withActive(cj0, at("2026-11-22T06:00:00Z"));
    CronJobSync.Decision d = CronJobSync.plan(cj, jobs, at("2026-11-22T06:10:00Z"));
    // Five succeeded (the one never started sorts last), two failed: the three and the one oldest go.
    assertEquals(List.of(name(1), name(2), name(3), name(5)), deletes(d));
  }

  @Test
  void aHistoryLimitOfZeroKeepsNoFinishedJob() {
    ObjectNode cj0 = cronJob("0 * * * *", "");
    ((ObjectNode) cj0.get("spec")).put("successfulJobsHistoryLimit", 0);
    ObjectNode done = job(cj0, at("2026-11-22T05:00:00Z"), "Complete");
    CronJobSync.Decision d = CronJobSync.plan(withActive(cj0, at("2026-11-22T05:00:00Z"), done), List.of(done),
        at("2026-11-22T05:10:00Z"));
    assertEquals(List.of(name(5)), deletes(d));
    assertEquals(List.of("SawCompletedJob"), reasons(d));
    assertFalse(statusWrite(d).orElseThrow().has("active"));
  }

  private static String name(int hour) {
    return "tick-" + at("2026-11-22T0" + hour + ":00:00Z").getEpochSecond() / 60;
  }

  @Test
  void aJobItDidNotCreateIsUnexpected() {
    ObjectNode cj0 = cronJob("0 6 * * *", "");
    ObjectNode manual = CronJobSync.jobFromTemplate(cj0, at("2026-11-22T05:10:00Z"), ZoneOffset.UTC);
    Json.meta(manual).put("name", "manual").put("uid", "m-1");
    CronJobSync.Decision d = CronJobSync.plan(cj0, List.of(manual), at("2026-11-22T05:20:00Z"));
    assertEquals(List.of("UnexpectedJob"), reasons(d));
    assertEquals("Saw a job that the controller did not create or forgot: manual", d.notices().get(0).note().message());
    assertEquals(List.of(), d.writes());
  }

  @Test
  void anActiveJobThatIsGoneLeavesTheActiveList() {
    ObjectNode cj0 = cronJob("0 6 * * *", "");
    Instant first = at("2026-11-22T05:00:00Z");
    CronJobSync.Decision d = CronJobSync.plan(withActive(cj0, first, job(cj0, first, null)), List.of(),
        at("2026-11-22T05:20:00Z"));
    assertEquals(List.of("MissingJob"), reasons(d));
    assertFalse(statusWrite(d).orElseThrow().has("active"));
  }

  @Test
  void anUnknownTimeZoneIsReportedAndNothingRuns() {
    ObjectNode cj = cronJob("* * * * *", "'timeZone':'Mars/Olympus',");
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(), at("2026-11-22T05:20:00Z"));
    assertEquals(List.of("UnknownTimeZone"), reasons(d));
    assertEquals(List.of(), d.writes());
  }

  @Test
  void aScheduleThatNeverFiresIsInvalid() {
    CronJobSync.Decision d = CronJobSync.plan(cronJob("0 0 30 2 *", ""), List.of(), at("2026-11-22T05:20:00Z"));
    assertEquals(List.of("InvalidSchedule"), reasons(d));
    assertEquals(Optional.empty(), d.wakeAt());
  }

  @Test
  void aCronJobBeingDeletedOnlyKeepsItsStatus() {
    ObjectNode cj = cronJob("* * * * *", "");
    Json.meta(cj).put("deletionTimestamp", "2026-11-22T05:10:00Z");
    CronJobSync.Decision d = CronJobSync.plan(cj, List.of(), at("2026-11-22T05:20:00Z"));
    assertEquals(List.of(), d.writes());
  }

  @Test
  void aFinishedJobOfTheSameMinuteIsNotActiveAgain() {
    // @every 10s names each minute's Job alike: the minute's Job finished, later times of the minute skip.
    ObjectNode cj0 = cronJob("@every 10s", "");
    Instant first = at("2026-11-22T05:01:00Z");
    ObjectNode done = job(cj0, first, "Complete");
    CronJobSync.Decision d = CronJobSync.plan(withActive(cj0, first), List.of(done), at("2026-11-22T05:01:20.5Z"));
    assertEquals(List.of(), creates(d));
    assertFalse(statusWrite(d).orElseThrow().has("active"));
    assertEquals("2026-11-22T05:01:00Z", statusWrite(d).orElseThrow().path("lastScheduleTime").asText());
    // A Job that finished before its CronJob recorded it still counts as that time's run.
    ObjectNode every = cronJob("@every 60s", "");
    ObjectNode quick = job(every, first, "Complete");
    CronJobSync.Decision recorded = CronJobSync.plan(every, List.of(quick), at("2026-11-22T05:01:00.5Z"));
    assertEquals(List.of(), creates(recorded));
    assertEquals("2026-11-22T05:01:00Z", statusWrite(recorded).orElseThrow().path("lastScheduleTime").asText());
    assertFalse(statusWrite(recorded).orElseThrow().has("active"));
  }

  @Test
  void aSyncLooksAtItsOwnJobsTheActiveOnesAndItsNames() {
    ObjectNode cj0 = cronJob("0 * * * *", "");
    ObjectNode own = job(cj0, at("2026-11-22T05:00:00Z"), null);
    Json.meta(own).put("name", "renamed");
    ObjectNode orphan = job(cj0, at("2026-11-22T06:00:00Z"), null);
    Json.meta(orphan).remove("ownerReferences");
    ObjectNode sameName = json("{'metadata':{'name':'tick-99','namespace':'ns','uid':'x-1'}}");
    ObjectNode other = json("{'metadata':{'name':'other','namespace':'ns','uid':'x-2'}}");
    Json.meta(orphan).put("name", "adopted-elsewhere");
    var concerns = CronJobSync.concerns(withActive(cj0, null, orphan));
    List<String> seen = new ArrayList<>();
    for (ObjectNode j : List.of(own, orphan, sameName, other)) {
      var entry = new io.tugboat.store.WatchCache.Entry(io.tugboat.store.ObjectKey.of(CronJobSync.JOBS, "ns",
          Json.metaText(j, "name")), j, 1, 1);
      if (concerns.test(entry)) {
        seen.add(Json.metaText(j, "name"));
      }
    }
    assertEquals(List.of("renamed", "adopted-elsewhere", "tick-99"), seen);
  }
}

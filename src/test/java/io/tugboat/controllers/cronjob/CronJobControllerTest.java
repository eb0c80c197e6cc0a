package io.tugboat.controllers.cronjob;

import static io.tugboat.controllers.StoreNode.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.StoreNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CronJob controller over a real in-process store with a clock the test moves: each test starts its own
 * controller, moves time past a scheduled minute and sends {@link CronJobController.Tick} (what the timer would
 * send then), and plays the Job controller by writing Job conditions itself. Each test uses its own namespace.
 */
class CronJobControllerTest {

  static final ResourceType NAMESPACES = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
  static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path dataDir;

  private static StoreNode node;
  private ActorRef<CronJobController.Command> controller;
  private final TestClock clock = new TestClock(Instant.now());

  @BeforeAll
  static void start() throws Exception {
    node = new StoreNode("CronJobControllerTest", dataDir);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @AfterEach
  void stopController() {
    if (controller != null) {
      node.testKit.stop(controller);
    }
  }

  /** A clock tests move by hand. */
  static final class TestClock extends Clock {
    private final AtomicReference<Instant> now;

    TestClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void set(Instant t) {
      now.set(t);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private void startController() {
    controller = node.testKit.spawn(CronJobController.create(node.store, clock,
        new CronJobSettings(true, Duration.ofMillis(200), Duration.ofSeconds(5))));
  }

  private static String namespace(String name) throws Exception {
    node.create(NAMESPACES, json("{'metadata':{'name':'" + name + "'}}"));
    return name;
  }

  private static ObjectNode createCronJob(String ns, String policy) throws Exception {
    return node.create(CronJobSync.CRON_JOBS, json("{'metadata':{'name':'tick','namespace':'" + ns + "'},'spec':{"
        + "'schedule':'*/1 * * * *','concurrencyPolicy':'" + policy + "','jobTemplate':{'spec':{'template':{"
        + "'spec':{'restartPolicy':'OnFailure','containers':[{'name':'c','image':'busybox'}]}}}}}}"));
  }

  /** The n-th scheduled minute after the CronJob's creation. */
  private static Instant minute(ObjectNode cronJob, int n) {
    Instant created = Instant.parse(Json.metaText(cronJob, "creationTimestamp"));
    return created.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(n));
  }

  /** Moves the clock just past {@code t} and sends the tick the timer would send then. */
  private void moveTo(Instant t) {
    clock.set(t.plusMillis(100));
    controller.tell(CronJobController.Tick.INSTANCE);
  }

  private static List<JsonNode> list(ResourceType type, String ns) {
    return node.store.cache().list(type.storageKey(), ns, e -> true, null, 0).items().stream()
        .map(e -> (JsonNode) e.object()).toList();
  }

  private static List<String> jobNames(String ns) {
    return list(CronJobSync.JOBS, ns).stream().map(j -> Json.metaText(j, "name")).sorted().toList();
  }

  private static List<String> reasons(String ns) {
    return list(EVENTS, ns).stream().map(e -> e.path("reason").asText()).toList();
  }

  private static JsonNode cronJobStatus(String ns) {
    return node.get(ObjectKey.of(CronJobSync.CRON_JOBS, ns, "tick")).orElseThrow().path("status");
  }

  private static String jobName(Instant scheduled) {
    return "tick-" + scheduled.getEpochSecond() / 60;
  }

  private static void eventually(Runnable check) {
    TestProbe<Void> probe = node.testKit.createTestProbe();
    probe.awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      check.run();
      return null;
    });
  }

  /** Waits until the Job of {@code scheduled} is the only one in status.active and lastScheduleTime is its time. */
  private static void awaitRecorded(String ns, Instant scheduled) {
    eventually(() -> {
      JsonNode status = cronJobStatus(ns);
      assertEquals(jobName(scheduled), status.at("/active/0/name").asText(), status.toString());
      assertEquals(1, status.path("active").size(), status.toString());
      assertEquals(scheduled.toString(), status.path("lastScheduleTime").asText());
    });
  }

  private static void finish(String ns, String job, String condition) throws Exception {
    ObjectKey key = ObjectKey.of(CronJobSync.JOBS, ns, job);
    JsonNode status = json("{'conditions':[{'type':'" + condition + "','status':'True'}],'startTime':'"
        + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "','completionTime':'"
        + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "'}");
    node.writeStatus(key, status);
  }

  @Test
  void theScheduleFiresAtItsMinute() throws Exception {
    String ns = namespace("fires");
    ObjectNode cj = createCronJob(ns, "Allow");
    startController();
    moveTo(minute(cj, 1));
    awaitRecorded(ns, minute(cj, 1));
    JsonNode job = node.get(ObjectKey.of(CronJobSync.JOBS, ns, jobName(minute(cj, 1)))).orElseThrow();
    assertEquals(minute(cj, 1).toString().replace(".000", ""),
        job.at("/metadata/annotations").path(CronJobSync.SCHEDULED_TIMESTAMP).asText());
    assertEquals(Json.metaText(cj, "uid"), job.at("/metadata/ownerReferences/0/uid").asText());
    eventually(() -> assertTrue(list(EVENTS, ns).stream().anyMatch(e ->
        e.path("message").asText().equals("Created job " + jobName(minute(cj, 1))))));
    // Allow: the next minute runs next to the first.
    moveTo(minute(cj, 2));
    eventually(() -> assertEquals(List.of(jobName(minute(cj, 1)), jobName(minute(cj, 2))), jobNames(ns)));
    eventually(() -> assertEquals(2, cronJobStatus(ns).path("active").size()));
    // The Job controller's part: the first succeeds; it leaves status.active and sets lastSuccessfulTime.
    finish(ns, jobName(minute(cj, 1)), "Complete");
    eventually(() -> {
      JsonNode status = cronJobStatus(ns);
      assertEquals(1, status.path("active").size(), status.toString());
      assertTrue(status.has("lastSuccessfulTime"), status.toString());
      assertTrue(reasons(ns).contains("SawCompletedJob"));
    });
  }

  @Test
  void forbidSkipsWhileTheJobRunsAndRunsLateOnceItFinished() throws Exception {
    String ns = namespace("forbid");
    ObjectNode cj = createCronJob(ns, "Forbid");
    startController();
    moveTo(minute(cj, 1));
    awaitRecorded(ns, minute(cj, 1));
    moveTo(minute(cj, 2));
    eventually(() -> assertTrue(reasons(ns).contains("JobAlreadyActive"), reasons(ns).toString()));
    assertEquals(List.of(jobName(minute(cj, 1))), jobNames(ns));
    // The owed run starts once the first Job finished (no startingDeadlineSeconds, so it is never too late).
    finish(ns, jobName(minute(cj, 1)), "Failed");
    awaitRecorded(ns, minute(cj, 2));
    assertEquals(List.of(jobName(minute(cj, 1)), jobName(minute(cj, 2))), jobNames(ns));
  }

  @Test
  void replaceDeletesTheRunningJobForTheNext() throws Exception {
    String ns = namespace("replace");
    ObjectNode cj = createCronJob(ns, "Replace");
    startController();
    moveTo(minute(cj, 1));
    awaitRecorded(ns, minute(cj, 1));
    moveTo(minute(cj, 2));
    awaitRecorded(ns, minute(cj, 2));
    eventually(() -> assertEquals(List.of(jobName(minute(cj, 2))), jobNames(ns)));
    eventually(() -> assertTrue(list(EVENTS, ns).stream().anyMatch(e ->
        e.path("message").asText().equals("Deleted job " + jobName(minute(cj, 1))))));
  }

  @Test
  void afterDowntimeOnlyTheLatestMissedTimeRuns() throws Exception {
    String ns = namespace("downtime");
    ObjectNode cj = createCronJob(ns, "Allow");
    // The controller is down for five scheduled minutes, then starts.
    clock.set(minute(cj, 5).plusSeconds(20));
    startController();
    awaitRecorded(ns, minute(cj, 5));
    assertEquals(List.of(jobName(minute(cj, 5))), jobNames(ns));
  }

  @Test
  void historyLimitDeletesTheOldestSucceededJob() throws Exception {
    String ns = namespace("history");
    ObjectNode cj = createCronJob(ns, "Allow");
    node.store.patch(ObjectKey.of(CronJobSync.CRON_JOBS, ns, "tick"), io.tugboat.model.PatchType.MERGE,
        json("{'spec':{'successfulJobsHistoryLimit':1}}"), io.tugboat.model.Subresource.MAIN,
        StoreNode.request("patch")).toCompletableFuture().get();
    startController();
    for (int m = 1; m <= 2; m++) {
      moveTo(minute(cj, m));
      awaitRecorded(ns, minute(cj, m));
      finish(ns, jobName(minute(cj, m)), "Complete");
    }
    eventually(() -> assertEquals(List.of(jobName(minute(cj, 2))), jobNames(ns)));
    eventually(() -> assertTrue(reasons(ns).contains("SuccessfulDelete")));
  }

  @Test
  void itsOwnTimerWakesItAtTheNextTime() throws Exception {
    String ns = namespace("timer");
    // The real clock and no ticks from the test: the CronJob is synced when it is created (created at a whole
    // second, due 3 s later), and nothing else changes, so only the controller's timer can make the Job.
    controller = node.testKit.spawn(CronJobController.create(node.store, Clock.systemUTC(),
        new CronJobSettings(true, Duration.ofMillis(200), Duration.ofSeconds(5))));
    node.create(CronJobSync.CRON_JOBS, json("{'metadata':{'name':'tick','namespace':'" + ns + "'},'spec':{"
        + "'schedule':'@every 3s','concurrencyPolicy':'Allow','jobTemplate':{'spec':{'template':{"
        + "'spec':{'restartPolicy':'OnFailure','containers':[{'name':'c','image':'busybox'}]}}}}}}"));
    eventually(() -> assertEquals(1, jobNames(ns).size()));
    eventually(() -> assertEquals(1, cronJobStatus(ns).path("active").size()));
  }
}

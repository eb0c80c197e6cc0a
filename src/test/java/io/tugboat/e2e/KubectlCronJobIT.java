package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CronJobs through the real kubectl against {@code scripts/tugboat up}: the docs' {@code kubectl create cronjob}
 * and {@code kubectl get cronjob}; a schedule that fires within seconds ({@code @every}, which Kubernetes accepts
 * too) so no test waits for a minute boundary; the Job's completion written by the test through the status
 * subresource (the Job controller is not what is tested here); {@code kubectl create job --from=cronjob/...};
 * suspend; bad input; and the Jobs going with their CronJob. Tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlCronJobIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-cronjob-");
  private static TugboatCluster cluster;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  private static List<String> lines(String out) {
    return Arrays.stream(out.strip().split("\n")).filter(l -> !l.isBlank()).toList();
  }

  private static String jobs(String cronJob) {
    return cluster.kubectlOk("get", "jobs", "-o", "jsonpath={range .items[?(@.metadata.ownerReferences[0].name==\""
        + cronJob + "\")]}{.metadata.name}{\"\\n\"}{end}");
  }

  @Test
  @Order(1)
  void createCronJobAsTheDocsDo() {
    assertEquals("cronjob.batch/hello created", cluster.kubectlOk("create", "cronjob", "hello", "--image=busybox",
        "--schedule=*/1 * * * *", "--", "date"));
    String spec = cluster.kubectlOk("get", "cronjob", "hello", "-o", "jsonpath={.spec.concurrencyPolicy}"
        + " {.spec.successfulJobsHistoryLimit} {.spec.failedJobsHistoryLimit} {.spec.suspend}");
    assertEquals("Allow 3 1 false", spec);
    List<String> table = lines(cluster.kubectlOk("get", "cronjob", "hello"));
    assertTrue(table.get(0).matches("NAME\\s+SCHEDULE\\s+TIMEZONE\\s+SUSPEND\\s+ACTIVE\\s+LAST SCHEDULE\\s+AGE"),
        table.toString());
    assertTrue(table.get(1).matches("hello\\s+\\*/1 \\* \\* \\* \\*\\s+<none>\\s+False\\s+0\\s+\\S+\\s+\\S+"),
        table.toString());
  }

  @Test
  @Order(2)
  void aScheduleFiresAJobAndTheCronJobTracksIt() {
    cluster.writeFile("fast.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: fast}
        spec:
          schedule: '@every 2s'
          concurrencyPolicy: Forbid
          successfulJobsHistoryLimit: 1
          jobTemplate:
            metadata: {labels: {team: cron}}
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: c, image: busybox, command: [sleep, '3600']}]
        """);
    cluster.kubectlOk("apply", "-f", cluster.dataDir().resolve("fast.yaml").toString());
    String name = cluster.awaitKubectl(DEADLINE, out -> out.matches("fast-[0-9]+"), "a Job of the CronJob",
        "get", "jobs", "-l", "team=cron", "-o", "jsonpath={.items[*].metadata.name}");
    long minutes = Long.parseLong(name.substring("fast-".length()));
    String scheduled = cluster.kubectlOk("get", "job", name, "-o",
        "jsonpath={.metadata.annotations.batch\\.kubernetes\\.io/cronjob-scheduled-timestamp}");
    assertEquals(minutes, java.time.Instant.parse(scheduled).getEpochSecond() / 60, scheduled);
    assertEquals("CronJob/fast true", cluster.kubectlOk("get", "job", name, "-o",
        "jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}"
            + " {.metadata.ownerReferences[0].controller}"));
    cluster.awaitKubectl(DEADLINE, out -> out.equals(name + " " + scheduled), "status.active and lastScheduleTime",
        "get", "cronjob", "fast", "-o", "jsonpath={.status.active[0].name} {.status.lastScheduleTime}");
    List<String> table = lines(cluster.kubectlOk("get", "cronjob", "fast"));
    assertTrue(table.get(1).matches("fast\\s+@every 2s\\s+<none>\\s+False\\s+1\\s+\\d+s\\s+\\S+"),
        table.toString());
    cluster.awaitKubectl(DEADLINE, out -> out.contains("Created job " + name), "the SuccessfulCreate event",
        "get", "events", "--field-selector=involvedObject.name=fast", "-o",
        "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}");
    String described = cluster.kubectlOk("describe", "cronjob", "fast");
    assertTrue(described.matches("(?s).*Concurrency Policy:\\s+Forbid.*Active Jobs:\\s+" + name
        + ".*SuccessfulCreate\\s+\\S+\\s+cronjob-controller\\s+Created job " + name + ".*"), described);
  }

  @Test
  @Order(3)
  void aFinishedJobLeavesTheActiveList() {
    String name = jobs("fast").strip();
    cluster.kubectlOk("patch", "job", name, "--subresource=status", "--type=merge", "-p",
        "{\"status\":{\"startTime\":\"2026-01-01T00:00:00Z\",\"completionTime\":\"2026-01-01T00:00:05Z\","
            + "\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"}]}}");
    // Out of status.active (the next minute may already have started the next Job).
    cluster.awaitKubectl(DEADLINE, out -> out.startsWith("2026-01-01T00:00:05Z") && !out.contains(name),
        "lastSuccessfulTime and the Job out of status.active", "get", "cronjob", "fast", "-o",
        "jsonpath={.status.lastSuccessfulTime} {.status.active[*].name}");
    cluster.awaitKubectl(DEADLINE, out -> out.contains("SawCompletedJob: Saw completed job: " + name
        + ", condition: Complete"), "the SawCompletedJob event", "get", "events",
        "--field-selector=involvedObject.name=fast", "-o",
        "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}");
  }

  @Test
  @Order(4)
  void createJobFromCronJob() {
    assertEquals("job.batch/manual created", cluster.kubectlOk("create", "job", "--from=cronjob/hello", "manual"));
    assertEquals("manual CronJob/hello", cluster.kubectlOk("get", "job", "manual", "-o",
        "jsonpath={.metadata.name} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}"));
    assertEquals("manual", cluster.kubectlOk("get", "job", "manual", "-o",
        "jsonpath={.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}"));
    // Kubernetes reports a Job it did not create among its CronJob's children.
    cluster.awaitKubectl(DEADLINE, out -> out.contains("UnexpectedJob"), "the UnexpectedJob event",
        "get", "events", "--field-selector=involvedObject.name=hello", "-o",
        "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}");
  }

  @Test
  @Order(5)
  void suspendShowsInTheTable() {
    cluster.kubectlOk("patch", "cronjob", "hello", "-p", "{\"spec\":{\"suspend\":true}}");
    List<String> table = lines(cluster.kubectlOk("get", "cronjob", "hello"));
    assertTrue(table.get(1).matches("hello\\s+\\*/1 \\* \\* \\* \\*\\s+<none>\\s+True\\s+.*"), table.toString());
  }

  @Test
  @Order(6)
  void badInputIsRefusedWithTheFieldNamed() {
    TugboatCluster.Result badSchedule = cluster.kubectlFails("create", "cronjob", "bad", "--image=busybox",
        "--schedule=every minute");
    assertTrue(badSchedule.stderr().contains("spec.schedule: Invalid value: \"every minute\""),
        badSchedule.describe());
    cluster.writeFile("tz.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: tz}
        spec:
          schedule: '0 3 * * *'
          timeZone: Mars/Olympus_Mons
          failedJobsHistoryLimit: -1
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: c, image: busybox}]
        """);
    TugboatCluster.Result bad = cluster.kubectlFails("create", "-f", cluster.dataDir().resolve("tz.yaml").toString());
    assertTrue(bad.stderr().contains("spec.timeZone: Invalid value: \"Mars/Olympus_Mons\": unknown time zone"),
        bad.describe());
    assertTrue(bad.stderr().contains("spec.failedJobsHistoryLimit"), bad.describe());
    assertTrue(bad.stderr().contains("is invalid"), bad.describe());
    assertEquals("", cluster.kubectlOk("get", "cronjob", "bad", "tz", "--ignore-not-found", "-o", "name"));
  }

  @Test
  @Order(7)
  void deletingTheCronJobDeletesItsJobs() {
    assertTrue(!jobs("fast").isBlank());
    cluster.kubectlOk("delete", "cronjob", "fast", "hello");
    cluster.awaitKubectl(DEADLINE, String::isBlank, "no Jobs left", "get", "jobs", "-o", "name");
  }
}

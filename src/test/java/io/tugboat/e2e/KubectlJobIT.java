package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jobs through the real kubectl on a cluster whose embedded node runs the fake runtime (which finishes
 * containers whose command is a short echo/sleep/exit script, and the docs' perl pi): kubectl create job, the
 * docs' pi Job, wait --for=condition=complete, get jobs, logs job/..., a failing Job reaching
 * BackoffLimitExceeded, an Indexed Job, and delete job taking its pods. The failure back-off is 1 s here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlJobIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-job-", Map.of("TUGBOAT_JOB_BACKOFF", "1s"));
  private static TugboatCluster cluster;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  private static List<String> lines(String out) {
    return Arrays.stream(out.strip().split("\n")).filter(l -> !l.isBlank()).toList();
  }

  @Test
  @Order(1)
  void createJobRunsToCompletion() {
    assertEquals("job.batch/hello created", cluster.kubectlOk("create", "job", "hello", "--image=busybox", "--",
        "sh", "-c", "echo hello from the job; exit 0"));
    assertEquals("job.batch/hello condition met",
        cluster.kubectlOk("wait", "--for=condition=complete", "job/hello", "--timeout=60s"));
    assertEquals("hello from the job", cluster.kubectlOk("logs", "job/hello").strip());
    String row = cluster.kubectlOk("get", "jobs", "hello", "--no-headers");
    assertTrue(row.matches("hello\\s+Complete\\s+1/1\\s+\\S+\\s+\\S+\\s*"), row);
  }

  @Test
  @Order(2)
  void theDocsPiJobCompletesTenTimes() {
    cluster.kubectlOk("apply", "-f", cluster.writeFile("pi.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: pi
        spec:
          completions: 10
          parallelism: 3
          template:
            spec:
              containers:
              - name: pi
                image: perl:5.34.0
                command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
              restartPolicy: Never
          backoffLimit: 4
        """).toString());
    cluster.kubectlOk("wait", "--for=condition=complete", "job/pi", "--timeout=60s");
    String header = lines(cluster.kubectlOk("get", "jobs", "pi")).get(0);
    assertTrue(header.matches("NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE"), header);
    String row = cluster.kubectlOk("get", "jobs", "pi", "--no-headers");
    assertTrue(row.contains("10/10") && row.contains("Complete"), row);
    assertTrue(cluster.kubectlOk("logs", "job/pi").startsWith("3.14159265358979"), "pi's digits");
    String pods = cluster.kubectlOk("get", "pods", "-l", "job-name=pi", "--no-headers");
    assertEquals(10, lines(pods).size(), pods);
    lines(pods).forEach(l -> assertTrue(l.contains("Completed"), l));
    String events = cluster.kubectlOk("get", "events", "--field-selector=involvedObject.name=pi");
    assertTrue(events.contains("SuccessfulCreate") && events.contains("Completed"), events);
  }

  @Test
  @Order(3)
  void failingJobReachesItsBackoffLimit() {
    cluster.kubectlOk("apply", "-f", cluster.writeFile("fail.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: fails
        spec:
          backoffLimit: 1
          template:
            spec:
              containers:
              - name: c
                image: busybox
                command: ["sh", "-c", "echo failing; exit 3"]
              restartPolicy: Never
        """).toString());
    cluster.kubectlOk("wait", "--for=condition=failed", "job/fails", "--timeout=60s");
    assertEquals("BackoffLimitExceeded", cluster.kubectlOk("get", "job", "fails", "-o",
        "jsonpath={.status.conditions[?(@.type==\"Failed\")].reason}"));
    assertEquals("2", cluster.kubectlOk("get", "job", "fails", "-o", "jsonpath={.status.failed}"));
    String row = cluster.kubectlOk("get", "jobs", "fails", "--no-headers");
    assertTrue(row.contains("Failed") && row.contains("0/1"), row);
    String events = cluster.kubectlOk("get", "events", "--field-selector=involvedObject.name=fails");
    assertTrue(events.contains("BackoffLimitExceeded"), events);
  }

  @Test
  @Order(4)
  void indexedJobRunsEveryIndex() {
    cluster.kubectlOk("apply", "-f", cluster.writeFile("indexed.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: idx
        spec:
          completions: 3
          parallelism: 3
          completionMode: Indexed
          template:
            spec:
              containers:
              - name: c
                image: busybox
                command: ["sh", "-c", "sleep 1; exit 0"]
              restartPolicy: Never
        """).toString());
    cluster.kubectlOk("wait", "--for=condition=complete", "job/idx", "--timeout=60s");
    assertEquals("0-2", cluster.kubectlOk("get", "job", "idx", "-o", "jsonpath={.status.completedIndexes}"));
    List<String> pods = lines(cluster.kubectlOk("get", "pods", "-l", "job-name=idx", "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.spec.hostname} "
            + "{.metadata.annotations.batch\\.kubernetes\\.io/job-completion-index}{\"\\n\"}{end}"));
    assertEquals(3, pods.size(), pods.toString());
    for (String p : pods) {
      String[] f = p.split(" ");
      assertTrue(f[0].matches("idx-" + f[2] + "-[a-z0-9]{5}") && f[1].equals("idx-" + f[2]), p);
    }
  }

  @Test
  @Order(5)
  void deletingAJobDeletesItsPods() {
    cluster.kubectlOk("create", "job", "sleeper", "--image=busybox", "--", "sleep", "3600");
    cluster.awaitKubectl(DEADLINE, out -> lines(out).size() == 1 && out.contains("Running"), "a running pod",
        "get", "pods", "-l", "job-name=sleeper", "--no-headers");
    assertEquals("job.batch \"sleeper\" deleted", cluster.kubectlOk("delete", "job", "sleeper"));
    cluster.kubectlOk("delete", "job", "pi");
    cluster.awaitKubectl(DEADLINE, out -> out.isBlank(), "the jobs' pods gone", "get", "pods", "-l",
        "job-name in (sleeper,pi)", "--no-headers", "--ignore-not-found");
  }
}

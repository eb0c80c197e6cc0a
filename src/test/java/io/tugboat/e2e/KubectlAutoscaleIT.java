package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HorizontalPodAutoscaler walkthrough through the real kubectl against {@code scripts/tugboat up} with the fake
 * runtime: {@code kubectl autoscale}, {@code kubectl get hpa} TARGETS, load raised in a pod (an exec of the fake
 * runtime's {@code tugboat-usage}) scaling the Deployment up, load dropped scaling it down after the (shortened)
 * window, the v1 view, and bad HPAs refused with the field named. Sync period, metrics interval and window are
 * shortened through TUGBOAT_JAVA_OPTS.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlAutoscaleIT {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-hpa-", Map.of("TUGBOAT_JAVA_OPTS",
      "-Xms256m -Xmx1g -Dtugboat.hpa.sync-period=2s -Dtugboat.node.metrics-interval=2s "
          + "-Dtugboat.hpa.downscale-stabilization=10s"));
  private static TugboatCluster cluster;

  private static final String WEB = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 1
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: web
              image: nginx
              resources: {requests: {cpu: 100m}}
      """;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  private static String replicas() {
    return cluster.kubectlOk("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}");
  }

  private static String firstPod() {
    return cluster.awaitKubectl(DEADLINE, out -> !out.isBlank(), "a running web pod", "get", "pods", "-l", "app=web",
        "--field-selector=status.phase=Running", "-o", "jsonpath={.items[0].metadata.name}").strip();
  }

  @Test
  @Order(1)
  void autoscaleCreatesAnHpaThatShowsItsTarget() {
    cluster.kubectlOk("apply", "-f", cluster.writeFile("web.yaml", WEB).toString());
    assertEquals("horizontalpodautoscaler.autoscaling/web autoscaled",
        cluster.kubectlOk("autoscale", "deployment", "web", "--cpu-percent=50", "--min=1", "--max=5").strip());
    // The fake container uses 1m of its 100m request.
    String out = cluster.awaitKubectl(DEADLINE, o -> o.contains("cpu: 1%/50%"), "the HPA's current utilization",
        "get", "hpa");
    assertTrue(Pattern.compile("(?m)^web\\s+Deployment/web\\s+cpu: 1%/50%\\s+1\\s+5\\s+1\\s+\\S+$").matcher(out)
        .find(), out);
    // The same object through autoscaling/v1, as older clients read it.
    String v1 = cluster.kubectlOk("get", "--raw", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web");
    assertTrue(v1.contains("\"targetCPUUtilizationPercentage\":50"), v1);
    assertTrue(v1.contains("\"currentCPUUtilizationPercentage\":1"), v1);
  }

  @Test
  @Order(2)
  void loadScalesTheDeploymentUp() {
    String pod = firstPod();
    cluster.kubectlOk("exec", pod, "--", "tugboat-usage", "200m", "64Mi");
    // 200% of a 50% target asks for 4 replicas (and the step limit allows 4).
    cluster.awaitKubectl(DEADLINE, "4"::equals, "the Deployment scaled to 4", "get", "deployment", "web", "-o",
        "jsonpath={.spec.replicas}");
    String describe = cluster.kubectlOk("describe", "hpa", "web");
    assertTrue(describe.contains("New size: 4; reason: cpu resource utilization (percentage of request) above target"),
        describe);
    assertTrue(describe.contains("SuccessfulRescale"), describe);
    // kubectl's own rendering of currentMetrics: utilization, the average value, the target.
    assertTrue(Pattern.compile("resource cpu on pods\\s+\\(as a percentage of request\\):\\s+\\d+% \\(\\d+m\\) / 50%")
        .matcher(describe).find(), describe);
    cluster.awaitKubectl(DEADLINE, o -> o.strip().equals("4"), "4 pods ready", "get", "deployment", "web", "-o",
        "jsonpath={.status.readyReplicas}");
  }

  @Test
  @Order(3)
  void droppedLoadScalesDownAfterTheWindow() {
    String pods = cluster.kubectlOk("get", "pods", "-l", "app=web", "-o", "name");
    for (String pod : pods.strip().split("\n")) {
      cluster.kubectlOk("exec", pod.substring("pod/".length()), "--", "tugboat-usage", "1m", "4Mi");
    }
    cluster.awaitKubectl(DEADLINE, "1"::equals, "the Deployment scaled back to 1", "get", "deployment", "web", "-o",
        "jsonpath={.spec.replicas}");
    String events = cluster.kubectlOk("get", "events", "--field-selector", "involvedObject.kind="
        + "HorizontalPodAutoscaler,reason=SuccessfulRescale", "-o", "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}");
    assertTrue(events.contains("New size: 1; reason: All metrics below target"), events);
    assertEquals("1", replicas());
  }

  @Test
  @Order(4)
  void badHpasAreRefusedWithTheFieldNamed() {
    String minAboveMax = """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: bad}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 5
          maxReplicas: 2
        """;
    TugboatCluster.Result r = cluster.kubectlFails("apply", "-f", cluster.writeFile("bad.yaml", minAboveMax)
        .toString());
    assertTrue(r.stderr().contains("spec.maxReplicas: Invalid value: 2"), r.describe());
    String pod = minAboveMax.replace("apps/v1, kind: Deployment", "v1, kind: Pod").replace("minReplicas: 5",
        "minReplicas: 1");
    r = cluster.kubectlFails("apply", "-f", cluster.writeFile("pod.yaml", pod).toString());
    assertTrue(r.stderr().contains("spec.scaleTargetRef.kind: Invalid value: \"Pod\""), r.describe());
    String metric = minAboveMax.replace("minReplicas: 5", "minReplicas: 1\n  metrics: [{type: Memory}]")
        .replace("maxReplicas: 2", "maxReplicas: 3");
    r = cluster.kubectlFails("apply", "-f", cluster.writeFile("metric.yaml", metric).toString());
    assertTrue(r.stderr().contains("spec.metrics[0].type: Unsupported value: \"Memory\""), r.describe());
  }

  @Test
  @Order(5)
  void aMissingTargetIsReportedAsFailedGetScale() {
    cluster.kubectlOk("autoscale", "deployment", "web", "--name=ghost", "--max=3");
    cluster.kubectlOk("patch", "hpa", "ghost", "--type=merge", "-p",
        "{\"spec\":{\"scaleTargetRef\":{\"name\":\"nosuch\"}}}");
    String out = cluster.awaitKubectl(DEADLINE, o -> o.contains("FailedGetScale"), "the FailedGetScale condition",
        "describe", "hpa", "ghost");
    assertTrue(out.contains("deployments.apps \"nosuch\" not found"), out);
  }
}

package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Deployment walkthrough of the Kubernetes docs through the real kubectl, against a cluster started by
 * {@code scripts/tugboat up} whose embedded node runs pods on the fake runtime: create, get rs/pods, scale, set
 * image, rollout status/history/undo/pause/resume/restart, a deleted pod replaced, and the deployment deleted with
 * its ReplicaSets and pods. Tests run in order on one deployment.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlDeploymentIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String D = "deployment/nginx-deployment";

  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-deploy-");
  private static TugboatCluster cluster;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  private static void rolledOut() {
    String out = cluster.kubectlOk("rollout", "status", D, "--timeout=60s");
    assertTrue(out.contains("successfully rolled out"), out);
  }

  private static List<String> lines(String out) {
    return Arrays.stream(out.strip().split("\n")).filter(l -> !l.isBlank()).toList();
  }

  private static String image() {
    return cluster.kubectlOk("get", D, "-o", "jsonpath={.spec.template.spec.containers[0].image}");
  }

  @Test
  @Order(1)
  void createDeploymentRollsOutReplicaSetAndPods() {
    assertEquals("deployment.apps/nginx-deployment created", cluster.kubectlOk("create", "deployment",
        "nginx-deployment", "--image=nginx:1.14.2", "--replicas=3"));
    rolledOut();
    String ready = cluster.kubectlOk("get", D, "-o", "jsonpath={.status.readyReplicas}/{.status.updatedReplicas}"
        + "/{.status.availableReplicas}");
    assertEquals("3/3/3", ready);
    List<String> rs = lines(cluster.kubectlOk("get", "rs", "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.spec.replicas} {.status.readyReplicas}{\"\\n\"}{end}"));
    assertEquals(1, rs.size(), rs.toString());
    assertTrue(rs.get(0).matches("nginx-deployment-[bcdfghjklmnpqrstvwxz2456789]+ 3 3"), rs.toString());
    String hash = rs.get(0).split(" ")[0].substring("nginx-deployment-".length());
    String pods = cluster.kubectlOk("get", "pods", "--show-labels", "--no-headers");
    assertEquals(3, lines(pods).size(), pods);
    for (String line : lines(pods)) {
      assertTrue(line.contains("Running") && line.contains("pod-template-hash=" + hash), line);
    }
  }

  @Test
  @Order(2)
  void scaleDeployment() {
    assertEquals("deployment.apps/nginx-deployment scaled", cluster.kubectlOk("scale", D, "--replicas=5"));
    rolledOut();
    cluster.awaitKubectl(DEADLINE, out -> lines(out).size() == 5, "5 running pods", "get", "pods", "--no-headers",
        "--field-selector=status.phase=Running");
  }

  @Test
  @Order(3)
  void setImageRollsOutASecondReplicaSet() {
    assertEquals("deployment.apps/nginx-deployment image updated",
        cluster.kubectlOk("set", "image", D, "nginx=nginx:1.16.1"));
    cluster.kubectlOk("annotate", D, "kubernetes.io/change-cause=image updated to 1.16.1");
    rolledOut();
    List<String> rs = lines(cluster.kubectlOk("get", "rs", "--no-headers", "-o",
        "custom-columns=R:.spec.replicas,I:.spec.template.spec.containers[0].image"));
    assertEquals(2, rs.size(), rs.toString());
    assertTrue(rs.stream().anyMatch(l -> l.matches("5\\s+nginx:1.16.1")), rs.toString());
    assertTrue(rs.stream().anyMatch(l -> l.matches("0\\s+nginx:1.14.2")), rs.toString());
    String events = cluster.kubectlOk("get", "events", "--field-selector=involvedObject.kind=Deployment", "-o",
        "jsonpath={range .items[*]}{.reason} {.message}{\"\\n\"}{end}");
    assertTrue(events.contains("ScalingReplicaSet Scaled up replica set nginx-deployment-"), events);
    assertTrue(events.contains("ScalingReplicaSet Scaled down replica set nginx-deployment-"), events);
  }

  @Test
  @Order(4)
  void rolloutHistoryListsRevisionsWithChangeCause() {
    String history = cluster.kubectlOk("rollout", "history", D);
    assertTrue(history.contains("REVISION"), history);
    assertTrue(history.matches("(?s).*\\n1\\s+<none>.*"), history);
    assertTrue(history.matches("(?s).*\\n2\\s+image updated to 1.16.1.*"), history);
    String second = cluster.kubectlOk("rollout", "history", D, "--revision=2");
    assertTrue(second.contains("nginx:1.16.1"), second);
  }

  @Test
  @Order(5)
  void rolloutUndoGoesBackAndToRevision() {
    assertEquals("deployment.apps/nginx-deployment rolled back", cluster.kubectlOk("rollout", "undo", D));
    rolledOut();
    assertEquals("nginx:1.14.2", image());
    String history = cluster.kubectlOk("rollout", "history", D);
    assertTrue(history.matches("(?s).*\\n2\\s+.*\\n3\\s+.*"), history);
    assertFalse(history.matches("(?s).*\\n1\\s+.*"), "revision 1 became 3: " + history);
    assertEquals("deployment.apps/nginx-deployment rolled back",
        cluster.kubectlOk("rollout", "undo", D, "--to-revision=2"));
    rolledOut();
    assertEquals("nginx:1.16.1", image());
    TugboatCluster.Result missing = cluster.kubectlFails("rollout", "undo", D, "--to-revision=99");
    assertTrue(missing.stderr().contains("unable to find specified revision 99"), missing.describe());
    assertEquals(2, lines(cluster.kubectlOk("get", "rs", "--no-headers")).size());
  }

  @Test
  @Order(6)
  void pauseHoldsChangesUntilResume() {
    assertEquals("deployment.apps/nginx-deployment paused", cluster.kubectlOk("rollout", "pause", D));
    cluster.kubectlOk("set", "image", D, "nginx=nginx:1.25");
    cluster.awaitKubectl(DEADLINE, out -> out.equals("DeploymentPaused"), "the Paused condition", "get", D, "-o",
        "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}");
    assertEquals(2, lines(cluster.kubectlOk("get", "rs", "--no-headers")).size(), "no rollout while paused");
    assertEquals("deployment.apps/nginx-deployment resumed", cluster.kubectlOk("rollout", "resume", D));
    rolledOut();
    assertEquals(3, lines(cluster.kubectlOk("get", "rs", "--no-headers")).size());
  }

  @Test
  @Order(7)
  void rolloutRestartReplacesEveryPod() {
    List<String> before = lines(cluster.kubectlOk("get", "pods", "-o", "name"));
    assertEquals("deployment.apps/nginx-deployment restarted", cluster.kubectlOk("rollout", "restart", D));
    rolledOut();
    cluster.awaitKubectl(DEADLINE, out -> lines(out).size() == 5 && lines(out).stream().noneMatch(before::contains),
        "five new pods", "get", "pods", "-o", "name", "--field-selector=status.phase=Running");
  }

  @Test
  @Order(8)
  void deletedPodIsReplaced() {
    String victim = lines(cluster.kubectlOk("get", "pods", "-o", "name")).get(0);
    cluster.kubectlOk("delete", victim, "--wait=false");
    cluster.awaitKubectl(DEADLINE, out -> lines(out).size() == 5 && !out.contains(victim), "a replacement pod",
        "get", "pods", "-o", "name", "--field-selector=status.phase=Running");
    String events = cluster.kubectlOk("get", "events", "--field-selector=reason=SuccessfulCreate", "-o", "name");
    assertFalse(events.isBlank());
  }

  @Test
  @Order(9)
  void deletingTheDeploymentTakesItsReplicaSetsAndPods() {
    assertEquals("deployment.apps \"nginx-deployment\" deleted", cluster.kubectlOk("delete", D));
    cluster.awaitKubectl(DEADLINE, String::isBlank, "no replica sets and pods", "get", "rs,pods", "-o", "name");
  }
}

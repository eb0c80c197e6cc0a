package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DaemonSet page of the Kubernetes docs through the real kubectl: the fluentd-elasticsearch example on a
 * cluster of the embedded node and three hollow nodes, one of them tainted without a matching toleration. One
 * pod per eligible node, DESIRED = CURRENT = READY, rollout status, set image, rollout history and undo through
 * ControllerRevisions, and deletion taking the pods along. Tests run in order on one DaemonSet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlDaemonSetIT {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String DS = "daemonset/fluentd-elasticsearch";
  private static final String NS = "kube-system";
  private static final String IMAGE_1 = "quay.io/fluentd_elasticsearch/fluentd:v2.5.2";
  private static final String IMAGE_2 = "quay.io/fluentd_elasticsearch/fluentd:v2.6.0";
  private static final String TAINTED = "hollow-00003";

  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-ds-", Map.of("TUGBOAT_HOLLOW_NODES", "3"));
  private static TugboatCluster cluster;
  /** The nodes that should run the daemon pod: every Ready node but the tainted one. */
  private static Set<String> eligible;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  private static List<String> lines(String out) {
    return Arrays.stream(out.strip().split("\n")).filter(l -> !l.isBlank()).toList();
  }

  private static void rolledOut() {
    String out = cluster.kubectlOk("rollout", "status", DS, "-n", NS, "--timeout=50s");
    assertTrue(out.contains("daemon set \"fluentd-elasticsearch\" successfully rolled out"), out);
  }

  /** node image, one line per daemon pod that is not being deleted. */
  private static Set<String> podsByNode() {
    String out = cluster.kubectlOk("get", "pods", "-n", NS, "-l", "name=fluentd-elasticsearch", "-o",
        "jsonpath={range .items[?(@.status.phase==\"Running\")]}{.spec.nodeName} {.spec.containers[0].image}"
            + "{\"\\n\"}{end}");
    return new TreeSet<>(lines(out));
  }

  private static Set<String> expect(String image) {
    Set<String> want = new TreeSet<>();
    eligible.forEach(n -> want.add(n + " " + image));
    return want;
  }

  @Test
  @Order(1)
  void fluentdRunsOnEveryNodeButTheTaintedOne() {
    String nodes = cluster.awaitKubectl(DEADLINE, out -> lines(out).size() == 4 && !out.contains("NotReady"),
        "4 Ready nodes", "get", "nodes", "--no-headers");
    eligible = new TreeSet<>();
    lines(nodes).forEach(l -> eligible.add(l.split("\\s+")[0]));
    assertTrue(eligible.remove(TAINTED), nodes);
    assertEquals("node/" + TAINTED + " tainted", cluster.kubectlOk("taint", "nodes", TAINTED,
        "dedicated=db:NoSchedule"));
    Path file = cluster.writeFile("fluentd.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: fluentd-elasticsearch
          namespace: kube-system
          labels:
            k8s-app: fluentd-logging
        spec:
          selector:
            matchLabels:
              name: fluentd-elasticsearch
          template:
            metadata:
              labels:
                name: fluentd-elasticsearch
            spec:
              tolerations:
              # these tolerations are to have the daemonset runnable on control plane nodes
              # remove them if your control plane nodes should not run pods
              - key: node-role.kubernetes.io/control-plane
                operator: Exists
                effect: NoSchedule
              - key: node-role.kubernetes.io/master
                operator: Exists
                effect: NoSchedule
              containers:
              - name: fluentd-elasticsearch
                image: %s
                resources:
                  limits:
                    memory: 200Mi
                  requests:
                    cpu: 100m
                    memory: 200Mi
                volumeMounts:
                - name: varlog
                  mountPath: /var/log
              terminationGracePeriodSeconds: 30
              volumes:
              - name: varlog
                hostPath:
                  path: /var/log
        """.formatted(IMAGE_1));
    assertEquals("daemonset.apps/fluentd-elasticsearch created", cluster.kubectlOk("apply", "-f", file.toString()));
    rolledOut();
    String n = Integer.toString(eligible.size());
    String row = cluster.awaitKubectl(DEADLINE, out -> out.split("\\s+").length > 5
            && Arrays.asList(out.split("\\s+")).subList(1, 6).equals(List.of(n, n, n, n, n)),
        "DESIRED = CURRENT = READY = UP-TO-DATE = AVAILABLE = " + n, "get", "ds", "-n", NS, "--no-headers");
    assertTrue(row.startsWith("fluentd-elasticsearch"), row);
    cluster.awaitKubectl(DEADLINE, out -> new TreeSet<>(lines(out)).equals(expect(IMAGE_1)),
        "one running pod per eligible node", "get", "pods", "-n", NS, "-l", "name=fluentd-elasticsearch", "-o",
        "jsonpath={range .items[?(@.status.phase==\"Running\")]}{.spec.nodeName} {.spec.containers[0].image}"
            + "{\"\\n\"}{end}");
    assertTrue(podsByNode().stream().noneMatch(l -> l.startsWith(TAINTED + " ")), podsByNode().toString());
    String hashes = cluster.kubectlOk("get", "pods", "-n", NS, "-l", "name=fluentd-elasticsearch", "-o",
        "jsonpath={.items[*].metadata.labels.controller-revision-hash}");
    assertEquals(1, new TreeSet<>(Arrays.asList(hashes.split(" "))).size(), hashes);
    String revisions = cluster.kubectlOk("get", "controllerrevisions", "-n", NS, "--no-headers");
    assertTrue(revisions.startsWith("fluentd-elasticsearch-" + hashes.split(" ")[0]), revisions);
    assertTrue(revisions.contains("daemonset.apps/fluentd-elasticsearch"), revisions);
  }

  @Test
  @Order(2)
  void setImageRollsEveryNodeOver() {
    assertEquals("daemonset.apps/fluentd-elasticsearch image updated", cluster.kubectlOk("set", "image", DS,
        "-n", NS, "fluentd-elasticsearch=" + IMAGE_2));
    rolledOut();
    cluster.awaitKubectl(DEADLINE, out -> new TreeSet<>(lines(out)).equals(expect(IMAGE_2)),
        "every eligible node running " + IMAGE_2, "get", "pods", "-n", NS, "-l", "name=fluentd-elasticsearch",
        "-o", "jsonpath={range .items[?(@.status.phase==\"Running\")]}{.spec.nodeName} {.spec.containers[0].image}"
            + "{\"\\n\"}{end}");
    String history = cluster.kubectlOk("rollout", "history", DS, "-n", NS);
    assertTrue(history.startsWith("daemonset.apps/fluentd-elasticsearch"), history);
    List<String> rows = lines(history).subList(2, lines(history).size());
    assertEquals(List.of("1", "2"), rows.stream().map(l -> l.split("\\s+")[0]).toList(), history);
    String second = cluster.kubectlOk("rollout", "history", DS, "-n", NS, "--revision=2");
    assertTrue(second.contains(IMAGE_2), second);
  }

  @Test
  @Order(3)
  void rolloutUndoGoesBackToTheFirstTemplate() {
    assertEquals("daemonset.apps/fluentd-elasticsearch rolled back", cluster.kubectlOk("rollout", "undo", DS,
        "-n", NS));
    rolledOut();
    cluster.awaitKubectl(DEADLINE, out -> new TreeSet<>(lines(out)).equals(expect(IMAGE_1)),
        "every eligible node back on " + IMAGE_1, "get", "pods", "-n", NS, "-l", "name=fluentd-elasticsearch",
        "-o", "jsonpath={range .items[?(@.status.phase==\"Running\")]}{.spec.nodeName} {.spec.containers[0].image}"
            + "{\"\\n\"}{end}");
    assertEquals(IMAGE_1, cluster.kubectlOk("get", DS, "-n", NS, "-o",
        "jsonpath={.spec.template.spec.containers[0].image}"));
    String history = cluster.kubectlOk("rollout", "history", DS, "-n", NS);
    List<String> rows = lines(history).subList(2, lines(history).size());
    assertEquals(List.of("2", "3"), rows.stream().map(l -> l.split("\\s+")[0]).toList(), history);
    assertEquals("daemonset.apps/fluentd-elasticsearch skipped rollback (current template already matches revision 3)",
        cluster.kubectlOk("rollout", "undo", DS, "-n", NS, "--to-revision=3"));
    assertTrue(cluster.kubectlFails("rollout", "undo", DS, "-n", NS, "--to-revision=9").stderr()
        .contains("unable to find specified revision 9"));
  }

  @Test
  @Order(4)
  void rolloutRestartReplacesEveryPodAndDescribeShowsTheCounts() {
    Set<String> before = new TreeSet<>(lines(cluster.kubectlOk("get", "pods", "-n", NS, "-l",
        "name=fluentd-elasticsearch", "-o", "name")));
    assertEquals("daemonset.apps/fluentd-elasticsearch restarted", cluster.kubectlOk("rollout", "restart", DS,
        "-n", NS));
    rolledOut();
    cluster.awaitKubectl(DEADLINE, out -> lines(out).size() == eligible.size()
            && lines(out).stream().noneMatch(before::contains), "every daemon pod replaced", "get", "pods", "-n", NS,
        "-l", "name=fluentd-elasticsearch", "--field-selector=status.phase=Running", "-o", "name");
    String history = cluster.kubectlOk("rollout", "history", DS, "-n", NS);
    List<String> rows = lines(history).subList(2, lines(history).size());
    assertEquals(List.of("2", "3", "4"), rows.stream().map(l -> l.split("\\s+")[0]).toList(), history);
    int n = eligible.size();
    String described = cluster.awaitKubectl(DEADLINE, out -> out.contains(n + " Running / 0 Waiting"),
        "describe with every pod running", "describe", DS, "-n", NS);
    assertTrue(described.contains("Desired Number of Nodes Scheduled: " + n), described);
    assertTrue(described.contains("Current Number of Nodes Scheduled: " + n), described);
    assertTrue(described.contains("Number of Nodes Misscheduled: 0"), described);
    assertTrue(described.contains("SuccessfulCreate"), described);
  }

  @Test
  @Order(5)
  void aDeletedPodOnACordonedNodeIsReplacedThere() {
    String node = "hollow-00001";
    assertEquals("node/" + node + " cordoned", cluster.kubectlOk("cordon", node));
    try {
      String pod = cluster.kubectlOk("get", "pods", "-n", NS, "-l", "name=fluentd-elasticsearch",
          "--field-selector=spec.nodeName=" + node, "-o", "name");
      assertTrue(pod.startsWith("pod/fluentd-elasticsearch-"), pod);
      cluster.kubectlOk("delete", pod.strip(), "-n", NS);
      // The automatic unschedulable:NoSchedule toleration lets the scheduler bind the replacement there.
      cluster.awaitKubectl(DEADLINE, out -> out.startsWith("pod/fluentd-elasticsearch-") && !out.strip()
              .equals(pod.strip()) && lines(out).size() == 1, "a new daemon pod on the cordoned " + node,
          "get", "pods", "-n", NS, "-l", "name=fluentd-elasticsearch", "--field-selector=spec.nodeName=" + node
              + ",status.phase=Running", "-o", "name");
      rolledOut();
    } finally {
      cluster.kubectlOk("uncordon", node);
    }
  }

  @Test
  @Order(6)
  void deletingTheDaemonSetTakesItsPods() {
    assertEquals("daemonset.apps \"fluentd-elasticsearch\" deleted", cluster.kubectlOk("delete", DS, "-n", NS));
    cluster.awaitKubectl(DEADLINE, String::isBlank, "no daemon pods left", "get", "pods", "-n", NS, "-l",
        "name=fluentd-elasticsearch", "-o", "name");
    cluster.awaitKubectl(DEADLINE, out -> !out.contains("fluentd-elasticsearch"), "no revisions left", "get",
        "controllerrevisions", "-n", NS, "-o", "name");
  }
}

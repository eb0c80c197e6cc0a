package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * kubectl label, cordon, drain, uncordon and describe on a node, and the node lifecycle controller marking a node
 * whose Lease stopped renewing, against a cluster started by {@code scripts/tugboat up}. No node agent runs yet:
 * the test registers the Node and its Lease itself and plays the agent's heartbeats with kubectl.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlNodeLifecycleIT {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-nodes-");
  private static TugboatCluster cluster;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  /** Plays the node agent: the Lease renewed and the Ready condition posted at {@code at}. */
  private static void heartbeat(Instant at) {
    String time = at.truncatedTo(ChronoUnit.SECONDS).toString();
    Path lease = cluster.writeFile("lease.yaml", """
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata: {name: worker-1, namespace: kube-node-lease}
        spec: {holderIdentity: worker-1, leaseDurationSeconds: 40, renewTime: "%s"}
        """.formatted(time.replace("Z", ".000000Z"))); // a MicroTime
    cluster.kubectlOk("apply", "-f", lease.toString());
    cluster.kubectlOk("patch", "node", "worker-1", "--subresource=status", "--type=merge", "-p",
        "{\"status\":{\"conditions\":["
            + "{\"type\":\"MemoryPressure\",\"status\":\"False\",\"reason\":\"KubeletHasSufficientMemory\","
            + "\"lastHeartbeatTime\":\"" + time + "\",\"lastTransitionTime\":\"" + time + "\"},"
            + "{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",\"message\":\"kubelet is posting "
            + "ready status\",\"lastHeartbeatTime\":\"" + time + "\",\"lastTransitionTime\":\"" + time + "\"}]}}");
  }

  private static String awaitOutput(Predicate<String> wanted, String what, String... kubectlArgs) {
    return awaitOutput(DEADLINE, wanted, what, kubectlArgs);
  }

  private static String awaitOutput(Duration timeout, Predicate<String> wanted, String what, String... kubectlArgs) {
    return cluster.awaitKubectl(timeout, wanted, what, kubectlArgs);
  }

  @Test
  @Order(1)
  void registersTheNodeAndLabelsIt() {
    Path node = cluster.writeFile("node.yaml", """
        apiVersion: v1
        kind: Node
        metadata:
          name: worker-1
          labels: {kubernetes.io/hostname: worker-1}
        """);
    assertEquals("node/worker-1 created", cluster.kubectlOk("create", "-f", node.toString()));
    heartbeat(Instant.now());
    assertEquals("node/worker-1 labeled", cluster.kubectlOk("label", "nodes", "worker-1", "disk=ssd"));
    awaitOutput(out -> out.contains(" Ready "), "the node to be Ready", "get", "nodes", "-l", "disk=ssd");
  }

  @Test
  @Order(2)
  void cordonTaintsTheNodeUnschedulable() {
    assertEquals("node/worker-1 cordoned", cluster.kubectlOk("cordon", "worker-1"));
    awaitOutput(out -> out.contains("Ready,SchedulingDisabled"), "SchedulingDisabled", "get", "node", "worker-1");
    awaitOutput(out -> out.contains("node.kubernetes.io/unschedulable"), "the unschedulable taint",
        "get", "node", "worker-1", "-o", "jsonpath={.spec.taints[*].key}");
  }

  @Test
  @Order(3)
  void drainEvictsEverythingButDaemonSetPods() {
    Path pods = cluster.writeFile("pods.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: default}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec: {containers: [{name: c, image: busybox}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: agent-worker-1
          namespace: default
          labels: {app: agent}
          ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: 00000000-0000-0000-0000-000000000001, controller: true}]
        spec: {nodeName: worker-1, containers: [{name: c, image: busybox}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: default, labels: {app: web}}
        spec:
          nodeName: worker-1
          containers: [{name: c, image: nginx, volumeMounts: [{name: scratch, mountPath: /scratch}]}]
          volumes: [{name: scratch, emptyDir: {}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-2, namespace: default, labels: {app: web}}
        spec: {nodeName: worker-1, containers: [{name: c, image: nginx}]}
        """);
    cluster.kubectlOk("create", "-f", pods.toString());
    // Without a node agent nothing would finish a graceful deletion: drain with --grace-period=0.
    TugboatCluster.Result drain = cluster.kubectl("drain", "worker-1", "--ignore-daemonsets",
        "--delete-emptydir-data", "--force", "--grace-period=0", "--timeout=60s");
    assertTrue(drain.succeeded(), drain.describe());
    String all = drain.stdout() + drain.stderr();
    assertTrue(all.contains("evicting pod default/web-1") && all.contains("pod/web-1 evicted"), drain.describe());
    assertTrue(all.contains("ignoring DaemonSet-managed Pods: default/agent-worker-1"), drain.describe());
    assertTrue(all.contains("node/worker-1 drained"), drain.describe());
    assertEquals("pod/agent-worker-1", cluster.kubectlOk("get", "pods", "-n", "default", "-o", "name",
        "--field-selector", "spec.nodeName=worker-1"));
  }

  @Test
  @Order(4)
  void describeNodeShowsLabelsTaintsAndLease() {
    String out = cluster.kubectlOk("describe", "node", "worker-1");
    assertTrue(out.contains("disk=ssd"), out);
    assertTrue(out.contains("Taints:             node.kubernetes.io/unschedulable:NoSchedule"), out);
    assertTrue(out.contains("Unschedulable:      true"), out);
    assertTrue(out.contains("HolderIdentity:  worker-1"), out);
    assertTrue(out.contains("agent-worker-1"), out);
  }

  @Test
  @Order(5)
  void uncordonRemovesTheTaint() {
    assertEquals("node/worker-1 uncordoned", cluster.kubectlOk("uncordon", "worker-1"));
    awaitOutput(out -> out.contains("Taints:             <none>"), "the taints to go", "describe", "node", "worker-1");
  }

  @Test
  @Order(6)
  void aNodeThatStopsRenewingGoesNotReadyAndComesBack() {
    // Heartbeats from long ago: the node goes stale once its grace period (40 s) has passed since the last sign
    // of life, which for a node registered a moment ago is its creation.
    heartbeat(Instant.now().minus(Duration.ofMinutes(5)));
    awaitOutput(Duration.ofSeconds(90), out -> out.contains("node.kubernetes.io/unreachable:NoExecute"),
        "the unreachable taint", "describe", "node", "worker-1");
    String out = cluster.kubectlOk("get", "node", "worker-1");
    assertTrue(out.contains("NotReady"), out);
    String reason = cluster.kubectlOk("get", "node", "worker-1", "-o",
        "jsonpath={.status.conditions[?(@.type==\"Ready\")].message}");
    assertEquals("Kubelet stopped posting node status.", reason);

    heartbeat(Instant.now());
    awaitOutput(o -> o.contains("Taints:             <none>"), "the taints to go", "describe", "node", "worker-1");
    assertTrue(cluster.kubectlOk("get", "node", "worker-1").contains(" Ready "));
  }
}

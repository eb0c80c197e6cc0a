package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Pods that really run: {@code scripts/tugboat up} with the process runtime (runc, a network namespace per pod,
 * cgroup limits) and the example images, driven by kubectl as the Kubernetes docs do. Runs as root with runc and
 * busybox-static installed (CI installs them through scripts/host-deps); elsewhere it skips, saying what is missing.
 * The last test stops the cluster and checks that nothing was left behind: no network namespace, mount, or process.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlRealPodsIT {

  private static final Duration START = Duration.ofSeconds(60);
  private static TugboatCluster cluster;
  private static Set<String> netnsBefore;

  @BeforeAll
  static void startCluster() throws IOException {
    String missing = missingPrerequisite();
    assumeTrue(missing == null, () -> "skipping the real-runtime end-to-end tests: " + missing);
    netnsBefore = netns();
    cluster = TugboatCluster.startFresh("e2e-realpods-", Map.of("TUGBOAT_RUNTIME", "process",
        "TUGBOAT_JAVA_OPTS", "-Xms256m -Xmx1g -Dtugboat.node.pods.backoff-base=1s"
            + " -Dtugboat.node.static-pod-check-interval=1s -Dtugboat.node.metrics-interval=2s"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String missingPrerequisite() {
    if (!TugboatCluster.onPath("kubectl")) {
      return "kubectl is not on the PATH";
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "not root (pod network namespaces, mounts and cgroups need root)";
    }
    for (String tool : List.of("runc", "ip", "busybox")) {
      if (!TugboatCluster.onPath(tool)) {
        return tool + " is not installed (scripts/host-deps installs it)";
      }
    }
    return null;
  }

  private static Set<String> netns() {
    try (Stream<Path> entries = Files.exists(Path.of("/run/netns")) ? Files.list(Path.of("/run/netns"))
        : Stream.empty()) {
      return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String apply(String name, String yaml) {
    return cluster.kubectlOk("apply", "-f", cluster.writeFile(name + ".yaml", yaml).toString());
  }

  private static String jsonpath(String pod, String path) {
    return cluster.kubectlOk("get", "pod", pod, "-o", "jsonpath={" + path + "}");
  }

  @Test
  @Order(1)
  void thePodOfTheDocsServesNginxsDefaultPage() {
    apply("simple-pod", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: nginx
        spec:
          containers:
          - name: nginx
            image: nginx:1.14.2
            ports:
            - containerPort: 80
        """);
    cluster.awaitKubectl(START, "Running"::equals, "nginx Running", "get", "pod", "nginx", "-o",
        "jsonpath={.status.phase}");
    String ip = jsonpath("nginx", ".status.podIP");
    assertTrue(ip.startsWith("10.244."), "pod IP from the node's pod CIDR: " + ip);
    assertTrue(cluster.kubectlOk("exec", "nginx", "--", "wget", "-qO-", "http://localhost:80/")
        .contains("Welcome to nginx"));
    assertEquals("nginx", cluster.kubectlOk("exec", "nginx", "--", "hostname"));
    assertTrue(cluster.kubectlOk("get", "node", "-o", "jsonpath={.items[*].status.conditions[*].type}")
        .contains("Ready"));
  }

  @Test
  @Order(2)
  void twoContainersOfOnePodTalkOverLocalhost() {
    apply("two-containers", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: two-containers
        spec:
          containers:
          - name: server
            image: busybox
            command: ["sh", "-c", "mkdir -p /www && echo from-the-server > /www/index.html && exec httpd -f -p 8080 -h /www"]
          - name: client
            image: busybox
            command: ["sh", "-c", "while true; do wget -qO- http://localhost:8080/ && sleep 3600; sleep 1; done"]
        """);
    cluster.awaitKubectl(START, out -> out.contains("from-the-server"), "the client's log to show the page",
        "logs", "two-containers", "-c", "client");
  }

  @Test
  @Order(3)
  void aConfigMapDrivenEnvPodSucceedsWithItsOutput() {
    cluster.kubectlOk("create", "configmap", "app-config", "--from-literal=APP_COLOR=blue",
        "--from-literal=APP_MODE=prod");
    apply("env-pod", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: env-pod
        spec:
          restartPolicy: Never
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "env | grep APP | sort"]
            envFrom:
            - configMapRef:
                name: app-config
        """);
    cluster.awaitKubectl(START, "Succeeded"::equals, "env-pod Succeeded", "get", "pod", "env-pod", "-o",
        "jsonpath={.status.phase}");
    assertEquals("APP_COLOR=blue\nAPP_MODE=prod", cluster.kubectlOk("logs", "env-pod"));
    assertEquals("Completed", jsonpath("env-pod", ".status.containerStatuses[0].state.terminated.reason"));
  }

  @Test
  @Order(4)
  void aContainerOverItsMemoryLimitIsOomKilled() {
    apply("oom", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: oom
        spec:
          restartPolicy: Never
          containers:
          - name: hog
            image: busybox
            command: ["sh", "-c", "tail /dev/zero"]
            resources:
              limits:
                memory: 32Mi
        """);
    cluster.awaitKubectl(START, "OOMKilled"::equals, "the hog OOMKilled", "get", "pod", "oom", "-o",
        "jsonpath={.status.containerStatuses[0].state.terminated.reason}");
    assertEquals("137", jsonpath("oom", ".status.containerStatuses[0].state.terminated.exitCode"));
  }

  @Test
  @Order(5)
  void aCrashingContainerBacksOffAndKeepsRestarting() {
    apply("crash", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: crash
        spec:
          containers:
          - name: main
            image: busybox
            command: ["sh", "-c", "echo crashing; exit 3"]
        """);
    cluster.awaitKubectl(START, out -> out.contains("CrashLoopBackOff"), "CrashLoopBackOff", "get", "pod",
        "crash");
    cluster.awaitKubectl(START, out -> Integer.parseInt(out.isEmpty() ? "0" : out) >= 2, "two restarts", "get",
        "pod", "crash", "-o", "jsonpath={.status.containerStatuses[0].restartCount}");
    assertEquals("3", jsonpath("crash", ".status.containerStatuses[0].lastState.terminated.exitCode"));
    assertTrue(cluster.kubectlOk("logs", "crash", "--previous").contains("crashing"));
  }

  @Test
  @Order(6)
  void aFailingReadinessProbeRecoversWhenItsCheckPasses() {
    apply("probed", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: probed
        spec:
          containers:
          - name: main
            image: busybox
            command: ["sleep", "3600"]
            readinessProbe:
              exec:
                command: ["cat", "/tmp/ready"]
              periodSeconds: 1
        """);
    cluster.awaitKubectl(START, "Running"::equals, "probed Running", "get", "pod", "probed", "-o",
        "jsonpath={.status.phase}");
    assertEquals("False", jsonpath("probed", ".status.conditions[?(@.type==\"Ready\")].status"));
    cluster.kubectlOk("exec", "probed", "--", "touch", "/tmp/ready");
    cluster.awaitKubectl(START, "True"::equals, "probed Ready", "get", "pod", "probed", "-o",
        "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
  }

  @Test
  @Order(7)
  void aStaticPodManifestRunsAsAMirrorPod() throws IOException {
    String node = cluster.kubectlOk("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}");
    Path manifests = Files.createDirectories(cluster.dataDir().resolve("manifests"));
    Files.writeString(manifests.resolve("static-web.yaml"), """
        apiVersion: v1
        kind: Pod
        metadata:
          name: static-web
        spec:
          containers:
          - name: web
            image: nginx
        """);
    String mirror = "static-web-" + node;
    cluster.awaitKubectl(START, "Running"::equals, "the static pod Running", "get", "pod", mirror, "-o",
        "jsonpath={.status.phase}");
    assertEquals("file", jsonpath(mirror, ".metadata.annotations.kubernetes\\.io/config\\.source"));
    Files.delete(manifests.resolve("static-web.yaml"));
    cluster.awaitKubectl(START, String::isBlank, "the mirror pod gone with its manifest", "get", "pod", mirror,
        "--ignore-not-found", "-o", "name");
  }

  @Test
  @Order(8)
  void topShowsTheUsageOfRealContainersAndExecTakesStdin() {
    cluster.awaitKubectl(START, out -> out.contains("nginx"), "kubectl top to list the nginx pod", "top", "pod",
        "nginx", "--no-headers");
    assertEquals("from stdin", cluster.run(List.of("sh", "-c", "echo 'from stdin' | kubectl --kubeconfig \"$1\" "
        + "exec -i nginx -- cat", "sh", cluster.kubeconfig().toString()), Map.of(), Duration.ofSeconds(30))
        .stdout().strip());
  }

  @Test
  @Order(100)
  void nothingIsLeftBehindAfterDown() throws IOException {
    Path data = cluster.dataDir();
    cluster.kubectlOk("delete", "pods", "--all", "--grace-period=1", "--wait=true");
    cluster.down();
    assertEquals(netnsBefore, netns(), "network namespaces after down");
    String mounts = Files.readString(Path.of("/proc/mounts"));
    assertFalse(mounts.contains(data.toString()), "mounts under " + data + " after down:\n" + mounts);
    TugboatCluster.Result ps = cluster.run(List.of("ps", "-eo", "pid,args"), Map.of(), Duration.ofSeconds(10));
    List<String> leftovers = ps.stdout().lines().filter(l -> l.contains(data.toString())).toList();
    assertTrue(leftovers.isEmpty(), "processes of the cluster after down: " + leftovers);
    TugboatCluster.Result groups = cluster.run(List.of("sh", "-c",
        "find /sys/fs/cgroup -maxdepth 8 -type d -name 'tugboat-*' 2>/dev/null; true"), Map.of(),
        Duration.ofSeconds(30));
    assertEquals("", groups.stdout().strip(), "cgroups of the runtime after down");
  }
}

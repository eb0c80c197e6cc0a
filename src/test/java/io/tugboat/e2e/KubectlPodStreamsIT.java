package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kubectl logs and exec against a cluster started by {@code scripts/tugboat up}, served by the in-memory container
 * backend (no container runtime runs): kubectl 1.33 over WebSocket, kubectl 1.29 and 1.28 over SPDY/3.1 (switched on for
 * this cluster with {@code tugboat.api.spdy = on}). The pod is created already bound to a node and marked Running
 * with kubectl, as a node agent would.
 */
class KubectlPodStreamsIT {

  private static final Path BIN = Path.of("/usr/lib/google-cloud-sdk/bin");
  private static TugboatCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    if (!Files.isExecutable(kubectl("1.33"))) {
      System.err.println(kubectl("1.33") + " is not installed: skipping the pod streaming end-to-end tests");
      return;
    }
    Path root = TugboatCluster.findRepoRoot();
    Path dataDir = Files.createTempDirectory(Files.createDirectories(root.resolve("target")), "e2e-streams-");
    cluster = new TugboatCluster(root, dataDir, TugboatCluster.freePort());
    TugboatCluster.Result up = cluster.run(List.of(root.resolve("scripts/tugboat").toString(), "up", "--data",
            dataDir.toString(), "--port", Integer.toString(cluster.port())),
        Map.of("TUGBOAT_NO_BUILD", "1", "TUGBOAT_JAVA_OPTS", "-Xms256m -Xmx1g -Dtugboat.api.spdy=on"),
        TugboatCluster.SCRIPT_TIMEOUT);
    if (!up.succeeded()) {
      cluster.close();
      throw new AssertionError("tugboat up failed\n" + up.describe());
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Path kubectl(String version) {
    return BIN.resolve("kubectl." + version);
  }

  /** Runs one kubectl version, with stdin from {@code input} (or none). */
  private static TugboatCluster.Result run(String version, String input, String... args) {
    List<String> kubectl = new ArrayList<>(List.of(kubectl(version).toString(),
        "--cache-dir=" + cluster.dataDir().resolve("kubecache-" + version)));
    kubectl.addAll(List.of(args));
    List<String> command = input == null ? kubectl
        : List.of("sh", "-c", "printf '%s' \"$INPUT\" | exec \"$@\"", "sh");
    if (input != null) {
      command = new ArrayList<>(command);
      command.addAll(kubectl);
    }
    return cluster.run(command, Map.of("KUBECONFIG", cluster.kubeconfig().toString(), "INPUT",
        input == null ? "" : input), TugboatCluster.KUBECTL_TIMEOUT);
  }

  private static String ok(String version, String input, String... args) {
    TugboatCluster.Result r = run(version, input, args);
    assertTrue(r.succeeded(), r.describe());
    return r.stdout();
  }

  /** A running pod named {@code name} on node worker-1, as the scheduler and node agent would leave it. */
  private static void runningPod(String version, String name) {
    Path manifest = cluster.writeFile(name + ".yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          nodeName: worker-1
          containers:
          - {name: main, image: busybox}
        """.formatted(name));
    ok(version, null, "create", "-f", manifest.toString(), "--validate=false");
    ok(version, null, "patch", "pod", name, "--subresource=status", "--type=merge", "-p",
        "{\"status\":{\"phase\":\"Running\"}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.33", "1.29", "1.28"})
  void logsExecAndInteractiveExec(String version) {
    assumeTrue(cluster != null && Files.isExecutable(kubectl(version)), "kubectl " + version + " is not installed");
    String pod = "streams-" + version.replace(".", "-");
    runningPod(version, pod);

    assertEquals("hi\n", ok(version, null, "exec", pod, "--", "echo", "hi"));
    assertEquals("hello\nworld\n", ok(version, "hello\nworld\n", "exec", "-i", pod, "--", "cat"));

    TugboatCluster.Result failed = run(version, null, "exec", pod, "--", "sh", "-c", "exit 3");
    assertEquals(3, failed.exitCode(), failed.describe());
    assertTrue(failed.stderr().contains("command terminated with exit code 3"), failed.describe());

    ok(version, null, "exec", pod, "--", "sh", "-c", "echo line one > /proc/1/fd/1");
    ok(version, null, "exec", pod, "--", "sh", "-c", "echo line two > /proc/1/fd/1");
    assertEquals("line one\nline two\n", ok(version, null, "logs", pod));
    assertEquals("line two\n", ok(version, null, "logs", pod, "--tail=1"));
    String stamped = ok(version, null, "logs", pod, "--tail=1", "--timestamps");
    assertTrue(stamped.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z line two\n"), stamped);
  }
}

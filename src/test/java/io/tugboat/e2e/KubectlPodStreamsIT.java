package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kubectl logs, exec, attach and port-forward, every release 1.27 to 1.33, against a cluster started by
 * {@code scripts/tugboat up}: the pod is scheduled to this host's node, whose agent runs it on the fake runtime
 * and serves its streams through the cluster (no process runs: exec has built-in commands, port-forward echoes).
 * kubectl 1.30+ speak WebSocket, 1.27-1.29 SPDY/3.1 (the SPDY front is on for this cluster).
 */
class KubectlPodStreamsIT {

  private static final Path BIN = Path.of("/usr/lib/google-cloud-sdk/bin");
  private static final Pattern FORWARDING = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 8080");
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
        Map.of("TUGBOAT_NO_BUILD", "1", "TUGBOAT_RUNTIME", "fake",
            "TUGBOAT_JAVA_OPTS", "-Xms256m -Xmx1g -Dtugboat.api.spdy=on"),
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

  private static List<String> kubectlCommand(String version, String... args) {
    List<String> kubectl = new ArrayList<>(List.of(kubectl(version).toString(),
        "--cache-dir=" + cluster.dataDir().resolve("kubecache-" + version)));
    kubectl.addAll(List.of(args));
    return kubectl;
  }

  /** Runs one kubectl version, with stdin from {@code input} (or none). */
  private static TugboatCluster.Result run(String version, String input, String... args) {
    List<String> kubectl = kubectlCommand(version, args);
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

  /** A pod named {@code name} that the scheduler puts on this host's node and its agent runs. */
  private static void runningPod(String version, String name) {
    Path manifest = cluster.writeFile(name + ".yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          containers:
          - {name: main, image: busybox, stdin: true}
        """.formatted(name));
    ok(version, null, "create", "-f", manifest.toString(), "--validate=false");
    cluster.awaitKubectl(Duration.ofSeconds(60), out -> out.trim().equals("Running"), "pod " + name + " running", "get", "pod", name,
        "-o", "jsonpath={.status.phase}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.33", "1.32", "1.31", "1.30", "1.29", "1.28", "1.27"})
  void logsExecAttachAndPortForward(String version) throws Exception {
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

    // The fake main process echoes stdin to its output: attach sees its own line, which stays in the log.
    String attached = ok(version, "typed in\n", "attach", "-i", pod);
    assertTrue(attached.contains("typed in\n"), attached);
    assertEquals("typed in\n", ok(version, null, "logs", pod, "--tail=1"));

    portForwardEchoes(version, pod);
  }

  /**
   * kubectl port-forward to a free local port; the fake sandbox answers every byte with itself. kubectl 1.31+
   * must get its SPDY-in-WebSocket tunnel (its log, merged into stdout, says what it negotiated), older ones
   * upgrade to SPDY directly.
   */
  private static void portForwardEchoes(String version, String pod) throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" 2>&1", "sh"));
    command.addAll(kubectlCommand(version, "port-forward", "-v=6", "pod/" + pod, ":8080"));
    boolean tunnelled = Integer.parseInt(version.substring(2)) >= 31;
    boolean[] sawTunnel = {false};
    java.util.function.Predicate<String> tunnel = l -> l.contains("negotiated protocol: portforward.k8s.io");
    try (TugboatCluster.Streaming forward = cluster.start(command,
        Map.of("KUBECONFIG", cluster.kubeconfig().toString()))) {
      Matcher m = FORWARDING.matcher(forward.awaitLine(l -> {
        sawTunnel[0] |= tunnel.test(l);
        return FORWARDING.matcher(l).find();
      }, Duration.ofSeconds(30)));
      assertTrue(m.find());
      try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        byte[] answer = socket.getInputStream().readNBytes(5);
        assertEquals("ping\n", new String(answer, StandardCharsets.UTF_8));
      }
      if (tunnelled && !sawTunnel[0]) {
        forward.awaitLine(tunnel, Duration.ofSeconds(10));
      }
    }
  }
}

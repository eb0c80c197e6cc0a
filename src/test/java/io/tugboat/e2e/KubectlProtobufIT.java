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
import org.junit.jupiter.api.Test;

/**
 * kubectl 1.32 and later send protobuf bodies from {@code kubectl create <kind>}; these drive those exact
 * binaries (by absolute path, since PATH holds one kubectl) against a packaged cluster and read the objects back.
 */
class KubectlProtobufIT {

  private static final Path KUBECTL_DIR = Path.of("/usr/lib/google-cloud-sdk/bin");

  private static TugboatCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    if (!Files.isExecutable(kubectl("1.32")) && !Files.isExecutable(kubectl("1.33"))) {
      System.err.println("neither " + kubectl("1.32") + " nor " + kubectl("1.33")
          + " exists: skipping the protobuf body end-to-end tests");
      return;
    }
    cluster = TugboatCluster.startFresh("e2e-proto-");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void kubectl132CreatesEveryKindItSendsAsProtobuf() {
    createsEveryKindItSendsAsProtobuf("1.32");
  }

  @Test
  void kubectl133CreatesEveryKindItSendsAsProtobuf() {
    createsEveryKindItSendsAsProtobuf("1.33");
  }

  private static void createsEveryKindItSendsAsProtobuf(String version) {
    assumeTrue(Files.isExecutable(kubectl(version)), kubectl(version) + " does not exist: skipping");
    String ns = "proto-" + version.replace(".", "");
    ok(version, "create", "namespace", ns);
    ok(version, "create", "configmap", "c", "--from-literal=a=b", "-n", ns);
    ok(version, "create", "secret", "generic", "s", "--from-literal=k=v", "-n", ns);
    ok(version, "create", "deployment", "d", "--image=nginx", "-n", ns);
    ok(version, "create", "service", "clusterip", "svc", "--tcp=80:8080", "-n", ns);
    ok(version, "create", "job", "j", "--image=busybox", "-n", ns);
    ok(version, "create", "ingress", "ing", "--rule=foo.com/bar=svc:80", "-n", ns);

    assertEquals("Active", ok(version, "get", "namespace", ns, "-o", "jsonpath={.status.phase}"));
    assertEquals("b", ok(version, "get", "configmap", "c", "-n", ns, "-o", "jsonpath={.data.a}"));
    assertEquals("dg==", ok(version, "get", "secret", "s", "-n", ns, "-o", "jsonpath={.data.k}"));
    assertEquals("nginx 1 d", ok(version, "get", "deployment", "d", "-n", ns, "-o",
        "jsonpath={.spec.template.spec.containers[0].image} {.spec.replicas} {.spec.selector.matchLabels.app}"));
    assertEquals("80 8080 TCP", ok(version, "get", "service", "svc", "-n", ns, "-o",
        "jsonpath={.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.ports[0].protocol}"));
    assertEquals("busybox Never", ok(version, "get", "job", "j", "-n", ns, "-o",
        "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.restartPolicy}"));
    assertEquals("foo.com /bar svc", ok(version, "get", "ingress", "ing", "-n", ns, "-o",
        "jsonpath={.spec.rules[0].host} {.spec.rules[0].http.paths[0].path}"
            + " {.spec.rules[0].http.paths[0].backend.service.name}"));
    String yaml = ok(version, "get", "deployment", "d", "-n", ns, "-o", "yaml");
    assertTrue(yaml.contains("maxSurge: 25%"), yaml);
  }

  private static Path kubectl(String version) {
    return KUBECTL_DIR.resolve("kubectl." + version);
  }

  /** Runs that kubectl with its own discovery cache; fails unless it exits 0; returns stdout stripped. */
  private static String ok(String version, String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectl(version).toString());
    command.add("--cache-dir=" + cluster.dataDir().resolve("kubecache-" + version));
    command.addAll(List.of(args));
    TugboatCluster.Result result = cluster.run(command, Map.of("KUBECONFIG", cluster.kubeconfig().toString()),
        TugboatCluster.KUBECTL_TIMEOUT);
    assertTrue(result.succeeded(), result::describe);
    return result.stdout().strip();
  }
}

package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * kubectl 1.27 and 1.28 against a cluster started by {@code scripts/tugboat up}: unlike later clients they validate
 * manifests with OpenAPI v2 in gnostic protobuf, so create, apply and explain only work if /openapi/v2 answers in
 * that form. The binaries are the versioned ones the Cloud SDK installs; a missing one skips its tests.
 */
class KubectlOldClientsIT {

  private static final Path BIN = Path.of("/usr/lib/google-cloud-sdk/bin");

  private static TugboatCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    if (!Files.isExecutable(kubectl("1.27")) && !Files.isExecutable(kubectl("1.28"))) {
      // Each test then reports itself skipped (see requireKubectl); starting nothing is enough here.
      System.err.println("neither " + kubectl("1.27") + " nor " + kubectl("1.28") + " is installed: skipping");
      return;
    }
    cluster = TugboatCluster.startFresh("e2e-old-");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.28"})
  void createThenApplyTwiceUnderDefaultValidation(String version) {
    String name = "web-" + version.replace('.', '-');
    Path manifest = cluster.writeFile(name + ".yaml", deployment(name, 1, ""));
    assertEquals("deployment.apps/" + name + " created", ok(version, "create", "-f", manifest.toString()));

    Path applied = cluster.writeFile(name + "-2.yaml", deployment(name, 2, ""));
    assertTrue(ok(version, "apply", "-f", applied.toString()).endsWith("deployment.apps/" + name + " configured"));
    Path again = cluster.writeFile(name + "-3.yaml", deployment(name, 3, ""));
    // The second apply computes a strategic merge patch from the schema it downloaded.
    assertEquals("deployment.apps/" + name + " configured", ok(version, "apply", "-f", again.toString()));
    assertEquals("3", ok(version, "get", "deploy", name, "-o", "jsonpath={.spec.replicas}"));
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.28"})
  void unknownFieldIsRejectedThroughFieldValidationStrict(String version) {
    String name = "bad-" + version.replace('.', '-');
    Path manifest = cluster.writeFile(name + ".yaml", deployment(name, 1, "  bogusField: 3\n"));
    TugboatCluster.Result r = run(version, "create", "-f", manifest.toString());
    assertFalse(r.succeeded(), r::describe);
    // The v2 PATCH operation lists fieldValidation, so kubectl delegates to the server, as against Kubernetes.
    assertTrue(r.stderr().contains("strict decoding error: unknown field \"spec.bogusField\""), r::describe);
    assertFalse(run(version, "get", "deploy", name).succeeded(), "nothing was created");
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.28"})
  void unknownFieldInAListIsRejectedByClientSideSchemaValidation(String version) {
    // A v1 List cannot be validated by the server, so kubectl checks its items against the protobuf schemas itself.
    String name = "listed-" + version.replace('.', '-');
    String item = deployment(name, 1, "  bogusField: 3\n").replaceAll("(?m)^", "  ").replaceFirst("^  ", "- ");
    Path manifest = cluster.writeFile(name + ".yaml", "apiVersion: v1\nkind: List\nitems:\n" + item);
    TugboatCluster.Result r = run(version, "create", "-f", manifest.toString());
    assertFalse(r.succeeded(), r::describe);
    assertTrue(r.stderr().contains("ValidationError(Deployment.spec): unknown field \"bogusField\" in "
        + "io.k8s.api.apps.v1.DeploymentSpec"), r::describe);
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.28"})
  void explainReadsTheV2Schemas(String version) {
    String out = ok(version, "explain", "deployment.spec", "--output=plaintext-openapiv2");
    assertTrue(out.contains("KIND:     Deployment") && out.contains("VERSION:  apps/v1"), out);
    assertTrue(out.contains("RESOURCE: spec <Object>"), out);
    assertTrue(out.contains("Specification of the desired behavior of the Deployment."), out);
    assertTrue(out.contains("template\t<Object> -required-"), out);
    String containers = ok(version, "explain", "pods.spec.containers", "--output=plaintext-openapiv2");
    assertTrue(containers.contains("RESOURCE: containers <[]Object>"), containers);
    assertTrue(ok(version, "explain", "deployment.spec").contains("FIELD: spec <DeploymentSpec>"));
  }

  // ---- helpers ----

  private static Path kubectl(String version) {
    return BIN.resolve("kubectl." + version);
  }

  private static TugboatCluster.Result run(String version, String... args) {
    Path binary = kubectl(version);
    assumeTrue(cluster != null && Files.isExecutable(binary), binary + " is not installed: skipping kubectl "
        + version);
    List<String> command = new ArrayList<>(List.of(binary.toString(),
        "--cache-dir=" + cluster.dataDir().resolve("kubecache-" + version)));
    command.addAll(List.of(args));
    return cluster.run(command, Map.of("KUBECONFIG", cluster.kubeconfig().toString()),
        TugboatCluster.KUBECTL_TIMEOUT);
  }

  private static String ok(String version, String... args) {
    TugboatCluster.Result r = run(version, args);
    assertTrue(r.succeeded(), r::describe);
    return r.stdout().strip();
  }

  private static String deployment(String name, int replicas, String extraSpec) {
    return String.join("\n",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: " + name,
        "spec:",
        "  replicas: " + replicas,
        extraSpec + "  selector:",
        "    matchLabels: {app: " + name + "}",
        "  template:",
        "    metadata:",
        "      labels: {app: " + name + "}",
        "    spec:",
        "      containers:",
        "      - name: web",
        "        image: nginx:1.25",
        "        ports:",
        "        - containerPort: 80",
        "");
  }
}

package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Drives the real kubectl against a cluster started by {@code scripts/tugboat up} on the packaged
 * jar. The scenarios share one cluster and run in order: later ones use objects earlier ones made
 * (namespace e2e, configmap cm1, deployment web).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlEndToEndIT {

  private static final Duration WATCH_DEADLINE = Duration.ofSeconds(30);

  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-");
  private static TugboatCluster cluster;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  @Test
  @Order(1)
  void versionReportsServerMinor31() {
    String out = cluster.kubectlOk("version");
    assertTrue(
        Pattern.compile("(?m)^Server Version: v1\\.31\\.").matcher(out).find(),
        "expected 'Server Version: v1.31.x' in:\n" + out);
  }

  @Test
  @Order(2)
  void listsTheBuiltInNamespaces() {
    String out = cluster.kubectlOk("get", "ns");
    List<String> names =
        out.lines()
            .map(line -> line.trim().split("\\s+")[0])
            .filter(name -> !name.equals("NAME"))
            .collect(Collectors.toList());
    assertTrue(
        names.containsAll(List.of("default", "kube-system", "kube-public", "kube-node-lease")),
        "missing built-in namespaces in:\n" + out);
  }

  @Test
  @Order(3)
  void createsNamespaceAndConfigMapAndReadsItBack() {
    assertEquals("namespace/e2e created", cluster.kubectlOk("create", "namespace", "e2e"));
    assertEquals(
        "configmap/cm1 created",
        cluster.kubectlOk("create", "configmap", "cm1", "--from-literal=a=b", "-n", "e2e"));
    assertEquals(
        "b", cluster.kubectlOk("get", "cm", "cm1", "-n", "e2e", "-o", "jsonpath={.data.a}"));
  }

  @Test
  @Order(4)
  void deploymentCreateLabelAnnotatePatchReplace() {
    Path v1 = cluster.writeFile("web.yaml", deployment("web", "nginx:1.27.0"));
    assertEquals("deployment.apps/web created", cluster.kubectlOk("create", "-f", v1.toString()));
    String yaml = cluster.kubectlOk("get", "deploy", "web", "-o", "yaml");
    assertTrue(yaml.contains("image: nginx:1.27.0"), "image missing from:\n" + yaml);

    assertEquals("deployment.apps/web labeled", cluster.kubectlOk("label", "deploy", "web", "tier=front"));
    assertEquals(
        "deployment.apps/web annotated",
        cluster.kubectlOk("annotate", "deploy", "web", "e2e.tugboat.io/owner=kubectl-e2e"));
    assertEquals(
        "deployment.apps/web", cluster.kubectlOk("get", "deploy", "-l", "tier=front", "-o", "name"));
    assertEquals(
        "kubectl-e2e",
        cluster.kubectlOk(
            "get", "deploy", "web", "-o", "jsonpath={.metadata.annotations.e2e\\.tugboat\\.io/owner}"));

    assertEquals(
        "deployment.apps/web patched",
        cluster.kubectlOk(
            "patch", "deploy", "web", "--type=merge", "-p", "{\"spec\":{\"replicas\":3}}"));
    assertEquals("3", cluster.kubectlOk("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"));

    Path v2 = cluster.writeFile("web-v2.yaml", deployment("web", "nginx:1.28.0"));
    assertEquals("deployment.apps/web replaced", cluster.kubectlOk("replace", "-f", v2.toString()));
    assertEquals(
        "nginx:1.28.0",
        cluster.kubectlOk(
            "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
  }

  @Test
  @Order(5)
  void applyCreatesThenLeavesTheObjectAlone() {
    Path manifest =
        cluster.writeFile(
            "settings.yaml",
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: ConfigMap",
                "metadata:",
                "  name: settings",
                "  namespace: e2e",
                "data:",
                "  mode: fast",
                ""));
    assertEquals("configmap/settings created", cluster.kubectlOk("apply", "-f", manifest.toString()));
    String second = cluster.kubectlOk("apply", "-f", manifest.toString());
    assertTrue(
        second.matches("configmap/settings (unchanged|configured)"),
        "second apply printed: " + second);
    assertEquals(
        "fast", cluster.kubectlOk("get", "cm", "settings", "-n", "e2e", "-o", "jsonpath={.data.mode}"));
  }

  @Test
  @Order(6)
  void watchSeesAnAddedConfigMap() {
    // -o name prints "configmap/x"; some kubectl versions prefix the event type, so accept both.
    Pattern added = Pattern.compile("^(ADDED\\s+)?configmap/watched$");
    try (TugboatCluster.Streaming watch =
        cluster.startKubectl("get", "cm", "-n", "e2e", "-w", "--output-watch-events", "-o", "name")) {
      // Whether kubectl lists it or the watch delivers it, it arrives as ADDED: no race to lose.
      cluster.kubectlOk("create", "configmap", "watched", "--from-literal=k=v", "-n", "e2e");
      String line = watch.awaitLine(l -> added.matcher(l.trim()).matches(), WATCH_DEADLINE);
      assertTrue(line.contains("configmap/watched"));
    }
  }

  @Test
  @Order(7)
  void deletedConfigMapIsNotFound() {
    String deleted = cluster.kubectlOk("delete", "cm", "cm1", "-n", "e2e");
    assertTrue(deleted.contains("\"cm1\" deleted"), "delete printed: " + deleted);
    TugboatCluster.Result get = cluster.kubectlFails("get", "cm", "cm1", "-n", "e2e");
    assertTrue(get.stderr().contains("NotFound"), "expected NotFound\n" + get.describe());
  }

  @Test
  @Order(8)
  void auditNamesTheUserAndTheVerbs() {
    // While the cluster runs, the launcher asks the API (GET /tugboat/audit).
    assertAuditOfWeb(cluster.scriptOk(auditOfWeb()));
  }

  @Test
  @Order(9)
  void restartKeepsUidAndResourceVersion() {
    cluster.kubectlOk("create", "configmap", "survivor", "--from-literal=k=v", "-n", "e2e");
    String before = identity("survivor");
    assertTrue(before.matches("\\S+ \\S+"), "uid and resourceVersion, got: '" + before + "'");

    cluster.down();
    // While it is down, the launcher reads the journal with the jar's audit command.
    TugboatCluster.Result offlineAudit = cluster.script(auditOfWeb());
    cluster.up();

    assertEquals(before, identity("survivor"), "uid and resourceVersion after a restart");
    assertTrue(offlineAudit.succeeded(), "audit while down failed\n" + offlineAudit.describe());
    assertAuditOfWeb(offlineAudit.stdout());
  }

  private static String[] auditOfWeb() {
    return new String[] {
      "audit", "deployment/web", "-n", "default", "--data", cluster.dataDir().toString()
    };
  }

  private static void assertAuditOfWeb(String out) {
    String lower = out.toLowerCase(Locale.ROOT);
    for (String word : List.of("admin", "create", "patch")) {
      assertTrue(lower.contains(word), "audit of deployment/web lacks '" + word + "':\n" + out);
    }
  }

  private static String identity(String configMap) {
    return cluster.kubectlOk(
        "get",
        "cm",
        configMap,
        "-n",
        "e2e",
        "-o",
        "jsonpath={.metadata.uid} {.metadata.resourceVersion}");
  }

  private static String deployment(String name, String image) {
    return TugboatCluster.deploymentYaml(name, image);
  }
}

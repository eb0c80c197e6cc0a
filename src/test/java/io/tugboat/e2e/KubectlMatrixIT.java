package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Every kubectl release the Cloud SDK installs (1.27 to 1.33, by absolute path) through the commands users type
 * most, against one cluster started by {@code scripts/tugboat up}. Each version works in its own namespace with its
 * own discovery cache, so no version sees another's objects or cached discovery; within a version the steps run in
 * order and later ones use the objects earlier ones made (configmap cm, deployments dep, web, app, ssa, service
 * web-svc). A missing binary skips its version with the path in the reason.
 */
class KubectlMatrixIT {

  private static final Path BIN = Path.of("/usr/lib/google-cloud-sdk/bin");

  private static final List<String> VERSIONS = List.of("1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33");

  private static final Duration WATCH_DEADLINE = Duration.ofSeconds(20);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static TugboatCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    if (VERSIONS.stream().noneMatch(v -> Files.isExecutable(kubectl(v)))) {
      // Each version then reports itself skipped with its path (see matrix); nothing to start.
      System.err.println("no kubectl.1.27 ... kubectl.1.33 in " + BIN + ": skipping the kubectl matrix");
      return;
    }
    // Under target/ so the log and journal of a failed run stay until mvn clean.
    cluster = TugboatCluster.startFresh("e2e-matrix-");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @TestFactory
  Stream<DynamicNode> matrix() {
    return VERSIONS.stream().map(version -> {
      String name = "kubectl " + version;
      if (!Files.isExecutable(kubectl(version))) {
        return dynamicTest(name + ": installed", () -> Assumptions.abort(
            kubectl(version) + " is missing or not executable: skipping every command for kubectl " + version));
      }
      return dynamicContainer(name, new Client(version).steps());
    });
  }

  private static Path kubectl(String version) {
    return BIN.resolve("kubectl." + version);
  }

  /** One kubectl release, its namespace, discovery cache and manifests, and the ordered steps it is put through. */
  private static final class Client {
    private final String version;
    private final String ns;
    private final Path dir;

    Client(String version) {
      this.version = version;
      this.ns = "matrix-" + version.replace('.', '-');
      this.dir = cluster.dataDir().resolve(ns);
    }

    Stream<DynamicTest> steps() {
      List<DynamicTest> steps = new ArrayList<>();
      step(steps, "api-resources", this::apiResources);
      step(steps, "api-versions", this::apiVersions);
      step(steps, "version", this::version);
      step(steps, "create namespace", this::createNamespace);
      step(steps, "create configmap --from-literal", this::createConfigMap);
      step(steps, "create deployment --image", this::createDeployment);
      step(steps, "create -f", this::createFromFile);
      step(steps, "apply twice, then a changed image", this::applyTwiceThenChange);
      step(steps, "apply --server-side twice", this::applyServerSideTwice);
      step(steps, "get -o wide", this::getWide);
      step(steps, "get -o yaml", this::getYaml);
      step(steps, "get -o json", this::getJson);
      step(steps, "get -o jsonpath", this::getJsonPath);
      step(steps, "get -o name", this::getName);
      step(steps, "get -w", this::getWatch);
      step(steps, "get all", this::getAll);
      step(steps, "label", this::label);
      step(steps, "annotate", this::annotate);
      step(steps, "patch --type merge", this::patchMerge);
      step(steps, "patch --type json", this::patchJson);
      step(steps, "patch --type strategic", this::patchStrategic);
      step(steps, "replace -f", this::replace);
      step(steps, "edit", this::edit);
      step(steps, "diff -f", this::diff);
      step(steps, "explain pods.spec.containers", this::explain);
      step(steps, "describe deployment", () -> describe("deployment", "dep", true));
      step(steps, "describe namespace", () -> describe("namespace", ns, false));
      step(steps, "describe configmap", () -> describe("configmap", "cm", true));
      step(steps, "describe service", () -> describe("service", "web-svc", true));
      step(steps, "scale deployment", this::scale);
      step(steps, "delete -f", this::deleteFromFile);
      return steps.stream();
    }

    private void step(List<DynamicTest> steps, String name, Executable body) {
      String title = "kubectl " + version + ": " + name;
      steps.add(dynamicTest(title, () -> {
        try {
          body.execute();
        } catch (AssertionError e) {
          // Maven's console names dynamic tests by index: say which version and step failed.
          throw new AssertionError(title + " failed\n" + e.getMessage(), e);
        }
      }));
    }

    // --- discovery and version ---------------------------------------------------------------

    private void apiResources() {
      expectLines(ok("api-resources"),
          "^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment$",
          "^configmaps\\s+cm\\s+v1\\s+true\\s+ConfigMap$",
          "^namespaces\\s+ns\\s+v1\\s+false\\s+Namespace$");
    }

    private void apiVersions() {
      expectLines(ok("api-versions"), "^v1$", "^apps/v1$");
    }

    private void version() {
      // 1.27 prints the whole version.Info struct, later releases only the tag.
      expectLines(ok("version"),
          "^Client Version: .*v" + Pattern.quote(version) + "\\.\\d+",
          "^Server Version: .*v1\\.\\d+\\.\\d+");
    }

    // --- create ------------------------------------------------------------------------------

    private void createNamespace() {
      expect("namespace/" + ns + " created", "create", "namespace", ns);
      expect("Active", "get", "namespace", ns, "-o", "jsonpath={.status.phase}");
    }

    private void createConfigMap() {
      expect("configmap/cm created", "create", "configmap", "cm", "--from-literal=a=b", "-n", ns);
      expect("b", "get", "configmap", "cm", "-n", ns, "-o", "jsonpath={.data.a}");
    }

    private void createDeployment() {
      expect("deployment.apps/dep created", "create", "deployment", "dep", "--image=nginx:1.25", "-n", ns);
      expect("nginx nginx:1.25 1", "get", "deployment", "dep", "-n", ns, "-o",
          "jsonpath={.spec.template.spec.containers[0].name} {.spec.template.spec.containers[0].image}"
              + " {.spec.replicas}");
    }

    private void createFromFile() {
      String file = write("web.yaml", deployment("web", "nginx:1.25") + "---\n" + service("web-svc", "web"));
      expect("deployment.apps/web created\nservice/web-svc created", "create", "-f", file, "-n", ns);
      expect("web 80 8080", "get", "service", "web-svc", "-n", ns, "-o",
          "jsonpath={.spec.selector.app} {.spec.ports[0].port} {.spec.ports[0].targetPort}");
    }

    // --- apply -------------------------------------------------------------------------------

    private void applyTwiceThenChange() {
      String file = write("app.yaml", deployment("app", "nginx:1.25"));
      expect("deployment.apps/app created", "apply", "-f", file, "-n", ns);
      expect("deployment.apps/app unchanged", "apply", "-f", file, "-n", ns);
      String changed = write("app-2.yaml", deployment("app", "nginx:1.26"));
      expect("deployment.apps/app configured", "apply", "-f", changed, "-n", ns);
      expectImage("app", "nginx:1.26");
    }

    private void applyServerSideTwice() {
      String file = write("ssa.yaml", deployment("ssa", "nginx:1.25"));
      String[] rv = {"get", "deployment", "ssa", "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}"};
      expect("deployment.apps/ssa serverside-applied", "apply", "--server-side", "-f", file, "-n", ns);
      // The deployment controller writes the revision annotation and status until the rollout completes; after its
      // last write (Progressing NewReplicaSetAvailable) the resourceVersion moves only if the second apply writes.
      cluster.awaitKubectl(Duration.ofSeconds(60), "NewReplicaSetAvailable"::equals,
          "the rollout of ssa to complete", "get", "deployment", "ssa", "-n", ns, "-o",
          "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}");
      String before = out(rv);
      expect("deployment.apps/ssa serverside-applied", "apply", "--server-side", "-f", file, "-n", ns);
      // Re-applying the same manifest changes nothing, so nothing is written.
      expect(before, rv);
      expect("kubectl Apply", "get", "deployment", "ssa", "-n", ns, "-o",
          "jsonpath={.metadata.managedFields[0].manager} {.metadata.managedFields[0].operation}");
    }

    // --- get ---------------------------------------------------------------------------------

    private void getWide() {
      expectLines(ok("get", "deployments", "-n", ns, "-o", "wide"),
          "^NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR$",
          "^dep\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+nginx\\s+nginx:1\\.25\\s+app=dep$");
    }

    private void getYaml() {
      expectLines(ok("get", "deployment", "dep", "-n", ns, "-o", "yaml"),
          "^kind: Deployment$", "^  name: dep$", "^  namespace: " + ns + "$", "^\\s+- image: nginx:1\\.25$");
    }

    private void getJson() throws IOException {
      TugboatCluster.Result result = ok("get", "deployments", "-n", ns, "-o", "json");
      JsonNode list = JSON.readTree(result.stdout());
      assertEquals("List", list.path("kind").asText(), () -> describe(result));
      Set<String> names = new TreeSet<>();
      for (JsonNode item : list.path("items")) {
        assertEquals("Deployment", item.path("kind").asText(), () -> describe(result));
        assertEquals(ns, item.path("metadata").path("namespace").asText(), () -> describe(result));
        names.add(item.path("metadata").path("name").asText());
      }
      assertEquals(Set.of("app", "dep", "ssa", "web"), names, () -> describe(result));
    }

    private void getJsonPath() {
      expect("app dep ssa web", "get", "deployments", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}");
    }

    private void getName() {
      expect("deployment.apps/app\ndeployment.apps/dep\ndeployment.apps/ssa\ndeployment.apps/web\n"
          + "service/web-svc\nconfigmap/cm", "get", "deployments,services,configmaps", "-n", ns, "-o", "name");
    }

    private void getWatch() {
      List<String> command = command("get", "configmaps", "-n", ns, "-w", "--output-watch-events");
      try (TugboatCluster.Streaming watch = cluster.start(command, Map.of())) {
        // The existing cm arrives with the list, so the watch runs before "watched" is created.
        watch.awaitLine(line -> line.matches("ADDED\\s+cm\\s.*"), WATCH_DEADLINE);
        expect("configmap/watched created", "create", "configmap", "watched", "--from-literal=k=v", "-n", ns);
        watch.awaitLine(line -> line.matches("ADDED\\s+watched\\s+1\\s.*"), WATCH_DEADLINE);
      }
    }

    private void getAll() {
      expectLines(ok("get", "all", "-n", ns), "^service/web-svc\\s+ClusterIP\\s", "^deployment\\.apps/app\\s",
          "^deployment\\.apps/dep\\s", "^deployment\\.apps/ssa\\s", "^deployment\\.apps/web\\s");
    }

    // --- label, annotate, patch, replace, edit -----------------------------------------------

    private void label() {
      expect("deployment.apps/dep labeled", "label", "deployment", "dep", "tier=front", "-n", ns);
      expect("deployment.apps/dep", "get", "deployments", "-l", "tier=front", "-n", ns, "-o", "name");
    }

    private void annotate() {
      // kubectl 1.27 prints the verb ("annotate"); 1.28 fixed it to "annotated".
      String printed = version.equals("1.27") ? "annotate" : "annotated";
      expect("deployment.apps/dep " + printed,
          "annotate", "deployment", "dep", "matrix.tugboat.io/owner=kubectl-" + version, "-n", ns);
      expect("kubectl-" + version,
          "get", "deployment", "dep", "-n", ns, "-o", "jsonpath={.metadata.annotations.matrix\\.tugboat\\.io/owner}");
    }

    private void patchMerge() {
      expect("deployment.apps/dep patched",
          "patch", "deployment", "dep", "--type", "merge", "-p", "{\"spec\":{\"replicas\":2}}", "-n", ns);
      expect("2", "get", "deployment", "dep", "-n", ns, "-o", "jsonpath={.spec.replicas}");
    }

    private void patchJson() {
      expect("deployment.apps/dep patched", "patch", "deployment", "dep", "--type", "json", "-p",
          "[{\"op\":\"add\",\"path\":\"/metadata/labels/patched\",\"value\":\"json\"}]", "-n", ns);
      expect("json front",
          "get", "deployment", "dep", "-n", ns, "-o", "jsonpath={.metadata.labels.patched} {.metadata.labels.tier}");
    }

    private void patchStrategic() {
      // Merged into the container named nginx by key; a merge patch would replace the whole list.
      expect("deployment.apps/dep patched", "patch", "deployment", "dep", "--type", "strategic", "-p",
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}]}}}}",
          "-n", ns);
      expect("nginx nginx:1.25 A=1", "get", "deployment", "dep", "-n", ns, "-o",
          "jsonpath={.spec.template.spec.containers[*].name} {.spec.template.spec.containers[0].image}"
              + " {.spec.template.spec.containers[0].env[0].name}={.spec.template.spec.containers[0].env[0].value}");
    }

    private void replace() {
      String file = write("web-2.yaml", deployment("web", "nginx:1.27"));
      expect("deployment.apps/web replaced", "replace", "-f", file, "-n", ns);
      expectImage("web", "nginx:1.27");
    }

    private void edit() throws IOException {
      String editor = write("editor.sh", "#!/bin/sh\nsed -i 's/^  a: b$/  a: edited/' \"$1\"\n");
      Files.setPosixFilePermissions(Path.of(editor), PosixFilePermissions.fromString("rwxr-xr-x"));
      TugboatCluster.Result result =
          run(Map.of("KUBE_EDITOR", editor, "EDITOR", editor), "edit", "configmap", "cm", "-n", ns);
      assertSucceeded(result);
      assertEquals("configmap/cm edited", result.stdout().strip(), () -> describe(result));
      expect("edited", "get", "configmap", "cm", "-n", ns, "-o", "jsonpath={.data.a}");
    }

    // --- diff, explain, describe, scale, delete ------------------------------------------------

    private void diff() {
      // The live app runs nginx:1.26 since the last apply.
      String same = write("diff-same.yaml", deployment("app", "nginx:1.26"));
      TugboatCluster.Result unchanged = run(Map.of(), "diff", "-f", same, "-n", ns);
      assertEquals(0, unchanged.exitCode(), () -> describe(unchanged));
      assertEquals("", unchanged.stdout(), () -> describe(unchanged));

      String other = write("diff-other.yaml", deployment("app", "nginx:1.25"));
      TugboatCluster.Result changed = run(Map.of(), "diff", "-f", other, "-n", ns);
      assertEquals(1, changed.exitCode(), () -> describe(changed));
      expectLines(changed, "^-\\s+- image: nginx:1\\.26$", "^\\+\\s+- image: nginx:1\\.25$");
      // diff is a dry run: the live object keeps its image.
      expectImage("app", "nginx:1.26");
    }

    private void explain() {
      expectLines(ok("explain", "pods.spec.containers"),
          "^FIELD:\\s+containers <\\[\\]Container>$", "^\\s+image\\s+<string>$");
    }

    private void describe(String kind, String name, boolean namespaced) {
      TugboatCluster.Result result = ok("describe", kind, name, "-n", ns);
      expectLines(result, "^Name:\\s+" + Pattern.quote(name) + "$", "^Labels:\\s+\\S");
      if (namespaced) {
        expectLines(result, "^Namespace:\\s+" + ns + "$");
      }
    }

    private void scale() {
      expect("deployment.apps/dep scaled", "scale", "deployment", "dep", "--replicas=3", "-n", ns);
      expect("3", "get", "deploy", "dep", "-n", ns, "-o", "jsonpath={.spec.replicas}");
    }

    private void deleteFromFile() {
      expect("deployment.apps \"web\" deleted\nservice \"web-svc\" deleted",
          "delete", "-f", dir.resolve("web.yaml").toString(), "-n", ns);
      for (String object : List.of("deployment/web", "service/web-svc")) {
        TugboatCluster.Result get = run(Map.of(), "get", object, "-n", ns);
        assertEquals(1, get.exitCode(), () -> describe(get));
        expectLines(get.stderr(), get, "^Error from server \\(NotFound\\): ");
      }
    }

    // --- running kubectl and checking what it printed ----------------------------------------

    private List<String> command(String... args) {
      List<String> command = new ArrayList<>();
      command.add(kubectl(version).toString());
      command.add("--kubeconfig=" + cluster.kubeconfig());
      // Per version: a discovery cache written by one release must never answer another.
      command.add("--cache-dir=" + cluster.dataDir().resolve("kubecache-" + version));
      command.addAll(List.of(args));
      return command;
    }

    private TugboatCluster.Result run(Map<String, String> env, String... args) {
      return cluster.run(command(args), env, TugboatCluster.KUBECTL_TIMEOUT);
    }

    /** Runs kubectl and fails unless it exits 0. */
    private TugboatCluster.Result ok(String... args) {
      TugboatCluster.Result result = run(Map.of(), args);
      assertSucceeded(result);
      return result;
    }

    /** Runs kubectl, fails unless it exits 0, and returns stdout without surrounding blanks. */
    private String out(String... args) {
      return ok(args).stdout().strip();
    }

    /** Runs kubectl and fails unless it exits 0 and prints exactly {@code expected} (give or take blanks). */
    private void expect(String expected, String... args) {
      TugboatCluster.Result result = ok(args);
      assertEquals(expected, result.stdout().strip(), () -> describe(result));
    }

    private void expectImage(String deployment, String image) {
      expect(image, "get", "deployment", deployment, "-n", ns, "-o",
          "jsonpath={.spec.template.spec.containers[0].image}");
    }

    /** Fails unless every regex matches a whole line of stdout. */
    private void expectLines(TugboatCluster.Result result, String... regexes) {
      expectLines(result.stdout(), result, regexes);
    }

    private void expectLines(String text, TugboatCluster.Result result, String... regexes) {
      for (String regex : regexes) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(text).find(),
            () -> "no line matches /" + regex + "/\n" + describe(result));
      }
    }

    private void assertSucceeded(TugboatCluster.Result result) {
      assertTrue(result.succeeded(), () -> describe(result));
    }

    private String describe(TugboatCluster.Result result) {
      return "kubectl version: " + version + "\n" + result.describe();
    }

    private String write(String name, String content) {
      try {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8).toString();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // --- manifests -------------------------------------------------------------------------------

  private static String deployment(String name, String image) {
    return TugboatCluster.deploymentYaml(name, image);
  }

  private static String service(String name, String app) {
    return String.join("\n",
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: " + name,
        "spec:",
        "  selector:",
        "    app: " + app,
        "  ports:",
        "  - port: 80",
        "    targetPort: 8080",
        "");
  }
}

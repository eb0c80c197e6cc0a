package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kubectl top nodes and top pods (-A, --containers, one pod, a missing pod) against a cluster started by
 * {@code scripts/tugboat up}: its node agent runs a busybox pod on the fake runtime, whose simulated usage
 * (1m CPU, 4Mi per container) the metrics API serves once the agent has measured it.
 */
class KubectlTopIT {

  // Twice the agent's default metrics interval, plus start-up and scheduling.
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Pattern POD_ROW = Pattern.compile("(?m)^p\\s+1m\\s+4Mi\\s*$");

  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-top-");
  private static TugboatCluster cluster;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
    if (cluster == null) {
      return;
    }
    cluster.kubectlOk("run", "p", "--image=busybox", "--labels=app=top", "--", "sleep", "3600");
    awaitOutput(out -> POD_ROW.matcher(out).find(), "metrics of pod p", "top", "pods");
  }

  /** Runs kubectl until its output is wanted (kubectl top fails while there are no metrics yet). */
  private static String awaitOutput(Predicate<String> wanted, String what, String... kubectlArgs) {
    return cluster.awaitKubectl(DEADLINE, wanted, what, kubectlArgs);
  }

  @Test
  void topPodsShowsTheSimulatedUsage() {
    String out = cluster.kubectlOk("top", "pods");
    assertTrue(out.startsWith("NAME") && out.contains("CPU(cores)") && out.contains("MEMORY(bytes)"), out);
    assertTrue(POD_ROW.matcher(out).find(), out);
    assertTrue(POD_ROW.matcher(cluster.kubectlOk("top", "pod", "p")).find());
    assertTrue(POD_ROW.matcher(cluster.kubectlOk("top", "pods", "-l", "app=top")).find());
  }

  @Test
  void topPodsAcrossNamespacesAndPerContainer() {
    String all = cluster.kubectlOk("top", "pods", "-A");
    assertTrue(Pattern.compile("(?m)^default\\s+p\\s+1m\\s+4Mi\\s*$").matcher(all).find(), all);
    String containers = cluster.kubectlOk("top", "pods", "--containers");
    assertTrue(containers.startsWith("POD"), containers);
    assertTrue(Pattern.compile("(?m)^p\\s+p\\s+1m\\s+4Mi\\s*$").matcher(containers).find(), containers);
  }

  @Test
  void topOfAMissingPodFails() {
    TugboatCluster.Result r = cluster.kubectlFails("top", "pod", "nosuch");
    assertTrue(r.stderr().contains("not found"), r.describe());
  }

  @Test
  void topNodesShowsTheNodeWithItsShareOfCapacity() {
    String node = cluster.kubectlOk("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}");
    String out = cluster.kubectlOk("top", "nodes");
    assertTrue(out.startsWith("NAME") && out.contains("CPU(cores)") && out.contains("MEMORY(bytes)"), out);
    // NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%): the percentages come from the Node's allocatable.
    assertTrue(Pattern.compile("(?m)^" + Pattern.quote(node) + "\\s+\\d+m?\\s+\\d+%\\s+\\d+(Ki|Mi|Gi)?\\s+\\d+%\\s*$")
        .matcher(out).find(), out);
  }
}

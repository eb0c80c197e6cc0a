package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "StatefulSet Basics" tutorial of the Kubernetes docs through the real kubectl, against a cluster started by
 * {@code scripts/tugboat up} whose embedded node runs pods on the fake runtime (volumes are prepared for real, so
 * the claims must be bound by the volume binder): the headless Service and the web StatefulSet with its
 * volumeClaimTemplates, pods watched coming up in order, the claims, pods deleted and coming back under their
 * names, scaling up and down, a partitioned rolling update, rollout status/history/undo, and deletion. Tests run in
 * order on one StatefulSet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlStatefulSetIT {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String OLD = "registry.k8s.io/nginx-slim:0.21";
  private static final String NEW = "registry.k8s.io/nginx-slim:0.24";

  private static final String WEB_YAML = """
      apiVersion: v1
      kind: Service
      metadata:
        name: nginx
        labels:
          app: nginx
      spec:
        ports:
        - port: 80
          name: web
        clusterIP: None
        selector:
          app: nginx
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: "nginx"
        replicas: 2
        selector:
          matchLabels:
            app: nginx
        template:
          metadata:
            labels:
              app: nginx
          spec:
            containers:
            - name: nginx
              image: registry.k8s.io/nginx-slim:0.21
              ports:
              - containerPort: 80
                name: web
              volumeMounts:
              - name: www
                mountPath: /usr/share/nginx/html
        volumeClaimTemplates:
        - metadata:
            name: www
          spec:
            accessModes: [ "ReadWriteOnce" ]
            resources:
              requests:
                storage: 1Gi
      """;

  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-sts-");
  private static TugboatCluster cluster;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  private static List<String> lines(String out) {
    return Arrays.stream(out.strip().split("\n")).map(String::strip).filter(l -> !l.isBlank()).toList();
  }

  private static String runningPods() {
    return cluster.kubectlOk("get", "pods", "-l", "app=nginx", "--field-selector=status.phase=Running", "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.spec.containers[0].image}{\"\\n\"}{end}");
  }

  private static void awaitPods(String what, String... nameAndImage) {
    List<String> wanted = List.of(nameAndImage);
    cluster.awaitKubectl(DEADLINE, out -> lines(out).equals(wanted), what, "get", "pods", "-l", "app=nginx", "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.spec.containers[0].image} {.status.phase}"
            + " {.metadata.deletionTimestamp}{\"\\n\"}{end}");
  }

  private static void awaitReady(int replicas) {
    cluster.awaitKubectl(DEADLINE, out -> out.equals(replicas + "/" + replicas), replicas + " ready", "get",
        "sts", "web", "-o", "jsonpath={.status.readyReplicas}/{.status.replicas}");
  }

  @Test
  @Order(1)
  void podsComeUpInOrderWithTheirClaims() {
    try (TugboatCluster.Streaming watch = cluster.startKubectl("get", "pods", "-w", "-l", "app=nginx")) {
      String created = cluster.kubectlOk("apply", "-f", cluster.writeFile("web.yaml", WEB_YAML).toString());
      assertEquals("service/nginx created\nstatefulset.apps/web created", created.strip());
      List<String> early = new ArrayList<>();
      watch.awaitLine(l -> {
        early.add(l);
        return l.startsWith("web-0 ") && l.contains("1/1") && l.contains("Running");
      }, DEADLINE);
      assertTrue(early.stream().noneMatch(l -> l.startsWith("web-1 ")),
          "web-1 appeared before web-0 was Running and Ready: " + early);
      watch.awaitLine(l -> l.startsWith("web-1 ") && l.contains("1/1") && l.contains("Running"), DEADLINE);
    }
    awaitReady(2);
    assertTrue(cluster.kubectlOk("get", "service", "nginx").contains("None"));
    String sts = cluster.kubectlOk("get", "statefulset", "web");
    assertTrue(lines(sts).get(1).matches("web\\s+2/2\\s+.*"), sts);
    String pvc = cluster.awaitKubectl(DEADLINE, out -> lines(out).size() == 3 && out.contains("www-web-1"),
        "two bound claims", "get", "pvc", "-l", "app=nginx");
    for (String line : lines(pvc).subList(1, 3)) {
      assertTrue(line.matches("www-web-[01]\\s+Bound\\s+pvc-\\S+\\s+1Gi\\s+RWO\\s+standard\\s+.*"), line);
    }
    assertEquals("web-0.nginx", cluster.kubectlOk("get", "pod", "web-0", "-o",
        "jsonpath={.spec.hostname}.{.spec.subdomain}"));
    assertEquals("web-1 1", cluster.kubectlOk("get", "pod", "web-1", "-o", "jsonpath={.metadata.labels."
        + "statefulset\\.kubernetes\\.io/pod-name} {.metadata.labels.apps\\.kubernetes\\.io/pod-index}"));
    String events = cluster.kubectlOk("get", "events", "--field-selector=involvedObject.kind=StatefulSet");
    assertTrue(events.contains("create Claim www-web-0 Pod web-0 in StatefulSet web success"), events);
    assertTrue(events.contains("create Pod web-1 in StatefulSet web successful"), events);
  }

  @Test
  @Order(2)
  void deletedPodsComeBackUnderTheirNames() {
    String uids = cluster.kubectlOk("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].metadata.uid}");
    cluster.kubectlOk("delete", "pod", "-l", "app=nginx", "--wait=false");
    List<String> old = List.of(uids.split(" "));
    cluster.awaitKubectl(DEADLINE, out -> lines(out).size() == 2 && lines(out).get(0).startsWith("web-0 Running ")
            && lines(out).get(1).startsWith("web-1 Running ") && old.stream().noneMatch(out::contains),
        "new web-0 and web-1 Running", "get", "pods", "-l", "app=nginx", "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.metadata.uid}{\"\\n\"}{end}");
    awaitReady(2);
    assertEquals(2, lines(cluster.kubectlOk("get", "pvc", "-l", "app=nginx", "--no-headers")).size(),
        "the same claims");
  }

  @Test
  @Order(3)
  void scalingUpAddsOrdinalsAndScalingDownKeepsTheirClaims() {
    assertEquals("statefulset.apps/web scaled", cluster.kubectlOk("scale", "sts", "web", "--replicas=5"));
    awaitReady(5);
    assertEquals(List.of("web-0 " + OLD, "web-1 " + OLD, "web-2 " + OLD, "web-3 " + OLD, "web-4 " + OLD),
        lines(runningPods()));
    assertEquals("statefulset.apps/web patched", cluster.kubectlOk("patch", "sts", "web", "-p",
        "{\"spec\":{\"replicas\":3}}"));
    awaitPods("web-3 and web-4 gone", "web-0 " + OLD + " Running", "web-1 " + OLD + " Running",
        "web-2 " + OLD + " Running");
    String pvc = cluster.kubectlOk("get", "pvc", "-l", "app=nginx", "--no-headers");
    assertEquals(5, lines(pvc).size(), pvc);
    String events = cluster.kubectlOk("get", "events", "--field-selector=involvedObject.kind=StatefulSet");
    assertTrue(events.contains("delete Pod web-4 in StatefulSet web successful"), events);
  }

  @Test
  @Order(4)
  void partitionedRollingUpdateThenRolloutStatusHistoryAndUndo() {
    cluster.kubectlOk("patch", "statefulset", "web", "-p",
        "{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":2}}}}");
    cluster.kubectlOk("patch", "statefulset", "web", "--type=json", "-p",
        "[{\"op\": \"replace\", \"path\": \"/spec/template/spec/containers/0/image\", \"value\":\"" + NEW + "\"}]");
    awaitPods("web-2 updated", "web-0 " + OLD + " Running", "web-1 " + OLD + " Running",
        "web-2 " + NEW + " Running");
    String status = cluster.kubectlOk("rollout", "status", "sts/web", "--timeout=90s");
    assertTrue(status.contains("partitioned roll out complete: 1 new pods have been updated..."), status);
    cluster.kubectlOk("patch", "statefulset", "web", "-p",
        "{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}}}");
    status = cluster.kubectlOk("rollout", "status", "sts/web", "--timeout=90s");
    assertTrue(status.contains("partitioned roll out complete: 3 new pods have been updated..."), status);
    awaitPods("every pod updated", "web-0 " + NEW + " Running", "web-1 " + NEW + " Running",
        "web-2 " + NEW + " Running");
    String history = cluster.kubectlOk("rollout", "history", "sts/web");
    assertTrue(history.contains("statefulset.apps/web"), history);
    List<String> revisions = lines(history).stream().filter(l -> l.matches("\\d+\\s+.*")).toList();
    assertEquals(2, revisions.size(), history);
    String undone = cluster.kubectlOk("rollout", "undo", "sts/web");
    assertEquals("statefulset.apps/web rolled back", undone.strip());
    awaitPods("back to the old image", "web-0 " + OLD + " Running", "web-1 " + OLD + " Running",
        "web-2 " + OLD + " Running");
    cluster.awaitKubectl(DEADLINE, out -> out.equals("3"), "revision 3 is the old template", "get",
        "controllerrevisions", "-o", "jsonpath={range .items[?(@.data.spec.template.spec.containers[0].image=='" + OLD
            + "')]}{.revision}{end}");
  }

  @Test
  @Order(5)
  void deletingTheSetTakesItsPodsAndKeepsTheClaims() {
    cluster.kubectlOk("delete", "statefulset", "web");
    cluster.awaitKubectl(DEADLINE, String::isBlank, "no pods left", "get", "pods", "-l", "app=nginx", "-o",
        "name");
    String pvc = cluster.kubectlOk("get", "pvc", "-l", "app=nginx", "--no-headers");
    assertEquals(5, lines(pvc).size(), pvc);
    cluster.kubectlOk("delete", "pvc", "-l", "app=nginx");
    cluster.awaitKubectl(DEADLINE, String::isBlank, "the provisioned volumes deleted with their claims", "get",
        "pv", "-o", "name");
    assertFalse(cluster.kubectlOk("get", "service", "nginx").isBlank());
  }
}

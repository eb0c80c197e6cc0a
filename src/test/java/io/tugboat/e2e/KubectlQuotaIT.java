package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes docs' quota walkthroughs through the real kubectl: "Configure Memory and CPU Quotas for a
 * Namespace" (a quota's Used/Hard, a pod over it refused with the quota named), {@code kubectl create quota} and
 * {@code describe quota}, and "Configure Default Memory Requests and Limits for a Namespace" (a LimitRange's
 * defaults visible in {@code get pod -o yaml}).
 */
class KubectlQuotaIT {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-quota-");
  private static TugboatCluster cluster;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  private static Path file(String name, String yaml) {
    return cluster.writeFile(name, yaml);
  }

  private static String pod(String name, String resources) {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\nspec:\n  containers:\n"
        + "  - name: " + name + "-ctr\n    image: nginx\n" + resources;
  }

  @Test
  void memoryAndCpuQuotaWalkthrough() {
    String ns = "quota-mem-cpu-example";
    cluster.kubectlOk("create", "namespace", ns);
    Path quota = file("quota-mem-cpu.yaml", """
        apiVersion: v1
        kind: ResourceQuota
        metadata:
          name: mem-cpu-demo
        spec:
          hard:
            requests.cpu: "1"
            requests.memory: 1Gi
            limits.cpu: "2"
            limits.memory: 2Gi
        """);
    assertEquals("resourcequota/mem-cpu-demo created", cluster.kubectlOk("apply", "-f", quota.toString(),
        "--namespace=" + ns));
    Path first = file("quota-mem-cpu-pod.yaml", pod("quota-mem-cpu-demo", """
            resources:
              limits:
                memory: "800Mi"
                cpu: "800m"
              requests:
                memory: "600Mi"
                cpu: "400m"
        """));
    assertEquals("pod/quota-mem-cpu-demo created", cluster.kubectlOk("apply", "-f", first.toString(),
        "--namespace=" + ns));
    cluster.awaitKubectl(DEADLINE, out -> out.equals("800m 800Mi 400m 600Mi"), "the quota's used to count the pod",
        "get", "resourcequota", "mem-cpu-demo", "--namespace=" + ns, "-o",
        "jsonpath={.status.used.limits\\.cpu} {.status.used.limits\\.memory} {.status.used.requests\\.cpu}"
            + " {.status.used.requests\\.memory}");
    assertEquals("1 1Gi 2 2Gi", cluster.kubectlOk("get", "resourcequota", "mem-cpu-demo", "--namespace=" + ns, "-o",
        "jsonpath={.status.hard.requests\\.cpu} {.status.hard.requests\\.memory} {.status.hard.limits\\.cpu}"
            + " {.status.hard.limits\\.memory}"));
    Path second = file("quota-mem-cpu-pod-2.yaml", pod("quota-mem-cpu-demo-2", """
            resources:
              limits:
                memory: "1Gi"
                cpu: "800m"
              requests:
                memory: "700Mi"
                cpu: "400m"
        """));
    TugboatCluster.Result refused = cluster.kubectlFails("apply", "-f", second.toString(), "--namespace=" + ns);
    assertTrue(refused.stderr().contains("Error from server (Forbidden): error when creating \"" + second + "\":"
        + " pods \"quota-mem-cpu-demo-2\" is forbidden: exceeded quota: mem-cpu-demo, requested:"
        + " requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi"), refused.describe());
    String table = cluster.kubectlOk("get", "quota", "--namespace=" + ns);
    assertTrue(table.contains("requests.cpu: 400m/1, requests.memory: 600Mi/1Gi"), table);
    assertTrue(table.contains("limits.cpu: 800m/2, limits.memory: 800Mi/2Gi"), table);
  }

  @Test
  void createQuotaAndDescribeIt() {
    String ns = "quota-object-example";
    cluster.kubectlOk("create", "namespace", ns);
    assertEquals("resourcequota/my-quota created", cluster.kubectlOk("create", "quota", "my-quota",
        "--hard=cpu=1,memory=1G,pods=2,services=3,replicationcontrollers=2,resourcequotas=1,secrets=5,"
            + "persistentvolumeclaims=10", "--namespace=" + ns));
    cluster.kubectlOk("run", "one", "--image=nginx", "--restart=Never", "--namespace=" + ns,
        "--overrides={\"spec\":{\"containers\":[{\"name\":\"one\",\"image\":\"nginx\",\"resources\":{\"requests\":"
            + "{\"cpu\":\"500m\",\"memory\":\"100M\"}}}]}}");
    String described = cluster.awaitKubectl(DEADLINE, out -> out.matches("(?s).*pods\\s+1\\s+2\\n.*"),
        "describe to show one pod used", "describe", "quota", "my-quota", "--namespace=" + ns);
    assertTrue(described.matches("(?s)Name:\\s+my-quota\\nNamespace:\\s+" + ns + "\\nResource\\s+Used\\s+Hard\\n.*"),
        described);
    assertTrue(described.matches("(?s).*\\ncpu\\s+500m\\s+1\\n.*"), described);
    assertTrue(described.matches("(?s).*\\nmemory\\s+100M\\s+1G\\n.*"), described);
    assertTrue(described.matches("(?s).*\\nresourcequotas\\s+1\\s+1\\n.*"), described);
    assertTrue(described.matches("(?s).*\\nservices\\s+0\\s+3\\n.*"), described);
    TugboatCluster.Result missing = cluster.kubectlFails("run", "two", "--image=nginx", "--restart=Never",
        "--namespace=" + ns);
    assertTrue(missing.stderr().contains("pods \"two\" is forbidden: failed quota: my-quota: must specify"
        + " cpu for: two; memory for: two"), missing.describe());
  }

  @Test
  void defaultMemoryRequestsAndLimitsWalkthrough() {
    String ns = "default-mem-example";
    cluster.kubectlOk("create", "namespace", ns);
    Path range = file("memory-defaults.yaml", """
        apiVersion: v1
        kind: LimitRange
        metadata:
          name: mem-limit-range
        spec:
          limits:
          - default:
              memory: 512Mi
            defaultRequest:
              memory: 256Mi
            type: Container
        """);
    assertEquals("limitrange/mem-limit-range created", cluster.kubectlOk("apply", "-f", range.toString(),
        "--namespace=" + ns));
    cluster.kubectlOk("apply", "-f", file("memory-defaults-pod.yaml", pod("default-mem-demo", "")).toString(),
        "--namespace=" + ns);
    String yaml = cluster.kubectlOk("get", "pod", "default-mem-demo", "--output=yaml", "--namespace=" + ns);
    assertTrue(yaml.contains("""
            resources:
              limits:
                memory: 512Mi
              requests:
                memory: 256Mi
        """), yaml);
    assertEquals("LimitRanger plugin set: memory request for container default-mem-demo-ctr; memory limit for"
        + " container default-mem-demo-ctr", cluster.kubectlOk("get", "pod", "default-mem-demo", "--namespace=" + ns,
        "-o", "jsonpath={.metadata.annotations.kubernetes\\.io/limit-ranger}"));
    cluster.kubectlOk("apply", "-f", file("memory-defaults-pod-2.yaml", pod("default-mem-demo-2", """
            resources:
              limits:
                memory: "1Gi"
        """)).toString(), "--namespace=" + ns);
    assertEquals("1Gi 1Gi", cluster.kubectlOk("get", "pod", "default-mem-demo-2", "--namespace=" + ns, "-o",
        "jsonpath={.spec.containers[0].resources.limits.memory} {.spec.containers[0].resources.requests.memory}"));
    cluster.kubectlOk("apply", "-f", file("memory-defaults-pod-3.yaml", pod("default-mem-demo-3", """
            resources:
              requests:
                memory: "128Mi"
        """)).toString(), "--namespace=" + ns);
    assertEquals("512Mi 128Mi", cluster.kubectlOk("get", "pod", "default-mem-demo-3", "--namespace=" + ns, "-o",
        "jsonpath={.spec.containers[0].resources.limits.memory} {.spec.containers[0].resources.requests.memory}"));
  }

  @Test
  void aDeploymentStopsAtThePodQuotaWithFailedCreateEvents() {
    String ns = "quota-pod-example";
    cluster.kubectlOk("create", "namespace", ns);
    cluster.kubectlOk("create", "quota", "pod-demo", "--hard=pods=2", "--namespace=" + ns);
    cluster.kubectlOk("create", "deployment", "pod-quota-demo", "--image=nginx", "--replicas=3", "--namespace=" + ns);
    String events = cluster.awaitKubectl(DEADLINE, out -> out.contains("FailedCreate"), "a FailedCreate event",
        "get", "events", "--namespace=" + ns, "--field-selector=involvedObject.kind=ReplicaSet", "-o",
        "jsonpath={range .items[*]}{.reason} {.message}{\"\\n\"}{end}");
    assertTrue(events.matches("(?s).*FailedCreate Error creating: pods \"pod-quota-demo-[a-z0-9]+-[a-z0-9]+\" is"
        + " forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2.*"), events);
    assertEquals("2", cluster.kubectlOk("get", "deployment", "pod-quota-demo", "--namespace=" + ns, "-o",
        "jsonpath={.status.replicas}"));
    assertEquals(2, cluster.kubectlOk("get", "pods", "--no-headers", "--namespace=" + ns).split("\n").length);
  }
}

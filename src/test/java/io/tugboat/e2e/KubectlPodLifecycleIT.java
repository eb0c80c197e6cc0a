package io.tugboat.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node agent's pod lifecycle through kubectl on {@code scripts/tugboat up} (fake runtime): a container waiting
 * on a missing ConfigMap key shows CreateContainerConfigError in kubectl get and the kubelet's event in describe,
 * and runs once the ConfigMap is created; the kubelet's Pulled/Created/Started events; a configMap volume.
 */
class KubectlPodLifecycleIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  @RegisterExtension
  static final ClusterPerClass CLUSTER = new ClusterPerClass("e2e-lifecycle-");
  private static TugboatCluster cluster;

  @BeforeAll
  static void useCluster() {
    cluster = CLUSTER.get();
  }

  @Test
  void aMissingConfigMapKeyShowsCreateContainerConfigErrorUntilTheConfigMapExists() {
    cluster.kubectlOk("apply", "-f", cluster.writeFile("envpod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: envpod}
        spec:
          restartPolicy: Never
          containers:
          - name: app
            image: busybox
            command: [sh, -c, "env | grep APP"]
            env:
            - name: APP_MODE
              valueFrom: {configMapKeyRef: {name: app-config, key: mode}}
        """).toString());
    cluster.awaitKubectl(DEADLINE, out -> out.contains("CreateContainerConfigError"), "CreateContainerConfigError",
        "get", "pod", "envpod");
    String described = cluster.awaitKubectl(DEADLINE, out -> out.contains("Error: configmap \"app-config\" not found"),
        "the kubelet's Failed event", "describe", "pod", "envpod");
    assertTrue(described.contains("CreateContainerConfigError"), described);

    cluster.kubectlOk("create", "configmap", "app-config", "--from-literal=mode=prod");
    cluster.awaitKubectl(DEADLINE, out -> out.contains("Running"), "Running once the ConfigMap exists",
        "get", "pod", "envpod");
    String events = cluster.awaitKubectl(DEADLINE, out -> out.contains("Started container app"),
        "Pulled/Created/Started events", "get", "events", "--field-selector", "involvedObject.name=envpod");
    assertTrue(events.contains("Created container app") && events.contains("Pulled"), events);
  }

  @Test
  void aPodWithAConfigMapVolumeAndAProbeRunsAndIsReady() {
    cluster.kubectlOk("create", "configmap", "site", "--from-literal=index.html=hello");
    cluster.kubectlOk("apply", "-f", cluster.writeFile("web.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          volumes: [{name: html, configMap: {name: site}}, {name: scratch, emptyDir: {}}]
          containers:
          - name: nginx
            image: nginx:1.15
            volumeMounts: [{name: html, mountPath: /usr/share/nginx/html}, {name: scratch, mountPath: /tmp}]
        """).toString());
    String ready = cluster.awaitKubectl(DEADLINE, out -> out.contains("1/1") && out.contains("Running"),
        "web Ready", "get", "pod", "web");
    assertTrue(ready.contains("web"), ready);
    cluster.kubectlOk("delete", "pod", "web", "--wait=true");
    TugboatCluster.Result gone = cluster.kubectl("get", "pod", "web");
    assertTrue(!gone.succeeded() && gone.stderr().contains("not found"), gone.describe());
  }
}

package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.runtime.ContainerRuntime.ContainerConfig;
import io.tugboat.runtime.ContainerRuntime.Mount;
import io.tugboat.store.ObjectKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ConfigMap-fed env and volumes, image pull errors, and bad volumes, on a fake runtime. */
class ConfigScenariosTest extends PodWorkerScenariosTest {

  @Test
  void aMissingConfigMapKeyWaitsInCreateContainerConfigErrorUntilTheKeyExists() throws Exception {
    Agent a = startAgent("cfg-1");
    ObjectKey key = createPod(a, """
        metadata: {name: envpod}
        spec:
          containers:
          - name: app
            image: "busybox:1.36"
            command: [sh, -c, "echo $(APP_MODE)"]
            env:
            - name: APP_MODE
              valueFrom: {configMapKeyRef: {name: app-config, key: mode}}
        """);
    JsonNode waiting = awaitPod(key, "CreateContainerConfigError",
        p -> waitingReason(p, false).equals("CreateContainerConfigError"));
    assertEquals("configmap \"app-config\" not found",
        status(waiting, false).path("state").path("waiting").path("message").asText());
    assertEquals("Pending", waiting.path("status").path("phase").asText());
    awaitEvent("envpod", "Failed", "Error: configmap \"app-config\" not found");

    putConfigMap("app-config", Map.of("other", "x"));
    awaitPod(key, "key missing", p -> status(p, false).path("state").path("waiting").path("message").asText()
        .equals("couldn't find key mode in ConfigMap default/app-config"));
    putConfigMap("app-config", Map.of("mode", "prod"));
    awaitPod(key, "running", PodWorkerScenariosTest::running);
    ContainerConfig config = a.runtime().containerConfig(a.container("envpod", "app").id()).orElseThrow();
    assertEquals("prod", config.env().get("APP_MODE"));
    assertEquals("echo prod", config.args().isEmpty() ? config.command().get(2) : config.args().get(0));
  }

  @Test
  void aConfigMapVolumeIsUpdatedInPlaceWhenTheConfigMapChanges() throws Exception {
    Agent a = startAgent("cfg-2");
    putConfigMap("site", Map.of("index.html", "v1"));
    ObjectKey key = createPod(a, """
        metadata: {name: volpod}
        spec:
          volumes: [{name: html, configMap: {name: site}}, {name: tmp, emptyDir: {}}]
          containers:
          - name: app
            image: "nginx:1.15"
            volumeMounts: [{name: html, mountPath: /usr/share/nginx/html}, {name: tmp, mountPath: /tmp}]
        """);
    awaitPod(key, "running", PodWorkerScenariosTest::running);
    ContainerConfig config = a.runtime().containerConfig(a.container("volpod", "app").id()).orElseThrow();
    Mount html = config.mounts().get(0);
    assertEquals("/usr/share/nginx/html", html.containerPath());
    assertTrue(html.readOnly());
    Path file = Path.of(html.hostPath(), "index.html");
    assertEquals("v1", Files.readString(file));
    assertTrue(html.hostPath().endsWith("/volumes/kubernetes.io~configmap/html"), html.hostPath());

    putConfigMap("site", Map.of("index.html", "v2"));
    cluster.testKit.createTestProbe().awaitAssert(NodeTestCluster.WAIT, () -> {
      assertEquals("v2", Files.readString(file));
      return null;
    });
    await(store.delete(ObjectKey.of(CONFIG_MAPS, "default", "site"), null, null, null, null,
        io.tugboat.store.RequestInfo.system("test", "delete")));
    awaitEvent("volpod", "FailedMount", "configmap \"site\" not found");
    assertEquals("v2", Files.readString(file), "the running container keeps the last good contents");
    assertTrue(running(store.get(key).orElseThrow().object()));

    await(store.delete(key, null, null, 0L, null, io.tugboat.store.RequestInfo.system("test", "delete")));
    Path podDir = Path.of(html.hostPath()).getParent().getParent().getParent();
    cluster.testKit.createTestProbe().awaitAssert(NodeTestCluster.WAIT, () -> {
      assertTrue(!Files.exists(podDir), "volumes removed with the pod: " + podDir);
      return null;
    });
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> s) throws Exception {
    return NodeTestCluster.await(s);
  }

  @Test
  void anImageThatCannotBePulledBacksOffAndRunsOncePullable() throws Exception {
    Agent a = startAgent("img-1");
    a.runtime().failPulls("ghost:1.0", "pull access denied for ghost, repository does not exist");
    ObjectKey key = createPod(a, """
        metadata: {name: ghost}
        spec: {containers: [{name: app, image: "ghost:1.0"}]}
        """);
    JsonNode backoff = awaitPod(key, "ImagePullBackOff", p -> waitingReason(p, false).equals("ImagePullBackOff"));
    assertEquals("Back-off pulling image \"ghost:1.0\"",
        status(backoff, false).path("state").path("waiting").path("message").asText());
    awaitEvent("ghost", "Failed", "Failed to pull image \"ghost:1.0\": pull access denied");
    awaitEvent("ghost", "Failed", "Error: ErrImagePull");
    awaitEvent("ghost", "BackOff", "Back-off pulling image \"ghost:1.0\"");
    a.runtime().failPulls("ghost:1.0", null);
    a.advance(Duration.ofSeconds(10));
    awaitPod(key, "running", PodWorkerScenariosTest::running);
    awaitEvent("ghost", "Pulled", "Successfully pulled image \"ghost:1.0\"");

    a.runtime().removeImage("local:1");
    ObjectKey never = createPod(a, """
        metadata: {name: neverpull}
        spec: {containers: [{name: app, image: "local:1", imagePullPolicy: Never}]}
        """);
    JsonNode absent = awaitPod(never, "ErrImageNeverPull", p -> waitingReason(p, false).equals("ErrImageNeverPull"));
    assertEquals("Container image \"local:1\" is not present with pull policy of Never",
        status(absent, false).path("state").path("waiting").path("message").asText());
  }

  @Test
  void aHostPathOutsideTheAllowedOnesKeepsThePodCreatingWithAFailedMountEvent() throws Exception {
    Agent a = startAgent("vol-bad");
    ObjectKey key = createPod(a, """
        metadata: {name: sneaky}
        spec:
          volumes: [{name: etc, hostPath: {path: /etc}}]
          containers: [{name: app, image: "busybox:1.36", volumeMounts: [{name: etc, mountPath: /host-etc}]}]
        """);
    awaitEvent("sneaky", "FailedMount", "MountVolume.SetUp failed for volume \"etc\" : hostPath /etc is outside");
    JsonNode pod = awaitPod(key, "creating", p -> waitingReason(p, false).equals("ContainerCreating"));
    assertEquals("Pending", pod.path("status").path("phase").asText());
    ObjectKey fine = createPod(a, """
        metadata: {name: fine}
        spec: {containers: [{name: app, image: "busybox:1.36"}]}
        """);
    awaitPod(fine, "other pods run", PodWorkerScenariosTest::running);
  }

  @Test
  void aContainerThatCannotStartShowsRunContainerErrorAndIsRetriedAfterTheBackOff() throws Exception {
    Agent a = startAgent("run-1");
    a.runtime().failStarts("bad", "exec: \"nosuch\": executable file not found in $PATH");
    ObjectKey key = createPod(a, """
        metadata: {name: badcmd}
        spec: {containers: [{name: bad, image: "busybox:1.36", command: [nosuch]}]}
        """);
    JsonNode failing = awaitPod(key, "RunContainerError", p -> waitingReason(p, false).equals("RunContainerError"));
    assertTrue(status(failing, false).path("state").path("waiting").path("message").asText()
        .contains("executable file not found"), failing::toString);
    awaitEvent("badcmd", "Failed", "Error: exec: \"nosuch\"");
    a.runtime().failStarts("bad", null);
    a.advance(Duration.ofSeconds(10));
    awaitPod(key, "running once it can start", PodWorkerScenariosTest::running);
  }
}

package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.runtime.FakeRuntime;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Liveness, readiness and lifecycle hooks on a fake runtime whose exec answers are scripted. */
class ProbeScenariosTest extends PodWorkerScenariosTest {

  @Test
  void aFailingLivenessProbeKillsAndRestartsTheContainerWithEvents() throws Exception {
    Agent a = startAgent("live-1");
    AtomicBoolean healthy = new AtomicBoolean(false);
    a.runtime().scriptExec((c, cmd) -> healthy.get() ? new FakeRuntime.ExecResult(0, "")
        : new FakeRuntime.ExecResult(1, "cat: can't open '/tmp/healthy': No such file or directory"));
    ObjectKey key = createPod(a, """
        metadata: {name: live}
        spec:
          containers:
          - name: app
            image: "busybox:1.36"
            livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 5, failureThreshold: 2}
        """);
    awaitPod(key, "running", PodWorkerScenariosTest::running);
    awaitEvent("live", "Unhealthy", "Liveness probe failed: cat: can't open '/tmp/healthy'");
    String first = a.container("live", "app").id();
    a.advance(Duration.ofSeconds(5)); // the second failure in a row: killed, and restarted at once
    JsonNode restarted = awaitPod(key, "restarted", p -> running(p) && restarts(p) == 1);
    assertEquals("True", condition(restarted, "Ready"));
    awaitEvent("live", "Killing", "Container app failed liveness probe, will be restarted");
    assertTrue(!a.container("live", "app").id().equals(first), "a new container instance");
  }

  @Test
  void readinessFlappingMovesTheReadyConditionBothWays() throws Exception {
    Agent a = startAgent("ready-1");
    AtomicBoolean ready = new AtomicBoolean(true);
    a.runtime().scriptExec((c, cmd) -> new FakeRuntime.ExecResult(ready.get() ? 0 : 1, ready.get() ? "" : "busy"));
    ObjectKey key = createPod(a, """
        metadata: {name: flappy}
        spec:
          containers:
          - name: app
            image: "busybox:1.36"
            readinessProbe: {exec: {command: [check]}, periodSeconds: 2, failureThreshold: 1}
        """);
    awaitPod(key, "Ready", p -> condition(p, "Ready").equals("True"));
    ready.set(false);
    a.advance(Duration.ofSeconds(2));
    JsonNode unready = awaitPod(key, "not Ready", p -> condition(p, "Ready").equals("False"));
    assertEquals("Running", unready.path("status").path("phase").asText());
    assertTrue(running(unready), "readiness never restarts");
    awaitEvent("flappy", "Unhealthy", "Readiness probe failed: busy");
    ready.set(true);
    a.advance(Duration.ofSeconds(2));
    JsonNode back = awaitPod(key, "Ready again", p -> condition(p, "Ready").equals("True")
        && condition(p, "ContainersReady").equals("True"));
    assertEquals(0, restarts(back));
  }

  @Test
  void preStopRunsBeforeTheContainerIsStoppedOnGracefulDeletion() throws Exception {
    Agent a = startAgent("hooks-1");
    List<List<String>> ran = new CopyOnWriteArrayList<>();
    a.runtime().scriptExec((c, cmd) -> {
      ran.add(cmd);
      if (cmd.get(0).equals("nginx")) {
        a.clock().advance(Duration.ofSeconds(5)); // the hook takes 5 s of the grace period
      }
      return new FakeRuntime.ExecResult(0, "");
    });
    ObjectKey key = createPod(a, """
        metadata: {name: hooked}
        spec:
          terminationGracePeriodSeconds: 20
          containers:
          - name: app
            image: "nginx:1.15"
            lifecycle:
              postStart: {exec: {command: [touch, /started]}}
              preStop: {exec: {command: [nginx, -s, quit]}}
        """);
    awaitPod(key, "running", PodWorkerScenariosTest::running);
    String id = a.container("hooked", "app").id();
    ObjectStore.WriteResult deleting = NodeTestCluster.await(store.delete(key, null, null, null, null,
        RequestInfo.system("test", "delete")));
    assertTrue(!deleting.deleted(), "a running pod waits for its node");
    cluster.testKit.createTestProbe().awaitAssert(NodeTestCluster.WAIT, () -> {
      assertTrue(store.get(key).isEmpty(), "pod gone");
      return null;
    });
    assertEquals(List.of(List.of("touch", "/started"), List.of("nginx", "-s", "quit")), ran);
    assertEquals(Duration.ofSeconds(15), a.runtime().stopTimeout(id).orElseThrow(),
        "TERM gets what the hook left of the 20 s");
    awaitEvent("hooked", "Killing", "Stopping container app");
  }

  @Test
  void aFailedPostStartHookKillsTheContainerWithAnEvent() throws Exception {
    Agent a = startAgent("hooks-2");
    a.runtime().scriptExec((c, cmd) -> new FakeRuntime.ExecResult(cmd.get(0).equals("fail") ? 1 : 0, "no such file"));
    ObjectKey key = createPod(a, """
        metadata: {name: badhook}
        spec:
          restartPolicy: Never
          containers:
          - name: app
            image: "busybox:1.36"
            lifecycle: {postStart: {exec: {command: [fail]}}}
        """);
    awaitEvent("badhook", "FailedPostStartHook", "Exec lifecycle hook ([\"fail\"]) for Container \"app\"");
    awaitPod(key, "stopped", p -> status(p, false).path("state").has("terminated"));
  }

  @Test
  void networkProbesOfTheFakeRuntimeAreScriptedAndAStartupProbeGatesReadiness() throws Exception {
    Agent a = startAgent("net-1");
    AtomicBoolean listening = new AtomicBoolean(false);
    List<String> asked = new CopyOnWriteArrayList<>();
    a.runtime().scriptNetwork((host, port, path) -> {
      asked.add(host + ":" + port + (path == null ? "" : path));
      return listening.get() ? new FakeRuntime.ExecResult(0, "")
          : new FakeRuntime.ExecResult(1, "dial tcp " + host + ":" + port + ": connect: connection refused");
    });
    ObjectKey key = createPod(a, """
        metadata: {name: slowstart}
        spec:
          containers:
          - name: web
            image: "nginx:1.15"
            ports: [{name: http, containerPort: 80}]
            startupProbe: {tcpSocket: {port: http}, periodSeconds: 1, failureThreshold: 30}
            readinessProbe: {httpGet: {path: /ready, port: 80}, periodSeconds: 1}
        """);
    JsonNode starting = awaitPod(key, "running, not started", p -> running(p)
        && !status(p, false).path("started").asBoolean(true));
    assertEquals("False", condition(starting, "Ready"));
    awaitEvent("slowstart", "Unhealthy", "Startup probe failed: dial tcp 10.244.9.");
    listening.set(true);
    a.advance(Duration.ofSeconds(1));
    awaitPod(key, "started", p -> status(p, false).path("started").asBoolean());
    a.advance(Duration.ofSeconds(1));
    awaitPod(key, "Ready", p -> condition(p, "Ready").equals("True"));
    assertTrue(asked.stream().anyMatch(s -> s.endsWith(":80/ready")), asked::toString);
    assertTrue(asked.get(0).endsWith(":80"), "the named port resolved: " + asked);
  }
}

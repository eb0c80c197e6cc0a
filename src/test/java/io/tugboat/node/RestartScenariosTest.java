package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.store.ObjectKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Restarts per restartPolicy with the crash-loop back-off, and init containers that fail, on a fake runtime. */
class RestartScenariosTest extends PodWorkerScenariosTest {

  @Test
  void aCrashingContainerRestartsAtOnceThenBacksOffTenThenTwentySeconds() throws Exception {
    Agent a = startAgent("crash-1");
    ObjectKey key = createPod(a, """
        metadata: {name: crash}
        spec: {containers: [{name: app, image: "busybox:1.36"}]}
        """);
    awaitPod(key, "running", PodWorkerScenariosTest::running);
    a.runtime().exit(a.container("crash", "app").id(), 1);
    awaitPod(key, "restarted at once", p -> running(p) && restarts(p) == 1);

    a.clock().advance(Duration.ofSeconds(5));
    a.runtime().exit(a.container("crash", "app").id(), 1);
    JsonNode backingOff = awaitPod(key, "CrashLoopBackOff", p -> waitingReason(p, false).equals("CrashLoopBackOff"));
    JsonNode c = status(backingOff, false);
    assertEquals("back-off 10s restarting failed container=app pod=crash_default("
        + backingOff.path("metadata").path("uid").asText() + ")", c.path("state").path("waiting").path("message")
        .asText());
    assertEquals(1, c.path("restartCount").asInt());
    assertEquals(1, c.path("lastState").path("terminated").path("exitCode").asInt());
    assertEquals("Error", c.path("lastState").path("terminated").path("reason").asText());
    assertEquals("Running", backingOff.path("status").path("phase").asText());
    assertEquals("False", condition(backingOff, "Ready"));
    awaitEvent("crash", "BackOff", "Back-off restarting failed container app in pod crash_default");

    a.advance(Duration.ofSeconds(10));
    awaitPod(key, "restarted after 10 s", p -> running(p) && restarts(p) == 2);
    a.runtime().exit(a.container("crash", "app").id(), 1);
    awaitPod(key, "back-off 20s", p -> status(p, false).path("state").path("waiting").path("message").asText()
        .startsWith("back-off 20s"));
    a.advance(Duration.ofSeconds(19));
    a.advance(Duration.ofSeconds(1));
    awaitPod(key, "restarted after 20 s", p -> running(p) && restarts(p) == 3);
    awaitEvent("crash", "Started", "Started container app");
    awaitEvent("crash", "Created", "Created container app");
    awaitEvent("crash", "Pulled", "Container image \"busybox:1.36\" already present on machine");
  }

  @Test
  void onFailureRestartsOnlyFailuresAndNeverLetsThePodFail() throws Exception {
    Agent a = startAgent("policy-1");
    ObjectKey ok = createPod(a, """
        metadata: {name: job-ok}
        spec: {restartPolicy: OnFailure, containers: [{name: app, image: "busybox:1.36"}]}
        """);
    ObjectKey retry = createPod(a, """
        metadata: {name: job-retry}
        spec: {restartPolicy: OnFailure, containers: [{name: app, image: "busybox:1.36"}]}
        """);
    ObjectKey never = createPod(a, """
        metadata: {name: job-never}
        spec: {restartPolicy: Never, containers: [{name: app, image: "busybox:1.36"}]}
        """);
    for (ObjectKey k : new ObjectKey[] {ok, retry, never}) {
      awaitPod(k, "running", PodWorkerScenariosTest::running);
    }
    a.runtime().exit(a.container("job-ok", "app").id(), 0);
    a.runtime().exit(a.container("job-retry", "app").id(), 3);
    a.runtime().exit(a.container("job-never", "app").id(), 3);
    JsonNode done = awaitPod(ok, "Succeeded", p -> p.path("status").path("phase").asText().equals("Succeeded"));
    assertEquals("Completed", status(done, false).path("state").path("terminated").path("reason").asText());
    assertEquals(0, restarts(done));
    awaitPod(retry, "restarted", p -> running(p) && restarts(p) == 1);
    JsonNode failed = awaitPod(never, "Failed", p -> p.path("status").path("phase").asText().equals("Failed"));
    assertEquals(3, status(failed, false).path("state").path("terminated").path("exitCode").asInt());
  }

  @Test
  void aFailingInitContainerBacksOffHoldsTheOthersAndTheyStartOnceItSucceeds() throws Exception {
    Agent a = startAgent("init-1");
    a.runtime().initExitCode("setup", 1);
    ObjectKey key = createPod(a, """
        metadata: {name: initfail}
        spec:
          initContainers: [{name: setup, image: "busybox:1.36"}]
          containers: [{name: app, image: "busybox:1.36"}]
        """);
    JsonNode looping = awaitPod(key, "Init:CrashLoopBackOff", p -> waitingReason(p, true).equals("CrashLoopBackOff"));
    assertEquals("Pending", looping.path("status").path("phase").asText());
    assertEquals("PodInitializing", waitingReason(looping, false));
    assertEquals("Error", status(looping, true).path("lastState").path("terminated").path("reason").asText());
    assertEquals("False", condition(looping, "Initialized"));

    a.runtime().initExitCode("setup", null);
    a.advance(Duration.ofSeconds(10));
    JsonNode up = awaitPod(key, "initialized and running", PodWorkerScenariosTest::running);
    assertEquals("True", condition(up, "Initialized"));
    assertEquals("Completed", status(up, true).path("state").path("terminated").path("reason").asText());

    a.runtime().initExitCode("prep", 2);
    ObjectKey never = createPod(a, """
        metadata: {name: initnever}
        spec:
          restartPolicy: Never
          initContainers: [{name: prep, image: "busybox:1.36"}]
          containers: [{name: app, image: "busybox:1.36"}]
        """);
    JsonNode failed = awaitPod(never, "Failed", p -> p.path("status").path("phase").asText().equals("Failed"));
    assertEquals(2, status(failed, true).path("state").path("terminated").path("exitCode").asInt());
  }
}

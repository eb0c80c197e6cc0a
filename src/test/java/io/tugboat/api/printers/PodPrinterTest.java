package io.tugboat.api.printers;

import static io.tugboat.api.printers.Rows.assertCells;
import static io.tugboat.api.printers.Rows.assertColumns;
import static io.tugboat.api.printers.Rows.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PodPrinterTest {

  private static final String META = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        namespace: default
        creationTimestamp: "2026-11-22T11:00:00Z"
      """;

  /** READY, STATUS and RESTARTS of a pod manifest (metadata added). */
  private static List<Object> summary(String rest) {
    List<Object> cells = Rows.cells("Pod", META + rest);
    return List.of(cells.get(1), cells.get(2), cells.get(3));
  }

  private static String status(String rest) {
    return (String) Rows.cells("Pod", META + rest).get(2);
  }

  @Test
  void columnsAreKubernetesPodColumns() {
    assertColumns("Pod", "Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node",
        "Readiness Gates");
    assertEquals(List.of("IP", "Node", "Nominated Node", "Readiness Gates"), Rows.wideColumns("Pod"));
  }

  @Test
  void runningPodShowsRestartsWithTimeOfLastRestart() {
    assertCells("Pod", META + """
        spec:
          nodeName: node-1
          containers:
          - name: web
            image: nginx:1.27
        status:
          phase: Running
          podIP: 10.244.0.5
          podIPs:
          - ip: 10.244.0.5
          conditions:
          - type: Ready
            status: "True"
          containerStatuses:
          - name: web
            ready: true
            restartCount: 2
            state:
              running:
                startedAt: "2026-11-22T11:55:01Z"
            lastState:
              terminated:
                exitCode: 1
                reason: Error
                finishedAt: "2026-11-22T11:55:00Z"
        """, "web-1", "1/1", "Running", "2 (5m ago)", "60m", "10.244.0.5", "node-1", "<none>", "<none>");
  }

  @Test
  void unscheduledPodIsPendingWithNoneForWideCells() {
    assertCells("Pod", META + """
        spec:
          containers:
          - name: web
            image: nginx
        status:
          phase: Pending
        """, "web-1", "0/1", "Pending", "0", "60m", "<none>", "<none>", "<none>", "<none>");
  }

  @Test
  void nominatedNodeAndReadinessGatesCountTrueConditions() {
    List<Object> cells = Rows.cells("Pod", META + """
        spec:
          readinessGates:
          - conditionType: example.com/lb-ready
          - conditionType: example.com/feature
          containers:
          - name: web
        status:
          phase: Pending
          nominatedNodeName: node-2
          conditions:
          - type: example.com/lb-ready
            status: "True"
          - type: example.com/feature
            status: "False"
        """);
    assertEquals(List.of("node-2", "1/2"), cells.subList(7, 9));
  }

  @Test
  void initContainersInProgressShowInitIndexOfCount() {
    assertEquals(List.of("0/1", "Init:1/2", "0"), summary("""
        spec:
          initContainers:
          - name: migrate
          - name: warm
          containers:
          - name: web
        status:
          phase: Pending
          initContainerStatuses:
          - name: migrate
            state:
              terminated:
                exitCode: 0
                reason: Completed
          - name: warm
            state:
              running: {}
          containerStatuses:
          - name: web
            state:
              waiting:
                reason: PodInitializing
        """));
  }

  @Test
  void crashingInitContainerShowsInitReasonAndItsRestarts() {
    assertEquals(List.of("0/1", "Init:CrashLoopBackOff", "3 (2m ago)"), summary("""
        spec:
          initContainers:
          - name: migrate
          containers:
          - name: web
        status:
          phase: Pending
          initContainerStatuses:
          - name: migrate
            restartCount: 3
            state:
              waiting:
                reason: CrashLoopBackOff
            lastState:
              terminated:
                exitCode: 1
                finishedAt: "2026-11-22T11:58:00Z"
        """));
  }

  @Test
  void failedInitContainerShowsReasonSignalOrExitCode() {
    String failed = """
        spec:
          initContainers:
          - name: migrate
          containers:
          - name: web
        status:
          phase: Pending
          initContainerStatuses:
          - name: migrate
            state:
              terminated:
        """;
    assertEquals("Init:Error", status(failed + "        exitCode: 1\n        reason: Error\n"));
    assertEquals("Init:ExitCode:2", status(failed + "        exitCode: 2\n"));
    assertEquals("Init:Signal:9", status(failed + "        exitCode: 137\n        signal: 9\n"));
  }

  @Test
  void crashLoopBackOffWinsOverPhase() {
    assertEquals(List.of("0/1", "CrashLoopBackOff", "4 (90s ago)"), summary("""
        spec:
          containers:
          - name: web
        status:
          phase: Running
          containerStatuses:
          - name: web
            ready: false
            restartCount: 4
            state:
              waiting:
                reason: CrashLoopBackOff
                message: back-off 1m20s restarting failed container
            lastState:
              terminated:
                exitCode: 1
                reason: Error
                finishedAt: "2026-11-22T11:58:30Z"
        """));
  }

  @Test
  void succeededPodShowsCompleted() {
    assertEquals(List.of("0/1", "Completed", "0"), summary("""
        spec:
          containers:
          - name: job
        status:
          phase: Succeeded
          containerStatuses:
          - name: job
            state:
              terminated:
                exitCode: 0
                reason: Completed
        """));
  }

  @Test
  void completedContainerBesideARunningOneReadsRunningOrNotReady() {
    String pod = """
        spec:
          containers:
          - name: web
          - name: setup
        status:
          phase: Running
          conditions:
          - type: Ready
            status: "%s"
          containerStatuses:
          - name: web
            ready: true
            state:
              running: {}
          - name: setup
            state:
              terminated:
                exitCode: 0
                reason: Completed
        """;
    assertEquals(List.of("1/2", "Running", "0"), summary(pod.formatted("True")));
    assertEquals(List.of("1/2", "NotReady", "0"), summary(pod.formatted("False")));
  }

  @Test
  void firstContainerReasonWinsAndTerminatedWithoutReasonShowsExitCodeOrSignal() {
    assertEquals("ErrImagePull", status("""
        spec:
          containers:
          - name: a
          - name: b
        status:
          phase: Pending
          containerStatuses:
          - name: a
            state:
              waiting:
                reason: ErrImagePull
          - name: b
            state:
              waiting:
                reason: ContainerCreating
        """));
    assertEquals("ExitCode:3", status("""
        spec:
          containers:
          - name: a
        status:
          phase: Failed
          containerStatuses:
          - name: a
            state:
              terminated:
                exitCode: 3
        """));
    assertEquals("Signal:15", status("""
        spec:
          containers:
          - name: a
        status:
          phase: Failed
          containerStatuses:
          - name: a
            state:
              terminated:
                exitCode: 143
                signal: 15
        """));
  }

  @Test
  void podReasonSuchAsEvictedReplacesPhase() {
    assertEquals("Evicted", status("""
        spec:
          containers:
          - name: web
        status:
          phase: Failed
          reason: Evicted
          message: "The node was low on resource: memory."
        """));
  }

  @Test
  void schedulingGatedPodSaysSo() {
    assertEquals("SchedulingGated", status("""
        spec:
          schedulingGates:
          - name: example.com/quota
          containers:
          - name: web
        status:
          phase: Pending
          conditions:
          - type: PodScheduled
            status: "False"
            reason: SchedulingGated
        """));
  }

  @Test
  void deletedPodIsTerminatingUnlessItAlreadyFinished() {
    String running = """
        spec:
          containers:
          - name: web
        status:
          phase: Running
          containerStatuses:
          - name: web
            ready: true
            state:
              running: {}
        """;
    String deleting = META.replace("  creationTimestamp", "  deletionTimestamp: \"2026-11-22T11:59:00Z\"\n"
        + "  creationTimestamp");
    assertEquals("Terminating", Rows.cells("Pod", deleting + running).get(2));
    assertEquals("Completed", Rows.cells("Pod", deleting + """
        spec:
          containers:
          - name: job
        status:
          phase: Succeeded
          containerStatuses:
          - name: job
            state:
              terminated:
                exitCode: 0
                reason: Completed
        """).get(2));
  }

  @Test
  void deletedPodOnALostNodeIsUnknownAndUndeletedOneShowsNodeLost() {
    String lost = """
        spec:
          containers:
          - name: web
        status:
          phase: Running
          reason: NodeLost
          message: Node node-1 which was running pod web-1 is unresponsive
          containerStatuses:
          - name: web
            ready: true
            state:
              running: {}
        """;
    String deleting = META.replace("  creationTimestamp", "  deletionTimestamp: \"2026-11-22T11:59:00Z\"\n"
        + "  creationTimestamp");
    assertEquals("Unknown", Rows.cells("Pod", deleting + lost).get(2));
    assertEquals("NodeLost", status(lost));
  }

  @Test
  void sidecarInitContainersCountAsContainersAndTheirRestartsCount() {
    assertEquals(List.of("2/2", "Running", "1 (10m ago)"), summary("""
        spec:
          initContainers:
          - name: proxy
            restartPolicy: Always
          containers:
          - name: web
        status:
          phase: Running
          conditions:
          - type: Initialized
            status: "True"
          - type: Ready
            status: "True"
          initContainerStatuses:
          - name: proxy
            started: true
            ready: true
            restartCount: 1
            state:
              running: {}
            lastState:
              terminated:
                exitCode: 1
                finishedAt: "2026-11-22T11:50:00Z"
          containerStatuses:
          - name: web
            ready: true
            state:
              running: {}
        """));
  }

  @Test
  void podIPFallsBackToTheSingularField() {
    assertEquals("10.0.0.9", Rows.cells("Pod", META + """
        spec:
          containers:
          - name: web
        status:
          phase: Running
          podIP: 10.0.0.9
        """).get(5));
  }

  @Test
  void ageIsUnknownWithoutCreationTimestamp() {
    assertEquals("<unknown>", Printers.forKind("Pod").cells(yaml("metadata: {name: x}"), Rows.NOW).get(4));
  }
}

package io.tugboat.api.printers;

import static io.tugboat.api.printers.Rows.assertCells;
import static io.tugboat.api.printers.Rows.assertColumns;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WorkloadPrintersTest {

  private static final String TEMPLATE = """
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: web
              image: nginx:1.27
            - name: log
              image: busybox
      """;

  @Test
  void deploymentShowsReadyOfDesiredAndWideSelector() {
    assertColumns("Deployment", "Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images",
        "Selector");
    assertCells("Deployment", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, creationTimestamp: "2026-11-20T08:00:00Z"}
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web, tier: front}
        """ + TEMPLATE + """
        status: {replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2}
        """, "web", "2/3", 3L, 2L, "2d4h", "web,log", "nginx:1.27,busybox", "app=web,tier=front");
  }

  @Test
  void replicaSetAndReplicationControllerShowDesiredCurrentReady() {
    assertColumns("ReplicaSet", "Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector");
    assertCells("ReplicaSet", """
        metadata: {name: web-5d4f7b, creationTimestamp: "2026-11-22T11:57:00Z"}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
            matchExpressions:
            - {key: tier, operator: In, values: [front, edge]}
        """ + TEMPLATE + """
        status: {replicas: 2, readyReplicas: 1}
        """, "web-5d4f7b", 2L, 2L, 1L, "3m", "web,log", "nginx:1.27,busybox", "app=web,tier in (edge,front)");
    assertCells("ReplicationController", """
        metadata: {name: legacy, creationTimestamp: "2026-11-22T09:00:00Z"}
        spec:
          replicas: 1
          selector: {app: legacy}
        """ + TEMPLATE + """
        status: {replicas: 1}
        """, "legacy", 1L, 1L, 0L, "3h", "web,log", "nginx:1.27,busybox", "app=legacy");
  }

  @Test
  void daemonSetShowsScheduleCountsAndNodeSelector() {
    assertColumns("DaemonSet", "Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector",
        "Age", "Containers", "Images", "Selector");
    assertCells("DaemonSet", """
        metadata: {name: fluentd, creationTimestamp: "2026-10-01T12:00:00Z"}
        spec:
          selector:
            matchLabels: {name: fluentd}
          template:
            spec:
              nodeSelector: {kubernetes.io/os: linux}
              containers:
              - name: fluentd
                image: fluentd:v1
        status:
          desiredNumberScheduled: 3
          currentNumberScheduled: 3
          numberReady: 2
          updatedNumberScheduled: 3
          numberAvailable: 2
        """, "fluentd", 3L, 3L, 2L, 3L, 2L, "kubernetes.io/os=linux", "52d", "fluentd", "fluentd:v1", "name=fluentd");
  }

  @Test
  void statefulSetShowsReadyOfDesired() {
    assertColumns("StatefulSet", "Name", "Ready", "Age", "Containers", "Images");
    assertCells("StatefulSet", """
        metadata: {name: db, creationTimestamp: "2026-11-22T11:59:15Z"}
        spec:
          replicas: 3
          serviceName: db
          selector:
            matchLabels: {app: db}
          template:
            spec:
              containers:
              - name: postgres
                image: postgres:16
        status: {replicas: 1, readyReplicas: 1}
        """, "db", "1/3", "45s", "postgres", "postgres:16");
  }

  @Test
  void controllerRevisionShowsGroupQualifiedControllerAndRevision() {
    assertColumns("ControllerRevision", "Name", "Controller", "Revision", "Age");
    assertCells("ControllerRevision", """
        apiVersion: apps/v1
        kind: ControllerRevision
        metadata:
          name: db-7c9d8f
          creationTimestamp: "2026-11-22T11:00:00Z"
          ownerReferences:
          - {apiVersion: apps/v1, kind: StatefulSet, name: db, uid: 1b2c, controller: true}
        revision: 2
        data: {}
        """, "db-7c9d8f", "statefulset.apps/db", 2L, "60m");
  }

  @Test
  void jobShowsStatusCompletionsAndDuration() {
    assertColumns("Job", "Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector");
    assertCells("Job", """
        metadata: {name: pi, creationTimestamp: "2026-11-22T11:50:00Z"}
        spec:
          completions: 1
          parallelism: 1
          selector:
            matchLabels: {batch.kubernetes.io/controller-uid: 6f1e}
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: pi
                image: perl:5.34
        status:
          startTime: "2026-11-22T11:50:00Z"
          completionTime: "2026-11-22T11:50:42Z"
          succeeded: 1
          conditions:
          - {type: SuccessCriteriaMet, status: "True"}
          - {type: Complete, status: "True"}
        """, "pi", "Complete", "1/1", "42s", "10m", "pi", "perl:5.34", "batch.kubernetes.io/controller-uid=6f1e");
  }

  @Test
  void runningJobWithoutCompletionsCountsParallelismAndTimesSinceStart() {
    var cells = Rows.cells("Job", """
        metadata: {name: work, creationTimestamp: "2026-11-22T11:55:00Z"}
        spec:
          parallelism: 4
          template: {spec: {containers: [{name: w, image: busybox}]}}
        status:
          startTime: "2026-11-22T11:55:00Z"
          active: 4
        """);
    assertEquals(java.util.List.of("Running", "0/1 of 4", "5m"), cells.subList(1, 4));
    var failed = Rows.cells("Job", """
        metadata: {name: bad}
        spec: {completions: 3, template: {spec: {containers: []}}}
        status:
          conditions:
          - {type: FailureTarget, status: "True"}
          - {type: Failed, status: "True"}
        """);
    assertEquals(java.util.List.of("Failed", "0/3", ""), failed.subList(1, 4));
  }

  @Test
  void cronJobShowsScheduleTimezoneSuspendActiveAndLastSchedule() {
    assertColumns("CronJob", "Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age",
        "Containers", "Images", "Selector");
    assertEquals("boolean", Printers.forKind("CronJob").columns().get(3).type());
    assertCells("CronJob", """
        metadata: {name: backup, creationTimestamp: "2026-11-12T12:00:00Z"}
        spec:
          schedule: "*/5 * * * *"
          timeZone: Europe/Berlin
          suspend: false
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                  - name: backup
                    image: restic:0.17
        status:
          active:
          - {kind: Job, name: backup-29390000}
          lastScheduleTime: "2026-11-22T11:55:00Z"
        """, "backup", "*/5 * * * *", "Europe/Berlin", "False", 1L, "5m", "10d", "backup", "restic:0.17", "<none>");
    assertCells("CronJob", """
        metadata: {name: never, creationTimestamp: "2026-11-22T12:00:00Z"}
        spec:
          schedule: "@hourly"
          jobTemplate: {spec: {template: {spec: {containers: []}}}}
        """, "never", "@hourly", "<none>", "<unset>", 0L, "<none>", "0s", "", "", "<none>");
  }

  @Test
  void hpaShowsReferenceTargetsAndReplicaBounds() {
    assertColumns("HorizontalPodAutoscaler", "Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas",
        "Age");
    assertCells("HorizontalPodAutoscaler", """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: web, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 2
          maxReplicas: 10
          metrics:
          - type: Resource
            resource:
              name: cpu
              target: {type: Utilization, averageUtilization: 80}
        status:
          currentReplicas: 3
          desiredReplicas: 3
          currentMetrics:
          - type: Resource
            resource:
              name: cpu
              current: {averageUtilization: 50, averageValue: 250m}
        """, "web", "Deployment/web", "cpu: 50%/80%", "2", 10L, 3L, "60m");
  }

  @Test
  void hpaTargetsAreUnknownBeforeMetricsArriveAndListAtMostTwo() {
    assertEquals("cpu: <unknown>/80%", Rows.cells("HorizontalPodAutoscaler", """
        metadata: {name: web}
        spec:
          scaleTargetRef: {kind: Deployment, name: web}
          maxReplicas: 5
          metrics:
          - type: Resource
            resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
        """).get(2));
    assertEquals("memory: <unknown>/500Mi, <unknown>/1k (avg) + 1 more...", Rows.cells("HorizontalPodAutoscaler", """
        metadata: {name: web}
        spec:
          scaleTargetRef: {kind: Deployment, name: web}
          maxReplicas: 5
          metrics:
          - type: Resource
            resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
          - type: External
            external:
              metric: {name: queue_depth}
              target: {type: AverageValue, averageValue: 1k}
          - type: Pods
            pods:
              metric: {name: rps}
              target: {type: AverageValue, averageValue: "100"}
        """).get(2));
    assertEquals("<none>", Rows.cells("HorizontalPodAutoscaler", """
        metadata: {name: web}
        spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 5}
        """).get(2));
  }
}

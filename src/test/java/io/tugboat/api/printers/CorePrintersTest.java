package io.tugboat.api.printers;

import static io.tugboat.api.printers.Rows.assertCells;
import static io.tugboat.api.printers.Rows.assertColumns;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorePrintersTest {

  @Test
  void namespaceShowsPhase() {
    assertColumns("Namespace", "Name", "Status", "Age");
    assertCells("Namespace", """
        metadata: {name: team-a, creationTimestamp: "2026-11-21T12:00:00Z"}
        status: {phase: Terminating}
        """, "team-a", "Terminating", "24h");
  }

  @Test
  void configMapCountsDataAndBinaryData() {
    assertColumns("ConfigMap", "Name", "Data", "Age");
    assertCells("ConfigMap", """
        metadata: {name: kube-root-ca.crt, creationTimestamp: "2026-11-22T11:58:00Z"}
        data: {ca.crt: "-----BEGIN CERTIFICATE-----", extra: x}
        binaryData: {logo.png: aGVsbG8=}
        """, "kube-root-ca.crt", 3L, "2m");
  }

  @Test
  void secretShowsTypeAndDataCount() {
    assertColumns("Secret", "Name", "Type", "Data", "Age");
    assertCells("Secret", """
        metadata: {name: tls, creationTimestamp: "2026-11-22T11:00:00Z"}
        type: kubernetes.io/tls
        data: {tls.crt: Y3J0, tls.key: a2V5}
        """, "tls", "kubernetes.io/tls", 2L, "60m");
  }

  @Test
  void serviceAccountCountsSecrets() {
    assertColumns("ServiceAccount", "Name", "Secrets", "Age");
    assertCells("ServiceAccount", """
        metadata: {name: default, creationTimestamp: "2026-11-22T10:30:00Z"}
        """, "default", 0L, "90m");
    assertEquals(1L, Rows.cells("ServiceAccount", "metadata: {name: ci}\nsecrets: [{name: ci-token}]").get(1));
  }

  @Test
  void resourceQuotaSplitsRequestsFromLimitsSortedByResource() {
    assertColumns("ResourceQuota", "Name", "Request", "Limit", "Age");
    assertCells("ResourceQuota", """
        metadata: {name: compute, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          hard: {pods: "10", requests.cpu: "1", limits.memory: 2Gi, limits.cpu: "2"}
        status:
          hard: {pods: "10", requests.cpu: "1", limits.memory: 2Gi, limits.cpu: "2"}
          used: {pods: "1", requests.cpu: 250m, limits.cpu: 500m}
        """, "compute", "pods: 1/10, requests.cpu: 250m/1", "limits.cpu: 500m/2, limits.memory: 0/2Gi", "60m");
  }

  @Test
  void limitRangeHasNoPrinterSoShowsCreatedAt() {
    assertColumns("LimitRange", "Name", "Created At");
    assertEquals("date", Printers.forKind("LimitRange").columns().get(1).type());
    assertCells("LimitRange", """
        metadata: {name: defaults, creationTimestamp: "2026-11-21T22:40:12Z"}
        spec:
          limits:
          - type: Container
            default: {cpu: 500m}
        """, "defaults", "2026-11-21T22:40:12Z");
  }

  @Test
  void eventShowsLastSeenTypeReasonObjectMessageAndWideDetails() {
    assertColumns("Event", "Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen",
        "Count", "Name");
    assertEquals(List.of("Subobject", "Source", "First Seen", "Count", "Name"), Rows.wideColumns("Event"));
    assertEquals("name", Printers.forKind("Event").columns().get(9).format());
    assertCells("Event", """
        apiVersion: v1
        kind: Event
        metadata: {name: web-1.17f2a1b2c3d4e5f6, namespace: default}
        involvedObject:
          kind: Pod
          namespace: default
          name: web-1
          fieldPath: spec.containers{web}
        reason: BackOff
        message: "Back-off restarting failed container web in pod web-1_default\\n"
        source: {component: kubelet, host: node-1}
        firstTimestamp: "2026-11-22T11:40:00Z"
        lastTimestamp: "2026-11-22T11:59:00Z"
        count: 12
        type: Warning
        """, "60s", "Warning", "BackOff", "pod/web-1",
        "spec.containers{web}", "kubelet, node-1", "Back-off restarting failed container web in pod web-1_default",
        "20m", 12L, "web-1.17f2a1b2c3d4e5f6");
  }

  @Test
  void eventsOfTheNewApiUseEventTimeSeriesAndReportingController() {
    assertCells("Event", """
        metadata: {name: sched.1}
        involvedObject: {kind: Pod, name: web-2}
        reason: Scheduled
        message: Successfully assigned default/web-2 to node-1
        eventTime: "2026-11-22T11:57:00.123456Z"
        reportingComponent: default-scheduler
        reportingInstance: default-scheduler-cp-1
        type: Normal
        """, "2m59s", "Normal", "Scheduled", "pod/web-2", "", "default-scheduler, default-scheduler-cp-1",
        "Successfully assigned default/web-2 to node-1", "2m59s", 1L, "sched.1");
    List<Object> series = Rows.cells("Event", """
        metadata: {name: probe.1}
        involvedObject: {kind: Node}
        eventTime: "2026-11-22T10:00:00.000000Z"
        series: {count: 7, lastObservedTime: "2026-11-22T11:59:30.000000Z"}
        reportingComponent: kubelet
        """);
    assertEquals(List.of("30s", "node", "kubelet", "120m", 7L),
        List.of(series.get(0), series.get(3), series.get(5), series.get(7), series.get(8)));
  }
}

package io.tugboat.api.printers;

import static io.tugboat.api.printers.Rows.assertCells;
import static io.tugboat.api.printers.Rows.assertColumns;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StoragePrintersTest {

  @Test
  void persistentVolumeShowsCapacityModesPolicyClaimAndClass() {
    assertColumns("PersistentVolume", "Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim",
        "StorageClass", "VolumeAttributesClass", "Reason", "Age", "VolumeMode");
    assertEquals(java.util.List.of("VolumeMode"), Rows.wideColumns("PersistentVolume"));
    assertCells("PersistentVolume", """
        metadata: {name: pv-data, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          capacity: {storage: 10Gi}
          accessModes: [ReadWriteMany, ReadWriteOnce]
          persistentVolumeReclaimPolicy: Retain
          storageClassName: standard
          volumeMode: Filesystem
          claimRef: {kind: PersistentVolumeClaim, namespace: default, name: data}
          hostPath: {path: /data}
        status: {phase: Bound}
        """, "pv-data", "10Gi", "RWO,RWX", "Retain", "Bound", "default/data", "standard", "<unset>", "", "60m",
        "Filesystem");
  }

  @Test
  void deletedVolumeIsTerminatingAndBetaAnnotationNamesTheClass() {
    assertCells("PersistentVolume", """
        metadata:
          name: old
          creationTimestamp: "2026-11-22T11:00:00Z"
          deletionTimestamp: "2026-11-22T11:59:00Z"
          annotations: {volume.beta.kubernetes.io/storage-class: slow}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOncePod]
          persistentVolumeReclaimPolicy: Delete
          storageClassName: fast
        status: {phase: Released}
        """, "old", "1Gi", "RWOP", "Delete", "Terminating", "", "slow", "<unset>", "", "60m", "<unset>");
  }

  @Test
  void persistentVolumeClaimShowsBoundVolumeCapacity() {
    assertColumns("PersistentVolumeClaim", "Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass",
        "VolumeAttributesClass", "Age", "VolumeMode");
    assertCells("PersistentVolumeClaim", """
        metadata: {name: data, namespace: default, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 5Gi}}
          storageClassName: standard
          volumeName: pv-data
          volumeMode: Filesystem
        status:
          phase: Bound
          accessModes: [ReadWriteOnce, ReadWriteMany]
          capacity: {storage: 10Gi}
        """, "data", "Bound", "pv-data", "10Gi", "RWO,RWX", "standard", "<unset>", "60m", "Filesystem");
  }

  @Test
  void pendingClaimShowsNoCapacityOrModes() {
    assertCells("PersistentVolumeClaim", """
        metadata: {name: scratch, creationTimestamp: "2026-11-22T11:59:30Z"}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
          storageClassName: standard
          volumeAttributesClassName: gold
        status: {phase: Pending}
        """, "scratch", "Pending", "", "", "", "standard", "gold", "30s", "<unset>");
  }

  @Test
  void storageClassMarksTheDefaultAndDefaultsPolicyAndBindingMode() {
    assertColumns("StorageClass", "Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode",
        "AllowVolumeExpansion", "Age");
    assertCells("StorageClass", """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: standard
          creationTimestamp: "2026-11-12T12:00:00Z"
          annotations: {storageclass.kubernetes.io/is-default-class: "true"}
        provisioner: rancher.io/local-path
        reclaimPolicy: Delete
        volumeBindingMode: WaitForFirstConsumer
        allowVolumeExpansion: true
        """, "standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", true, "10d");
    assertCells("StorageClass", """
        metadata: {name: fast, creationTimestamp: "2026-11-22T11:00:00Z"}
        provisioner: ebs.csi.aws.com
        """, "fast", "ebs.csi.aws.com", "Delete", "Immediate", false, "60m");
  }
}

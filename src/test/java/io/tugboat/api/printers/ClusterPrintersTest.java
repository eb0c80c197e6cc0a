package io.tugboat.api.printers;

import static io.tugboat.api.printers.Rows.assertCells;
import static io.tugboat.api.printers.Rows.assertColumns;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterPrintersTest {

  private static final String NODE = """
      metadata:
        name: node-1
        creationTimestamp: "2026-11-12T12:00:00Z"
        labels:
          kubernetes.io/hostname: node-1
          node-role.kubernetes.io/control-plane: ""
          node-role.kubernetes.io/worker: ""
          kubernetes.io/role: infra
      spec:
        unschedulable: %s
      status:
        addresses:
        - {type: InternalIP, address: 172.18.0.2}
        - {type: Hostname, address: node-1}
        conditions:
        - {type: MemoryPressure, status: "False"}
        - {type: Ready, status: "%s"}
        nodeInfo:
          kubeletVersion: v1.31.0
          osImage: Debian GNU/Linux 12 (bookworm)
          kernelVersion: 6.8.0-45-generic
          containerRuntimeVersion: containerd://1.7.18
      """;

  @Test
  void nodeShowsStatusRolesVersionAndWideSystemInfo() {
    assertColumns("Node", "Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image",
        "Kernel-Version", "Container-Runtime");
    assertCells("Node", NODE.formatted("false", "True"), "node-1", "Ready", "control-plane,infra,worker", "10d",
        "v1.31.0", "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.8.0-45-generic",
        "containerd://1.7.18");
  }

  @Test
  void cordonedOrUnreadyNodeStatus() {
    assertEquals("Ready,SchedulingDisabled", Rows.cells("Node", NODE.formatted("true", "True")).get(1));
    assertEquals("NotReady", Rows.cells("Node", NODE.formatted("false", "Unknown")).get(1));
    assertCells("Node", "metadata: {name: bare}\nspec: {unschedulable: true}", "bare", "Unknown,SchedulingDisabled",
        "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>");
  }

  @Test
  void rolesHaveNoPrinterSoShowCreatedAt() {
    for (String kind : List.of("Role", "ClusterRole")) {
      assertColumns(kind, "Name", "Created At");
      assertCells(kind, """
          metadata: {name: pod-reader, creationTimestamp: "2026-11-21T22:40:12Z"}
          rules:
          - {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
          """, "pod-reader", "2026-11-21T22:40:12Z");
    }
  }

  @Test
  void bindingsShowRoleAndWideSubjectsByKind() {
    for (String kind : List.of("RoleBinding", "ClusterRoleBinding")) {
      assertColumns(kind, "Name", "Role", "Age", "Users", "Groups", "ServiceAccounts");
    }
    assertEquals("Users in the clusterRoleBinding",
        Printers.forKind("ClusterRoleBinding").columns().get(3).description());
    assertCells("RoleBinding", """
        metadata: {name: read-pods, namespace: default, creationTimestamp: "2026-11-22T11:00:00Z"}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
        subjects:
        - {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
        - {kind: User, name: joe, apiGroup: rbac.authorization.k8s.io}
        - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
        - {kind: ServiceAccount, name: ci, namespace: build}
        """, "read-pods", "Role/pod-reader", "60m", "jane, joe", "devs", "build/ci");
    assertCells("ClusterRoleBinding", """
        metadata: {name: cluster-admin, creationTimestamp: "2026-11-22T11:00:00Z"}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects:
        - {kind: Group, name: "system:masters", apiGroup: rbac.authorization.k8s.io}
        """, "cluster-admin", "ClusterRole/cluster-admin", "60m", "", "system:masters", "");
  }

  @Test
  void leaseShowsHolder() {
    assertColumns("Lease", "Name", "Holder", "Age");
    assertCells("Lease", """
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata: {name: kube-scheduler, namespace: kube-system, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec:
          holderIdentity: cp-1_6e1f2a3b
          leaseDurationSeconds: 15
        """, "kube-scheduler", "cp-1_6e1f2a3b", "60m");
    assertEquals("", Rows.cells("Lease", "metadata: {name: free}\nspec: {}").get(1));
  }
}

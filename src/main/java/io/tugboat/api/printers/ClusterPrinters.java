package io.tugboat.api.printers;

import static io.tugboat.api.printers.SwaggerDocs.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Columns of Node, the RBAC bindings and Lease, and the generic Name + Created At of kinds without printers. */
final class ClusterPrinters {

  private static final String NODE_ROLE_PREFIX = "node-role.kubernetes.io/";
  private static final String NODE_ROLE_LABEL = "kubernetes.io/role";

  private ClusterPrinters() {}

  static Printer node() {
    return Printer.named()
        .string("Status", "The status of the node", (o, now) -> nodeStatus(o))
        .string("Roles", "The roles of the node", (o, now) -> nodeRoles(o))
        .age()
        .string("Version", NODE_SYSTEM_INFO_KUBELET_VERSION, (o, now) -> Cells.text(nodeInfo(o).path("kubeletVersion")))
        .wide("Internal-IP", NODE_STATUS_ADDRESSES, (o, now) -> address(o, "InternalIP"))
        .wide("External-IP", NODE_STATUS_ADDRESSES, (o, now) -> address(o, "ExternalIP"))
        .wide("OS-Image", NODE_SYSTEM_INFO_OS_IMAGE, (o, now) -> Cells.textOr(nodeInfo(o).path("osImage"),
            Cells.UNKNOWN))
        .wide("Kernel-Version", NODE_SYSTEM_INFO_KERNEL_VERSION,
            (o, now) -> Cells.textOr(nodeInfo(o).path("kernelVersion"), Cells.UNKNOWN))
        .wide("Container-Runtime", NODE_SYSTEM_INFO_CONTAINER_RUNTIME_VERSION,
            (o, now) -> Cells.textOr(nodeInfo(o).path("containerRuntimeVersion"), Cells.UNKNOWN))
        .build();
  }

  static Printer roleBinding() {
    return binding(ROLE_BINDING_ROLE_REF, "roleBinding");
  }

  static Printer clusterRoleBinding() {
    return binding(CLUSTER_ROLE_BINDING_ROLE_REF, "clusterRoleBinding");
  }

  static Printer lease() {
    return Printer.named()
        .string("Holder", LEASE_SPEC_HOLDER_IDENTITY, (o, now) -> Cells.text(o.path("spec").path("holderIdentity")))
        .age()
        .build();
  }

  /** PriorityClass columns, as kubectl shows them: value, whether it is the default, and the preemption policy. */
  static Printer priorityClass() {
    return Printer.named()
        .integer("Value", "value represents the integer value of this priority class.",
            (o, now) -> o.path("value").asLong(0))
        .add("Global-Default", "boolean", "", "globalDefault specifies whether this PriorityClass should be "
            + "considered as the default priority for pods that do not have any priority class.", 0,
            (o, now) -> o.path("globalDefault").asBoolean(false))
        .age()
        .string("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority.",
            (o, now) -> Cells.textOr(o.path("preemptionPolicy"), "PreemptLowerPriority"))
        .build();
  }

  /**
   * What the API server's default table convertor prints for kinds without a printer (Role, ClusterRole,
   * LimitRange): the name and the creation time as RFC3339, which kubectl shows verbatim.
   */
  static Printer createdAt() {
    return Printer.named()
        .add("Created At", "date", "", OBJECT_META_CREATION_TIMESTAMP, 0,
            (o, now) -> Cells.rfc3339(o.path("metadata").path("creationTimestamp")))
        .build();
  }

  private static Printer binding(String roleRefDescription, String what) {
    return Printer.named()
        .string("Role", roleRefDescription, (o, now) -> {
          JsonNode ref = o.path("roleRef");
          return Cells.text(ref.path("kind")) + "/" + Cells.text(ref.path("name"));
        })
        .age()
        .wide("Users", "Users in the " + what, (o, now) -> subjects(o, "User"))
        .wide("Groups", "Groups in the " + what, (o, now) -> subjects(o, "Group"))
        .wide("ServiceAccounts", "ServiceAccounts in the " + what, (o, now) -> subjects(o, "ServiceAccount"))
        .build();
  }

  /** rbac.SubjectsStrings for one kind: names, or namespace/name for service accounts, joined by ", ". */
  private static String subjects(JsonNode binding, String kind) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : binding.path("subjects")) {
      if (kind.equals(Json.text(s.path("kind")))) {
        String name = Json.text(s.path("name"));
        out.add(kind.equals("ServiceAccount") ? Json.text(s.path("namespace")) + "/" + name : name);
      }
    }
    return String.join(", ", out);
  }

  private static JsonNode nodeInfo(JsonNode node) {
    return node.path("status").path("nodeInfo");
  }

  /** Ready or NotReady from the (last) Ready condition, Unknown without one; then SchedulingDisabled if cordoned. */
  private static String nodeStatus(JsonNode node) {
    JsonNode ready = null;
    for (JsonNode c : node.path("status").path("conditions")) {
      if ("Ready".equals(Json.text(c.path("type")))) {
        ready = c;
      }
    }
    String status = ready == null ? "Unknown" : "True".equals(Json.text(ready.path("status"))) ? "Ready" : "NotReady";
    return node.path("spec").path("unschedulable").asBoolean(false) ? status + ",SchedulingDisabled" : status;
  }

  /** The roles named by node-role.kubernetes.io/ROLE labels and the kubernetes.io/role label, sorted. */
  private static String nodeRoles(JsonNode node) {
    TreeSet<String> roles = new TreeSet<>();
    for (Map.Entry<String, String> e : Json.stringMap(node.path("metadata").path("labels")).entrySet()) {
      String k = e.getKey();
      if (k.startsWith(NODE_ROLE_PREFIX) && k.length() > NODE_ROLE_PREFIX.length()) {
        roles.add(k.substring(NODE_ROLE_PREFIX.length()));
      } else if (k.equals(NODE_ROLE_LABEL) && !e.getValue().isEmpty()) {
        roles.add(e.getValue());
      }
    }
    return roles.isEmpty() ? Cells.NONE : String.join(",", roles);
  }

  /** The first address of this type, "<none>" without one. */
  private static String address(JsonNode node, String type) {
    for (JsonNode a : node.path("status").path("addresses")) {
      if (type.equals(Json.text(a.path("type")))) {
        return Json.text(a.path("address"));
      }
    }
    return Cells.NONE;
  }
}

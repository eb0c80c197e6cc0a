package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.runtime.ContainerRuntime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;

/**
 * The objects a node agent writes, as pure functions: its Node (metadata and status) and its Lease in
 * kube-node-lease. Conditions follow the kubelet's types, reasons and messages.
 */
public final class NodeObjects {

  /** The namespace of node Leases. */
  public static final String LEASE_NAMESPACE = "kube-node-lease";

  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private NodeObjects() {}

  /** A MicroTime as Kubernetes writes it: "2006-01-02T15:04:05.000000Z". */
  public static String microTime(Instant t) {
    return MICRO_TIME.format(t.truncatedTo(ChronoUnit.MICROS));
  }

  /** The Node to register: name and labels (status is written separately, through the status subresource). */
  public static ObjectNode node(NodeProfile p) {
    ObjectNode node = Json.object();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    ObjectNode meta = node.putObject("metadata");
    meta.put("name", p.name());
    ObjectNode labels = meta.putObject("labels");
    p.labels().forEach(labels::put);
    meta.putObject("annotations").put("node.alpha.kubernetes.io/ttl", "0");
    node.putObject("spec");
    return node;
  }

  /**
   * The Node's status from the profile and one set of host readings. Each condition's lastHeartbeatTime is now;
   * its lastTransitionTime is kept from {@code previous} (the last status written, or null) unless its status
   * changed.
   */
  public static ObjectNode status(NodeProfile p, HostReadings r, JsonNode previous, Instant now) {
    ObjectNode status = Json.object();
    ObjectNode capacity = status.putObject("capacity");
    p.capacity().forEach(capacity::put);
    ObjectNode allocatable = status.putObject("allocatable");
    p.allocatable().forEach(allocatable::put);
    NodeProfile.Thresholds t = p.thresholds();
    boolean memoryPressure = r.memoryAvailable() >= 0 && r.memoryAvailable() < t.memoryAvailable();
    boolean diskPressure = r.diskTotal() > 0 && r.diskAvailable() >= 0
        && r.diskAvailable() * 100 < r.diskTotal() * t.diskAvailablePercent();
    boolean pidPressure = r.pidMax() > 0 && r.pidsInUse() >= 0
        && (r.pidMax() - r.pidsInUse()) * 100 < r.pidMax() * t.pidAvailablePercent();
    ArrayNode conditions = status.putArray("conditions");
    JsonNode before = previous == null ? Json.object() : previous.path("conditions");
    condition(conditions, before, "MemoryPressure", memoryPressure,
        memoryPressure ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
        memoryPressure ? "kubelet has insufficient memory available" : "kubelet has sufficient memory available", now);
    condition(conditions, before, "DiskPressure", diskPressure,
        diskPressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
        diskPressure ? "kubelet has disk pressure" : "kubelet has no disk pressure", now);
    condition(conditions, before, "PIDPressure", pidPressure,
        pidPressure ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
        pidPressure ? "kubelet has insufficient PID available" : "kubelet has sufficient PID available", now);
    condition(conditions, before, "Ready", true, "KubeletReady", p.readyMessage(), now);
    if (p.isolation() != null) {
      // Not a Kubernetes condition: tells users how far this node's containers are isolated (issue 5's fallbacks).
      ContainerRuntime.Isolation i = p.isolation();
      condition(conditions, before, ISOLATION_CONDITION, i.isolated(), isolationReason(i.level()), i.message(), now);
    }
    ArrayNode addresses = status.putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", p.internalIp());
    addresses.addObject().put("type", "Hostname").put("address", p.name());
    status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", p.kubeletPort());
    NodeProfile.NodeInfo i = p.nodeInfo();
    ObjectNode info = status.putObject("nodeInfo");
    info.put("machineID", i.machineId());
    info.put("systemUUID", i.systemUuid());
    info.put("bootID", i.bootId());
    info.put("kernelVersion", i.kernelVersion());
    info.put("osImage", i.osImage());
    info.put("containerRuntimeVersion", i.containerRuntimeVersion());
    info.put("kubeletVersion", i.kubeletVersion());
    info.put("kubeProxyVersion", "");
    info.put("operatingSystem", i.operatingSystem());
    info.put("architecture", i.architecture());
    return status;
  }

  /** The condition saying how isolated the node's containers are: True when in their own namespaces. */
  static final String ISOLATION_CONDITION = "ContainerIsolation";

  /** "runc" -> "Runc", "host" -> "Host": the level as a condition reason. */
  private static String isolationReason(String level) {
    return level.isEmpty() ? "Unknown" : Character.toUpperCase(level.charAt(0)) + level.substring(1);
  }

  private static void condition(ArrayNode conditions, JsonNode before, String type, boolean value, String reason,
      String message, Instant now) {
    String status = value ? "True" : "False";
    String stamp = ObjectLifecycle.timestamp(now);
    String transition = stamp;
    for (JsonNode c : before) {
      if (type.equals(c.path("type").asText()) && status.equals(c.path("status").asText())
          && c.hasNonNull("lastTransitionTime")) {
        transition = c.path("lastTransitionTime").asText();
      }
    }
    conditions.addObject().put("type", type).put("status", status).put("lastHeartbeatTime", stamp)
        .put("lastTransitionTime", transition).put("reason", reason).put("message", message);
  }

  /** Whether two statuses say the same apart from heartbeat times: a status worth writing only when this fails. */
  public static boolean sameIgnoringHeartbeats(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return withoutHeartbeats(a).equals(withoutHeartbeats(b));
  }

  private static JsonNode withoutHeartbeats(JsonNode status) {
    JsonNode copy = status.deepCopy();
    for (JsonNode c : copy.path("conditions")) {
      ((ObjectNode) c).remove("lastHeartbeatTime");
    }
    return copy;
  }

  /** The node's Lease: held by the node, owned by its Node object (so it goes with it). */
  public static ObjectNode lease(String nodeName, String nodeUid, long durationSeconds, Instant renewTime) {
    ObjectNode lease = Json.object();
    lease.put("apiVersion", "coordination.k8s.io/v1");
    lease.put("kind", "Lease");
    ObjectNode meta = lease.putObject("metadata");
    meta.put("name", nodeName);
    meta.put("namespace", LEASE_NAMESPACE);
    if (nodeUid != null && !nodeUid.isEmpty()) {
      meta.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
          .put("name", nodeName).put("uid", nodeUid);
    }
    lease.set("spec", leaseSpec(nodeName, durationSeconds, renewTime));
    return lease;
  }

  /** The spec a renewal writes: holder, duration and the renew time. */
  public static ObjectNode leaseSpec(String nodeName, long durationSeconds, Instant renewTime) {
    return Json.object().put("holderIdentity", nodeName).put("leaseDurationSeconds", durationSeconds)
        .put("renewTime", microTime(renewTime));
  }

  /** Labels of {@code wanted} missing from or different in {@code node}: what a re-registering agent patches. */
  public static ObjectNode missingLabels(JsonNode node, Map<String, String> wanted) {
    ObjectNode missing = Json.object();
    JsonNode have = node.path("metadata").path("labels");
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      if (!e.getValue().equals(have.path(e.getKey()).asText(null))) {
        missing.put(e.getKey(), e.getValue());
      }
    }
    return missing;
  }

  /** The condition of this type in a Node status, or a missing node. */
  public static JsonNode condition(JsonNode status, String type) {
    for (Iterator<JsonNode> it = status.path("conditions").elements(); it.hasNext(); ) {
      JsonNode c = it.next();
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object().path("absent");
  }
}

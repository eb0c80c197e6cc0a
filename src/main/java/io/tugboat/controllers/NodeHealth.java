package io.tugboat.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.kinds.PodRules;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The health of one node as pure functions of its Node object, its Lease and the time: when it last showed
 * signs of life, whether it is stale, the conditions a stale node gets, and the taints its conditions call for.
 *
 * <p>A node's life is judged from timestamps stored in the objects (Lease renewTime, Ready lastHeartbeatTime,
 * creationTimestamp) rather than from when this controller happened to see them change, as Kubernetes does:
 * so a new singleton after fail-over judges every node as the old one would have, with nothing to remember.
 * The price is trusting the node agents' clocks to within the grace period.
 */
final class NodeHealth {

  /** The conditions a node agent reports and the controller sets to Unknown when it stops reporting. */
  static final List<String> AGENT_CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
  static final String STOPPED_REASON = "NodeStatusUnknown";
  static final String STOPPED_MESSAGE = "Kubelet stopped posting node status.";
  static final String NEVER_REASON = "NodeStatusNeverUpdated";
  static final String NEVER_MESSAGE = "Kubelet never posted node status.";

  static final String TAINT_NOT_READY = PodRules.TAINT_NOT_READY;
  static final String TAINT_UNREACHABLE = PodRules.TAINT_UNREACHABLE;
  static final String TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

  /** Condition type and status → the NoSchedule taint it calls for (Kubernetes' TaintNodesByCondition). */
  private static final Map<String, String> CONDITION_TAINTS = Map.of(
      "MemoryPressure/True", "node.kubernetes.io/memory-pressure",
      "DiskPressure/True", "node.kubernetes.io/disk-pressure",
      "PIDPressure/True", "node.kubernetes.io/pid-pressure",
      "NetworkUnavailable/True", "node.kubernetes.io/network-unavailable");

  /** Every taint key this controller owns; other taints on a node are left alone. */
  static final List<String> MANAGED_KEYS = List.of(TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE,
      "node.kubernetes.io/memory-pressure", "node.kubernetes.io/disk-pressure", "node.kubernetes.io/pid-pressure",
      "node.kubernetes.io/network-unavailable");

  private NodeHealth() {}

  /** The last sign of life: the latest of the Lease's renewTime, Ready's lastHeartbeatTime and creation. */
  static Instant lastHeartbeat(JsonNode node, JsonNode lease) {
    Instant last = instant(node.path("metadata").path("creationTimestamp")).orElse(Instant.EPOCH);
    Optional<Instant> renewed = lease == null ? Optional.empty() : instant(lease.path("spec").path("renewTime"));
    if (renewed.isPresent() && renewed.get().isAfter(last)) {
      last = renewed.get();
    }
    Optional<Instant> posted = condition(node, "Ready").flatMap(c -> instant(c.path("lastHeartbeatTime")));
    if (posted.isPresent() && posted.get().isAfter(last)) {
      last = posted.get();
    }
    return last;
  }

  /** When the node goes stale if nothing renews it: its last heartbeat plus the grace period. */
  static Instant staleAt(JsonNode node, JsonNode lease, Duration grace) {
    return lastHeartbeat(node, lease).plus(grace);
  }

  /** Whether the node has shown no sign of life for the grace period at {@code now}. */
  static boolean stale(JsonNode node, JsonNode lease, Instant now, Duration grace) {
    return !now.isBefore(staleAt(node, lease, grace));
  }

  /**
   * The node with its agent's conditions set to Unknown, as Kubernetes marks a node that stopped reporting:
   * lastHeartbeatTime kept (it is what the agent last said), lastTransitionTime now; a condition the agent never
   * posted is added as NodeStatusNeverUpdated. Empty when every one is Unknown already.
   */
  static Optional<ObjectNode> markUnknown(JsonNode node, Instant now) {
    ObjectNode updated = node.deepCopy();
    ArrayNode conditions = updated.with("status").withArray("conditions");
    String at = ObjectLifecycle.timestamp(now);
    boolean changed = false;
    for (String type : AGENT_CONDITIONS) {
      ObjectNode c = find(conditions, type);
      if (c == null) {
        conditions.addObject()
            .put("type", type)
            .put("status", "Unknown")
            .put("lastHeartbeatTime", Json.metaText(node, "creationTimestamp"))
            .put("lastTransitionTime", at)
            .put("reason", NEVER_REASON)
            .put("message", NEVER_MESSAGE);
        changed = true;
      } else if (!"Unknown".equals(c.path("status").asText())) {
        c.put("status", "Unknown");
        c.put("lastTransitionTime", at);
        c.put("reason", STOPPED_REASON);
        c.put("message", STOPPED_MESSAGE);
        changed = true;
      }
    }
    return changed ? Optional.of(updated) : Optional.empty();
  }

  /** The status of a condition ("True", "False", "Unknown"), or "" when the node has no such condition. */
  static String conditionStatus(JsonNode node, String type) {
    return condition(node, type).map(c -> c.path("status").asText()).orElse("");
  }

  /**
   * The taints the node should carry: its own (unmanaged) taints kept in order, then the managed ones its
   * conditions call for. Ready False gives not-ready, Ready Unknown unreachable, each as NoExecute (pods leave
   * after their toleration) and NoSchedule; pressure conditions and spec.unschedulable give NoSchedule taints.
   * A taint already present keeps its timeAdded; a new one is added at {@code now}.
   */
  static ArrayNode desiredTaints(JsonNode node, Instant now) {
    Map<String, String> wanted = new LinkedHashMap<>(); // "key:effect" → key
    String ready = conditionStatus(node, "Ready");
    if (ready.equals("False")) {
      wanted.put(TAINT_NOT_READY + ":NoExecute", TAINT_NOT_READY);
      wanted.put(TAINT_NOT_READY + ":NoSchedule", TAINT_NOT_READY);
    } else if (ready.equals("Unknown")) {
      wanted.put(TAINT_UNREACHABLE + ":NoExecute", TAINT_UNREACHABLE);
      wanted.put(TAINT_UNREACHABLE + ":NoSchedule", TAINT_UNREACHABLE);
    }
    for (JsonNode c : node.path("status").path("conditions")) {
      String taint = CONDITION_TAINTS.get(c.path("type").asText() + "/" + c.path("status").asText());
      if (taint != null) {
        wanted.put(taint + ":NoSchedule", taint);
      }
    }
    if (node.path("spec").path("unschedulable").asBoolean(false)) {
      wanted.put(TAINT_UNSCHEDULABLE + ":NoSchedule", TAINT_UNSCHEDULABLE);
    }
    ArrayNode taints = Json.MAPPER.createArrayNode();
    for (JsonNode t : node.path("spec").path("taints")) {
      String id = t.path("key").asText() + ":" + t.path("effect").asText();
      if (!MANAGED_KEYS.contains(t.path("key").asText())) {
        taints.add(t.deepCopy());
      } else if (wanted.remove(id) != null) {
        taints.add(t.deepCopy()); // keeps its timeAdded: pods' tolerations count from it
      }
    }
    String at = ObjectLifecycle.timestamp(now);
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      taints.addObject()
          .put("key", w.getValue())
          .put("effect", w.getKey().substring(w.getKey().lastIndexOf(':') + 1))
          .put("timeAdded", at);
    }
    return taints;
  }

  /** Whether two taint lists are the same taints (order aside). */
  static boolean sameTaints(JsonNode a, JsonNode b) {
    List<JsonNode> left = new ArrayList<>();
    a.forEach(left::add);
    List<JsonNode> right = new ArrayList<>();
    b.forEach(right::add);
    return left.size() == right.size() && left.containsAll(right);
  }

  /** The NoExecute taints of a node. */
  static List<JsonNode> noExecuteTaints(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode t : node.path("spec").path("taints")) {
      if ("NoExecute".equals(t.path("effect").asText())) {
        out.add(t);
      }
    }
    return out;
  }

  static Optional<JsonNode> condition(JsonNode node, String type) {
    for (JsonNode c : node.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private static ObjectNode find(ArrayNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (c instanceof ObjectNode o && type.equals(c.path("type").asText())) {
        return o;
      }
    }
    return null;
  }

  /** An RFC 3339 timestamp (seconds or microseconds), empty when absent or unreadable. */
  static Optional<Instant> instant(JsonNode timestamp) {
    if (timestamp == null || !timestamp.isTextual() || timestamp.asText().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.time.OffsetDateTime.parse(timestamp.asText()).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

package io.tugboat.api.printers;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * The Pod columns, with READY, STATUS and RESTARTS computed as Kubernetes' printPod does: init containers
 * first (Init:x/y, Init:Reason, Init:ExitCode:n), then app containers from last to first, so the first
 * container's waiting or terminated reason wins; Completed with a container still running reads Running or
 * NotReady; a deleted pod reads Terminating, or Unknown when its node was lost.
 */
final class PodPrinter {

  /** The reason the node lifecycle controller gives pods on an unreachable node. */
  static final String NODE_LOST = "NodeLost";

  private PodPrinter() {}

  static Printer printer() {
    return Printer.named()
        .string("Ready", "The aggregate readiness state of this pod for accepting traffic.", (o, now) -> row(o).ready())
        .string("Status", "The aggregate status of the containers in this pod.", (o, now) -> row(o).status())
        .string("Restarts", "The number of times the containers in this pod have been restarted and when the last "
            + "container in this pod has restarted.", PodPrinter::restarts)
        .age()
        .wide("IP", SwaggerDocs.POD_STATUS_POD_IP, (o, now) -> podIP(o))
        .wide("Node", SwaggerDocs.POD_SPEC_NODE_NAME, (o, now) -> Cells.textOr(o.path("spec").path("nodeName"),
            Cells.NONE))
        .wide("Nominated Node", SwaggerDocs.POD_STATUS_NOMINATED_NODE_NAME,
            (o, now) -> Cells.textOr(o.path("status").path("nominatedNodeName"), Cells.NONE))
        .wide("Readiness Gates", SwaggerDocs.POD_SPEC_READINESS_GATES, (o, now) -> readinessGates(o))
        .build();
  }

  /** What printPod derives from a pod's containers: ready count, status reason, restarts and the last restart. */
  record Row(int readyContainers, int totalContainers, String status, int restarts, Instant lastRestart) {
    String ready() {
      return readyContainers + "/" + totalContainers;
    }
  }

  static Row row(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    JsonNode status = pod.path("status");
    int restarts = 0;
    int restartableInitRestarts = 0;
    int total = spec.path("containers").size();
    int ready = 0;
    Instant lastRestart = null;
    Instant lastRestartableInitRestart = null;

    String phase = Json.text(status.path("phase"));
    String reason = textOr(status.path("reason"), phase);
    for (JsonNode c : status.path("conditions")) {
      if ("PodScheduled".equals(Json.text(c.path("type"))) && "SchedulingGated".equals(Json.text(c.path("reason")))) {
        reason = "SchedulingGated";
      }
    }

    Set<String> restartableInit = new HashSet<>();
    int initCount = spec.path("initContainers").size();
    for (JsonNode c : spec.path("initContainers")) {
      // A sidecar: an init container that keeps running, counted with the app containers.
      if ("Always".equals(Json.text(c.path("restartPolicy")))) {
        restartableInit.add(Json.text(c.path("name")));
        total++;
      }
    }

    boolean initializing = false;
    JsonNode initStatuses = status.path("initContainerStatuses");
    for (int i = 0; i < initStatuses.size(); i++) {
      JsonNode cs = initStatuses.get(i);
      int count = cs.path("restartCount").asInt(0);
      Instant finished = Cells.instant(cs.path("lastState").path("terminated").path("finishedAt"));
      restarts += count;
      lastRestart = later(lastRestart, finished);
      boolean sidecar = restartableInit.contains(Json.text(cs.path("name")));
      if (sidecar) {
        restartableInitRestarts += count;
        lastRestartableInitRestart = later(lastRestartableInitRestart, finished);
      }
      JsonNode terminated = cs.path("state").path("terminated");
      JsonNode waiting = cs.path("state").path("waiting");
      if (terminated.isObject() && terminated.path("exitCode").asInt(0) == 0) {
        continue;
      }
      if (sidecar && cs.path("started").asBoolean(false)) {
        if (cs.path("ready").asBoolean(false)) {
          ready++;
        }
        continue;
      }
      if (terminated.isObject()) {
        reason = "Init:" + terminatedReason(terminated);
      } else if (!Json.text(waiting.path("reason")).isEmpty()
          && !"PodInitializing".equals(Json.text(waiting.path("reason")))) {
        reason = "Init:" + Json.text(waiting.path("reason"));
      } else {
        reason = "Init:" + i + "/" + initCount;
      }
      initializing = true;
      break;
    }

    if (!initializing || isInitialized(status)) {
      restarts = restartableInitRestarts;
      lastRestart = lastRestartableInitRestart;
      boolean hasRunning = false;
      JsonNode statuses = status.path("containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode cs = statuses.get(i);
        restarts += cs.path("restartCount").asInt(0);
        lastRestart = later(lastRestart, Cells.instant(cs.path("lastState").path("terminated").path("finishedAt")));
        JsonNode waiting = cs.path("state").path("waiting");
        JsonNode terminated = cs.path("state").path("terminated");
        if (!Json.text(waiting.path("reason")).isEmpty()) {
          reason = Json.text(waiting.path("reason"));
        } else if (terminated.isObject()) {
          reason = terminatedReason(terminated);
        } else if (cs.path("ready").asBoolean(false) && cs.path("state").path("running").isObject()) {
          hasRunning = true;
          ready++;
        }
      }
      if ("Completed".equals(reason) && hasRunning) {
        reason = isReady(status) ? "Running" : "NotReady";
      }
    }

    boolean deleted = pod.path("metadata").hasNonNull("deletionTimestamp");
    if (deleted && NODE_LOST.equals(Json.text(status.path("reason")))) {
      reason = "Unknown";
    } else if (deleted && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      reason = "Terminating";
    }
    return new Row(ready, total, reason, restarts, lastRestart);
  }

  private static Object restarts(JsonNode pod, Instant now) {
    Row r = row(pod);
    if (r.restarts() != 0 && r.lastRestart() != null) {
      return r.restarts() + " (" + Cells.since(r.lastRestart(), now) + " ago)";
    }
    return Integer.toString(r.restarts());
  }

  private static String podIP(JsonNode pod) {
    // Kubernetes prints podIPs[0]; objects written with only the singular field convert to the same list.
    JsonNode ips = pod.path("status").path("podIPs");
    String ip = ips.size() > 0 ? Json.text(ips.get(0).path("ip")) : Json.text(pod.path("status").path("podIP"));
    return ip.isEmpty() ? Cells.NONE : ip;
  }

  private static String readinessGates(JsonNode pod) {
    JsonNode gates = pod.path("spec").path("readinessGates");
    if (gates.isEmpty()) {
      return Cells.NONE;
    }
    int trueConditions = 0;
    for (JsonNode gate : gates) {
      String type = Json.text(gate.path("conditionType"));
      for (JsonNode c : pod.path("status").path("conditions")) {
        if (type.equals(Json.text(c.path("type")))) {
          if ("True".equals(Json.text(c.path("status")))) {
            trueConditions++;
          }
          break;
        }
      }
    }
    return trueConditions + "/" + gates.size();
  }

  private static String terminatedReason(JsonNode terminated) {
    String reason = Json.text(terminated.path("reason"));
    if (!reason.isEmpty()) {
      return reason;
    }
    int signal = terminated.path("signal").asInt(0);
    return signal != 0 ? "Signal:" + signal : "ExitCode:" + terminated.path("exitCode").asInt(0);
  }

  /** Whether the first Initialized condition is True (Kubernetes looks no further than the first). */
  private static boolean isInitialized(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if ("Initialized".equals(Json.text(c.path("type")))) {
        return "True".equals(Json.text(c.path("status")));
      }
    }
    return false;
  }

  /** Whether any Ready condition is True. */
  private static boolean isReady(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if ("Ready".equals(Json.text(c.path("type"))) && "True".equals(Json.text(c.path("status")))) {
        return true;
      }
    }
    return false;
  }

  private static Instant later(Instant a, Instant b) {
    if (b == null) {
      return a;
    }
    return a == null || a.isBefore(b) ? b : a;
  }

  private static String textOr(JsonNode node, String fallback) {
    String s = Json.text(node);
    return s.isEmpty() ? fallback : s;
  }
}

package io.tugboat.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Taint-based eviction as pure functions: when a pod must leave a node given the node's NoExecute taints and
 * the pod's tolerations. A taint the pod does not tolerate evicts it at once; one it tolerates for
 * tolerationSeconds evicts it that long after the taint's timeAdded; one it tolerates without a limit never.
 */
final class TaintEviction {

  private TaintEviction() {}

  /** Kubernetes' ToleratesTaint: effect and key match when set, then Exists, or Equal with the same value. */
  static boolean tolerates(JsonNode toleration, JsonNode taint) {
    String effect = toleration.path("effect").asText("");
    if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) {
      return false;
    }
    String key = toleration.path("key").asText("");
    if (!key.isEmpty() && !key.equals(taint.path("key").asText())) {
      return false;
    }
    return switch (toleration.path("operator").asText("")) {
      case "", "Equal" -> toleration.path("value").asText("").equals(taint.path("value").asText(""));
      case "Exists" -> true;
      default -> false;
    };
  }

  /**
   * When the pod must be evicted because of these NoExecute taints: {@link Instant#EPOCH} (at once) when one is
   * not tolerated, else the earliest timeAdded + tolerationSeconds over the taints (a taint without timeAdded
   * counts as long added); empty when every taint is tolerated without a time limit.
   */
  static Optional<Instant> evictionTime(JsonNode pod, List<JsonNode> noExecuteTaints) {
    Instant earliest = null;
    for (JsonNode taint : noExecuteTaints) {
      boolean tolerated = false;
      Long seconds = null; // the shortest tolerationSeconds among the tolerations of this taint; null: forever
      for (JsonNode toleration : pod.path("spec").path("tolerations")) {
        if (!tolerates(toleration, taint)) {
          continue;
        }
        tolerated = true;
        JsonNode ts = toleration.get("tolerationSeconds");
        if (ts != null && !ts.isNull()) {
          long s = Math.max(0, ts.asLong());
          seconds = seconds == null ? s : Math.min(seconds, s);
        }
      }
      if (!tolerated) {
        return Optional.of(Instant.EPOCH);
      }
      if (seconds == null) {
        continue;
      }
      // As in Kubernetes, the shortest bounded toleration wins even when another one tolerates forever.
      Instant added = NodeHealth.instant(taint.path("timeAdded")).orElse(Instant.EPOCH);
      Instant due = added.plusSeconds(seconds);
      if (earliest == null || due.isBefore(earliest)) {
        earliest = due;
      }
    }
    return Optional.ofNullable(earliest);
  }
}

package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/** What the workload controllers read from a pod: active, ready, available, and the order pods are deleted in. */
public final class Pods {

  private Pods() {}

  /** Not finished and not being deleted: a pod that counts toward replicas (FilterActivePods). */
  public static boolean active(JsonNode pod) {
    String phase = Json.text(pod.path("status").path("phase"));
    return !phase.equals("Succeeded") && !phase.equals("Failed") && !Owners.deleting(pod);
  }

  /** The Ready condition is True. */
  public static boolean ready(JsonNode pod) {
    return readySince(pod).isPresent();
  }

  /** When the Ready condition last turned True (its lastTransitionTime), if it is True. */
  public static Optional<Instant> readySince(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        if (!"True".equals(Json.text(c.path("status")))) {
          return Optional.empty();
        }
        String at = Json.text(c.path("lastTransitionTime"));
        try {
          return Optional.of(at.isEmpty() ? Instant.EPOCH : Instant.parse(at));
        } catch (java.time.format.DateTimeParseException e) {
          return Optional.of(Instant.EPOCH);
        }
      }
    }
    return Optional.empty();
  }

  /** Ready for at least minReadySeconds at {@code now} (IsPodAvailable). */
  public static boolean available(JsonNode pod, long minReadySeconds, Instant now) {
    Optional<Instant> since = readySince(pod);
    return since.isPresent() && (minReadySeconds == 0 || !since.get().plusSeconds(minReadySeconds).isAfter(now));
  }

  /** When a ready pod that is not yet available will be, if it is one. */
  public static Optional<Instant> availableAt(JsonNode pod, long minReadySeconds, Instant now) {
    Optional<Instant> since = readySince(pod);
    if (since.isEmpty() || minReadySeconds == 0) {
      return Optional.empty();
    }
    Instant at = since.get().plusSeconds(minReadySeconds);
    return at.isAfter(now) ? Optional.of(at) : Optional.empty();
  }

  private static int phaseRank(JsonNode pod) {
    return switch (Json.text(pod.path("status").path("phase"))) {
      case "Running" -> 2;
      case "Unknown" -> 1;
      default -> 0; // Pending, or no status yet
    };
  }

  private static int restarts(JsonNode pod) {
    int max = 0;
    for (JsonNode c : pod.path("status").path("containerStatuses")) {
      max = Math.max(max, c.path("restartCount").asInt(0));
    }
    return max;
  }

  private static long deletionCost(JsonNode pod) {
    String cost = Json.text(pod.path("metadata").path("annotations").path("controller.kubernetes.io/pod-deletion-cost"));
    try {
      return cost.isEmpty() ? 0 : Long.parseLong(cost);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Instant created(JsonNode pod) {
    String at = Json.metaText(pod, "creationTimestamp");
    return at.isEmpty() ? Instant.EPOCH : Instant.parse(at);
  }

  /**
   * Kubernetes' ActivePods order: the pods to delete first come first. Unscheduled before scheduled, Pending before
   * Unknown before Running, not ready before ready, lower pod-deletion-cost first, ready more recently first, more
   * restarts first, newer first; the name breaks ties so the order is total.
   */
  public static final Comparator<JsonNode> DELETE_FIRST = (a, b) -> {
    boolean aBound = !Json.text(a.path("spec").path("nodeName")).isEmpty();
    boolean bBound = !Json.text(b.path("spec").path("nodeName")).isEmpty();
    if (aBound != bBound) {
      return aBound ? 1 : -1;
    }
    int c = Integer.compare(phaseRank(a), phaseRank(b));
    if (c != 0) {
      return c;
    }
    boolean aReady = ready(a);
    boolean bReady = ready(b);
    if (aReady != bReady) {
      return aReady ? 1 : -1;
    }
    c = Long.compare(deletionCost(a), deletionCost(b));
    if (c != 0) {
      return c;
    }
    if (aReady) {
      c = readySince(b).orElseThrow().compareTo(readySince(a).orElseThrow());
      if (c != 0) {
        return c;
      }
    }
    c = Integer.compare(restarts(b), restarts(a));
    if (c != 0) {
      return c;
    }
    c = created(b).compareTo(created(a));
    if (c != 0) {
      return c;
    }
    return Json.metaText(a, "name").compareTo(Json.metaText(b, "name"));
  };
}

package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * A StatefulSet's status from the pods observed (computeReplicaStatus): created, ready, available and, among
 * pods not terminating, those at the current and at the update revision; a RollingUpdate whose pods are all
 * updated and ready makes the update revision the current one (completeRollingUpdate).
 */
public final class StatefulSetStatus {

  /** The status, and when a ready pod becomes available if one will (minReadySeconds). */
  public record Observed(ObjectNode status, Optional<Instant> wakeAt) {}

  private StatefulSetStatus() {}

  /** The status of {@code set} given its pods and revisions. */
  public static Observed calculate(JsonNode set, Collection<? extends JsonNode> pods, String currentRevision,
      String updateRevision, Instant now) {
    long minReady = set.path("spec").path("minReadySeconds").asLong(0);
    int replicas = 0;
    int ready = 0;
    int available = 0;
    int currentReplicas = 0;
    int updatedReplicas = 0;
    Optional<Instant> wake = Optional.empty();
    for (JsonNode p : pods) {
      replicas++;
      if (StatefulSetSync.runningAndReady(p)) {
        ready++;
        if (Pods.available(p, minReady, now)) {
          available++;
        } else {
          Optional<Instant> at = Pods.availableAt(p, minReady, now);
          if (at.isPresent() && (wake.isEmpty() || at.get().isBefore(wake.get()))) {
            wake = at;
          }
        }
      }
      if (!Owners.deleting(p)) {
        String revision = StatefulSetPods.revision(p);
        if (revision.equals(currentRevision)) {
          currentReplicas++;
        }
        if (revision.equals(updateRevision)) {
          updatedReplicas++;
        }
      }
    }
    boolean rolling = !"OnDelete".equals(Json.text(set.path("spec").path("updateStrategy").path("type")));
    String current = currentRevision;
    if (rolling && updatedReplicas == replicas && ready == replicas
        && replicas == set.path("spec").path("replicas").asInt(1)) {
      currentReplicas = updatedReplicas;
      current = updateRevision;
    }
    ObjectNode status = Json.object();
    status.put("observedGeneration", set.path("metadata").path("generation").asLong(1));
    status.put("replicas", replicas);
    if (ready > 0) {
      status.put("readyReplicas", ready);
    }
    if (currentReplicas > 0) {
      status.put("currentReplicas", currentReplicas);
    }
    if (updatedReplicas > 0) {
      status.put("updatedReplicas", updatedReplicas);
    }
    if (!current.isEmpty()) {
      status.put("currentRevision", current);
    }
    if (!updateRevision.isEmpty()) {
      status.put("updateRevision", updateRevision);
    }
    JsonNode collision = set.path("status").path("collisionCount");
    status.put("collisionCount", collision.isNumber() ? collision.asInt() : 0);
    status.put("availableReplicas", available);
    JsonNode conditions = set.path("status").path("conditions");
    if (conditions.isArray() && !conditions.isEmpty()) {
      status.set("conditions", conditions.deepCopy());
    }
    return new Observed(status, wake);
  }
}

package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Deployment's status as Kubernetes computes it (calculateStatus, syncRolloutStatus, progress.go): counts from
 * its ReplicaSets' observed status, the Available condition, and the Progressing condition with its deadline.
 */
public final class DeploymentStatus {

  static final String PROGRESSING = "Progressing";
  static final String AVAILABLE = "Available";

  private DeploymentStatus() {}

  /** The counts and the Available condition, conditions otherwise kept (calculateStatus). */
  static ObjectNode calculate(JsonNode d, List<Rollout.Rs> all, Rollout.Rs newRs, Instant now) {
    Rollout.Params params = Rollout.Params.of(d);
    int replicas = all.stream().mapToInt(r -> r.replicas).sum();
    int ready = all.stream().mapToInt(r -> r.ready).sum();
    int available = all.stream().mapToInt(r -> r.available).sum();
    int updated = newRs == null ? 0 : newRs.replicas;
    ObjectNode status = Json.object();
    status.put("observedGeneration", d.path("metadata").path("generation").asLong(1));
    putNonZero(status, "replicas", replicas);
    putNonZero(status, "updatedReplicas", updated);
    putNonZero(status, "readyReplicas", ready);
    putNonZero(status, "availableReplicas", available);
    putNonZero(status, "unavailableReplicas", Math.max(0, params.replicas() - available));
    JsonNode old = d.path("status");
    if (old.has("collisionCount")) {
      status.set("collisionCount", old.get("collisionCount"));
    }
    ArrayNode conditions = status.putArray("conditions");
    old.path("conditions").forEach(c -> conditions.add(c.deepCopy()));
    if (available >= params.replicas() - params.maxUnavailableForAvailability()) {
      setCondition(status, AVAILABLE, "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now);
    } else {
      setCondition(status, AVAILABLE, "False", "MinimumReplicasUnavailable",
          "Deployment does not have minimum availability.", now);
    }
    return status;
  }

  /**
   * The status after a rollout step (syncRolloutStatus): counts, then Progressing moved to NewReplicaSetAvailable
   * when complete, ReplicaSetUpdated when anything progressed, ProgressDeadlineExceeded when the deadline passed.
   */
  static ObjectNode rollout(JsonNode d, List<Rollout.Rs> all, Rollout.Rs newRs, Instant now) {
    ObjectNode status = calculate(d, all, newRs, now);
    Optional<JsonNode> current = condition(status, PROGRESSING);
    boolean complete = status.path("replicas").asInt(0) == status.path("updatedReplicas").asInt(0)
        && current.isPresent() && "NewReplicaSetAvailable".equals(current.get().path("reason").asText());
    String rsName = newRs == null ? null : newRs.name;
    if (!complete && !Owners.deleting(d)) {
      if (complete(d, status)) {
        setCondition(status, PROGRESSING, "True", "NewReplicaSetAvailable",
            rsName == null ? "Deployment \"" + Json.metaText(d, "name") + "\" has successfully progressed."
                : "ReplicaSet \"" + rsName + "\" has successfully progressed.", now);
      } else if (progressing(d.path("status"), status)) {
        String since = current.filter(c -> "True".equals(c.path("status").asText()))
            .map(c -> Json.text(c.path("lastTransitionTime"))).orElse(ObjectLifecycle.timestamp(now));
        removeCondition(status, PROGRESSING);
        ObjectNode c = setCondition(status, PROGRESSING, "True", "ReplicaSetUpdated",
            rsName == null ? "Deployment \"" + Json.metaText(d, "name") + "\" is progressing."
                : "ReplicaSet \"" + rsName + "\" is progressing.", now);
        c.put("lastTransitionTime", since);
      } else if (timedOut(d, current, now)) {
        setCondition(status, PROGRESSING, "False", "ProgressDeadlineExceeded",
            rsName == null ? "Deployment \"" + Json.metaText(d, "name") + "\" has timed out progressing."
                : "ReplicaSet \"" + rsName + "\" has timed out progressing.", now);
      }
    }
    return status;
  }

  /** When a rollout still in progress times out, if it has not yet (requeueStuckDeployment). */
  static Optional<Instant> deadline(JsonNode d, JsonNode status, Instant now) {
    Optional<JsonNode> c = condition(status, PROGRESSING);
    if (c.isEmpty() || complete(d, status) || Set.of("NewReplicaSetAvailable", "ProgressDeadlineExceeded")
        .contains(c.get().path("reason").asText()) || "Unknown".equals(c.get().path("status").asText())) {
      return Optional.empty();
    }
    Instant at = lastUpdate(c.get()).plusSeconds(d.path("spec").path("progressDeadlineSeconds").asLong(600) + 1);
    return at.isAfter(now) ? Optional.of(at) : Optional.empty();
  }

  /** All replicas updated and available, and the latest generation observed (DeploymentComplete). */
  static boolean complete(JsonNode d, JsonNode status) {
    int replicas = d.path("spec").path("replicas").asInt(1);
    return status.path("updatedReplicas").asInt(0) == replicas && status.path("replicas").asInt(0) == replicas
        && status.path("availableReplicas").asInt(0) == replicas
        && status.path("observedGeneration").asLong(0) >= d.path("metadata").path("generation").asLong(1);
  }

  private static boolean progressing(JsonNode old, JsonNode now) {
    int oldOld = old.path("replicas").asInt(0) - old.path("updatedReplicas").asInt(0);
    int newOld = now.path("replicas").asInt(0) - now.path("updatedReplicas").asInt(0);
    return now.path("updatedReplicas").asInt(0) > old.path("updatedReplicas").asInt(0)
        || now.path("readyReplicas").asInt(0) > old.path("readyReplicas").asInt(0)
        || now.path("availableReplicas").asInt(0) > old.path("availableReplicas").asInt(0)
        || newOld < oldOld;
  }

  private static boolean timedOut(JsonNode d, Optional<JsonNode> c, Instant now) {
    if (c.isEmpty()) {
      return false;
    }
    String reason = c.get().path("reason").asText();
    if (reason.equals("NewReplicaSetAvailable")) {
      return false;
    }
    if (reason.equals("ProgressDeadlineExceeded")) {
      return true;
    }
    return now.isAfter(lastUpdate(c.get()).plusSeconds(d.path("spec").path("progressDeadlineSeconds").asLong(600)));
  }

  private static Instant lastUpdate(JsonNode c) {
    String at = Json.text(c.path("lastUpdateTime"));
    return at.isEmpty() ? Instant.EPOCH : Instant.parse(at);
  }

  /** The condition of this type, if any. */
  static Optional<JsonNode> condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * Sets a condition as SetDeploymentCondition: unchanged when status and reason are the same; the transition time
   * kept when only the reason or message moved.
   */
  static ObjectNode setCondition(ObjectNode status, String type, String value, String reason, String message,
      Instant now) {
    Optional<JsonNode> current = condition(status, type);
    if (current.isPresent() && value.equals(current.get().path("status").asText())
        && reason.equals(current.get().path("reason").asText())) {
      return (ObjectNode) current.get();
    }
    String ts = ObjectLifecycle.timestamp(now);
    ObjectNode c = Json.object();
    c.put("type", type);
    c.put("status", value);
    c.put("lastUpdateTime", ts);
    c.put("lastTransitionTime", current.isPresent() && value.equals(current.get().path("status").asText())
        ? Json.text(current.get().path("lastTransitionTime")) : ts);
    c.put("reason", reason);
    c.put("message", message);
    removeCondition(status, type);
    status.withArray("conditions").add(c);
    return c;
  }

  static void removeCondition(ObjectNode status, String type) {
    ArrayNode conditions = status.withArray("conditions");
    for (int i = conditions.size() - 1; i >= 0; i--) {
      if (type.equals(conditions.get(i).path("type").asText())) {
        conditions.remove(i);
      }
    }
  }

  private static void putNonZero(ObjectNode status, String field, int value) {
    if (value != 0) {
      status.put(field, value);
    }
  }
}

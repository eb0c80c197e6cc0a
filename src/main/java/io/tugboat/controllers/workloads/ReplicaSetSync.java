package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelectors;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One reconcile step of a ReplicaSet or ReplicationController, as a pure function from the owner and the pods of
 * its namespace to writes (Kubernetes' ReplicaSet controller, which also serves ReplicationControllers): claim
 * pods (adopt matching orphans, release those that stopped matching), create or delete pods until exactly
 * {@code spec.replicas} active pods match, and write the status observed.
 */
public final class ReplicaSetSync {

  static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();

  private ReplicaSetSync() {}

  /** The owner's selector as a metav1.LabelSelector (a ReplicationController's is a plain label map). */
  public static JsonNode selector(JsonNode owner) {
    JsonNode selector = owner.path("spec").path("selector");
    if ("ReplicationController".equals(owner.path("kind").asText())) {
      ObjectNode s = Json.object();
      if (selector.isObject()) {
        s.set("matchLabels", selector.deepCopy());
      }
      return s;
    }
    return selector;
  }

  /** The component name Kubernetes reports events of this owner's kind under. */
  public static String component(JsonNode owner) {
    return "ReplicationController".equals(owner.path("kind").asText()) ? "replication-controller"
        : "replicaset-controller";
  }

  /**
   * The writes that bring {@code owner} to its replicas, given every pod of its namespace; at most {@code burst}
   * creates or deletes in one step (the rest in the next).
   */
  public static Plan plan(JsonNode owner, List<? extends JsonNode> podsInNamespace, Instant now, int burst) {
    return plan(owner, podsInNamespace, now, burst, Optional.empty());
  }

  /**
   * The same, knowing whether the previous step's create or delete failed: the status then carries the
   * ReplicaFailure condition with the server's message, until a step goes through.
   */
  public static Plan plan(JsonNode owner, List<? extends JsonNode> podsInNamespace, Instant now, int burst,
      Optional<Plan.Failure> lastFailure) {
    List<Plan.Action> actions = new ArrayList<>();
    JsonNode selector = selector(owner);
    Owners.Claim claim = Owners.claim(owner, selector, podsInNamespace);
    String namespace = Json.metaText(owner, "namespace");
    for (ObjectNode pod : claim.adopt()) {
      actions.add(new Plan.Update(ObjectKey.of(PODS, namespace, Json.metaText(pod, "name")), pod, Subresource.MAIN,
          null));
    }
    for (ObjectNode pod : claim.release()) {
      actions.add(new Plan.Update(ObjectKey.of(PODS, namespace, Json.metaText(pod, "name")), pod, Subresource.MAIN,
          null));
    }
    List<JsonNode> active = new ArrayList<>();
    for (JsonNode p : claim.owned()) {
      if (Pods.active(p)) {
        active.add(p);
      }
    }
    if (!Owners.deleting(owner)) {
      int diff = active.size() - owner.path("spec").path("replicas").asInt(1);
      if (diff < 0) {
        for (int i = 0; i < Math.min(-diff, burst); i++) {
          actions.add(new Plan.Create(PODS, podFromTemplate(owner),
              Plan.Note.normal("SuccessfulCreate", "Created pod: %s"),
              Plan.Note.warning("FailedCreate", "Error creating: %s")));
        }
      } else if (diff > 0) {
        List<JsonNode> ranked = new ArrayList<>(active);
        ranked.sort(Pods.DELETE_FIRST);
        for (JsonNode p : ranked.subList(0, Math.min(diff, burst))) {
          actions.add(new Plan.Delete(ObjectKey.of(PODS, namespace, Json.metaText(p, "name")),
              Json.metaText(p, "uid"), null, Plan.Note.normal("SuccessfulDelete", "Deleted pod: %s")));
        }
      }
    }
    long minReady = owner.path("spec").path("minReadySeconds").asLong(0);
    ObjectNode status = status(owner, active, now);
    replicaFailure(status, lastFailure, now);
    if (!ObjectLifecycle.same(status, owner.path("status"))) {
      ObjectNode updated = (ObjectNode) owner.deepCopy();
      updated.set("status", status);
      actions.add(new Plan.Update(key(owner), updated, Subresource.STATUS, null));
    }
    Optional<Instant> wake = Optional.empty();
    for (JsonNode p : active) {
      Optional<Instant> at = Pods.availableAt(p, minReady, now);
      if (at.isPresent() && (wake.isEmpty() || at.get().isBefore(wake.get()))) {
        wake = at;
      }
    }
    return new Plan(actions, wake);
  }

  /**
   * The status of what was observed (calculateStatus): active pods, those labelled as the template, ready, and
   * available (ready for minReadySeconds); the generation seen; conditions kept.
   */
  public static ObjectNode status(JsonNode owner, List<? extends JsonNode> active, Instant now) {
    long minReady = owner.path("spec").path("minReadySeconds").asLong(0);
    JsonNode templateLabels = owner.path("spec").path("template").path("metadata").path("labels");
    ObjectNode templateSelector = Json.object();
    if (templateLabels.isObject()) {
      templateSelector.set("matchLabels", templateLabels);
    }
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (JsonNode p : active) {
      if (LabelSelectors.matches(templateSelector, p.path("metadata").path("labels"))) {
        fullyLabeled++;
      }
      if (Pods.ready(p)) {
        ready++;
        if (Pods.available(p, minReady, now)) {
          available++;
        }
      }
    }
    ObjectNode status = Json.object();
    status.put("replicas", active.size());
    if (fullyLabeled > 0) {
      status.put("fullyLabeledReplicas", fullyLabeled);
    }
    if (ready > 0) {
      status.put("readyReplicas", ready);
    }
    if (available > 0) {
      status.put("availableReplicas", available);
    }
    status.put("observedGeneration", owner.path("metadata").path("generation").asLong(1));
    JsonNode conditions = owner.path("status").path("conditions");
    if (conditions.isArray() && !conditions.isEmpty()) {
      status.set("conditions", conditions.deepCopy());
    }
    return status;
  }

  /**
   * Sets or clears the ReplicaFailure condition as Kubernetes' calculateStatus does: set (True, FailedCreate or
   * FailedDelete, the error) when a step failed and it is not there yet; removed once a step goes through.
   */
  static void replicaFailure(ObjectNode status, Optional<Plan.Failure> failure, Instant now) {
    JsonNode conditions = status.path("conditions");
    boolean present = false;
    for (JsonNode c : conditions) {
      present |= "ReplicaFailure".equals(c.path("type").asText());
    }
    if (failure.isPresent() && !present) {
      ObjectNode c = (status.has("conditions") ? status.withArray("conditions") : status.putArray("conditions"))
          .addObject();
      c.put("type", "ReplicaFailure");
      c.put("status", "True");
      c.put("lastTransitionTime", ObjectLifecycle.timestamp(now));
      c.put("reason", failure.get().reason());
      c.put("message", failure.get().message());
    } else if (failure.isEmpty() && present) {
      var kept = Json.NODES.arrayNode();
      conditions.forEach(c -> {
        if (!"ReplicaFailure".equals(c.path("type").asText())) {
          kept.add(c);
        }
      });
      if (kept.isEmpty()) {
        status.remove("conditions");
      } else {
        status.set("conditions", kept);
      }
    }
  }

  /** A new pod from the owner's template: generateName "owner-", the template's labels and annotations. */
  public static ObjectNode podFromTemplate(JsonNode owner) {
    JsonNode template = owner.path("spec").path("template");
    ObjectNode pod = Json.object();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode meta = Json.meta(pod);
    meta.put("generateName", Json.metaText(owner, "name") + "-");
    meta.put("namespace", Json.metaText(owner, "namespace"));
    JsonNode tm = template.path("metadata");
    for (String f : List.of("labels", "annotations", "finalizers")) {
      if (tm.path(f).size() > 0) {
        meta.set(f, tm.get(f).deepCopy());
      }
    }
    meta.putArray("ownerReferences").add(Owners.reference(owner));
    pod.set("spec", template.path("spec").isObject() ? template.get("spec").deepCopy() : Json.object());
    return pod;
  }

  /** The key of an owner object. */
  static ObjectKey key(JsonNode obj) {
    ResourceType type = ResourceRegistry.byKind(Json.text(obj.path("apiVersion")), Json.text(obj.path("kind")))
        .orElseThrow(() -> new IllegalArgumentException("unknown kind " + obj.path("kind")));
    return ObjectKey.of(type, Json.metaText(obj, "namespace"), Json.metaText(obj, "name"));
  }
}

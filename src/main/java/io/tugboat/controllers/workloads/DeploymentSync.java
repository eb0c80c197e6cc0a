package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One reconcile step of a Deployment, as a pure function from the Deployment, the ReplicaSets and pods of its
 * namespace to writes (Kubernetes' deployment controller, syncDeployment). Each step makes one kind of progress
 * and the next step starts from what it wrote, in this order:
 *
 * <ol>
 *   <li>claim ReplicaSets (adopt matching orphans, release those that stopped matching);</li>
 *   <li>paused/resumed: the Progressing condition says so;</li>
 *   <li>the new ReplicaSet (template equal to the Deployment's, the hash label aside): created when missing
 *       (named {@code <deployment>-<pod-template-hash>}, or collisionCount moves on a name clash), its revision and
 *       copied annotations brought up to date, the Deployment's revision annotation set from it;</li>
 *   <li>replicas changed (or paused): sizes spread proportionally, no rollout;</li>
 *   <li>the rollout: Recreate (old to 0, wait until their pods are gone, new up) or RollingUpdate (new up within
 *       maxSurge, old down within maxUnavailable), then old ReplicaSets beyond revisionHistoryLimit deleted once
 *       complete, and the status written from what the ReplicaSets report.</li>
 * </ol>
 */
public final class DeploymentSync {

  static final ResourceType DEPLOYMENTS = ResourceRegistry.byPath("apps", "v1", "deployments").orElseThrow();
  static final ResourceType REPLICA_SETS = ResourceRegistry.byPath("apps", "v1", "replicasets").orElseThrow();
  static final String COMPONENT = "deployment-controller";

  /** Annotations never copied from a Deployment onto its ReplicaSets. */
  private static final Set<String> NOT_COPIED = Set.of("kubectl.kubernetes.io/last-applied-configuration",
      Rollout.REVISION, Rollout.REVISION_HISTORY, Rollout.DESIRED_REPLICAS, Rollout.MAX_REPLICAS,
      "deprecated.deployment.rollback.to");

  private DeploymentSync() {}

  /** The writes of the next step for {@code d}, given every ReplicaSet and pod of its namespace. */
  public static Plan plan(JsonNode d, List<? extends JsonNode> rsInNamespace, List<? extends JsonNode> podsInNamespace,
      Instant now) {
    String ns = Json.metaText(d, "namespace");
    Owners.Claim claim = Owners.claim(d, d.path("spec").path("selector"), rsInNamespace);
    if (!claim.adopt().isEmpty() || !claim.release().isEmpty()) {
      List<Plan.Action> writes = new ArrayList<>();
      claim.adopt().forEach(rs -> writes.add(update(rs)));
      claim.release().forEach(rs -> writes.add(update(rs)));
      return new Plan(writes, Optional.empty());
    }
    Rollout.Rs newRs = null;
    List<Rollout.Rs> old = new ArrayList<>();
    List<JsonNode> owned = new ArrayList<>(claim.owned());
    owned.sort(Comparator.comparing((JsonNode r) -> Json.metaText(r, "creationTimestamp"))
        .thenComparing(r -> Json.metaText(r, "name")));
    for (JsonNode rs : owned) {
      Rollout.Rs view = new Rollout.Rs(rs);
      if (newRs == null && sameTemplate(rs.path("spec").path("template"), d.path("spec").path("template"))) {
        newRs = view;
      } else {
        old.add(view);
      }
    }
    List<Rollout.Rs> all = Rollout.all(newRs, old);
    if (Owners.deleting(d)) {
      return statusOnly(d, DeploymentStatus.calculate(d, all, newRs, now), Optional.empty());
    }
    boolean paused = d.path("spec").path("paused").asBoolean(false);
    Optional<JsonNode> progressing = DeploymentStatus.condition(d.path("status"), DeploymentStatus.PROGRESSING);
    boolean saysPaused = progressing.map(c -> "DeploymentPaused".equals(c.path("reason").asText())).orElse(false);
    if (paused != saysPaused && (paused || progressing.isPresent())) {
      ObjectNode status = DeploymentStatus.calculate(d, all, newRs, now);
      DeploymentStatus.setCondition(status, DeploymentStatus.PROGRESSING, "Unknown",
          paused ? "DeploymentPaused" : "DeploymentResumed",
          paused ? "Deployment is paused" : "Deployment is resumed", now);
      return statusOnly(d, status, Optional.empty());
    }
    Rollout.Params params = Rollout.Params.of(d);
    boolean scaling = Rollout.isScalingEvent(params, newRs, old);
    long maxOldRevision = old.stream().mapToLong(r -> r.revision).max().orElse(0);
    List<Plan.Action> writes = new ArrayList<>();
    if (newRs == null && !paused && !scaling) {
      boolean recreateWaits = !params.rolling() && (Rollout.sumSpec(old) > 0 || oldPodsRunning(old, podsInNamespace));
      if (!recreateWaits) {
        return createNew(d, params, old, rsInNamespace, maxOldRevision, now);
      }
    }
    if (newRs != null) {
      Optional<ObjectNode> annotated = annotateNew(d, newRs, maxOldRevision);
      if (annotated.isPresent()) {
        return new Plan(List.of(update(annotated.get())), Optional.empty());
      }
      String revision = Json.text(newRs.object.path("metadata").path("annotations").path(Rollout.REVISION));
      if (!revision.equals(Json.text(d.path("metadata").path("annotations").path(Rollout.REVISION)))) {
        ObjectNode copy = (ObjectNode) d.deepCopy();
        Json.meta(copy).with("annotations").put(Rollout.REVISION, revision);
        return new Plan(List.of(new Plan.Update(key(d, DEPLOYMENTS), copy, Subresource.MAIN, null)),
            Optional.empty());
      }
      if (progressing.isEmpty()) {
        ObjectNode status = DeploymentStatus.calculate(d, all, newRs, now);
        DeploymentStatus.setCondition(status, DeploymentStatus.PROGRESSING, "True", "FoundNewReplicaSet",
            "Found new replica set \"" + newRs.name + "\"", now);
        return statusOnly(d, status, Optional.empty());
      }
    }
    if (paused || scaling) {
      Rollout.scale(params, newRs, old, d.path("status").path("replicas").asInt(0));
      scaleWrites(d, params, all, writes);
      if (paused && writes.isEmpty()) {
        cleanup(d, old, writes);
      }
      addStatus(d, DeploymentStatus.calculate(d, all, newRs, now), writes);
      return new Plan(writes, Optional.empty());
    }
    if (!params.rolling()) {
      if (Rollout.scaleDownOldForRecreate(old) || oldPodsRunning(old, podsInNamespace) || newRs == null) {
        scaleWrites(d, params, all, writes);
        return rolloutStatus(d, all, newRs, writes, now);
      }
      newRs.spec = params.replicas();
    } else if (!Rollout.reconcileNew(params, newRs, old)) {
      Rollout.reconcileOld(params, newRs, old);
    }
    scaleWrites(d, params, all, writes);
    if (writes.isEmpty() && DeploymentStatus.complete(d, d.path("status"))) {
      cleanup(d, old, writes);
    }
    return rolloutStatus(d, all, newRs, writes, now);
  }

  private static Plan rolloutStatus(JsonNode d, List<Rollout.Rs> all, Rollout.Rs newRs, List<Plan.Action> writes,
      Instant now) {
    ObjectNode status = DeploymentStatus.rollout(d, all, newRs, now);
    addStatus(d, status, writes);
    return new Plan(writes, DeploymentStatus.deadline(d, status, now));
  }

  private static Plan statusOnly(JsonNode d, ObjectNode status, Optional<Instant> wake) {
    List<Plan.Action> writes = new ArrayList<>();
    addStatus(d, status, writes);
    return new Plan(writes, wake);
  }

  private static void addStatus(JsonNode d, ObjectNode status, List<Plan.Action> writes) {
    if (!ObjectLifecycle.same(status, d.path("status"))) {
      ObjectNode copy = (ObjectNode) d.deepCopy();
      copy.set("status", status);
      writes.add(new Plan.Update(key(d, DEPLOYMENTS), copy, Subresource.STATUS, null));
    }
  }

  /** Writes for every ReplicaSet whose size the rollout changed, with the replicas annotations and an Event. */
  private static void scaleWrites(JsonNode d, Rollout.Params params, List<Rollout.Rs> all, List<Plan.Action> writes) {
    for (Rollout.Rs rs : all) {
      if (!rs.scaled()) {
        continue;
      }
      ObjectNode copy = (ObjectNode) rs.object.deepCopy();
      ((ObjectNode) copy.path("spec")).put("replicas", rs.spec);
      ObjectNode annotations = Json.meta(copy).with("annotations");
      annotations.put(Rollout.DESIRED_REPLICAS, Integer.toString(params.replicas()));
      annotations.put(Rollout.MAX_REPLICAS, Integer.toString(params.replicas() + params.maxSurge()));
      String direction = rs.spec > rs.observedSpec ? "up" : "down";
      writes.add(new Plan.Update(key(rs.object, REPLICA_SETS), copy, Subresource.MAIN, Plan.Note.normal(
          "ScalingReplicaSet", "Scaled " + direction + " replica set " + rs.name + " from " + rs.observedSpec
              + " to " + rs.spec)));
    }
  }

  /** Deletes old ReplicaSets with nothing left beyond revisionHistoryLimit, oldest revision first. */
  private static void cleanup(JsonNode d, List<Rollout.Rs> old, List<Plan.Action> writes) {
    if (!d.path("spec").has("revisionHistoryLimit")) {
      return;
    }
    int limit = d.path("spec").path("revisionHistoryLimit").asInt();
    List<Rollout.Rs> cleanable = new ArrayList<>();
    for (Rollout.Rs rs : old) {
      JsonNode o = rs.object;
      if (rs.spec == 0 && rs.replicas == 0 && !Owners.deleting(o)
          && o.path("status").path("observedGeneration").asLong(0) >= o.path("metadata").path("generation").asLong(1)) {
        cleanable.add(rs);
      }
    }
    int diff = cleanable.size() - limit;
    if (diff <= 0) {
      return;
    }
    cleanable.sort(Comparator.comparingLong((Rollout.Rs r) -> r.revision).thenComparing(Rollout.BY_CREATION));
    for (Rollout.Rs rs : cleanable.subList(0, diff)) {
      writes.add(new Plan.Delete(key(rs.object, REPLICA_SETS), rs.uid, null, null));
    }
  }

  /** Creates the new ReplicaSet, or moves collisionCount on when its name is taken by another template. */
  private static Plan createNew(JsonNode d, Rollout.Params params, List<Rollout.Rs> old,
      List<? extends JsonNode> rsInNamespace, long maxOldRevision, Instant now) {
    JsonNode collision = d.path("status").path("collisionCount");
    Integer collisionCount = collision.isNumber() ? collision.asInt() : null;
    String hash = PodTemplateHash.compute(d.path("spec").path("template"), collisionCount);
    String name = Json.metaText(d, "name") + "-" + hash;
    for (JsonNode rs : rsInNamespace) {
      if (name.equals(Json.metaText(rs, "name"))) {
        // Not ours with this template, or it would have been claimed as the new ReplicaSet: a hash collision.
        ObjectNode status = d.path("status").isObject() ? (ObjectNode) d.path("status").deepCopy() : Json.object();
        status.put("collisionCount", collisionCount == null ? 1 : collisionCount + 1);
        return statusOnly(d, status, Optional.empty());
      }
    }
    int replicas = Rollout.newRsReplicas(params, old, null);
    ObjectNode rs = Json.object();
    rs.put("apiVersion", "apps/v1");
    rs.put("kind", "ReplicaSet");
    ObjectNode meta = Json.meta(rs);
    meta.put("name", name);
    meta.put("namespace", Json.metaText(d, "namespace"));
    ObjectNode template = (ObjectNode) d.path("spec").path("template").deepCopy();
    Json.meta(template).with("labels").put(PodTemplateHash.LABEL, hash);
    meta.set("labels", template.path("metadata").path("labels").deepCopy());
    ObjectNode annotations = meta.putObject("annotations");
    copyAnnotations(d, annotations);
    annotations.put(Rollout.REVISION, Long.toString(maxOldRevision + 1));
    annotations.put(Rollout.DESIRED_REPLICAS, Integer.toString(params.replicas()));
    annotations.put(Rollout.MAX_REPLICAS, Integer.toString(params.replicas() + params.maxSurge()));
    meta.putArray("ownerReferences").add(Owners.reference(d));
    ObjectNode spec = rs.putObject("spec");
    spec.put("replicas", replicas);
    spec.put("minReadySeconds", d.path("spec").path("minReadySeconds").asInt(0));
    ObjectNode selector = (ObjectNode) d.path("spec").path("selector").deepCopy();
    selector.with("matchLabels").put(PodTemplateHash.LABEL, hash);
    spec.set("selector", selector);
    spec.set("template", template);
    List<Plan.Action> writes = new ArrayList<>();
    writes.add(new Plan.Create(REPLICA_SETS, rs, replicas > 0
        ? Plan.Note.normal("ScalingReplicaSet", "Scaled up replica set %s from 0 to " + replicas) : null,
        Plan.Note.warning("FailedCreate", "Failed to create new replica set \"" + name + "\": %s")));
    ObjectNode status = DeploymentStatus.calculate(d, old, null, now);
    DeploymentStatus.setCondition(status, DeploymentStatus.PROGRESSING, "True", "NewReplicaSetCreated",
        "Created new replica set \"" + name + "\"", now);
    addStatus(d, status, writes);
    return new Plan(writes, Optional.empty());
  }

  /**
   * The new ReplicaSet with the Deployment's annotations copied, its revision moved past every old one, and
   * minReadySeconds the Deployment's; empty when it already is so.
   */
  private static Optional<ObjectNode> annotateNew(JsonNode d, Rollout.Rs newRs, long maxOldRevision) {
    ObjectNode copy = (ObjectNode) newRs.object.deepCopy();
    ObjectNode annotations = Json.meta(copy).with("annotations");
    copyAnnotations(d, annotations);
    if (newRs.revision <= maxOldRevision) {
      if (newRs.revision > 0) {
        String history = Json.text(annotations.path(Rollout.REVISION_HISTORY));
        annotations.put(Rollout.REVISION_HISTORY, history.isEmpty() ? Long.toString(newRs.revision)
            : history + "," + newRs.revision);
      }
      annotations.put(Rollout.REVISION, Long.toString(maxOldRevision + 1));
    }
    int minReady = d.path("spec").path("minReadySeconds").asInt(0);
    if (copy.path("spec").path("minReadySeconds").asInt(0) != minReady) {
      ((ObjectNode) copy.path("spec")).put("minReadySeconds", minReady);
    }
    return ObjectLifecycle.same(copy, newRs.object) ? Optional.empty() : Optional.of(copy);
  }

  private static void copyAnnotations(JsonNode d, ObjectNode into) {
    for (Map.Entry<String, String> e : Json.stringMap(d.path("metadata").path("annotations")).entrySet()) {
      if (!NOT_COPIED.contains(e.getKey())) {
        into.put(e.getKey(), e.getValue());
      }
    }
  }

  /** Whether pods of the old ReplicaSets still run (oldPodsRunning): Recreate waits until none do. */
  static boolean oldPodsRunning(List<Rollout.Rs> old, List<? extends JsonNode> pods) {
    if (old.stream().anyMatch(r -> r.replicas > 0)) {
      return true;
    }
    Set<String> uids = new HashSet<>();
    old.forEach(r -> uids.add(r.uid));
    for (JsonNode p : pods) {
      String phase = Json.text(p.path("status").path("phase"));
      if (uids.contains(Owners.controllerUid(p)) && !phase.equals("Succeeded") && !phase.equals("Failed")) {
        return true;
      }
    }
    return false;
  }

  /** Templates equal apart from the pod-template-hash label (EqualIgnoreHash). */
  static boolean sameTemplate(JsonNode a, JsonNode b) {
    return ObjectLifecycle.same(withoutHash(a), withoutHash(b));
  }

  private static JsonNode withoutHash(JsonNode template) {
    if (!template.isObject()) {
      return template;
    }
    ObjectNode copy = (ObjectNode) template.deepCopy();
    JsonNode labels = copy.path("metadata").path("labels");
    if (labels.isObject()) {
      ((ObjectNode) labels).remove(PodTemplateHash.LABEL);
      if (labels.isEmpty()) {
        ((ObjectNode) copy.get("metadata")).remove("labels");
      }
    }
    return copy;
  }

  private static Plan.Update update(ObjectNode obj) {
    return new Plan.Update(key(obj, REPLICA_SETS), obj, Subresource.MAIN, null);
  }

  private static ObjectKey key(JsonNode obj, ResourceType type) {
    return ObjectKey.of(type, Json.metaText(obj, "namespace"), Json.metaText(obj, "name"));
  }
}

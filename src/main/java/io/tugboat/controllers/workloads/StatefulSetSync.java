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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One reconcile step of a StatefulSet, as a pure function from the set and the ControllerRevisions, pods and
 * PersistentVolumeClaims of its namespace to writes (Kubernetes' stateful_set_control, updateStatefulSet). Each
 * step makes one kind of progress and the next starts from what it wrote:
 *
 * <ol>
 *   <li>claim ControllerRevisions and pods (adopt matching orphans, release those that stopped matching; only
 *       pods named {@code <set>-<ordinal>} are members);</li>
 *   <li>the update revision: the revision holding the current template, created when missing (collisionCount
 *       moves on a name clash), or renumbered past the others when an old template comes back;</li>
 *   <li>pods with ordinals in {@code [start, start+replicas)}, lowest first: claims before the pod, the pod made
 *       from the current revision below the partition and from the update revision above it; a Failed or
 *       Succeeded pod deleted and made again under the same name. OrderedReady stops at the first pod that is
 *       missing, terminating or not Running and Ready; Parallel goes on;</li>
 *   <li>claims' ownerReferences brought in line with the retention policy (whenDeleted=Delete: the set;
 *       whenScaled=Delete and a condemned ordinal: the pod only), before any pod goes;</li>
 *   <li>condemned pods (ordinals beyond), highest first, one at a time under OrderedReady, their claims kept
 *       unless the step before handed them to the pod;</li>
 *   <li>RollingUpdate: from the highest ordinal down to the partition, the first pod of another revision deleted
 *       (it comes back from the update revision), waiting while any is not Running and available; with
 *       rollingUpdate.maxUnavailable, as many at once as that many unavailable pods allow;</li>
 *   <li>history beyond revisionHistoryLimit deleted, and the status written from what was observed.</li>
 * </ol>
 */
public final class StatefulSetSync {

  static final ResourceType STATEFUL_SETS = ResourceRegistry.byPath("apps", "v1", "statefulsets").orElseThrow();
  static final String COMPONENT = "statefulset-controller";

  private StatefulSetSync() {}

  /** The writes of the next step for {@code set}, given every revision, pod and claim of its namespace. */
  public static Plan plan(JsonNode set, List<? extends JsonNode> revisionsInNamespace,
      List<? extends JsonNode> podsInNamespace, List<? extends JsonNode> claimsInNamespace, Instant now) {
    JsonNode selector = set.path("spec").path("selector");
    Owners.Claim revClaim = Owners.claim(set, selector, revisionsInNamespace);
    List<JsonNode> members = new ArrayList<>();
    for (JsonNode p : podsInNamespace) {
      if (StatefulSetPods.ordinal(set, p) >= 0) {
        members.add(p);
      }
    }
    Owners.Claim podClaim = Owners.claim(set, selector, members);
    List<Plan.Action> writes = new ArrayList<>();
    revClaim.adopt().forEach(r -> writes.add(update(StatefulSetRevisions.REVISIONS, r)));
    revClaim.release().forEach(r -> writes.add(update(StatefulSetRevisions.REVISIONS, r)));
    podClaim.adopt().forEach(p -> writes.add(update(ReplicaSetSync.PODS, p)));
    podClaim.release().forEach(p -> writes.add(update(ReplicaSetSync.PODS, p)));
    if (!writes.isEmpty()) {
      return new Plan(writes, Optional.empty());
    }
    List<JsonNode> revisions = new ArrayList<>(revClaim.owned());
    revisions.sort(StatefulSetRevisions.BY_REVISION);
    long maxRevision = revisions.isEmpty() ? 0 : StatefulSetRevisions.number(revisions.get(revisions.size() - 1));

    // The update revision.
    ObjectNode data = StatefulSetRevisions.data(set);
    JsonNode equal = null;
    for (JsonNode r : revisions) {
      if (StatefulSetRevisions.holds(r, data)) {
        equal = r;
      }
    }
    if (equal == null && !Owners.deleting(set)) {
      JsonNode collision = set.path("status").path("collisionCount");
      Integer collisionCount = collision.isNumber() ? collision.asInt() : null;
      String hash = StatefulSetRevisions.hash(data, collisionCount);
      String name = Json.metaText(set, "name") + "-" + hash;
      for (JsonNode r : revisionsInNamespace) {
        if (name.equals(Json.metaText(r, "name"))) {
          ObjectNode status = set.path("status").isObject() ? (ObjectNode) set.path("status").deepCopy()
              : Json.object();
          status.put("collisionCount", collisionCount == null ? 1 : collisionCount + 1);
          return statusOnly(set, status);
        }
      }
      return new Plan(List.of(new Plan.Create(StatefulSetRevisions.REVISIONS,
          StatefulSetRevisions.newRevision(set, data, hash, maxRevision + 1), null,
          Plan.Note.warning("FailedCreate", "create ControllerRevision " + name + " for StatefulSet "
              + Json.metaText(set, "name") + " failed error: %s"))), Optional.empty());
    }
    if (equal != null && StatefulSetRevisions.number(equal) < maxRevision && !Owners.deleting(set)) {
      ObjectNode renumbered = (ObjectNode) equal.deepCopy();
      renumbered.put("revision", maxRevision + 1);
      return new Plan(List.of(update(StatefulSetRevisions.REVISIONS, renumbered)), Optional.empty());
    }
    String updateRevision = equal == null ? "" : Json.metaText(equal, "name");
    JsonNode current = null;
    String currentName = Json.text(set.path("status").path("currentRevision"));
    for (JsonNode r : revisions) {
      if (Json.metaText(r, "name").equals(currentName)) {
        current = r;
      }
    }
    if (current == null) {
      current = equal;
    }
    String currentRevision = current == null ? "" : Json.metaText(current, "name");

    Map<String, JsonNode> claims = new HashMap<>();
    for (JsonNode c : claimsInNamespace) {
      claims.put(Json.metaText(c, "name"), c);
    }
    TreeMap<Integer, JsonNode> byOrdinal = new TreeMap<>();
    for (JsonNode p : podClaim.owned()) {
      byOrdinal.put(StatefulSetPods.ordinal(set, p), p);
    }
    if (!Owners.deleting(set) && equal != null) {
      pods(set, byOrdinal, claims, current, equal, writes, now);
    }
    Set<String> live = new HashSet<>(List.of(currentRevision, updateRevision));
    byOrdinal.values().forEach(p -> live.add(StatefulSetPods.revision(p)));
    if (writes.isEmpty()) {
      for (JsonNode r : StatefulSetRevisions.beyondHistory(set, revisions, live)) {
        writes.add(new Plan.Delete(ObjectKey.of(StatefulSetRevisions.REVISIONS, Json.metaText(r, "namespace"),
            Json.metaText(r, "name")), Json.metaText(r, "uid"), null, null));
      }
    }
    StatefulSetStatus.Observed observed = StatefulSetStatus.calculate(set, byOrdinal.values(), currentRevision,
        updateRevision, now);
    ObjectNode status = observed.status();
    if (!ObjectLifecycle.same(status, set.path("status"))) {
      ObjectNode copy = (ObjectNode) set.deepCopy();
      copy.set("status", status);
      writes.add(new Plan.Update(key(set), copy, Subresource.STATUS, null));
    }
    return new Plan(writes, observed.wakeAt());
  }

  /** The pod writes of one step: create/recreate in range, condemn beyond it, then the rolling update. */
  private static void pods(JsonNode set, TreeMap<Integer, JsonNode> byOrdinal, Map<String, JsonNode> claims,
      JsonNode current, JsonNode update, List<Plan.Action> writes, Instant now) {
    boolean monotonic = !"Parallel".equals(Json.text(set.path("spec").path("podManagementPolicy")));
    int start = StatefulSetPods.start(set);
    int replicas = set.path("spec").path("replicas").asInt(1);
    long minReady = set.path("spec").path("minReadySeconds").asLong(0);
    JsonNode strategy = set.path("spec").path("updateStrategy");
    boolean rolling = !"OnDelete".equals(Json.text(strategy.path("type")));
    int partition = rolling ? strategy.path("rollingUpdate").path("partition").asInt(0) : 0;
    String setName = Json.metaText(set, "name");
    String ns = Json.metaText(set, "namespace");

    // Claims' owners follow the retention policy before any pod is deleted, so a condemned pod's claims are
    // already its own when it goes.
    for (Map.Entry<Integer, JsonNode> e : byOrdinal.entrySet()) {
      boolean condemned = e.getKey() < start || e.getKey() >= start + replicas;
      for (String name : StatefulSetPods.claimNames(set, e.getKey())) {
        JsonNode claim = claims.get(name);
        ObjectNode fixed = claim == null || Owners.deleting(claim) ? null
            : StatefulSetPods.withRetention(set, claim, e.getValue(), condemned);
        if (fixed != null) {
          writes.add(update(StatefulSetPods.CLAIMS, fixed));
        }
      }
    }
    if (!writes.isEmpty()) {
      return;
    }

    for (int ordinal = start; ordinal < start + replicas; ordinal++) {
      JsonNode pod = byOrdinal.get(ordinal);
      String podName = StatefulSetPods.name(set, ordinal);
      List<ObjectNode> missing = StatefulSetPods.missingClaims(set, ordinal, claims);
      for (ObjectNode claim : missing) {
        String claimName = Json.metaText(claim, "name");
        writes.add(new Plan.Create(StatefulSetPods.CLAIMS, claim, Plan.Note.normal("SuccessfulCreate",
            "create Claim " + claimName + " Pod " + podName + " in StatefulSet " + setName + " success"),
            Plan.Note.warning("FailedCreate", "create Claim " + claimName + " for Pod " + podName
                + " in StatefulSet " + setName + " failed error: %s")));
      }
      if (pod == null) {
        if (missing.isEmpty()) {
          // Below the partition a new pod keeps the current revision (newVersionedStatefulSetPod).
          JsonNode from = rolling && ordinal - start < partition ? current : update;
          writes.add(new Plan.Create(ReplicaSetSync.PODS, StatefulSetPods.newPod(set,
              StatefulSetRevisions.template(from), Json.metaText(from, "name"), ordinal),
              Plan.Note.normal("SuccessfulCreate", "create Pod " + podName + " in StatefulSet " + setName
                  + " successful"),
              Plan.Note.warning("FailedCreate", "create Pod " + podName + " in StatefulSet " + setName
                  + " failed error: %s")));
        }
        if (monotonic) {
          return;
        }
        continue;
      }
      if (!missing.isEmpty() && monotonic) {
        return;
      }
      String phase = Json.text(pod.path("status").path("phase"));
      if ((phase.equals("Failed") || phase.equals("Succeeded")) && !Owners.deleting(pod)) {
        writes.add(delete(set, pod, ns));
        if (monotonic) {
          return;
        }
        continue;
      }
      if (monotonic && (Owners.deleting(pod) || !runningAndReady(pod))) {
        return;
      }
    }

    List<JsonNode> condemned = new ArrayList<>(byOrdinal.descendingMap().values().stream()
        .filter(p -> {
          int o = StatefulSetPods.ordinal(set, p);
          return o < start || o >= start + replicas;
        }).toList());
    JsonNode firstUnhealthy = null;
    for (int i = condemned.size() - 1; i >= 0; i--) {
      if (!healthy(condemned.get(i)) && firstUnhealthy == null) {
        firstUnhealthy = condemned.get(i);
      }
    }
    for (JsonNode pod : condemned) {
      if (Owners.deleting(pod)) {
        if (monotonic) {
          return;
        }
        continue;
      }
      if (!healthy(pod) && monotonic && pod != firstUnhealthy) {
        return;
      }
      writes.add(delete(set, pod, ns));
      if (monotonic) {
        return;
      }
    }

    if (!rolling || !writes.isEmpty()) {
      return;
    }
    String updateName = Json.metaText(update, "name");
    JsonNode maxUnavailableSpec = strategy.path("rollingUpdate").get("maxUnavailable");
    if (maxUnavailableSpec != null && !maxUnavailableSpec.isNull()) {
      // maxUnavailable (MaxUnavailableStatefulSet): as many outdated pods at once as the unavailable budget
      // leaves, highest ordinal first; any unavailable pod of the set counts against it. Under OrderedReady the
      // loop above already stops at the first pod that is not ready, so it stays one at a time (as Kubernetes).
      int budget = Math.max(1, Rollout.scaled(maxUnavailableSpec, replicas, true, 1)); // percentages round up
      int unavailable = 0;
      for (int ordinal = start; ordinal < start + replicas; ordinal++) {
        JsonNode pod = byOrdinal.get(ordinal);
        if (pod == null || !healthy(pod) || !Pods.available(pod, minReady, now)) {
          unavailable++;
        }
      }
      for (int ordinal = start + replicas - 1; ordinal >= start + partition && unavailable < budget; ordinal--) {
        JsonNode pod = byOrdinal.get(ordinal);
        if (pod != null && !updateName.equals(StatefulSetPods.revision(pod)) && !Owners.deleting(pod)) {
          writes.add(delete(set, pod, ns));
          unavailable++;
        }
      }
      return;
    }
    for (int ordinal = start + replicas - 1; ordinal >= start + partition; ordinal--) {
      JsonNode pod = byOrdinal.get(ordinal);
      if (pod == null) {
        return;
      }
      if (!updateName.equals(StatefulSetPods.revision(pod)) && !Owners.deleting(pod)) {
        writes.add(delete(set, pod, ns));
        return;
      }
      if (!healthy(pod) || !Pods.available(pod, minReady, now)) {
        return;
      }
    }
  }

  private static Plan.Delete delete(JsonNode set, JsonNode pod, String ns) {
    String podName = Json.metaText(pod, "name");
    return new Plan.Delete(ObjectKey.of(ReplicaSetSync.PODS, ns, podName), Json.metaText(pod, "uid"), null,
        Plan.Note.normal("SuccessfulDelete", "delete Pod " + podName + " in StatefulSet "
            + Json.metaText(set, "name") + " successful"));
  }

  /** Phase Running and the Ready condition True (isRunningAndReady). */
  static boolean runningAndReady(JsonNode pod) {
    return "Running".equals(Json.text(pod.path("status").path("phase"))) && Pods.ready(pod);
  }

  /** Running, ready and not terminating (isHealthy). */
  static boolean healthy(JsonNode pod) {
    return runningAndReady(pod) && !Owners.deleting(pod);
  }

  private static Plan statusOnly(JsonNode set, ObjectNode status) {
    if (ObjectLifecycle.same(status, set.path("status"))) {
      return Plan.none();
    }
    ObjectNode copy = (ObjectNode) set.deepCopy();
    copy.set("status", status);
    return new Plan(List.of(new Plan.Update(key(set), copy, Subresource.STATUS, null)), Optional.empty());
  }

  private static Plan.Update update(ResourceType type, ObjectNode obj) {
    return new Plan.Update(ObjectKey.of(type, Json.metaText(obj, "namespace"), Json.metaText(obj, "name")), obj,
        Subresource.MAIN, null);
  }

  static ObjectKey key(JsonNode set) {
    return ObjectKey.of(STATEFUL_SETS, Json.metaText(set, "namespace"), Json.metaText(set, "name"));
  }
}

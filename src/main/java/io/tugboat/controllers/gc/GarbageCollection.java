package io.tugboat.controllers.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.workloads.Owners;
import io.tugboat.controllers.workloads.Plan;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The decisions of the garbage collector, as pure functions over an object and what the cache holds of its owners
 * or dependents (Kubernetes' attemptToDeleteItem, orphanDependents and processDeletingDependentsItem).
 *
 * <ul>
 *   <li>A dependent none of whose owners still stands is deleted: in the foreground when an owner waits for its
 *       dependents (foregroundDeletion), else in the background. One with an owner still standing only loses its
 *       references to owners that are gone, and stops blocking owners that wait.</li>
 *   <li>An owner being deleted with the {@code orphan} finalizer has its references removed from every dependent,
 *       then loses the finalizer; one with {@code foregroundDeletion} loses it once no dependent with
 *       blockOwnerDeletion is left.</li>
 * </ul>
 */
public final class GarbageCollection {

  /** The finalizer of an owner whose dependents are deleted before it. */
  public static final String FOREGROUND = "foregroundDeletion";
  /** The finalizer of an owner whose dependents are orphaned. */
  public static final String ORPHAN = "orphan";

  private GarbageCollection() {}

  /** The write a dependent needs given its owners ({@code ownerByUid} answers null for an owner that is gone). */
  public static List<Plan.Action> forDependent(ObjectKey key, JsonNode dependent, Function<String, JsonNode> ownerByUid) {
    JsonNode refs = dependent.path("metadata").path("ownerReferences");
    if (refs.isEmpty() || deleting(dependent)) {
      return List.of();
    }
    int solid = 0;
    List<String> dangling = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    for (JsonNode ref : refs) {
      String uid = Json.text(ref.path("uid"));
      JsonNode owner = ownerByUid.apply(uid);
      if (owner == null || !Json.metaText(owner, "name").equals(Json.text(ref.path("name")))
          || !Json.text(owner.path("kind")).equals(Json.text(ref.path("kind")))) {
        dangling.add(uid);
      } else if (deleting(owner) && hasFinalizer(owner, FOREGROUND)) {
        waiting.add(uid);
      } else {
        solid++;
      }
    }
    String uid = Json.metaText(dependent, "uid");
    if (solid == 0 && (!dangling.isEmpty() || !waiting.isEmpty())) {
      return List.of(new Plan.Delete(key, uid, waiting.isEmpty() ? "Background" : "Foreground", null));
    }
    if (dangling.isEmpty() && waiting.isEmpty()) {
      return List.of();
    }
    ObjectNode copy = (ObjectNode) dependent.deepCopy();
    ArrayNode kept = Json.NODES.arrayNode();
    for (JsonNode ref : refs) {
      String ownerUid = Json.text(ref.path("uid"));
      if (dangling.contains(ownerUid)) {
        continue;
      }
      ObjectNode r = (ObjectNode) ref.deepCopy();
      if (waiting.contains(ownerUid) && r.path("blockOwnerDeletion").asBoolean(false)) {
        r.put("blockOwnerDeletion", false);
      }
      kept.add(r);
    }
    Json.meta(copy).set("ownerReferences", kept);
    return copy.equals(dependent) ? List.of()
        : List.of(new Plan.Update(key, copy, Subresource.MAIN, null));
  }

  /** The writes an owner being deleted with a GC finalizer needs, given the dependents that refer to it. */
  public static List<Plan.Action> forOwner(ObjectKey key, JsonNode owner, Map<ObjectKey, JsonNode> dependents) {
    if (!deleting(owner)) {
      return List.of();
    }
    String uid = Json.metaText(owner, "uid");
    if (hasFinalizer(owner, ORPHAN)) {
      if (!dependents.isEmpty()) {
        List<Plan.Action> writes = new ArrayList<>();
        dependents.forEach((k, dep) -> writes.add(new Plan.Update(k, Owners.released(dep, uid), Subresource.MAIN, null)));
        return writes;
      }
      return List.of(new Plan.Update(key, ObjectLifecycle.withoutFinalizer(owner, ORPHAN), Subresource.MAIN, null));
    }
    if (hasFinalizer(owner, FOREGROUND)) {
      for (JsonNode dep : dependents.values()) {
        for (JsonNode ref : dep.path("metadata").path("ownerReferences")) {
          if (uid.equals(Json.text(ref.path("uid"))) && ref.path("blockOwnerDeletion").asBoolean(false)) {
            return List.of(); // still blocked; the dependents' own checks delete them
          }
        }
      }
      return List.of(new Plan.Update(key, ObjectLifecycle.withoutFinalizer(owner, FOREGROUND), Subresource.MAIN, null));
    }
    return List.of();
  }

  /** Whether an object is being deleted. */
  static boolean deleting(JsonNode obj) {
    return obj.path("metadata").hasNonNull("deletionTimestamp");
  }

  /** Whether the object carries this finalizer. */
  static boolean hasFinalizer(JsonNode obj, String finalizer) {
    for (JsonNode f : obj.path("metadata").path("finalizers")) {
      if (finalizer.equals(f.asText())) {
        return true;
      }
    }
    return false;
  }
}

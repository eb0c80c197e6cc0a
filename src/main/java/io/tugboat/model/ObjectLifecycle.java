package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The generic write rules every kind shares, as Kubernetes' generic registry applies them: what the server
 * owns in metadata, how status and spec writes stay apart, when generation moves, and when a deletion ends.
 */
public final class ObjectLifecycle {

  /** What a write changed, most significant first; names the journal event. */
  public enum Change { NONE, SPEC, STATUS, FINALIZERS, METADATA }

  /** Metadata fields the server owns: clients cannot set or change them. */
  private static final Set<String> SERVER_OWNED = Set.of("uid", "creationTimestamp", "deletionTimestamp",
      "deletionGracePeriodSeconds", "generation", "selfLink");

  private ObjectLifecycle() {}

  /** RFC 3339 in seconds, as Kubernetes writes timestamps. */
  public static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * Prepares an object for creation: server-owned metadata set, status reset for kinds with a status
   * subresource, defaults applied, then validated.
   *
   * @throws ApiException 422 Invalid naming each bad field
   */
  public static ObjectNode prepareCreate(ResourceType type, ObjectNode incoming, String uid, Instant now) {
    ObjectNode obj = incoming.deepCopy();
    obj.put("apiVersion", type.apiVersion());
    obj.put("kind", type.kind());
    ObjectNode meta = Json.meta(obj);
    for (String f : SERVER_OWNED) {
      meta.remove(f);
    }
    meta.remove("resourceVersion");
    if (!type.namespaced()) {
      meta.remove("namespace");
    }
    meta.put("uid", uid);
    meta.put("creationTimestamp", timestamp(now));
    if (tracksGeneration(type)) {
      meta.put("generation", 1);
    }
    if (type.hasStatus()) {
      obj.remove("status");
    }
    Admission.rulesFor(type).applyDefaults(obj);
    List<FieldError> errors = new ArrayList<>(ObjectMetaRules.validateCreate(type, obj));
    errors.addAll(Admission.rulesFor(type).validate(obj));
    if (!errors.isEmpty()) {
      throw new ApiException(ApiError.invalid(qualifiedKind(type), Json.metaText(obj, "name"), errors));
    }
    return obj;
  }

  /**
   * Prepares a replacement of {@code old}: a main write keeps status, a status write keeps everything but
   * status; server-owned metadata is carried over; generation moves when the spec changed.
   *
   * @throws ApiException 422 Invalid naming each bad field
   */
  public static ObjectNode prepareUpdate(ResourceType type, ObjectNode old, ObjectNode incoming, Subresource sub) {
    ObjectNode obj;
    if (sub == Subresource.STATUS) {
      obj = old.deepCopy();
      JsonNode status = incoming.get("status");
      if (status == null || status.isNull()) {
        obj.remove("status");
      } else {
        obj.set("status", status.deepCopy());
      }
    } else {
      obj = incoming.deepCopy();
      obj.put("apiVersion", type.apiVersion());
      obj.put("kind", type.kind());
      ObjectNode meta = Json.meta(obj);
      ObjectNode oldMeta = Json.meta(old);
      for (String f : SERVER_OWNED) {
        copyField(oldMeta, meta, f);
      }
      // name and namespace are not copied: changing them is an error validateUpdate reports (immutable).
      if (!type.namespaced()) {
        meta.remove("namespace");
      }
      if (type.hasStatus()) {
        copyField(old, obj, "status");
      }
      Admission.rulesFor(type).prepareUpdate(obj, old);
      Admission.rulesFor(type).applyDefaults(obj);
    }
    Json.meta(obj).remove("resourceVersion");
    if (tracksGeneration(type) && specChanged(old, obj)) {
      Json.meta(obj).put("generation", old.path("metadata").path("generation").asLong(0) + 1);
    }
    List<FieldError> errors = new ArrayList<>(ObjectMetaRules.validateUpdate(type, obj, old));
    errors.addAll(Admission.rulesFor(type).validate(obj));
    errors.addAll(Admission.rulesFor(type).validateUpdate(obj, old));
    if (!errors.isEmpty()) {
      throw new ApiException(ApiError.invalid(qualifiedKind(type), Json.metaText(obj, "name"), errors));
    }
    return obj;
  }

  /** What changed between two versions of an object; NONE when they are equal apart from resourceVersion. */
  public static Change classify(ObjectNode old, ObjectNode updated) {
    if (specChanged(old, updated)) {
      return Change.SPEC;
    }
    if (!same(old.path("status"), updated.path("status"))) {
      return Change.STATUS;
    }
    ObjectNode a = stripVersion(old.path("metadata"));
    ObjectNode b = stripVersion(updated.path("metadata"));
    if (same(a, b)) {
      return Change.NONE;
    }
    a.remove("finalizers");
    b.remove("finalizers");
    return same(a, b) ? Change.FINALIZERS : Change.METADATA;
  }

  /** Whether anything outside metadata and status differs. */
  public static boolean specChanged(JsonNode old, JsonNode updated) {
    return !same(body(old), body(updated));
  }

  /**
   * JSON equality: numbers compare by value, so an int read back from the journal equals the long it was
   * written as.
   */
  public static boolean same(JsonNode a, JsonNode b) {
    return a.equals(NUMBERS_BY_VALUE, b);
  }

  private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
    if (x.isNumber() && y.isNumber()) {
      return x.decimalValue().compareTo(y.decimalValue());
    }
    return x.equals(y) ? 0 : 1;
  };

  /**
   * Whether a deleting object can go: no finalizers left and no grace period running (a pod on a node waits
   * for its node agent to stop it and delete it with grace period 0).
   */
  public static boolean readyToDelete(JsonNode obj) {
    JsonNode meta = obj.path("metadata");
    return meta.hasNonNull("deletionTimestamp") && !hasFinalizers(obj)
        && meta.path("deletionGracePeriodSeconds").asLong(0) == 0;
  }

  /**
   * The grace period of a deletion: the one asked for, else for a pod bound to a node its
   * terminationGracePeriodSeconds (30 by default); 0 for everything else, and for pods not on a node or
   * already finished, which nothing needs to stop.
   */
  public static long gracePeriod(JsonNode obj, Long requested) {
    boolean runningPod = "Pod".equals(obj.path("kind").asText())
        && !Json.text(obj.path("spec").path("nodeName")).isEmpty()
        && !Set.of("Succeeded", "Failed").contains(Json.text(obj.path("status").path("phase")));
    if (!runningPod) {
      return 0;
    }
    if (requested != null) {
      return Math.max(0, requested);
    }
    return obj.path("spec").path("terminationGracePeriodSeconds").asLong(30);
  }

  /** Whether anything still holds the object: metadata finalizers, or a namespace's spec finalizers. */
  public static boolean hasFinalizers(JsonNode obj) {
    return !Json.isEmpty(obj.path("metadata").path("finalizers"))
        || ("Namespace".equals(obj.path("kind").asText()) && !Json.isEmpty(obj.path("spec").path("finalizers")));
  }

  /** Marks an object as being deleted: deletionTimestamp, grace period, and Terminating for namespaces. */
  public static ObjectNode markDeleting(ObjectNode old, Instant now, long gracePeriodSeconds) {
    ObjectNode obj = old.deepCopy();
    ObjectNode meta = Json.meta(obj);
    meta.put("deletionTimestamp", timestamp(now));
    meta.put("deletionGracePeriodSeconds", gracePeriodSeconds);
    if ("Namespace".equals(obj.path("kind").asText())) {
      ObjectNode status = obj.with("status");
      status.put("phase", "Terminating");
    }
    return obj;
  }

  /**
   * The garbage collector's finalizer for a deletion's propagation policy: {@code foregroundDeletion} (dependents
   * first) or {@code orphan} (dependents keep running without the owner); none for Background. Without a policy,
   * the kind's default: Orphan for core/v1 ReplicationControllers (Kubernetes keeps it for compatibility),
   * Background for everything else.
   */
  public static void addPropagationFinalizer(ResourceType type, ObjectNode deleting, String propagationPolicy) {
    String policy = propagationPolicy != null ? propagationPolicy
        : type.storageKey().equals("core/replicationcontrollers") ? "Orphan" : "Background";
    if (policy.equals("Foreground")) {
      addFinalizer(deleting, "foregroundDeletion");
    } else if (policy.equals("Orphan")) {
      addFinalizer(deleting, "orphan");
    }
  }

  /** Adds a finalizer if it is not there yet. */
  public static void addFinalizer(ObjectNode obj, String finalizer) {
    ArrayNode list = Json.meta(obj).withArray("finalizers");
    for (JsonNode f : list) {
      if (finalizer.equals(f.asText())) {
        return;
      }
    }
    list.add(finalizer);
  }

  /** A copy of {@code obj} without {@code finalizer} (and without the list when that was the last). */
  public static ObjectNode withoutFinalizer(JsonNode obj, String finalizer) {
    ObjectNode copy = (ObjectNode) obj.deepCopy();
    ArrayNode kept = copy.arrayNode();
    for (JsonNode f : obj.path("metadata").path("finalizers")) {
      if (!finalizer.equals(f.asText())) {
        kept.add(f);
      }
    }
    ObjectNode meta = (ObjectNode) copy.path("metadata");
    if (kept.isEmpty()) {
      meta.remove("finalizers");
    } else {
      meta.set("finalizers", kept);
    }
    return copy;
  }

  /** The kind as Kubernetes names it in messages: Deployment.apps, Pod. */
  public static String qualifiedKind(ResourceType type) {
    return type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
  }

  /** Kinds with a spec/status split count spec changes in metadata.generation. */
  private static boolean tracksGeneration(ResourceType type) {
    return type.hasStatus();
  }

  private static ObjectNode body(JsonNode obj) {
    ObjectNode b = Json.object();
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("metadata") && !f.equals("status") && !f.equals("apiVersion") && !f.equals("kind")) {
        b.set(f, obj.get(f));
      }
    }
    return b;
  }

  private static ObjectNode stripVersion(JsonNode meta) {
    ObjectNode m = meta.isObject() ? ((ObjectNode) meta).deepCopy() : Json.object();
    m.remove("resourceVersion");
    m.remove("managedFields");
    return m;
  }

  private static void copyField(ObjectNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v == null) {
      to.remove(field);
    } else {
      to.set(field, v.deepCopy());
    }
  }
}

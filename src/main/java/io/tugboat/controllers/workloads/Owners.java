package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.LabelSelectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ownerReferences: the controller reference of an object, and how an owner claims its children as
 * Kubernetes' ControllerRefManager does (adopt matching orphans, release children whose labels stopped
 * matching, leave other owners' children alone).
 */
public final class Owners {

  private Owners() {}

  /** The reference with controller=true, if any. */
  public static Optional<JsonNode> controllerRef(JsonNode obj) {
    for (JsonNode ref : obj.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        return Optional.of(ref);
      }
    }
    return Optional.empty();
  }

  /** The uid of the controller reference, "" when there is none. */
  public static String controllerUid(JsonNode obj) {
    return controllerRef(obj).map(r -> Json.text(r.path("uid"))).orElse("");
  }

  /** A controller reference to {@code owner} as the workload controllers set it (blockOwnerDeletion too). */
  public static ObjectNode reference(JsonNode owner) {
    ObjectNode ref = Json.object();
    ref.put("apiVersion", Json.text(owner.path("apiVersion")));
    ref.put("kind", Json.text(owner.path("kind")));
    ref.put("name", Json.metaText(owner, "name"));
    ref.put("uid", Json.metaText(owner, "uid"));
    ref.put("controller", true);
    ref.put("blockOwnerDeletion", true);
    return ref;
  }

  /** A copy of {@code child} with the controller reference to {@code owner} added. */
  public static ObjectNode adopted(JsonNode child, JsonNode owner) {
    ObjectNode copy = (ObjectNode) child.deepCopy();
    Json.meta(copy).withArray("ownerReferences").add(reference(owner));
    return copy;
  }

  /** A copy of {@code child} without any reference to {@code ownerUid}. */
  public static ObjectNode released(JsonNode child, String ownerUid) {
    ObjectNode copy = (ObjectNode) child.deepCopy();
    ArrayNode kept = Json.NODES.arrayNode();
    for (JsonNode ref : copy.path("metadata").path("ownerReferences")) {
      if (!ownerUid.equals(Json.text(ref.path("uid")))) {
        kept.add(ref);
      }
    }
    if (kept.isEmpty()) {
      Json.meta(copy).remove("ownerReferences");
    } else {
      Json.meta(copy).set("ownerReferences", kept);
    }
    return copy;
  }

  /** Whether an object is being deleted. */
  public static boolean deleting(JsonNode obj) {
    return obj.path("metadata").hasNonNull("deletionTimestamp");
  }

  /** The outcome of claiming: the children kept (adopted ones included), and the writes adopting or releasing. */
  public record Claim(List<JsonNode> owned, List<ObjectNode> adopt, List<ObjectNode> release) {}

  /**
   * Claims children for {@code owner} by {@code selector}: its own children that still match are kept, its own
   * that stopped matching are released (unless being deleted), orphans that match are adopted (unless the owner
   * or the orphan is being deleted); children of other controllers are never touched.
   */
  public static Claim claim(JsonNode owner, JsonNode selector, List<? extends JsonNode> candidates) {
    String uid = Json.metaText(owner, "uid");
    boolean ownerDeleting = deleting(owner);
    List<JsonNode> owned = new ArrayList<>();
    List<ObjectNode> adopt = new ArrayList<>();
    List<ObjectNode> release = new ArrayList<>();
    boolean selectsNothing = LabelSelectors.isEmpty(selector);
    for (JsonNode child : candidates) {
      JsonNode labels = child.path("metadata").path("labels");
      boolean matches = !selectsNothing && LabelSelectors.matches(selector, labels);
      String controller = controllerUid(child);
      if (controller.equals(uid)) {
        if (matches) {
          owned.add(child);
        } else if (!deleting(child) && !ownerDeleting) {
          release.add(released(child, uid));
        }
      } else if (controller.isEmpty() && matches && !ownerDeleting && !deleting(child)) {
        ObjectNode adoptedChild = adopted(child, owner);
        adopt.add(adoptedChild);
        owned.add(adoptedChild);
      }
    }
    return new Claim(owned, adopt, release);
  }
}

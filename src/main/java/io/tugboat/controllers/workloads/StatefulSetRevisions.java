package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A StatefulSet's template history as ControllerRevisions (Kubernetes' controller_history): each revision holds
 * the patch that restores its template, {@code {"spec":{"template":{...,"$patch":"replace"}}}} (what
 * {@code kubectl rollout undo} applies as a strategic merge patch), is named {@code <set>-<hash>} with the hash
 * also in the {@code controller.kubernetes.io/hash} label, and carries a revision number that grows with each
 * template the set takes, an old template coming back included.
 */
public final class StatefulSetRevisions {

  static final ResourceType REVISIONS = ResourceRegistry.byPath("apps", "v1", "controllerrevisions").orElseThrow();

  /** The label with a revision's hash. */
  public static final String HASH = "controller.kubernetes.io/hash";

  /** Revisions ordered oldest first: by revision number, then creation, then name. */
  static final Comparator<JsonNode> BY_REVISION = Comparator.comparingLong((JsonNode r) -> number(r))
      .thenComparing(r -> Json.metaText(r, "creationTimestamp"))
      .thenComparing(r -> Json.metaText(r, "name"));

  private StatefulSetRevisions() {}

  /** The revision number of a ControllerRevision. */
  public static long number(JsonNode revision) {
    return revision.path("revision").asLong(0);
  }

  /** The data of a revision of the set's current template. */
  public static ObjectNode data(JsonNode set) {
    ObjectNode data = Json.object();
    ObjectNode template = set.path("spec").path("template").isObject()
        ? (ObjectNode) set.path("spec").path("template").deepCopy() : Json.object();
    template.put("$patch", "replace");
    data.putObject("spec").set("template", template);
    return data;
  }

  /** The pod template a revision restores. */
  public static JsonNode template(JsonNode revision) {
    JsonNode t = revision.path("data").path("spec").path("template");
    if (!t.isObject()) {
      return Json.object();
    }
    ObjectNode copy = (ObjectNode) t.deepCopy();
    copy.remove("$patch");
    return copy;
  }

  /** Whether a revision holds this data (EqualRevision). */
  public static boolean holds(JsonNode revision, JsonNode data) {
    return ObjectLifecycle.same(revision.path("data"), data);
  }

  /** The hash naming a revision of this data with the set's collisionCount (null when none was needed). */
  public static String hash(JsonNode data, Integer collisionCount) {
    return PodTemplateHash.compute(data, collisionCount);
  }

  /** A new ControllerRevision of the set's template with this number. */
  public static ObjectNode newRevision(JsonNode set, JsonNode data, String hash, long number) {
    return Revisions.of(set, data, HASH, hash, number);
  }

  /**
   * The revisions to delete so that at most revisionHistoryLimit remain beside the live ones (the current and
   * update revisions and any a pod still runs), oldest first.
   */
  public static List<JsonNode> beyondHistory(JsonNode set, List<JsonNode> revisions, Set<String> live) {
    int limit = set.path("spec").path("revisionHistoryLimit").asInt(10);
    List<JsonNode> history = new ArrayList<>();
    for (JsonNode r : revisions) {
      if (!live.contains(Json.metaText(r, "name")) && !Owners.deleting(r)) {
        history.add(r);
      }
    }
    history.sort(BY_REVISION);
    int diff = history.size() - limit;
    return diff <= 0 ? List.of() : history.subList(0, diff);
  }
}

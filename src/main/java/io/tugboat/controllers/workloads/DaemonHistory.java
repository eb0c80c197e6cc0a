package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A DaemonSet's template history as apps/v1 ControllerRevisions (Kubernetes' constructHistory, snapshot, Match,
 * cleanupHistory). A revision is named {@code <ds>-<hash>}, labelled with the template's labels and
 * {@code controller-revision-hash}, carries the DaemonSet's annotations (so kubernetes.io/change-cause shows in
 * {@code kubectl rollout history}) and as data the strategic merge patch that restores the template:
 * {@code {"spec":{"template":{..., "$patch":"replace"}}}}, which is what {@code kubectl rollout undo} sends back.
 */
public final class DaemonHistory {

  static final ResourceType REVISIONS = ResourceRegistry.byPath("apps", "v1", "controllerrevisions").orElseThrow();

  private DaemonHistory() {}

  /** The hash of the DaemonSet's current template with its status.collisionCount. */
  public static String hash(JsonNode ds) {
    JsonNode count = ds.path("status").path("collisionCount");
    return PodTemplateHash.compute(ds.path("spec").path("template"), count.isNumber() ? count.asInt() : null);
  }

  /**
   * The revision's data: the patch restoring the DaemonSet's template, shaped as Go marshals the typed template
   * (keys sorted, creationTimestamp null, empty resources written out), so that it equals byte for byte what
   * kubectl computes from the DaemonSet when it checks whether an undo has anything to do.
   */
  public static ObjectNode data(JsonNode ds) {
    ObjectNode template = goShape(ds.path("spec").path("template"));
    template.put("$patch", "replace");
    ObjectNode patch = Json.object();
    patch.with("spec").set("template", template);
    try {
      return (ObjectNode) Json.MAPPER.readTree(PodTemplateHash.canonical(patch));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a revision holds the DaemonSet's current template (numbers by value, key order ignored). */
  public static boolean matches(JsonNode ds, JsonNode revision) {
    JsonNode stored = revision.path("data").path("spec").path("template");
    if (!stored.isObject()) {
      return false;
    }
    ObjectNode template = goShape(stored);
    template.remove("$patch");
    JsonNode current = goShape(ds.path("spec").path("template"));
    return PodTemplateHash.canonical(template).equals(PodTemplateHash.canonical(current));
  }

  /** A copy of a pod template with the zero values Go's encoding of a PodTemplateSpec always writes. */
  static ObjectNode goShape(JsonNode template) {
    ObjectNode copy = template.isObject() ? (ObjectNode) template.deepCopy() : Json.object();
    ObjectNode meta = copy.with("metadata");
    if (!meta.has("creationTimestamp")) {
      meta.putNull("creationTimestamp");
    }
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : copy.path("spec").path(list)) {
        if (c.isObject() && !c.has("resources")) {
          ((ObjectNode) c).putObject("resources");
        }
      }
    }
    return copy;
  }

  /** The revision number of a ControllerRevision. */
  public static long revision(JsonNode revision) {
    return revision.path("revision").asLong(0);
  }

  /** A new ControllerRevision of the DaemonSet's current template with this revision number. */
  public static ObjectNode snapshot(JsonNode ds, String hash, long revision) {
    ObjectNode cr = Revisions.of(ds, data(ds), DaemonNodes.HASH_LABEL, hash, revision);
    JsonNode annotations = ds.path("metadata").path("annotations");
    if (annotations.isObject() && annotations.size() > 0) {
      ObjectNode copied = (ObjectNode) annotations.deepCopy();
      copied.remove("kubectl.kubernetes.io/last-applied-configuration");
      if (copied.size() > 0) {
        Json.meta(cr).set("annotations", copied);
      }
    }
    return cr;
  }

  /** The hash a revision stands for: its label, or its name's suffix when an older writer left the label off. */
  public static String hashOf(JsonNode ds, JsonNode revision) {
    String label = Json.text(revision.path("metadata").path("labels").path(DaemonNodes.HASH_LABEL));
    if (!label.isEmpty()) {
      return label;
    }
    String name = Json.metaText(revision, "name");
    String prefix = Json.metaText(ds, "name") + "-";
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }

  /**
   * The old revisions to delete beyond revisionHistoryLimit: oldest revision first, never one whose hash a pod
   * still carries.
   */
  public static List<JsonNode> toDelete(JsonNode ds, List<JsonNode> old, Set<String> liveHashes) {
    int keep = ds.path("spec").path("revisionHistoryLimit").asInt(10);
    int kill = old.size() - keep;
    List<JsonNode> out = new ArrayList<>();
    if (kill <= 0) {
      return out;
    }
    List<JsonNode> sorted = new ArrayList<>(old);
    sorted.sort(Comparator.comparingLong(DaemonHistory::revision).thenComparing(r -> Json.metaText(r, "name")));
    for (JsonNode r : sorted) {
      if (out.size() >= kill) {
        break;
      }
      if (!liveHashes.contains(hashOf(ds, r))) {
        out.add(r);
      }
    }
    return out;
  }
}

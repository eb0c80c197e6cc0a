package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stable identity of a StatefulSet's pods (Kubernetes' stateful_set_utils): the name {@code <set>-<ordinal>},
 * the identity labels, hostname and subdomain, and one PersistentVolumeClaim per volumeClaimTemplate named
 * {@code <template>-<set>-<ordinal>} that outlives the pod.
 */
public final class StatefulSetPods {

  static final ResourceType CLAIMS = ResourceRegistry.byPath("", "v1", "persistentvolumeclaims").orElseThrow();

  /** The pod's own name, so a headless Service can select exactly one pod. */
  public static final String POD_NAME = "statefulset.kubernetes.io/pod-name";
  /** The pod's ordinal. */
  public static final String POD_INDEX = "apps.kubernetes.io/pod-index";
  /** The ControllerRevision a pod was made from (its name). */
  public static final String REVISION = "controller-revision-hash";

  private static final Pattern MEMBER = Pattern.compile("^(.*)-([0-9]+)$");

  private StatefulSetPods() {}

  /** The pod name of an ordinal. */
  public static String name(JsonNode set, int ordinal) {
    return Json.metaText(set, "name") + "-" + ordinal;
  }

  /** The ordinal of a pod of this set by its name (getParentNameAndOrdinal), -1 when it is not one. */
  public static int ordinal(JsonNode set, JsonNode pod) {
    Matcher m = MEMBER.matcher(Json.metaText(pod, "name"));
    if (!m.matches() || !m.group(1).equals(Json.metaText(set, "name")) || m.group(2).length() > 9) {
      return -1;
    }
    return Integer.parseInt(m.group(2));
  }

  /** spec.ordinals.start, 0 when unset. */
  public static int start(JsonNode set) {
    return set.path("spec").path("ordinals").path("start").asInt(0);
  }

  /** The revision a pod was made from, "" when unlabelled. */
  public static String revision(JsonNode pod) {
    return Json.text(pod.path("metadata").path("labels").path(REVISION));
  }

  /** The claim name of a volumeClaimTemplate for an ordinal. */
  public static String claimName(JsonNode set, String template, int ordinal) {
    return template + "-" + name(set, ordinal);
  }

  /** The names of the claims a pod of this ordinal needs, one per volumeClaimTemplate. */
  public static List<String> claimNames(JsonNode set, int ordinal) {
    List<String> out = new ArrayList<>();
    for (JsonNode t : set.path("spec").path("volumeClaimTemplates")) {
      out.add(claimName(set, Json.metaText(t, "name"), ordinal));
    }
    return out;
  }

  /**
   * The claims of an ordinal that do not exist yet, built from the templates: the template's labels and the set's
   * matchLabels, its spec; with whenDeleted=Delete a (non-controller) reference to the set so the garbage
   * collector deletes the claim after the set.
   */
  public static List<ObjectNode> missingClaims(JsonNode set, int ordinal, Map<String, JsonNode> claimsByName) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode t : set.path("spec").path("volumeClaimTemplates")) {
      String name = claimName(set, Json.metaText(t, "name"), ordinal);
      if (claimsByName.containsKey(name)) {
        continue;
      }
      ObjectNode claim = Json.object();
      claim.put("apiVersion", "v1");
      claim.put("kind", "PersistentVolumeClaim");
      ObjectNode meta = Json.meta(claim);
      meta.put("name", name);
      meta.put("namespace", Json.metaText(set, "namespace"));
      ObjectNode labels = meta.putObject("labels");
      Json.stringMap(t.path("metadata").path("labels")).forEach(labels::put);
      Json.stringMap(set.path("spec").path("selector").path("matchLabels")).forEach(labels::put);
      if (t.path("metadata").path("annotations").size() > 0) {
        meta.set("annotations", t.path("metadata").path("annotations").deepCopy());
      }
      if ("Delete".equals(Json.text(set.path("spec").path("persistentVolumeClaimRetentionPolicy")
          .path("whenDeleted")))) {
        meta.putArray("ownerReferences").add(reference(set));
      }
      claim.set("spec", t.path("spec").isObject() ? t.get("spec").deepCopy() : Json.object());
      out.add(claim);
    }
    return out;
  }

  /** A plain (non-controller) ownerReference: the claim belongs to it for garbage collection only. */
  static ObjectNode reference(JsonNode owner) {
    ObjectNode ref = Owners.reference(owner);
    ref.put("controller", false);
    ref.put("blockOwnerDeletion", false);
    return ref;
  }

  /**
   * A copy of a claim whose ownerReferences follow the set's persistentVolumeClaimRetentionPolicy
   * (updateClaimOwnerRefForSetAndPod): whenScaled=Delete and a condemned ordinal: owned by the pod only, so the
   * garbage collector deletes the claim after it; else whenDeleted=Delete: owned by the set, not the pod; Retain:
   * by neither. References to anything else are kept. Null when the claim already is so.
   */
  static ObjectNode withRetention(JsonNode set, JsonNode claim, JsonNode pod, boolean condemned) {
    JsonNode policy = set.path("spec").path("persistentVolumeClaimRetentionPolicy");
    boolean toPod = condemned && "Delete".equals(Json.text(policy.path("whenScaled")));
    boolean toSet = !toPod && "Delete".equals(Json.text(policy.path("whenDeleted")));
    String setUid = Json.metaText(set, "uid");
    String podUid = Json.metaText(pod, "uid");
    ArrayNode refs = Json.NODES.arrayNode();
    for (JsonNode ref : claim.path("metadata").path("ownerReferences")) {
      String uid = Json.text(ref.path("uid"));
      if (!uid.equals(setUid) && !uid.equals(podUid)) {
        refs.add(ref);
      }
    }
    if (toSet) {
      refs.add(reference(set));
    }
    if (toPod) {
      refs.add(reference(pod));
    }
    JsonNode before = claim.path("metadata").path("ownerReferences");
    if (refs.equals(before) || (refs.isEmpty() && before.isMissingNode())) {
      return null;
    }
    ObjectNode copy = (ObjectNode) claim.deepCopy();
    if (refs.isEmpty()) {
      Json.meta(copy).remove("ownerReferences");
    } else {
      Json.meta(copy).set("ownerReferences", refs);
    }
    return copy;
  }

  /**
   * The pod of an ordinal from a revision's template (newVersionedStatefulSetPod): its name, the template's labels
   * with the identity labels and the revision, hostname and subdomain, and the claims in place of same-named
   * volumes.
   */
  public static ObjectNode newPod(JsonNode set, JsonNode template, String revisionName, int ordinal) {
    String name = name(set, ordinal);
    ObjectNode pod = Json.object();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode meta = Json.meta(pod);
    meta.put("name", name);
    meta.put("namespace", Json.metaText(set, "namespace"));
    JsonNode tm = template.path("metadata");
    for (String f : List.of("annotations", "finalizers")) {
      if (tm.path(f).size() > 0) {
        meta.set(f, tm.get(f).deepCopy());
      }
    }
    ObjectNode labels = meta.putObject("labels");
    Json.stringMap(tm.path("labels")).forEach(labels::put);
    labels.put(POD_NAME, name);
    labels.put(POD_INDEX, Integer.toString(ordinal));
    labels.put(REVISION, revisionName);
    meta.putArray("ownerReferences").add(Owners.reference(set));
    ObjectNode spec = template.path("spec").isObject() ? (ObjectNode) template.get("spec").deepCopy() : Json.object();
    spec.put("hostname", name);
    String service = Json.text(set.path("spec").path("serviceName"));
    if (!service.isEmpty()) {
      spec.put("subdomain", service);
    }
    ArrayNode volumes = Json.NODES.arrayNode();
    List<String> claimed = new ArrayList<>();
    for (JsonNode t : set.path("spec").path("volumeClaimTemplates")) {
      String tn = Json.metaText(t, "name");
      claimed.add(tn);
      ObjectNode v = volumes.addObject();
      v.put("name", tn);
      v.putObject("persistentVolumeClaim").put("claimName", claimName(set, tn, ordinal));
    }
    for (JsonNode v : spec.path("volumes")) {
      if (!claimed.contains(Json.text(v.path("name")))) {
        volumes.add(v);
      }
    }
    if (!volumes.isEmpty()) {
      spec.set("volumes", volumes);
    }
    pod.set("spec", spec);
    return pod;
  }
}

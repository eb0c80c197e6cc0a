package io.tugboat.controllers.volumes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.workloads.Plan;
import io.tugboat.model.Json;
import io.tugboat.model.Quantity;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One pass of the persistent-volume binder as a pure function from every claim, volume and StorageClass to
 * writes (a small part of Kubernetes' PV controller, with a hostPath dynamic provisioner). A claim goes:
 *
 * <p>Pending without a class -> its class set to the default one -> a volume reserved for it (an Available
 * volume of its class that fits, claimRef set; else, for a class of {@link #PROVISIONER}, a new volume
 * {@code pvc-<uid>} with a hostPath directory under the volumes directory) -> the volume Bound -> the claim's
 * volumeName set -> the claim Bound with the volume's capacity and access modes. A volume whose claim is gone
 * is deleted (reclaim policy Delete) or Released. At most one write per object per pass, since a second would
 * conflict with the first; the next pass starts from what it wrote.
 */
public final class VolumeBinding {

  static final ResourceType CLAIMS = ResourceRegistry.byPath("", "v1", "persistentvolumeclaims").orElseThrow();
  static final ResourceType VOLUMES = ResourceRegistry.byPath("", "v1", "persistentvolumes").orElseThrow();
  static final ResourceType CLASSES = ResourceRegistry.byPath("storage.k8s.io", "v1", "storageclasses").orElseThrow();

  /** The provisioner name of Tugboat's local hostPath volumes. */
  public static final String PROVISIONER = "tugboat.io/hostpath";
  /** The annotation marking the default StorageClass. */
  public static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
  static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";

  private VolumeBinding() {}

  /** The writes of one pass; new hostPath volumes go under {@code volumesDir}. */
  public static List<Plan.Action> plan(List<? extends JsonNode> claims, List<? extends JsonNode> volumes,
      List<? extends JsonNode> classes, Path volumesDir) {
    List<Plan.Action> writes = new ArrayList<>();
    Set<String> touched = new HashSet<>();
    Map<String, JsonNode> classByName = new HashMap<>();
    String defaultClass = null;
    for (JsonNode c : classes) {
      classByName.put(Json.metaText(c, "name"), c);
      if ("true".equals(Json.text(c.path("metadata").path("annotations").path(DEFAULT_CLASS)))) {
        defaultClass = Json.metaText(c, "name");
      }
    }
    Map<String, JsonNode> claimByUid = new HashMap<>();
    Map<String, JsonNode> volumeByClaimUid = new HashMap<>();
    for (JsonNode c : claims) {
      claimByUid.put(Json.metaText(c, "uid"), c);
    }
    for (JsonNode v : volumes) {
      String uid = Json.text(v.path("spec").path("claimRef").path("uid"));
      if (!uid.isEmpty()) {
        volumeByClaimUid.put(uid, v);
      }
    }
    List<JsonNode> available = new ArrayList<>();
    for (JsonNode v : volumes) {
      JsonNode ref = v.path("spec").path("claimRef");
      String phase = Json.text(v.path("status").path("phase"));
      if (!ref.isObject()) {
        if (phase.equals("Pending") || phase.isEmpty()) {
          writes.add(volumeStatus(v, "Available"));
        }
        if (phase.equals("Pending") || phase.isEmpty() || phase.equals("Available")) {
          // A new volume is a candidate at once: no claim provisions past it while it becomes Available.
          available.add(v);
        }
        continue;
      }
      JsonNode claim = claimByUid.get(Json.text(ref.path("uid")));
      if (claim == null && !Json.text(ref.path("uid")).isEmpty()) {
        if ("Delete".equals(Json.text(v.path("spec").path("persistentVolumeReclaimPolicy")))) {
          writes.add(new Plan.Delete(ObjectKey.of(VOLUMES, "", Json.metaText(v, "name")), Json.metaText(v, "uid"),
              null, null));
        } else if (!phase.equals("Released")) {
          writes.add(volumeStatus(v, "Released"));
        }
      }
    }
    for (JsonNode claim : claims) {
      if (claim.path("metadata").hasNonNull("deletionTimestamp")) {
        continue;
      }
      String uid = Json.metaText(claim, "uid");
      JsonNode spec = claim.path("spec");
      if (!spec.has("storageClassName") && defaultClass != null) {
        ObjectNode copy = (ObjectNode) claim.deepCopy();
        ((ObjectNode) copy.path("spec")).put("storageClassName", defaultClass);
        writes.add(new Plan.Update(key(claim), copy, Subresource.MAIN, null));
        continue;
      }
      JsonNode volume = volumeByClaimUid.get(uid);
      if (volume == null) {
        String className = Json.text(spec.path("storageClassName"));
        String wanted = Json.text(spec.path("volumeName"));
        Optional<JsonNode> fits = wanted.isEmpty() ? bestFit(claim, className, available)
            : available.stream().filter(v -> Json.metaText(v, "name").equals(wanted)).findFirst();
        if (fits.isPresent()) {
          available.remove(fits.get());
          ObjectNode copy = (ObjectNode) fits.get().deepCopy();
          ((ObjectNode) copy.path("spec")).set("claimRef", claimRef(claim));
          writes.add(new Plan.Update(volumeKey(copy), copy, Subresource.MAIN, null));
        } else if (wanted.isEmpty()) {
          JsonNode cls = classByName.get(className);
          if (cls != null && PROVISIONER.equals(Json.text(cls.path("provisioner")))) {
            writes.add(new Plan.Create(VOLUMES, provision(claim, cls, volumesDir), null, null));
          }
        }
        continue;
      }
      if (!"Bound".equals(Json.text(volume.path("status").path("phase")))) {
        writes.add(volumeStatus(volume, "Bound"));
      }
      if (Json.text(spec.path("volumeName")).isEmpty()) {
        ObjectNode copy = (ObjectNode) claim.deepCopy();
        ((ObjectNode) copy.path("spec")).put("volumeName", Json.metaText(volume, "name"));
        Json.meta(copy).with("annotations").put("pv.kubernetes.io/bind-completed", "yes")
            .put("pv.kubernetes.io/bound-by-controller", "yes");
        writes.add(new Plan.Update(key(claim), copy, Subresource.MAIN, null));
      } else if (!"Bound".equals(Json.text(claim.path("status").path("phase")))) {
        ObjectNode copy = (ObjectNode) claim.deepCopy();
        ObjectNode status = copy.putObject("status");
        status.put("phase", "Bound");
        status.set("accessModes", volume.path("spec").path("accessModes").deepCopy());
        status.set("capacity", volume.path("spec").path("capacity").deepCopy());
        writes.add(new Plan.Update(key(claim), copy, Subresource.STATUS, null));
      }
    }
    // One write per object: later ones would conflict with the first.
    List<Plan.Action> once = new ArrayList<>();
    for (Plan.Action a : writes) {
      if (touched.add(target(a))) {
        once.add(a);
      }
    }
    return once;
  }

  private static String target(Plan.Action a) {
    if (a instanceof Plan.Create c) {
      return "create/" + Json.metaText(c.object(), "name");
    } else if (a instanceof Plan.Update u) {
      return u.key().entityId();
    }
    return ((Plan.Delete) a).key().entityId();
  }

  /** The smallest Available volume of the claim's class with its access modes, volume mode and enough capacity. */
  static Optional<JsonNode> bestFit(JsonNode claim, String className, List<JsonNode> available) {
    BigDecimal wanted = Quantity.tryParse(claim.path("spec").path("resources").path("requests").path("storage"))
        .orElse(BigDecimal.ZERO);
    JsonNode best = null;
    BigDecimal bestSize = null;
    for (JsonNode v : available) {
      JsonNode vs = v.path("spec");
      if (!Json.text(vs.path("storageClassName")).equals(className)
          || !Json.text(vs.path("volumeMode")).equals(Json.text(claim.path("spec").path("volumeMode")))) {
        continue;
      }
      Set<String> modes = new HashSet<>();
      vs.path("accessModes").forEach(m -> modes.add(m.asText()));
      boolean modesFit = true;
      for (JsonNode m : claim.path("spec").path("accessModes")) {
        modesFit &= modes.contains(m.asText());
      }
      BigDecimal size = Quantity.tryParse(vs.path("capacity").path("storage")).orElse(BigDecimal.ZERO);
      if (modesFit && size.compareTo(wanted) >= 0 && (bestSize == null || size.compareTo(bestSize) < 0)) {
        best = v;
        bestSize = size;
      }
    }
    return Optional.ofNullable(best);
  }

  /** A hostPath volume {@code pvc-<uid>} made for the claim, already reserved for it. */
  static ObjectNode provision(JsonNode claim, JsonNode cls, Path volumesDir) {
    String name = "pvc-" + Json.metaText(claim, "uid");
    ObjectNode pv = Json.object();
    pv.put("apiVersion", "v1");
    pv.put("kind", "PersistentVolume");
    ObjectNode meta = Json.meta(pv);
    meta.put("name", name);
    meta.putObject("annotations").put(PROVISIONED_BY, PROVISIONER);
    ObjectNode spec = pv.putObject("spec");
    spec.putObject("capacity").set("storage", claim.path("spec").path("resources").path("requests").path("storage")
        .deepCopy());
    spec.set("accessModes", claim.path("spec").path("accessModes").deepCopy());
    spec.put("persistentVolumeReclaimPolicy", Json.text(cls.path("reclaimPolicy")).isEmpty() ? "Delete"
        : Json.text(cls.path("reclaimPolicy")));
    spec.put("storageClassName", Json.metaText(cls, "name"));
    spec.put("volumeMode", Json.text(claim.path("spec").path("volumeMode")).isEmpty() ? "Filesystem"
        : Json.text(claim.path("spec").path("volumeMode")));
    spec.putObject("hostPath").put("path", volumesDir.resolve(name).toString()).put("type", "DirectoryOrCreate");
    spec.set("claimRef", claimRef(claim));
    return pv;
  }

  /** The directory of a volume this provisioner made under {@code volumesDir}, for removal once it is deleted. */
  public static Optional<Path> provisionedDir(JsonNode volume, Path volumesDir) {
    if (!PROVISIONER.equals(Json.text(volume.path("metadata").path("annotations").path(PROVISIONED_BY)))) {
      return Optional.empty();
    }
    Path dir = Path.of(Json.text(volume.path("spec").path("hostPath").path("path"))).normalize();
    return dir.startsWith(volumesDir.normalize()) && !dir.equals(volumesDir.normalize()) ? Optional.of(dir)
        : Optional.empty();
  }

  private static ObjectNode claimRef(JsonNode claim) {
    ObjectNode ref = Json.object();
    ref.put("kind", "PersistentVolumeClaim");
    ref.put("namespace", Json.metaText(claim, "namespace"));
    ref.put("name", Json.metaText(claim, "name"));
    ref.put("uid", Json.metaText(claim, "uid"));
    ref.put("apiVersion", "v1");
    ref.put("resourceVersion", Json.metaText(claim, "resourceVersion"));
    return ref;
  }

  private static Plan.Update volumeStatus(JsonNode volume, String phase) {
    ObjectNode copy = (ObjectNode) volume.deepCopy();
    copy.with("status").put("phase", phase);
    return new Plan.Update(volumeKey(volume), copy, Subresource.STATUS, null);
  }

  private static ObjectKey key(JsonNode claim) {
    return ObjectKey.of(CLAIMS, Json.metaText(claim, "namespace"), Json.metaText(claim, "name"));
  }

  private static ObjectKey volumeKey(JsonNode volume) {
    return ObjectKey.of(VOLUMES, "", Json.metaText(volume, "name"));
  }
}

package io.tugboat.api.printers;

import static io.tugboat.api.printers.SwaggerDocs.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.List;

/** Columns of the storage kinds: PersistentVolume, PersistentVolumeClaim, StorageClass. */
final class StoragePrinters {

  /** The annotation that predates storageClassName and still wins over it. */
  private static final String BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";

  private StoragePrinters() {}

  static Printer persistentVolume() {
    return Printer.named()
        .string("Capacity", PV_SPEC_CAPACITY, (o, now) -> quantity(o.path("spec").path("capacity").path("storage")))
        .string("Access Modes", PV_SPEC_ACCESS_MODES, (o, now) -> accessModes(o.path("spec").path("accessModes")))
        .string("Reclaim Policy", PV_SPEC_RECLAIM_POLICY,
            (o, now) -> Cells.text(o.path("spec").path("persistentVolumeReclaimPolicy")))
        .string("Status", PV_STATUS_PHASE, (o, now) -> phase(o))
        .string("Claim", PV_SPEC_CLAIM_REF, (o, now) -> {
          JsonNode ref = o.path("spec").path("claimRef");
          return ref.isObject() ? Cells.text(ref.path("namespace")) + "/" + Cells.text(ref.path("name")) : "";
        })
        .string("StorageClass", "StorageClass of the pv", (o, now) -> storageClass(o))
        .string("VolumeAttributesClass", "VolumeAttributesClass of the pv", (o, now) -> attributesClass(o))
        .string("Reason", PV_STATUS_REASON, (o, now) -> Cells.text(o.path("status").path("reason")))
        .age()
        .wide("VolumeMode", PV_SPEC_VOLUME_MODE, (o, now) -> Cells.textOr(o.path("spec").path("volumeMode"),
            Cells.UNSET))
        .build();
  }

  static Printer persistentVolumeClaim() {
    return Printer.named()
        .string("Status", PVC_STATUS_PHASE, (o, now) -> phase(o))
        .string("Volume", PVC_SPEC_VOLUME_NAME, (o, now) -> Cells.text(o.path("spec").path("volumeName")))
        // Capacity and access modes are the bound volume's, so shown only once the claim names one.
        .string("Capacity", PVC_STATUS_CAPACITY, (o, now) -> bound(o)
            ? quantity(o.path("status").path("capacity").path("storage")) : "")
        .string("Access Modes", PVC_STATUS_ACCESS_MODES, (o, now) -> bound(o)
            ? accessModes(o.path("status").path("accessModes")) : "")
        .string("StorageClass", "StorageClass of the pvc", (o, now) -> storageClass(o))
        .string("VolumeAttributesClass", "VolumeAttributesClass of the pvc", (o, now) -> attributesClass(o))
        .age()
        .wide("VolumeMode", PVC_SPEC_VOLUME_MODE, (o, now) -> Cells.textOr(o.path("spec").path("volumeMode"),
            Cells.UNSET))
        .build();
  }

  /** StorageClass columns; the Name cell carries " (default)" for the default class. */
  static Printer storageClass() {
    return Printer.builder()
        .add("Name", "string", "name", OBJECT_META_NAME, 0,
            (o, now) -> isDefaultClass(o) ? Cells.name(o) + " (default)" : Cells.name(o))
        .string("Provisioner", STORAGE_CLASS_PROVISIONER, (o, now) -> Cells.text(o.path("provisioner")))
        .string("ReclaimPolicy", STORAGE_CLASS_RECLAIM_POLICY, (o, now) -> Cells.textOr(o.path("reclaimPolicy"),
            "Delete"))
        .string("VolumeBindingMode", STORAGE_CLASS_VOLUME_BINDING_MODE,
            (o, now) -> Cells.textOr(o.path("volumeBindingMode"), "Immediate"))
        .string("AllowVolumeExpansion", STORAGE_CLASS_ALLOW_VOLUME_EXPANSION,
            (o, now) -> o.path("allowVolumeExpansion").asBoolean(false))
        .age()
        .build();
  }

  private static boolean isDefaultClass(JsonNode o) {
    JsonNode annotations = o.path("metadata").path("annotations");
    return "true".equals(Json.text(annotations.path("storageclass.kubernetes.io/is-default-class")))
        || "true".equals(Json.text(annotations.path("storageclass.beta.kubernetes.io/is-default-class")));
  }

  private static boolean bound(JsonNode pvc) {
    return !Cells.text(pvc.path("spec").path("volumeName")).isEmpty();
  }

  private static String phase(JsonNode o) {
    return o.path("metadata").hasNonNull("deletionTimestamp") ? "Terminating"
        : Cells.text(o.path("status").path("phase"));
  }

  /** The beta annotation if present, else spec.storageClassName. */
  private static String storageClass(JsonNode o) {
    JsonNode annotation = o.path("metadata").path("annotations").path(BETA_STORAGE_CLASS);
    return annotation.isTextual() ? annotation.asText() : Cells.text(o.path("spec").path("storageClassName"));
  }

  private static String attributesClass(JsonNode o) {
    JsonNode name = o.path("spec").path("volumeAttributesClassName");
    return name.isTextual() ? name.asText() : Cells.UNSET;
  }

  /** A quantity as stored; a missing one prints as Go's zero Quantity, "0". */
  private static String quantity(JsonNode q) {
    return Cells.textOr(q, "0");
  }

  /** GetAccessModesAsString: the short forms, always in the order RWO, ROX, RWX, RWOP. */
  static String accessModes(JsonNode modes) {
    List<String> have = Cells.strings(modes);
    List<String> out = new ArrayList<>();
    String[][] order = {{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"},
        {"ReadWriteOncePod", "RWOP"}};
    for (String[] mode : order) {
      if (have.contains(mode[0])) {
        out.add(mode[1]);
      }
    }
    return String.join(",", out);
  }
}

package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;
import static io.tugboat.model.kinds.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import io.tugboat.model.NameRules;
import io.tugboat.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Admission of the core kinds that are not workloads: Namespace, Node, Endpoints and volumes (PV, PVC). */
public final class CoreRules {

  /** Namespace rules. */
  public static final KindRules NAMESPACE = new Namespace();
  /** Node rules. */
  public static final KindRules NODE = new Node();
  /** Endpoints rules. */
  public static final KindRules ENDPOINTS = new Endpoints();
  /** PersistentVolumeClaim rules. */
  public static final KindRules PERSISTENT_VOLUME_CLAIM = new PersistentVolumeClaim();
  /** PersistentVolume rules. */
  public static final KindRules PERSISTENT_VOLUME = new PersistentVolume();

  private static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
      "ReadWriteOncePod");
  private static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

  private CoreRules() {}

  /** PVC defaults, shared with StatefulSet volumeClaimTemplates. */
  static void defaultClaim(ObjectNode claim) {
    Fields.defaultText(Fields.object(claim, "spec"), "volumeMode", "Filesystem");
    Fields.defaultText(Fields.object(claim, "status"), "phase", "Pending");
  }

  /** Namespace: the "kubernetes" finalizer, phase Active, and the kubernetes.io/metadata.name label. */
  private static final class Namespace implements KindRules {
    @Override
    public void applyDefaults(ObjectNode ns) {
      ObjectNode spec = Fields.object(ns, "spec");
      // Only when absent: an emptied list is how the namespace controller finalizes a deletion.
      if (!spec.has("finalizers")) {
        spec.putArray("finalizers").add("kubernetes");
      }
      Fields.defaultText(Fields.object(ns, "status"), "phase", "Active");
      ObjectNode meta = Fields.object(ns, "metadata");
      if (has(meta, "name")) {
        Fields.object(meta, "labels").put("kubernetes.io/metadata.name", text(meta, "name"));
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode ns) {
      List<FieldError> errs = new ArrayList<>();
      for (JsonNode f : ns.path("spec").path("finalizers")) {
        NameRules.qualifiedName(f.asText()).forEach(m -> errs.add(FieldError.invalid("spec.finalizers", f.asText(), m)));
      }
      return errs;
    }
  }

  /** Node: allocatable defaults to capacity; taints must be well formed. */
  private static final class Node implements KindRules {
    @Override
    public void applyDefaults(ObjectNode node) {
      if (node.get("status") instanceof ObjectNode status && has(status, "capacity") && !has(status, "allocatable")) {
        status.set("allocatable", status.get("capacity").deepCopy());
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode node) {
      List<FieldError> errs = new ArrayList<>();
      int i = 0;
      for (JsonNode taint : node.path("spec").path("taints")) {
        String at = "spec.taints[" + i++ + "]";
        String key = text(taint, "key");
        if (key.isEmpty()) {
          errs.add(FieldError.required(at + ".key"));
        } else {
          NameRules.qualifiedName(key).forEach(m -> errs.add(FieldError.invalid(at + ".key", key, m)));
        }
        if (!text(taint, "value").isEmpty()) {
          NameRules.labelValue(text(taint, "value"))
              .forEach(m -> errs.add(FieldError.invalid(at + ".value", text(taint, "value"), m)));
        }
        if (text(taint, "effect").isEmpty()) {
          errs.add(FieldError.required(at + ".effect"));
        } else {
          Fields.oneOf(errs, taint, "effect", at + ".effect", List.of("NoSchedule", "PreferNoSchedule", "NoExecute"));
        }
      }
      for (String kind : List.of("capacity", "allocatable")) {
        for (Map.Entry<String, JsonNode> q : Fields.entries(node.path("status").path(kind))) {
          if (Quantity.tryParse(q.getValue()).isEmpty()) {
            errs.add(FieldError.invalid("status." + kind + "[" + q.getKey() + "]", q.getValue().asText(),
                Quantity.FORMAT_ERROR));
          }
        }
      }
      return errs;
    }
  }

  /** Endpoints: ports default to TCP; addresses need an IP, ports a number. */
  private static final class Endpoints implements KindRules {
    @Override
    public void applyDefaults(ObjectNode ep) {
      for (ObjectNode subset : Fields.objects(ep, "subsets")) {
        for (ObjectNode port : Fields.objects(subset, "ports")) {
          Fields.defaultText(port, "protocol", "TCP");
        }
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode ep) {
      List<FieldError> errs = new ArrayList<>();
      int s = 0;
      for (JsonNode subset : ep.path("subsets")) {
        String at = "subsets[" + s++ + "]";
        for (String list : List.of("addresses", "notReadyAddresses")) {
          int a = 0;
          for (JsonNode address : subset.path(list)) {
            if (text(address, "ip").isEmpty()) {
              errs.add(FieldError.required(at + "." + list + "[" + a + "].ip"));
            }
            a++;
          }
        }
        JsonNode ports = subset.path("ports");
        for (int p = 0; p < ports.size(); p++) {
          JsonNode port = ports.get(p);
          String pp = at + ".ports[" + p + "]";
          if (ports.size() > 1 && text(port, "name").isEmpty()) {
            errs.add(FieldError.required(pp + ".name"));
          }
          long number = port.path("port").asLong(0);
          if (number < 1 || number > 65535) {
            errs.add(FieldError.invalid(pp + ".port", number, Fields.PORT_RANGE));
          }
          Fields.oneOf(errs, port, "protocol", pp + ".protocol", PROTOCOLS);
        }
      }
      return errs;
    }
  }

  /** PersistentVolumeClaim: Filesystem, Pending; spec is fixed after creation except the storage request. */
  private static final class PersistentVolumeClaim implements KindRules {
    @Override
    public void applyDefaults(ObjectNode pvc) {
      defaultClaim(pvc);
    }

    @Override
    public List<FieldError> validate(ObjectNode pvc) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode spec = pvc.path("spec");
      accessModes(errs, spec);
      Fields.oneOf(errs, spec, "volumeMode", "spec.volumeMode", VOLUME_MODES);
      JsonNode storage = spec.path("resources").path("requests").get("storage");
      if (storage == null || storage.isNull()) {
        errs.add(FieldError.required("spec.resources[storage]"));
      } else {
        Optional<BigDecimal> q = Quantity.tryParse(storage);
        if (q.isEmpty()) {
          errs.add(FieldError.invalid("spec.resources.requests[storage]", storage.asText(), Quantity.FORMAT_ERROR));
        } else if (q.get().signum() <= 0) {
          errs.add(FieldError.invalid("spec.resources[storage]", storage.asText(), "must be greater than zero"));
        }
      }
      return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode pvc, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>();
      ObjectNode now = pvc.path("spec").isObject() ? ((ObjectNode) pvc.get("spec")).deepCopy() : pvc.objectNode();
      ObjectNode before = old.path("spec").isObject() ? ((ObjectNode) old.get("spec")).deepCopy() : pvc.objectNode();
      for (ObjectNode spec : List.of(now, before)) {
        if (spec.get("resources") instanceof ObjectNode resources) {
          resources.remove("requests");
        }
        spec.remove("volumeAttributesClassName");
      }
      // The binder fills volumeName once.
      if (text(before, "volumeName").isEmpty()) {
        now.remove("volumeName");
        before.remove("volumeName");
      }
      // A claim without a class gets the default one later (retroactive default StorageClass assignment).
      if (!before.has("storageClassName")) {
        now.remove("storageClassName");
      }
      if (!Fields.same(now, before)) {
        errs.add(FieldError.forbidden("spec",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
      }
      return errs;
    }
  }

  /** PersistentVolume: Retain, Filesystem, Pending; capacity and access modes required. */
  private static final class PersistentVolume implements KindRules {
    @Override
    public void applyDefaults(ObjectNode pv) {
      ObjectNode spec = Fields.object(pv, "spec");
      Fields.defaultText(spec, "persistentVolumeReclaimPolicy", "Retain");
      Fields.defaultText(spec, "volumeMode", "Filesystem");
      Fields.defaultText(Fields.object(pv, "status"), "phase", "Pending");
    }

    @Override
    public List<FieldError> validate(ObjectNode pv) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode spec = pv.path("spec");
      accessModes(errs, spec);
      if (spec.path("capacity").size() == 0) {
        errs.add(FieldError.required("spec.capacity"));
      }
      for (Map.Entry<String, JsonNode> q : Fields.entries(spec.path("capacity"))) {
        if (Quantity.tryParse(q.getValue()).isEmpty()) {
          errs.add(FieldError.invalid("spec.capacity[" + q.getKey() + "]", q.getValue().asText(), Quantity.FORMAT_ERROR));
        }
      }
      Fields.oneOf(errs, spec, "persistentVolumeReclaimPolicy", "spec.persistentVolumeReclaimPolicy",
          List.of("Delete", "Recycle", "Retain"));
      Fields.oneOf(errs, spec, "volumeMode", "spec.volumeMode", VOLUME_MODES);
      return errs;
    }
  }

  private static void accessModes(List<FieldError> errs, JsonNode spec) {
    if (spec.path("accessModes").size() == 0) {
      errs.add(FieldError.required("spec.accessModes", "at least 1 access mode is required"));
    }
    for (JsonNode mode : spec.path("accessModes")) {
      if (!ACCESS_MODES.contains(mode.asText())) {
        errs.add(FieldError.notSupported("spec.accessModes", mode.asText(), ACCESS_MODES));
      }
    }
  }
}

package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Validation of {@code metadata} on create and update, as Kubernetes' ValidateObjectMeta does it. */
public final class ObjectMetaRules {

  private static final Set<String> LABEL_NAMED = Set.of("Namespace");
  private static final Set<String> DNS1035_NAMED = Set.of("Service");
  private static final String RBAC_GROUP = "rbac.authorization.k8s.io";

  private ObjectMetaRules() {}

  /** The name rule for a kind: most kinds take a DNS-1123 subdomain. */
  public static Function<String, List<String>> nameRule(ResourceType type) {
    if (RBAC_GROUP.equals(type.group())) {
      return NameRules::pathSegmentName;
    }
    if (type.group().isEmpty() && LABEL_NAMED.contains(type.kind())) {
      return NameRules::dns1123Label;
    }
    if (type.group().isEmpty() && DNS1035_NAMED.contains(type.kind())) {
      return NameRules::dns1035Label;
    }
    return NameRules::dns1123Subdomain;
  }

  /** Validates a new object's metadata; the caller has already turned generateName into a name. */
  public static List<FieldError> validateCreate(ResourceType type, ObjectNode obj) {
    JsonNode meta = obj.path("metadata");
    List<FieldError> errs = new ArrayList<>();
    Function<String, List<String>> rule = nameRule(type);
    String generateName = text(meta, "generateName");
    if (!generateName.isEmpty()) {
      // A prefix may end in '-': the generated suffix follows it.
      for (String msg : rule.apply(maskTrailingDash(generateName))) {
        errs.add(FieldError.invalid("metadata.generateName", generateName, msg));
      }
    }
    String name = text(meta, "name");
    if (name.isEmpty()) {
      errs.add(FieldError.required("metadata.name", "name or generateName is required"));
    } else {
      for (String msg : rule.apply(name)) {
        errs.add(FieldError.invalid("metadata.name", name, msg));
      }
    }
    String namespace = text(meta, "namespace");
    if (type.namespaced()) {
      if (namespace.isEmpty()) {
        errs.add(FieldError.required("metadata.namespace"));
      } else {
        for (String msg : NameRules.dns1123Label(namespace)) {
          errs.add(FieldError.invalid("metadata.namespace", namespace, msg));
        }
      }
    } else if (!namespace.isEmpty()) {
      errs.add(FieldError.forbidden("metadata.namespace", "not allowed on this type"));
    }
    errs.addAll(validateCommon(meta));
    return errs;
  }

  /** Validates an updated object's metadata against the stored one: identity fields are immutable. */
  public static List<FieldError> validateUpdate(ResourceType type, ObjectNode obj, ObjectNode old) {
    JsonNode meta = obj.path("metadata");
    JsonNode oldMeta = old.path("metadata");
    List<FieldError> errs = new ArrayList<>();
    if (!oldMeta.path("deletionTimestamp").isMissingNode() && !oldMeta.path("deletionTimestamp").isNull()) {
      Set<String> added = new LinkedHashSet<>(strings(meta.path("finalizers")));
      added.removeAll(strings(oldMeta.path("finalizers")));
      if (!added.isEmpty()) {
        errs.add(FieldError.forbidden("metadata.finalizers",
            "no new finalizers can be added if the object is being deleted, found new finalizers " + goStrings(added)));
      }
    }
    if (meta.path("generation").asLong(0) < oldMeta.path("generation").asLong(0)) {
      errs.add(FieldError.invalid("metadata.generation", meta.path("generation").asLong(0), "must not be decremented"));
    }
    for (String field : List.of("name", "namespace", "uid", "creationTimestamp")) {
      String now = text(meta, field);
      if (!now.equals(text(oldMeta, field))) {
        errs.add(FieldError.invalid("metadata." + field, now, "field is immutable"));
      }
    }
    errs.addAll(validateCommon(meta));
    return errs;
  }

  private static List<FieldError> validateCommon(JsonNode meta) {
    List<FieldError> errs = new ArrayList<>();
    if (meta.path("generation").asLong(0) < 0) {
      errs.add(FieldError.invalid("metadata.generation", meta.path("generation").asLong(),
          "must be greater than or equal to 0"));
    }
    errs.addAll(NameRules.validateLabels(meta.get("labels"), "metadata.labels"));
    errs.addAll(NameRules.validateAnnotations(meta.get("annotations"), "metadata.annotations"));
    errs.addAll(validateOwnerReferences(meta.path("ownerReferences")));
    for (String finalizer : strings(meta.path("finalizers"))) {
      for (String msg : NameRules.qualifiedName(finalizer)) {
        errs.add(FieldError.invalid("metadata.finalizers", finalizer, msg));
      }
    }
    return errs;
  }

  // Kubernetes reports owner reference problems without the list index.
  private static List<FieldError> validateOwnerReferences(JsonNode refs) {
    List<FieldError> errs = new ArrayList<>();
    String path = "metadata.ownerReferences";
    String firstController = null;
    for (JsonNode ref : refs) {
      String apiVersion = text(ref, "apiVersion");
      String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
      if (version.isEmpty()) {
        errs.add(FieldError.invalid(path + ".apiVersion", apiVersion, "version must not be empty"));
      }
      if (text(ref, "kind").isEmpty()) {
        errs.add(FieldError.invalid(path + ".kind", "", "kind must not be empty"));
      }
      if (text(ref, "name").isEmpty()) {
        errs.add(FieldError.invalid(path + ".name", "", "name must not be empty"));
      }
      if (text(ref, "uid").isEmpty()) {
        errs.add(FieldError.invalid(path + ".uid", "", "uid must not be empty"));
      }
      if (ref.path("controller").asBoolean(false)) {
        String current = text(ref, "kind") + "/" + text(ref, "name");
        if (firstController != null) {
          errs.add(FieldError.invalid(path, refs.toString(), "Only one reference can have Controller set to true."
              + " Found \"true\" in references for " + firstController + " and " + current));
        } else {
          firstController = current;
        }
      }
    }
    return errs;
  }

  private static String maskTrailingDash(String name) {
    return name.length() > 1 && name.endsWith("-") ? name.substring(0, name.length() - 1) + "a" : name;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isMissingNode() || v.isNull() ? "" : v.asText();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      out.add(n.asText());
    }
    return out;
  }

  private static String goStrings(Set<String> values) {
    StringBuilder sb = new StringBuilder("[]string{");
    int i = 0;
    for (String v : values) {
      sb.append(i++ > 0 ? ", " : "").append('"').append(v).append('"');
    }
    return sb.append('}').toString();
  }
}

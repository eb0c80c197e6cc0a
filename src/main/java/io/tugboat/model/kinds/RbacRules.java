package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import io.tugboat.model.NameRules;
import java.util.ArrayList;
import java.util.List;

/** Admission of RBAC roles and bindings: rules need verbs and targets; a binding's roleRef never changes. */
public final class RbacRules {

  /** Role rules. */
  public static final KindRules ROLE = new Role(true);
  /** ClusterRole rules. */
  public static final KindRules CLUSTER_ROLE = new Role(false);
  /** RoleBinding rules. */
  public static final KindRules ROLE_BINDING = new Binding(true);
  /** ClusterRoleBinding rules. */
  public static final KindRules CLUSTER_ROLE_BINDING = new Binding(false);

  private static final String GROUP = "rbac.authorization.k8s.io";

  private RbacRules() {}

  /** Role or ClusterRole: every policy rule is checked (an aggregated ClusterRole's rules are the controller's). */
  private record Role(boolean namespaced) implements KindRules {
    @Override
    public List<FieldError> validate(ObjectNode role) {
      List<FieldError> errs = new ArrayList<>();
      if (!namespaced && role.path("aggregationRule").isObject()) {
        return errs;
      }
      int i = 0;
      for (JsonNode rule : role.path("rules")) {
        String at = "rules[" + i++ + "]";
        if (rule.path("verbs").size() == 0) {
          errs.add(FieldError.required(at + ".verbs", "verbs must contain at least one value"));
        }
        JsonNode urls = rule.path("nonResourceURLs");
        if (urls.size() > 0) {
          if (namespaced) {
            errs.add(FieldError.invalid(at + ".nonResourceURLs", Fields.raw(urls.toString()),
                "namespaced rules cannot apply to non-resource URLs"));
          }
          if (rule.path("apiGroups").size() > 0 || rule.path("resources").size() > 0
              || rule.path("resourceNames").size() > 0) {
            errs.add(FieldError.invalid(at + ".nonResourceURLs", Fields.raw(urls.toString()),
                "rules cannot apply to both regular resources and non-resource URLs"));
          }
          continue;
        }
        if (rule.path("apiGroups").size() == 0) {
          errs.add(FieldError.required(at + ".apiGroups", "resource rules must supply at least one api group"));
        }
        if (rule.path("resources").size() == 0) {
          errs.add(FieldError.required(at + ".resources", "resource rules must supply at least one resource"));
        }
      }
      return errs;
    }
  }

  /** RoleBinding or ClusterRoleBinding: a well-formed roleRef and subjects. */
  private record Binding(boolean namespaced) implements KindRules {
    @Override
    public List<FieldError> validate(ObjectNode binding) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode ref = binding.path("roleRef");
      if (!text(ref, "apiGroup").equals(GROUP)) {
        errs.add(FieldError.notSupported("roleRef.apiGroup", text(ref, "apiGroup"), List.of(GROUP)));
      }
      List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
      if (!kinds.contains(text(ref, "kind"))) {
        errs.add(FieldError.notSupported("roleRef.kind", text(ref, "kind"), kinds));
      }
      String name = text(ref, "name");
      if (name.isEmpty()) {
        errs.add(FieldError.required("roleRef.name"));
      } else {
        NameRules.pathSegmentName(name).forEach(m -> errs.add(FieldError.invalid("roleRef.name", name, m)));
      }
      int i = 0;
      for (JsonNode subject : binding.path("subjects")) {
        subject(errs, subject, "subjects[" + i++ + "]");
      }
      return errs;
    }

    private void subject(List<FieldError> errs, JsonNode subject, String at) {
      String name = text(subject, "name");
      if (name.isEmpty()) {
        errs.add(FieldError.required(at + ".name"));
      }
      String apiGroup = text(subject, "apiGroup");
      switch (text(subject, "kind")) {
        case "ServiceAccount" -> {
          if (!name.isEmpty()) {
            NameRules.dns1123Subdomain(name).forEach(m -> errs.add(FieldError.invalid(at + ".name", name, m)));
          }
          if (!apiGroup.isEmpty()) {
            errs.add(FieldError.notSupported(at + ".apiGroup", apiGroup, List.of("")));
          }
          if (!namespaced && text(subject, "namespace").isEmpty()) {
            errs.add(FieldError.required(at + ".namespace"));
          }
        }
        case "User", "Group" -> {
          if (!apiGroup.equals(GROUP)) {
            errs.add(FieldError.notSupported(at + ".apiGroup", apiGroup, List.of(GROUP)));
          }
        }
        default -> errs.add(FieldError.notSupported(at + ".kind", text(subject, "kind"),
            List.of("ServiceAccount", "User", "Group")));
      }
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode binding, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode ref = binding.path("roleRef");
      if (!Fields.same(ref, old.path("roleRef"))) {
        errs.add(FieldError.invalid("roleRef", Fields.raw("rbac.RoleRef{APIGroup:\"" + text(ref, "apiGroup")
            + "\", Kind:\"" + text(ref, "kind") + "\", Name:\"" + text(ref, "name") + "\"}"), "cannot change roleRef"));
      }
      return errs;
    }
  }
}

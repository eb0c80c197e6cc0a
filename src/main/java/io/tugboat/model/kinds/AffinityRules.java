package io.tugboat.model.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.LabelSelectors;
import io.tugboat.model.NameRules;
import java.util.List;

/**
 * Validation of where a pod may run, worded as Kubernetes' ValidatePodSpec: nodeSelector, node affinity
 * (node selector terms with In, NotIn, Exists, DoesNotExist, Gt, Lt; matchFields on metadata.name), pod
 * (anti-)affinity terms, and tolerations. A malformed term is rejected at create, never left to the scheduler.
 */
final class AffinityRules {

  private static final List<String> NODE_OPERATORS = List.of("DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn");
  private static final List<String> EFFECTS = List.of("NoExecute", "NoSchedule", "PreferNoSchedule");

  private AffinityRules() {}

  /** Validates spec.nodeSelector, spec.affinity and spec.tolerations of a PodSpec at {@code path}. */
  static void validate(List<FieldError> errs, JsonNode spec, String path) {
    errs.addAll(NameRules.validateLabels(spec.get("nodeSelector"), path + ".nodeSelector"));
    JsonNode affinity = spec.path("affinity");
    String at = path + ".affinity";
    JsonNode node = affinity.path("nodeAffinity");
    JsonNode required = node.get("requiredDuringSchedulingIgnoredDuringExecution");
    if (required != null && !required.isNull()) {
      String rp = at + ".nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
      if (required.path("nodeSelectorTerms").size() == 0) {
        errs.add(FieldError.required(rp, "must have at least one node selector term"));
      }
      int i = 0;
      for (JsonNode term : required.path("nodeSelectorTerms")) {
        nodeSelectorTerm(errs, term, rp + "[" + i++ + "]");
      }
    }
    int i = 0;
    for (JsonNode pref : node.path("preferredDuringSchedulingIgnoredDuringExecution")) {
      String pp = at + ".nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[" + i++ + "]";
      weight(errs, pref, pp);
      nodeSelectorTerm(errs, pref.path("preference"), pp + ".preference");
    }
    for (String kind : List.of("podAffinity", "podAntiAffinity")) {
      JsonNode pa = affinity.path(kind);
      int r = 0;
      for (JsonNode term : pa.path("requiredDuringSchedulingIgnoredDuringExecution")) {
        podAffinityTerm(errs, term, at + "." + kind + ".requiredDuringSchedulingIgnoredDuringExecution[" + r++ + "]");
      }
      int p = 0;
      for (JsonNode pref : pa.path("preferredDuringSchedulingIgnoredDuringExecution")) {
        String pp = at + "." + kind + ".preferredDuringSchedulingIgnoredDuringExecution[" + p++ + "]";
        weight(errs, pref, pp);
        podAffinityTerm(errs, pref.path("podAffinityTerm"), pp + ".podAffinityTerm");
      }
    }
    int t = 0;
    for (JsonNode toleration : spec.path("tolerations")) {
      toleration(errs, toleration, path + ".tolerations[" + t++ + "]");
    }
  }

  private static void weight(List<FieldError> errs, JsonNode pref, String path) {
    long w = pref.path("weight").asLong(0);
    if (w < 1 || w > 100) {
      errs.add(FieldError.invalid(path + ".weight", w, "must be in the range 1-100"));
    }
  }

  private static void nodeSelectorTerm(List<FieldError> errs, JsonNode term, String path) {
    int i = 0;
    for (JsonNode expr : term.path("matchExpressions")) {
      String at = path + ".matchExpressions[" + i++ + "]";
      String key = Fields.text(expr, "key");
      for (String msg : NameRules.qualifiedName(key)) {
        errs.add(FieldError.invalid(at + ".key", key, msg));
      }
      String op = Fields.text(expr, "operator");
      JsonNode values = expr.path("values");
      switch (op) {
        case "In", "NotIn" -> {
          if (values.size() == 0) {
            errs.add(FieldError.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (values.size() > 0) {
            errs.add(FieldError.forbidden(at + ".values",
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          }
        }
        case "Gt", "Lt" -> {
          if (values.size() != 1) {
            errs.add(FieldError.required(at + ".values",
                "must be specified single value when `operator` is 'Lt' or 'Gt'"));
          } else if (!values.get(0).asText().matches("-?[0-9]+")) {
            errs.add(FieldError.invalid(at + ".values[0]", values.get(0).asText(), "must be an integer"));
          }
        }
        default -> errs.add(FieldError.notSupported(at + ".operator", op, NODE_OPERATORS));
      }
      if (!op.equals("Gt") && !op.equals("Lt")) {
        int v = 0;
        for (JsonNode value : values) {
          for (String msg : NameRules.labelValue(value.asText())) {
            errs.add(FieldError.invalid(at + ".values[" + v + "]", value.asText(), msg));
          }
          v++;
        }
      }
    }
    int f = 0;
    for (JsonNode field : term.path("matchFields")) {
      String at = path + ".matchFields[" + f++ + "]";
      String key = Fields.text(field, "key");
      if (!key.equals("metadata.name")) {
        errs.add(FieldError.invalid(at + ".key", key, "not a valid field selector key"));
      }
      String op = Fields.text(field, "operator");
      if (!op.equals("In") && !op.equals("NotIn")) {
        errs.add(FieldError.notSupported(at + ".operator", op, List.of("In", "NotIn")));
      } else if (field.path("values").size() != 1) {
        errs.add(FieldError.required(at + ".values",
            "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
      }
    }
  }

  private static void podAffinityTerm(List<FieldError> errs, JsonNode term, String path) {
    errs.addAll(LabelSelectors.validate(term.get("labelSelector"), path + ".labelSelector"));
    errs.addAll(LabelSelectors.validate(term.get("namespaceSelector"), path + ".namespaceSelector"));
    int n = 0;
    for (JsonNode ns : term.path("namespaces")) {
      for (String msg : NameRules.dns1123Label(ns.asText())) {
        errs.add(FieldError.invalid(path + ".namespaces[" + n + "]", ns.asText(), msg));
      }
      n++;
    }
    String key = Fields.text(term, "topologyKey");
    if (key.isEmpty()) {
      errs.add(FieldError.required(path + ".topologyKey", "can not be empty"));
    } else {
      for (String msg : NameRules.qualifiedName(key)) {
        errs.add(FieldError.invalid(path + ".topologyKey", key, msg));
      }
    }
  }

  private static void toleration(List<FieldError> errs, JsonNode t, String path) {
    String key = Fields.text(t, "key");
    String op = Fields.text(t, "operator");
    if (!key.isEmpty()) {
      for (String msg : NameRules.qualifiedName(key)) {
        errs.add(FieldError.invalid(path + ".key", key, msg));
      }
    } else if (!op.equals("Exists")) {
      errs.add(FieldError.invalid(path + ".operator", op, "operator must be Exists when `key` is empty, which means"
          + " \"match all values and all keys\""));
    }
    switch (op) {
      case "", "Equal" -> {
        for (String msg : NameRules.labelValue(Fields.text(t, "value"))) {
          errs.add(FieldError.invalid(path + ".value", Fields.text(t, "value"), msg));
        }
      }
      case "Exists" -> {
        if (!Fields.text(t, "value").isEmpty()) {
          errs.add(FieldError.invalid(path + ".operator", t.path("value").asText(),
              "value must be empty when `operator` is 'Exists'"));
        }
      }
      default -> errs.add(FieldError.notSupported(path + ".operator", op, List.of("Equal", "Exists")));
    }
    String effect = Fields.text(t, "effect");
    if (!effect.isEmpty() && !EFFECTS.contains(effect)) {
      errs.add(FieldError.notSupported(path + ".effect", effect, EFFECTS));
    }
    if (Fields.has(t, "tolerationSeconds") && !effect.equals("NoExecute")) {
      errs.add(FieldError.invalid(path + ".effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is"
          + " set"));
    }
  }
}

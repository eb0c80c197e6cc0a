package io.tugboat.model.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.LabelSelectors;
import io.tugboat.model.NameRules;
import java.util.ArrayList;
import java.util.List;

/** Pod templates and selectors as controllers embed them: the checks every workload kind shares. */
final class Templates {

  static final String SELECTOR_MISMATCH = "`selector` does not match template `labels`";

  private Templates() {}

  /** Applies the PodSpec defaults to {@code template.spec}, if a template is present. */
  static void defaultTemplate(JsonNode template) {
    if (template instanceof ObjectNode t && t.get("spec") instanceof ObjectNode spec) {
      PodSpecRules.applyDefaults(spec);
    }
  }

  /** Validates a required label selector (a metav1.LabelSelector) that may not be empty. */
  static List<FieldError> selector(JsonNode spec, String path) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode selector = spec.get("selector");
    if (selector == null || selector.isNull()) {
      errs.add(FieldError.required(path));
      return errs;
    }
    errs.addAll(LabelSelectors.validate(selector, path));
    if (LabelSelectors.isEmpty(selector)) {
      errs.add(FieldError.invalid(path, Fields.raw(selector.toString()), "empty selector is invalid for deployment"));
    }
    return errs;
  }

  /**
   * Validates a pod template at {@code path}: metadata labels, the selector match, the PodSpec, and the restart
   * policies the owning controller supports.
   */
  static List<FieldError> template(JsonNode template, JsonNode selector, String path, List<String> restartPolicies) {
    List<FieldError> errs = new ArrayList<>();
    if (template == null || template.isNull() || template.isMissingNode()) {
      errs.add(FieldError.required(path));
      return errs;
    }
    JsonNode labels = template.path("metadata").path("labels");
    errs.addAll(NameRules.validateLabels(template.path("metadata").get("labels"), path + ".metadata.labels"));
    errs.addAll(NameRules.validateAnnotations(template.path("metadata").get("annotations"),
        path + ".metadata.annotations"));
    if (!LabelSelectors.isEmpty(selector) && !LabelSelectors.matches(selector, labels)) {
      errs.add(FieldError.invalid(path + ".metadata.labels", Fields.goMap(labels), SELECTOR_MISMATCH));
    }
    JsonNode podSpec = template.path("spec");
    errs.addAll(PodSpecRules.validate(podSpec, path + ".spec"));
    String restart = Fields.text(podSpec, "restartPolicy");
    if (!restart.isEmpty() && PodSpecRules.RESTART_POLICIES.contains(restart) && !restartPolicies.contains(restart)) {
      errs.add(FieldError.notSupported(path + ".spec.restartPolicy", restart, restartPolicies));
    }
    return errs;
  }

  /** The selector of a replication controller (a plain label map) as a metav1.LabelSelector. */
  static JsonNode mapSelector(JsonNode labels) {
    ObjectNode selector = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    if (labels != null && labels.isObject()) {
      selector.set("matchLabels", labels);
    }
    return selector;
  }

  /** Adds "field is immutable" when the field changed between old and new. */
  static void immutable(List<FieldError> errs, JsonNode now, JsonNode before, String path) {
    if (!Fields.same(missingAsNull(now), missingAsNull(before))) {
      errs.add(FieldError.invalid(path, Fields.raw(now == null || now.isMissingNode() ? "null" : now.toString()),
          "field is immutable"));
    }
  }

  private static JsonNode missingAsNull(JsonNode n) {
    return n == null || n.isMissingNode() ? com.fasterxml.jackson.databind.node.NullNode.instance : n;
  }
}

package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import io.tugboat.model.LabelSelectors;
import java.util.ArrayList;
import java.util.List;

/**
 * Admission of policy/v1 PodDisruptionBudgets: a selector, and exactly one of minAvailable and maxUnavailable,
 * each a non-negative integer or a percent up to 100%.
 */
public final class PolicyRules implements KindRules {

  /** The unhealthyPodEvictionPolicy values Kubernetes accepts. */
  private static final List<String> UNHEALTHY_POLICIES = List.of("IfHealthyBudget", "AlwaysAllow");

  @Override
  public List<FieldError> validate(ObjectNode pdb) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode spec = pdb.path("spec");
    // Kubernetes accepts a PDB without a selector (it selects nothing) or without either bound; we ask for both
    // up front, as `kubectl create pdb` does, since such a budget protects nothing.
    if (!has(spec, "selector")) {
      errs.add(FieldError.required("spec.selector"));
    } else {
      errs.addAll(LabelSelectors.validate(spec.get("selector"), "spec.selector"));
    }
    boolean min = has(spec, "minAvailable");
    boolean max = has(spec, "maxUnavailable");
    if (min && max) {
      errs.add(FieldError.invalid("spec", Fields.raw(spec.toString()),
          "minAvailable and maxUnavailable cannot be both set"));
    } else if (!min && !max) {
      errs.add(FieldError.required("spec.minAvailable", "one of minAvailable or maxUnavailable is required"));
    }
    for (String f : List.of("minAvailable", "maxUnavailable")) {
      IntOrPercent.validatePositive(errs, spec.get(f), "spec." + f);
      IntOrPercent.notMoreThan100(errs, spec.get(f), "spec." + f);
    }
    Fields.oneOf(errs, spec, "unhealthyPodEvictionPolicy", "spec.unhealthyPodEvictionPolicy", UNHEALTHY_POLICIES);
    return errs;
  }
}

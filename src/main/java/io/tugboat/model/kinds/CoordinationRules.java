package io.tugboat.model.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import java.util.ArrayList;
import java.util.List;

/** Admission of Leases: a positive duration and a non-negative transition count. */
public final class CoordinationRules implements KindRules {

  @Override
  public List<FieldError> validate(ObjectNode lease) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode spec = lease.path("spec");
    if (Fields.has(spec, "leaseDurationSeconds") && spec.get("leaseDurationSeconds").asLong() <= 0) {
      errs.add(FieldError.invalid("spec.leaseDurationSeconds", spec.get("leaseDurationSeconds").asLong(),
          "must be greater than 0"));
    }
    Fields.nonNegative(errs, spec, "leaseTransitions", "spec.leaseTransitions");
    return errs;
  }
}

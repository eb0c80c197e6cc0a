package io.tugboat.api.printers;

import com.fasterxml.jackson.databind.JsonNode;

/** Columns of policy/v1 PodDisruptionBudget, as Kubernetes' printers.go declares them. */
final class PolicyPrinters {

  private PolicyPrinters() {}

  static Printer podDisruptionBudget() {
    return Printer.named()
        .string("Min Available", "The minimum number of pods that must be available.",
            (o, now) -> intOrPercent(o.path("spec").path("minAvailable")))
        .string("Max Unavailable", "The maximum number of pods that may be unavailable.",
            (o, now) -> intOrPercent(o.path("spec").path("maxUnavailable")))
        .integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time.",
            (o, now) -> o.path("status").path("disruptionsAllowed").asLong(0))
        .age()
        .build();
  }

  /** An int-or-string as Kubernetes prints it, N/A when unset. */
  private static String intOrPercent(JsonNode v) {
    return v.isMissingNode() || v.isNull() ? "N/A" : v.asText();
  }
}

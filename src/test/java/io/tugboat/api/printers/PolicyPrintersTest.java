package io.tugboat.api.printers;

import static io.tugboat.api.printers.Rows.assertCells;
import static io.tugboat.api.printers.Rows.assertColumns;

import org.junit.jupiter.api.Test;

class PolicyPrintersTest {

  @Test
  void podDisruptionBudgetShowsBoundsAndAllowedDisruptions() {
    assertColumns("PodDisruptionBudget", "Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age");
    assertCells("PodDisruptionBudget", """
        metadata: {name: web, namespace: default, creationTimestamp: "2026-11-22T11:58:00Z"}
        spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}
        status: {disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3}
        """, "web", "2", "N/A", 1L, "2m");
    assertCells("PodDisruptionBudget", """
        metadata: {name: db, creationTimestamp: "2026-11-22T11:00:00Z"}
        spec: {maxUnavailable: "25%"}
        """, "db", "N/A", "25%", 0L, "60m");
  }
}

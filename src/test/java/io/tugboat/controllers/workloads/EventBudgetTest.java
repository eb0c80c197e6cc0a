package io.tugboat.controllers.workloads;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The event spam filter: 25 at once, then one per 5 minutes. */
class EventBudgetTest {

  @Test
  void allowsABurstOf25ThenOneEveryFiveMinutes() {
    EventBudget budget = new EventBudget();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 25; i++) {
      assertTrue(budget.take(t), "event " + i);
    }
    assertFalse(budget.take(t));
    assertFalse(budget.take(t.plusSeconds(299)));
    assertTrue(budget.take(t.plusSeconds(300)));
    assertFalse(budget.take(t.plusSeconds(301)));
  }
}

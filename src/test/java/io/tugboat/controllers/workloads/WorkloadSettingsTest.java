package io.tugboat.controllers.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkloadSettingsTest {

  @Test
  void theErrorBackoffDoublesWithEachFailedStepUpToItsCap() {
    WorkloadSettings s = new WorkloadSettings(Duration.ofSeconds(30), 500, Duration.ofSeconds(1),
        Duration.ofSeconds(10));
    assertEquals(Duration.ofSeconds(1), s.backoffAfter(1));
    assertEquals(Duration.ofSeconds(2), s.backoffAfter(2));
    assertEquals(Duration.ofSeconds(8), s.backoffAfter(4));
    assertEquals(Duration.ofSeconds(10), s.backoffAfter(5));
    assertEquals(Duration.ofSeconds(10), s.backoffAfter(1_000));
  }

  @Test
  void readsTheShippedDefaults() {
    WorkloadSettings s = WorkloadSettings.create(com.typesafe.config.ConfigFactory.load());
    assertEquals(Duration.ofSeconds(1), s.errorBackoff());
    assertEquals(Duration.ofMinutes(5), s.errorBackoffMax());
  }
}

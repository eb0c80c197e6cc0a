package io.tugboat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatenciesTest {
  @Test
  void percentilesAreNearestRankOverSortedSamples() {
    Latencies lat = new Latencies();
    for (int i = 100; i >= 1; i--) {
      lat.add(i * 1_000_000L);
    }
    Latencies.Summary s = lat.summary();
    assertEquals(50.0, s.millis(0.50));
    assertEquals(99.0, s.millis(0.99));
    assertEquals(100.0, s.maxMillis());
  }

  @Test
  void growsPastItsInitialCapacityAndMerges() {
    Latencies a = new Latencies();
    Latencies b = new Latencies();
    for (int i = 0; i < 3000; i++) {
      a.add(1);
      b.add(2);
    }
    a.addAll(b);
    assertEquals(6000, a.count());
  }

  @Test
  void emptySamplesSummariseAsZero() {
    assertEquals(0.0, new Latencies().summary().millis(0.99));
  }
}

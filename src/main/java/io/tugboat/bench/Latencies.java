package io.tugboat.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, summarised by sorting (no histogram library): nearest-rank percentiles.
 */
final class Latencies {
  private long[] nanos = new long[1024];
  private int size;

  void add(long n) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = n;
  }

  void addAll(Latencies other) {
    for (int i = 0; i < other.size; i++) {
      add(other.nanos[i]);
    }
  }

  int count() {
    return size;
  }

  /** A sorted copy of the samples, summarised. */
  Summary summary() {
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    return new Summary(sorted);
  }

  /** Percentiles over sorted samples. */
  record Summary(long[] sorted) {
    /** Nearest rank: the smallest sample with at least q of all samples at or below it; 0 if none. */
    double millis(double q) {
      if (sorted.length == 0) {
        return 0;
      }
      int rank = (int) Math.ceil(q * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    double maxMillis() {
      return sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
    }
  }
}

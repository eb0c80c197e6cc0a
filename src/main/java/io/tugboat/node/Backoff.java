package io.tugboat.node;

import java.time.Duration;

/**
 * The kubelet's crash-loop back-off: the first restart is at once, each following one waits {@code base} doubled
 * per restart up to {@code max}; a container that ran at least {@code resetAfter} starts the count again.
 */
public record Backoff(Duration base, Duration max, Duration resetAfter) {

  /** Kubernetes' values: 10 s doubling to 5 min, reset after 10 min of running. */
  public static final Backoff KUBERNETES = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5),
      Duration.ofMinutes(10));

  /** The wait before restart number {@code step} (0: the first restart, at once). */
  public Duration delay(int step) {
    if (step <= 0) {
      return Duration.ZERO;
    }
    Duration d = base;
    for (int i = 1; i < step; i++) {
      d = d.multipliedBy(2);
      if (d.compareTo(max) >= 0) {
        return max;
      }
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** The step of the restart after a run that lasted {@code ran}: one more, or 0 after a long enough run. */
  public int nextStep(int step, Duration ran) {
    return ran != null && ran.compareTo(resetAfter) >= 0 ? 0 : step + 1;
  }
}

package io.tugboat.node;

/** Durations as Go's time.Duration prints them, which the kubelet's messages carry: "10s", "1m20s", "5m0s". */
final class HumanDurations {
  private HumanDurations() {}

  /** Whole seconds in Go's format. */
  static String go(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return minutes + "m" + (seconds % 60) + "s";
    }
    return (minutes / 60) + "h" + (minutes % 60) + "m" + (seconds % 60) + "s";
  }
}

package io.tugboat.controllers.workloads;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code tugboat.workloads} settings, read once. A loop whose writes keep failing waits {@code errorBackoff},
 * doubling at each failed step up to {@code errorBackoffMax} (Kubernetes' per-item exponential requeue).
 */
public record WorkloadSettings(Duration resyncPeriod, int burst, Duration errorBackoff, Duration errorBackoffMax,
    JobSettings job) {

  /** Settings with the default cap on the error backoff (5 minutes) and Kubernetes' Job back-off. */
  public WorkloadSettings(Duration resyncPeriod, int burst, Duration errorBackoff) {
    this(resyncPeriod, burst, errorBackoff, Duration.ofMinutes(5), JobSettings.DEFAULT);
  }

  /** Settings with Kubernetes' Job back-off. */
  public WorkloadSettings(Duration resyncPeriod, int burst, Duration errorBackoff, Duration errorBackoffMax) {
    this(resyncPeriod, burst, errorBackoff, errorBackoffMax, JobSettings.DEFAULT);
  }

  /** Reads {@code tugboat.workloads}. */
  public static WorkloadSettings create(Config config) {
    Config c = config.getConfig("tugboat.workloads");
    return new WorkloadSettings(c.getDuration("resync-period"), c.getInt("burst-replicas"),
        c.getDuration("error-backoff"), c.getDuration("error-backoff-max"), JobSettings.create(config));
  }

  /** The wait after {@code failedSteps} (at least 1) failed steps in a row. */
  public Duration backoffAfter(int failedSteps) {
    Duration wait = errorBackoff;
    for (int i = 1; i < failedSteps && wait.compareTo(errorBackoffMax) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(errorBackoffMax) > 0 ? errorBackoffMax : wait;
  }
}

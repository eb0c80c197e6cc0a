package io.tugboat.controllers.workloads;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code tugboat.workloads.job} settings: the back-off before a Job replaces failed pods. */
public record JobSettings(Duration backoffBase, Duration backoffMax) {

  /** Kubernetes' own: 10 s doubling per failure, at most 6 minutes. */
  public static final JobSettings DEFAULT = new JobSettings(Duration.ofSeconds(10), Duration.ofMinutes(6));

  /** Reads {@code tugboat.workloads.job}, the defaults where absent. */
  public static JobSettings create(Config config) {
    String path = "tugboat.workloads.job";
    if (!config.hasPath(path)) {
      return DEFAULT;
    }
    Config c = config.getConfig(path);
    return new JobSettings(c.hasPath("pod-failure-backoff") ? c.getDuration("pod-failure-backoff")
        : DEFAULT.backoffBase(), c.hasPath("pod-failure-backoff-max") ? c.getDuration("pod-failure-backoff-max")
        : DEFAULT.backoffMax());
  }

  /** The wait before creating a pod after {@code failures} failures in a row (none: zero). */
  public Duration backoff(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    Duration d = backoffBase;
    for (int i = 1; i < failures && d.compareTo(backoffMax) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(backoffMax) > 0 ? backoffMax : d;
  }
}

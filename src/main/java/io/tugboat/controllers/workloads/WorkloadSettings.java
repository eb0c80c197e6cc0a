package io.tugboat.controllers.workloads;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code tugboat.workloads} settings, read once. */
public record WorkloadSettings(Duration resyncPeriod, int burst, Duration errorBackoff) {

  /** Reads {@code tugboat.workloads}. */
  public static WorkloadSettings create(Config config) {
    Config c = config.getConfig("tugboat.workloads");
    return new WorkloadSettings(c.getDuration("resync-period"), c.getInt("burst-replicas"),
        c.getDuration("error-backoff"));
  }
}

package io.tugboat.scheduler;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The scheduler's configuration, read once from {@code tugboat.scheduler}.
 *
 * @param seed tie-breaking seed; 0 picks one at start
 */
public record SchedulerSettings(int percentageOfNodesToScore, int maxBindsInFlight, int batchSize,
    Duration initialBackoff, Duration maxBackoff, Duration unschedulableFlushInterval,
    Duration unschedulableMaxWait, long seed) {

  /** The settings under {@code tugboat.scheduler}. */
  public static SchedulerSettings create(Config config) {
    Config c = config.getConfig("tugboat.scheduler");
    return new SchedulerSettings(c.getInt("percentage-of-nodes-to-score"), c.getInt("max-binds-in-flight"),
        c.getInt("batch-size"), c.getDuration("initial-backoff"), c.getDuration("max-backoff"),
        c.getDuration("unschedulable-flush-interval"), c.getDuration("unschedulable-max-wait"), c.getLong("seed"));
  }
}

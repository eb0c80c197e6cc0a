package io.tugboat.controllers.cronjob;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code tugboat.cronjob} settings, read once. */
public record CronJobSettings(boolean enabled, Duration errorBackoff, Duration maxErrorBackoff) {

  /** Reads {@code tugboat.cronjob}. */
  public static CronJobSettings create(Config config) {
    Config c = config.getConfig("tugboat.cronjob");
    return new CronJobSettings(c.getBoolean("enabled"), c.getDuration("error-backoff"),
        c.getDuration("max-error-backoff"));
  }
}

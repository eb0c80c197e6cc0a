package io.tugboat.controllers;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The node lifecycle controller's settings, read once from {@code tugboat.node-lifecycle}.
 *
 * @param gracePeriod how long a node may show no sign of life before it is marked Unknown and tainted
 * @param defaultEvictionToleration the tolerationSeconds pod admission gives every pod for not-ready/unreachable
 * @param monitorPeriod how often every node is re-examined even when nothing changed
 */
public record NodeLifecycleSettings(Duration gracePeriod, Duration defaultEvictionToleration,
    Duration monitorPeriod) {

  /** The settings under {@code tugboat.node-lifecycle} of this configuration. */
  public static NodeLifecycleSettings create(Config config) {
    Config c = config.getConfig("tugboat.node-lifecycle");
    return new NodeLifecycleSettings(c.getDuration("grace-period"), c.getDuration("default-eviction-toleration"),
        c.getDuration("monitor-period"));
  }
}

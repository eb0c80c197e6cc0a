package io.tugboat.controllers.autoscaling;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The horizontal pod autoscaler's settings, read once from {@code tugboat.hpa} ({@code hpa.conf}).
 *
 * @param enabled whether the controller runs
 * @param syncPeriod how often every HPA is reconciled
 * @param tolerance usage ratios within this of 1.0 change nothing
 * @param cpuInitializationPeriod how long after a pod's start its CPU samples are doubted
 * @param initialReadinessDelay a pod not ready within this of its start counts as never ready yet
 * @param downscaleStabilization the scale-down window without behavior, and behavior's default
 * @param metricsTimeout how long each usage server is given per sync
 */
public record HpaSettings(boolean enabled, Duration syncPeriod, double tolerance, Duration cpuInitializationPeriod,
    Duration initialReadinessDelay, Duration downscaleStabilization, Duration metricsTimeout) {

  /** The settings under {@code tugboat.hpa} of this configuration. */
  public static HpaSettings create(Config config) {
    Config c = config.getConfig("tugboat.hpa");
    return new HpaSettings(c.getBoolean("enabled"), c.getDuration("sync-period"), c.getDouble("tolerance"),
        c.getDuration("cpu-initialization-period"), c.getDuration("initial-readiness-delay"),
        c.getDuration("downscale-stabilization"), c.getDuration("metrics-timeout"));
  }

  /** The reconcile step's part of the settings. */
  HpaSync.Settings sync() {
    return new HpaSync.Settings(new ReplicaCalculator.Params(tolerance, cpuInitializationPeriod,
        initialReadinessDelay), downscaleStabilization);
  }
}

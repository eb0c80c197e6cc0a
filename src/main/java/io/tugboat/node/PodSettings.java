package io.tugboat.node;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;

/**
 * How a node agent runs pods ({@code tugboat.node.pods}): the restart back-off, where pod volumes live
 * (null: volumes are not prepared, as on hollow nodes), the host paths hostPath volumes may use, and the cluster
 * DNS servers and domain written into pods' resolv.conf, and whether Normal events (Pulled, Created, Started ...)
 * are written (hollow nodes write only Warnings, so a scale test measures scheduling, not event writes).
 */
public record PodSettings(Backoff backoff, Path podsDir, List<String> allowedHostPaths, List<String> clusterDns,
    String clusterDomain, boolean normalEvents) {

  /** Kubernetes' back-off, no volumes, no cluster DNS: what hollow nodes and tests without volumes use. */
  public static final PodSettings SIMULATED = new PodSettings(Backoff.KUBERNETES, null, List.of("/"), List.of(),
      "cluster.local", true);

  /** Reads {@code tugboat.node.pods}; pod directories go under {@code dataDir}/pods. */
  public static PodSettings create(Config config, Path dataDir) {
    Config c = config.getConfig("tugboat.node.pods");
    return new PodSettings(new Backoff(c.getDuration("backoff-base"), c.getDuration("backoff-max"),
        c.getDuration("backoff-reset")), dataDir.resolve("pods"), c.getStringList("allowed-host-paths"),
        c.getStringList("cluster-dns"), c.getString("cluster-domain"), true);
  }

  /** These settings with another back-off. */
  public PodSettings withBackoff(Backoff b) {
    return new PodSettings(b, podsDir, allowedHostPaths, clusterDns, clusterDomain, normalEvents);
  }

  /** These settings with volumes under this directory. */
  public PodSettings withPodsDir(Path dir) {
    return new PodSettings(backoff, dir, allowedHostPaths, clusterDns, clusterDomain, normalEvents);
  }

  /** What hollow nodes run pods with: these back-off settings, no volumes on disk, Warning events only. */
  public PodSettings hollow() {
    return new PodSettings(backoff, null, allowedHostPaths, clusterDns, clusterDomain, false);
  }
}

package io.tugboat.runtime.process;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process runtime's settings ({@code tugboat.node.process-runtime}): where it keeps bundles, root filesystems
 * and sandbox state; the bridge and pod range; runc; the isolation level wanted; log rotation; the node's IP
 * (what host-network sandboxes report as their IP). A sandbox's relative log directory ("pods/ns_name_uid", as the
 * node agent names it) is taken under {@code logRoot}.
 */
public record ProcessRuntimeSettings(Path dataDir, Path logRoot, String bridge, String podCidr, String runc,
    String isolation, long logMaxBytes, int logMaxFiles, String hostIp, Duration logPollInterval) {

  /**
   * Reads {@code tugboat.node.process-runtime} of {@code config}; an empty data-dir means
   * {@code <tugboat.data-dir>/runtime}, an empty log-dir {@code <tugboat.data-dir>/logs}.
   */
  public static ProcessRuntimeSettings create(Config config, String podCidr, String hostIp) {
    Config c = config.getConfig("tugboat.node.process-runtime");
    String dir = c.getString("data-dir");
    Path dataDir = dir.isBlank() ? Path.of(config.getString("tugboat.data-dir"), "runtime") : Path.of(dir);
    String logs = c.getString("log-dir");
    Path logRoot = logs.isBlank() ? Path.of(config.getString("tugboat.data-dir"), "logs") : Path.of(logs);
    return new ProcessRuntimeSettings(dataDir.toAbsolutePath(), logRoot.toAbsolutePath(), c.getString("bridge"),
        podCidr, c.getString("runc"), c.getString("isolation"), c.getBytes("log-max-size"),
        c.getInt("log-max-files"), hostIp,
        c.getDuration("log-poll-interval"));
  }
}

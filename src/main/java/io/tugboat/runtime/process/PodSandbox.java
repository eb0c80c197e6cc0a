package io.tugboat.runtime.process;

import io.tugboat.runtime.ContainerRuntime.PortMapping;
import io.tugboat.runtime.ContainerRuntime.SandboxConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A pod sandbox of the process runtime: its network namespace (none with host networking), IP, host-port rules,
 * and the files its containers mount (hostname, hosts, resolv.conf). Saved as JSON in its directory so a runtime
 * started later finds it (and its IP stays taken).
 */
record PodSandbox(String id, String name, String namespace, String uid, int attempt, String hostname,
    String logDirectory, boolean hostNetwork, String ip, Instant createdAt, List<PortMapping> portMappings,
    boolean ready, String dir) {

  static PodSandbox of(String id, SandboxConfig config, String ip, Instant now, Path dir) {
    return new PodSandbox(id, config.name(), config.namespace(), config.uid(), config.attempt(),
        config.hostname() == null || config.hostname().isEmpty() ? config.name() : config.hostname(),
        config.logDirectory(), config.hostNetwork(), ip, now,
        config.portMappings() == null ? List.of() : config.portMappings(), true, dir.toString());
  }

  PodSandbox notReady() {
    return new PodSandbox(id, name, namespace, uid, attempt, hostname, logDirectory, hostNetwork, ip, createdAt,
        portMappings, false, dir);
  }

  Path path() {
    return Path.of(dir);
  }
}

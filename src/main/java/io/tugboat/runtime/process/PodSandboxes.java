package io.tugboat.runtime.process;

import io.tugboat.runtime.ContainerRuntime.RuntimeError;
import io.tugboat.runtime.ContainerRuntime.SandboxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process runtime's pod sandboxes: each one's network (through {@link PodNetwork}, none with host
 * networking or at the host isolation level), IP, host-port rules and the files its containers mount, saved by
 * {@link SandboxStore} so a later runtime finds them. Phases: READY (created) -stop-> NOTREADY -remove-> gone;
 * a sandbox found at start-up whose network namespace is gone is NOTREADY.
 */
final class PodSandboxes {
  private static final Logger log = LoggerFactory.getLogger(PodSandboxes.class);

  private final ProcessRuntimeSettings settings;
  private final Clock clock;
  private final IpPool pool;
  private final PodNetwork network;
  private final Path root;
  private final SandboxStore store;
  private final Map<String, PodSandbox> sandboxes = new LinkedHashMap<>();
  private final Map<String, List<List<String>>> portRules = new LinkedHashMap<>();

  /** Sandboxes under {@code <dataDir>/sandboxes}; {@code network} is null when pods use the host's network. */
  PodSandboxes(ProcessRuntimeSettings settings, Clock clock, IpPool pool, PodNetwork network) throws IOException {
    this.settings = settings;
    this.clock = clock;
    this.pool = pool;
    this.network = network;
    this.root = settings.dataDir().resolve("sandboxes");
    this.store = new SandboxStore(root);
    Files.createDirectories(root);
  }

  /** Creates a sandbox (blocking: ip, iptables); on failure removes what it made and throws a RuntimeError. */
  PodSandbox create(SandboxConfig config) {
    String id = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    boolean hostNet = config.hostNetwork() || network == null;
    String ip = hostNet ? settings.hostIp() : pool.allocate();
    Path dir = root.resolve(id);
    PodSandbox s = PodSandbox.of(id, config, ip, clock.instant(), dir);
    List<List<String>> rules = List.of();
    try {
      Files.createDirectories(dir);
      if (!hostNet) {
        network.addSandbox(id, ip);
        rules = network.portRules(id, ip, s.portMappings());
        network.addRules(rules);
      }
      Files.writeString(dir.resolve("hostname"), s.hostname() + "\n");
      Files.writeString(dir.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
          + ip + "\t" + s.hostname() + "\n");
      Files.writeString(dir.resolve("resolv.conf"), PodNetwork.resolvConf(config.dns(),
          HostFiles.readOrEmpty(Path.of("/etc/resolv.conf")), hostNet));
      store.save(s);
    } catch (IOException | RuntimeException e) {
      if (!hostNet) {
        network.deleteRules(rules);
        PodNetwork.removeSandbox(id);
        pool.release(ip);
      }
      HostFiles.deleteTree(dir);
      throw new RuntimeError("cannot create the sandbox of pod " + config.namespace() + "/" + config.name() + ": "
          + e.getMessage());
    }
    synchronized (this) {
      sandboxes.put(id, s);
      portRules.put(id, rules);
    }
    return s;
  }

  synchronized Optional<PodSandbox> get(String id) {
    return Optional.ofNullable(sandboxes.get(id));
  }

  synchronized List<PodSandbox> all() {
    return new ArrayList<>(sandboxes.values());
  }

  /** Marks a sandbox NOTREADY (its containers are stopped). */
  synchronized void markNotReady(String id) {
    PodSandbox current = sandboxes.get(id);
    if (current != null && current.ready()) {
      sandboxes.put(id, current.notReady());
      store.save(current.notReady());
    }
  }

  /** Removes a sandbox (its containers already removed): network, rules, files, its pod's logs. */
  void remove(String id) {
    PodSandbox s;
    List<List<String>> rules;
    synchronized (this) {
      s = sandboxes.remove(id);
      rules = portRules.remove(id);
    }
    if (s != null) {
      tearDown(s, rules);
    }
  }

  /** Removes every sandbox left, then the network's bridge and rules. */
  void removeAll() {
    for (PodSandbox s : all()) {
      remove(s.id());
    }
    if (network != null) {
      network.close();
    }
  }

  /**
   * Takes over the sandboxes a runtime that died left on this data dir: kept with their IPs while their network
   * namespaces exist (their pods' next containers join them), NOTREADY otherwise.
   */
  void recover() {
    for (PodSandbox s : store.loadAll()) {
      boolean alive = s.hostNetwork() || network == null || PodNetwork.exists(s.id());
      if (alive && !s.hostNetwork() && network != null) {
        pool.reserve(s.ip());
      }
      synchronized (this) {
        sandboxes.put(s.id(), alive ? s : s.notReady());
        portRules.put(s.id(), network == null || s.hostNetwork() ? List.of()
            : network.portRules(s.id(), s.ip(), s.portMappings()));
      }
      log.info("process runtime: found sandbox {} of pod {}/{} ({}, {})", s.id().substring(0, 12), s.namespace(),
          s.name(), s.ip(), alive ? "ready" : "its network is gone");
    }
  }

  private void tearDown(PodSandbox s, List<List<String>> rules) {
    if (network != null && !s.hostNetwork()) {
      network.deleteRules(rules == null ? List.of() : rules);
      PodNetwork.removeSandbox(s.id());
      pool.release(s.ip());
    }
    HostFiles.deleteTree(s.path());
    // The pod is gone with its sandbox, so are its logs (the kubelet removes them with the pod).
    Path logs = settings.logRoot().resolve(s.logDirectory()).normalize();
    if (logs.startsWith(settings.logRoot()) && !logs.equals(settings.logRoot())) {
      HostFiles.deleteTree(logs);
    }
  }
}

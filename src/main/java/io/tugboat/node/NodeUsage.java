package io.tugboat.node;

import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStats;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ContainerRuntime.SandboxState;
import io.tugboat.runtime.ContainerRuntime.SandboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest usage of one node and of each pod running on it, as its agent last measured it: what the metrics
 * API (metrics.k8s.io, kubectl top) serves. The node's usage is its pods' plus its own system usage.
 */
public record NodeUsage(String node, Instant timestamp, Duration window, Usage usage, Map<String, PodUsage> pods) {

  public NodeUsage {
    pods = Map.copyOf(pods);
  }

  /** CPU as a rate in nanocores (1e9 is one core) and memory working set in bytes. */
  public record Usage(long cpuNanoCores, long memoryBytes) {
    /** No usage. */
    public static final Usage ZERO = new Usage(0, 0);

    /** The sum of this and {@code other}. */
    public Usage plus(Usage other) {
      return new Usage(cpuNanoCores + other.cpuNanoCores, memoryBytes + other.memoryBytes);
    }
  }

  /** One container's usage. */
  public record ContainerUsage(String name, Usage usage) {}

  /** One pod's usage: its running containers in name order. */
  public record PodUsage(String namespace, String name, String uid, List<ContainerUsage> containers) {
    public PodUsage {
      containers = List.copyOf(containers);
    }

    /** The sum over its containers. */
    public Usage total() {
      return containers.stream().map(ContainerUsage::usage).reduce(Usage.ZERO, Usage::plus);
    }
  }

  /** The usage of pod {@code namespace/name} on this node, if it runs here and reported any. */
  public Optional<PodUsage> pod(String namespace, String name) {
    return Optional.ofNullable(pods.get(namespace + "/" + name));
  }

  /**
   * Joins what the runtime reported: each running container's stats, attributed through its sandbox to a pod.
   * Containers without stats, and sandboxes that are not ready, count for nothing; a pod without a measured
   * container is left out (as metrics-server leaves it out).
   */
  static NodeUsage build(String node, Instant now, Duration window, Usage system, List<SandboxStatus> sandboxes,
      List<ContainerStatus> containers, List<ContainerStats> stats) {
    Map<String, ContainerStats> statsById = new HashMap<>();
    stats.forEach(s -> statsById.put(s.containerId(), s));
    Map<String, SandboxStatus> ready = new HashMap<>();
    sandboxes.stream().filter(s -> s.state() == SandboxState.READY).forEach(s -> ready.put(s.id(), s));
    Map<String, List<ContainerUsage>> bySandbox = new LinkedHashMap<>();
    for (ContainerStatus c : containers) {
      ContainerStats s = statsById.get(c.id());
      if (s == null || c.state() != ContainerState.RUNNING || !ready.containsKey(c.sandboxId())) {
        continue;
      }
      bySandbox.computeIfAbsent(c.sandboxId(), k -> new ArrayList<>())
          .add(new ContainerUsage(c.name(), new Usage(s.cpuUsageNanoCores(), s.memoryWorkingSetBytes())));
    }
    Map<String, PodUsage> pods = new HashMap<>();
    Usage total = system;
    for (Map.Entry<String, List<ContainerUsage>> e : bySandbox.entrySet()) {
      SandboxStatus sandbox = ready.get(e.getKey());
      List<ContainerUsage> list = new ArrayList<>(e.getValue());
      list.sort(Comparator.comparing(ContainerUsage::name));
      PodUsage pod = new PodUsage(sandbox.namespace(), sandbox.name(), sandbox.uid(), list);
      pods.put(sandbox.namespace() + "/" + sandbox.name(), pod);
      total = total.plus(pod.total());
    }
    return new NodeUsage(node, now, window, total, pods);
  }
}

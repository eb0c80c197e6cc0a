package io.tugboat.node;

import com.typesafe.config.Config;
import io.tugboat.model.Quantity;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.process.ProcessRuntimeSettings;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code tugboat.node} configuration, read once: the host's node, the hollow nodes, and their clocks. Builds
 * the {@link NodeProfile} of each.
 */
public record NodeSettings(boolean enabled, String name, String runtime, String internalIp, String podCidr,
    int kubeletPort, Map<String, String> capacity, NodeTimings timings, NodeProfile.Thresholds thresholds,
    Duration startDelay, int hollowCount, Duration hollowLeaseInterval, Duration hollowStartDelay,
    int hollowStartConcurrency, Map<String, String> hollowCapacity, String kubeletVersion, Path dataDir,
    ProcessRuntimeSettings processRuntime) {

  /** Reads {@code tugboat.node} (and the API's Kubernetes version, the data dir). */
  public static NodeSettings create(Config config) {
    Config c = config.getConfig("tugboat.node");
    NodeTimings timings = new NodeTimings(c.getDuration("lease-renew-interval"), c.getDuration("lease-duration"),
        c.getDuration("status-update-interval"), c.getDuration("status-report-interval"),
        c.getDuration("retry-interval"), c.getDuration("metrics-interval"));
    NodeProfile.Thresholds thresholds = new NodeProfile.Thresholds(
        Quantity.parse(c.getString("pressure.memory-available")).longValue(),
        c.getInt("pressure.disk-available-percent"), c.getInt("pressure.pid-available-percent"));
    return new NodeSettings(c.getBoolean("enabled"), c.getString("name"), c.getString("runtime"),
        c.getString("internal-ip"), c.getString("pod-cidr"), c.getInt("kubelet-port"),
        quantities(c.getConfig("capacity")), timings, thresholds, c.getDuration("fake-runtime.start-delay"),
        c.getInt("hollow-count"), c.getDuration("hollow-lease-interval"), c.getDuration("hollow-start-delay"),
        Math.max(1, c.getInt("hollow-start-concurrency")), quantities(c.getConfig("hollow-capacity")),
        config.getString("tugboat.api.kubernetes-version"), Path.of(config.getString("tugboat.data-dir")),
        ProcessRuntimeSettings.create(config, c.getString("pod-cidr"), c.getString("internal-ip")));
  }

  /** The name of this host's node: configured, else the host name, lower-cased as the kubelet does. */
  public String hostNodeName() {
    if (!name.isBlank()) {
      return name.trim();
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
    return host.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The name of hollow node {@code index} (from 1): hollow-00001. */
  public static String hollowName(int index) {
    return String.format("hollow-%05d", index);
  }

  /**
   * The pod range of hollow node {@code index}: its own /24 in 10.128.0.0/9, so pod IPs are unique across 32,767
   * hollow nodes.
   */
  public static String hollowPodCidr(int index) {
    return "10." + (128 + index / 256) + "." + (index % 256) + ".0/24";
  }

  /** The timings of hollow nodes: the host node's, with their own Lease renew interval. */
  public NodeTimings hollowTimings() {
    return new NodeTimings(hollowLeaseInterval, timings.leaseDuration(), timings.statusUpdate(),
        timings.statusReport(), timings.retry(), timings.metrics());
  }

  /**
   * The host's node: capacity from configuration or from the host (processors, MemTotal, the data dir's disk);
   * allocatable is capacity less the eviction thresholds, as the kubelet reports it.
   */
  public NodeProfile hostProfile(HostReadings readings, String runtimeVersion, String readyMessage,
      ContainerRuntime.Isolation isolation) {
    String nodeName = hostNodeName();
    Map<String, String> cap = new LinkedHashMap<>();
    cap.put("cpu", capacity.getOrDefault("cpu", "").isEmpty()
        ? Integer.toString(Runtime.getRuntime().availableProcessors()) : capacity.get("cpu"));
    cap.put("ephemeral-storage", capacity.getOrDefault("ephemeral-storage", "").isEmpty()
        ? kibibytes(Math.max(0, readings.diskTotal())) : capacity.get("ephemeral-storage"));
    cap.put("memory", capacity.getOrDefault("memory", "").isEmpty()
        ? kibibytes(Math.max(0, readings.memoryTotal())) : capacity.get("memory"));
    cap.put("pods", capacity.getOrDefault("pods", "110"));
    Map<String, String> alloc = new LinkedHashMap<>(cap);
    BigDecimal memory = Quantity.parse(cap.get("memory"));
    alloc.put("memory", kibibytes(Math.max(0, memory.longValue() - thresholds.memoryAvailable())));
    BigDecimal disk = Quantity.parse(cap.get("ephemeral-storage"));
    alloc.put("ephemeral-storage", Long.toString(disk.multiply(BigDecimal.valueOf(100 - thresholds.diskAvailablePercent()))
        .divide(BigDecimal.valueOf(100), java.math.RoundingMode.DOWN).longValue()));
    String arch = HostReadings.architecture(System.getProperty("os.arch", ""));
    NodeProfile.NodeInfo info = new NodeProfile.NodeInfo(kubeletVersion,
        HostReadings.prettyName(HostReadings.readOrEmpty(Path.of("/etc/os-release"))),
        System.getProperty("os.version", ""), runtimeVersion, arch, "linux",
        HostReadings.readOrEmpty(Path.of("/etc/machine-id")).trim(),
        HostReadings.readOrEmpty(Path.of("/sys/class/dmi/id/product_uuid")).trim(),
        HostReadings.readOrEmpty(Path.of("/proc/sys/kernel/random/boot_id")).trim());
    return new NodeProfile(nodeName, labels(nodeName, arch), cap, alloc, internalIp, kubeletPort, info, thresholds,
        readyMessage, isolation);
  }

  /** Hollow node {@code index}: fixed capacity (allocatable the same), the host's OS, a made-up machine. */
  public NodeProfile hollowProfile(int index, String runtimeVersion) {
    String nodeName = hollowName(index);
    Map<String, String> cap = new LinkedHashMap<>();
    for (String k : new String[] {"cpu", "ephemeral-storage", "memory", "pods"}) {
      cap.put(k, hollowCapacity.getOrDefault(k, k.equals("pods") ? "110" : "0"));
    }
    String arch = HostReadings.architecture(System.getProperty("os.arch", ""));
    String id = UUID.nameUUIDFromBytes(nodeName.getBytes(StandardCharsets.UTF_8)).toString();
    NodeProfile.NodeInfo info = new NodeProfile.NodeInfo(kubeletVersion, "Tugboat hollow node",
        System.getProperty("os.version", ""), runtimeVersion, arch, "linux", id.replace("-", ""), id, id);
    return new NodeProfile(nodeName, labels(nodeName, arch), cap, Map.copyOf(cap), internalIp, kubeletPort, info,
        thresholds, "kubelet is posting ready status; hollow node: containers are simulated");
  }

  /** Readings of a hollow node: its capacity, never under pressure. */
  public HostReadings hollowReadings() {
    return HostReadings.idle(Quantity.parse(hollowCapacity.getOrDefault("memory", "0")).longValue(),
        Quantity.parse(hollowCapacity.getOrDefault("ephemeral-storage", "0")).longValue());
  }

  /** The well-known labels the kubelet sets: hostname, os, arch (and their beta twins kubectl still reads). */
  static Map<String, String> labels(String nodeName, String arch) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("beta.kubernetes.io/arch", arch);
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", arch);
    labels.put("kubernetes.io/hostname", nodeName);
    labels.put("kubernetes.io/os", "linux");
    return labels;
  }

  /** Bytes as the kubelet writes memory: in Ki. */
  static String kibibytes(long bytes) {
    return (bytes / 1024) + "Ki";
  }

  private static Map<String, String> quantities(Config c) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String k : c.root().keySet()) {
      values.put(k, c.getString(k));
    }
    return values;
  }
}

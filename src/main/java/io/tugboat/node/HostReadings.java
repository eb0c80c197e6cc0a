package io.tugboat.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a node reports about its host at one moment: memory (bytes), the data dir's disk (bytes) and process ids
 * in use. Parsed from /proc where it exists (Linux); a reading that cannot be taken is -1 and raises no pressure.
 */
public record HostReadings(long memoryTotal, long memoryAvailable, long diskTotal, long diskAvailable, long pidMax,
    long pidsInUse) {

  /** Takes readings of a host; the live one reads /proc, hollow nodes have fixed ones. */
  @FunctionalInterface
  public interface Probe {
    /** The readings now. */
    HostReadings read();
  }

  /** Readings without pressure for a simulated node of this memory and disk. */
  public static HostReadings idle(long memory, long disk) {
    return new HostReadings(memory, memory, disk, disk, 4_194_304, 0);
  }

  /** A probe of this host: /proc/meminfo, /proc/loadavg, /proc/sys/kernel/pid_max and the data dir's file store. */
  public static Probe live(Path dataDir) {
    return () -> {
      Map<String, Long> mem = parseMeminfo(readOrEmpty(Path.of("/proc/meminfo")));
      long total = mem.getOrDefault("MemTotal", -1L);
      long available = mem.getOrDefault("MemAvailable", -1L);
      if (total < 0 && ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        total = os.getTotalMemorySize();
        available = os.getFreeMemorySize();
      }
      long diskTotal = -1;
      long diskAvailable = -1;
      try {
        FileStore store = Files.getFileStore(existing(dataDir));
        diskTotal = store.getTotalSpace();
        diskAvailable = store.getUsableSpace();
      } catch (IOException e) {
        // no reading: no DiskPressure from it
      }
      long pidMax = parseLong(readOrEmpty(Path.of("/proc/sys/kernel/pid_max")).trim()).orElse(-1);
      long inUse = parseLoadavgThreads(readOrEmpty(Path.of("/proc/loadavg"))).orElse(-1);
      return new HostReadings(total, available, diskTotal, diskAvailable, pidMax, inUse);
    };
  }

  /** /proc/meminfo as bytes per field ("MemTotal: 16316412 kB" is 16316412 * 1024). */
  public static Map<String, Long> parseMeminfo(String text) {
    Map<String, Long> values = new HashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String[] parts = line.substring(colon + 1).trim().split("\\s+");
      OptionalLong n = parseLong(parts[0]);
      if (n.isEmpty()) {
        continue;
      }
      long unit = parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? 1024 : 1;
      values.put(line.substring(0, colon).trim(), n.getAsLong() * unit);
    }
    return values;
  }

  /**
   * The number of threads (each holds a pid) from /proc/loadavg: "0.20 0.18 0.12 1/80 11206" has 80. The kubelet
   * counts processes the same way for PIDPressure.
   */
  public static OptionalLong parseLoadavgThreads(String text) {
    String[] fields = text.trim().split("\\s+");
    if (fields.length < 4 || !fields[3].contains("/")) {
      return OptionalLong.empty();
    }
    return parseLong(fields[3].substring(fields[3].indexOf('/') + 1));
  }

  /** PRETTY_NAME from /etc/os-release ("Debian GNU/Linux 12 (bookworm)"), unquoted; "Linux" when absent. */
  public static String prettyName(String osRelease) {
    for (String line : osRelease.split("\n")) {
      if (line.startsWith("PRETTY_NAME=")) {
        String v = line.substring("PRETTY_NAME=".length()).trim();
        if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'")) && v.endsWith(v.substring(0, 1))) {
          v = v.substring(1, v.length() - 1);
        }
        return v.replace("\\\"", "\"");
      }
    }
    return "Linux";
  }

  /** The Kubernetes (GOARCH) name of a JVM os.arch: amd64, arm64, or the JVM's name for anything else. */
  public static String architecture(String osArch) {
    return switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> osArch.toLowerCase(Locale.ROOT);
    };
  }

  /**
   * The file's text, or "" when it cannot be read (not Linux). Read as a stream: /proc files report size 0, and
   * Files.readString then gets only the first byte of some (/proc/sys/kernel/pid_max read as "3").
   */
  static String readOrEmpty(Path file) {
    try (var in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static Path existing(Path dir) {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? Path.of("/") : p;
  }

  private static OptionalLong parseLong(String s) {
    try {
      return OptionalLong.of(Long.parseLong(s));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}

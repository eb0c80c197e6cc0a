package io.tugboat.node;

import java.nio.file.Path;
import java.util.Map;

/**
 * A node's own usage outside its pods (the system overhead metrics add to the pods'): read from /proc for this
 * host's node, fixed for hollow ones.
 */
@FunctionalInterface
public interface SystemUsage {

  /** The usage now. */
  NodeUsage.Usage read();

  /** A constant reading, for simulated nodes. */
  static SystemUsage fixed(long cpuNanoCores, long memoryBytes) {
    NodeUsage.Usage usage = new NodeUsage.Usage(cpuNanoCores, memoryBytes);
    return () -> usage;
  }

  /**
   * This host: CPU busy share of /proc/stat since the previous reading (since boot for the first) times the
   * processors, memory MemTotal - MemAvailable; zero where /proc cannot be read. The fake runtime's pods use
   * nothing real, so adding their simulated usage to this does not count anything twice.
   */
  static SystemUsage live() {
    long[] previous = {0, 0};
    int processors = Runtime.getRuntime().availableProcessors();
    return () -> {
      long[] now = parseCpuJiffies(HostReadings.readOrEmpty(Path.of("/proc/stat")));
      long cpu;
      synchronized (previous) {
        cpu = cpuNanoCores(previous, now, processors);
        previous[0] = now[0];
        previous[1] = now[1];
      }
      Map<String, Long> mem = HostReadings.parseMeminfo(HostReadings.readOrEmpty(Path.of("/proc/meminfo")));
      long used = mem.containsKey("MemTotal") && mem.containsKey("MemAvailable")
          ? Math.max(0, mem.get("MemTotal") - mem.get("MemAvailable")) : 0;
      return new NodeUsage.Usage(cpu, used);
    };
  }

  /**
   * The aggregate "cpu" line of /proc/stat as {busy, total} jiffies: busy is user, nice, system, irq, softirq
   * and steal; total adds idle and iowait (guest time is already in user). {0, 0} when absent.
   */
  static long[] parseCpuJiffies(String procStat) {
    for (String line : procStat.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 8 && f[0].equals("cpu")) {
        try {
          long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
              + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
          return new long[] {busy, busy + Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (NumberFormatException e) {
          return new long[] {0, 0};
        }
      }
    }
    return new long[] {0, 0};
  }

  /** The busy share between two {busy, total} readings, in nanocores of {@code processors} cores. */
  static long cpuNanoCores(long[] before, long[] after, int processors) {
    long total = after[1] - before[1];
    long busy = after[0] - before[0];
    if (total <= 0 || busy < 0) {
      return 0;
    }
    return Math.round((double) busy / total * processors * 1e9);
  }
}

package io.tugboat.runtime.process;

import io.tugboat.runtime.ContainerRuntime.Resources;
import io.tugboat.runtime.process.HostCapabilities.CgroupMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cgroups of this runtime's containers: one group per container under {@code parent} (a path inside each
 * hierarchy, below this JVM's own group), read for usage and OOM kills, written for limits where runc does not
 * write them itself. Knows cgroup v1 (a hierarchy per controller) and v2 (one unified hierarchy).
 */
final class Cgroups {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final List<String> V1_CONTROLLERS = List.of("memory", "cpu", "cpuacct", "pids");

  private final CgroupMode mode;
  private final String parent;

  Cgroups(CgroupMode mode, String parent) {
    this.mode = mode;
    this.parent = parent;
  }

  /** The cgroup parent for a runtime: this JVM's own group (memory's on v1) + "/" + {@code name}. */
  static String parentFor(CgroupMode mode, String name) {
    String own = "/";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        String[] f = line.split(":", 3);
        if (f.length == 3 && (mode == CgroupMode.V2 ? f[0].equals("0") : List.of(f[1].split(",")).contains("memory"))) {
          own = f[2];
        }
      }
    } catch (IOException e) {
      // not Linux: no cgroups are used anyway
    }
    return (own.endsWith("/") ? own : own + "/") + name;
  }

  CgroupMode mode() {
    return mode;
  }

  /** The group of one container, as runc's cgroupsPath takes it. */
  String pathOf(String containerId) {
    return parent + "/" + containerId;
  }

  /** Creates a container's group with its limits (for runtimes that start processes without runc). */
  void create(String path, Resources r) {
    if (mode == CgroupMode.NONE) {
      return;
    }
    if (mode == CgroupMode.V2) {
      enableV2Controllers(parent);
      Path dir = dir("", path);
      mkdirs(dir);
      if (r.memoryBytes() > 0) {
        write(dir.resolve("memory.max"), Long.toString(r.memoryBytes()));
        write(dir.resolve("memory.swap.max"), "0");
      }
      if (r.cpuMillis() > 0) {
        write(dir.resolve("cpu.max"), (r.cpuMillis() * 100) + " 100000");
      }
      if (r.pids() > 0) {
        write(dir.resolve("pids.max"), Long.toString(r.pids()));
      }
      return;
    }
    for (String c : V1_CONTROLLERS) {
      mkdirs(dir(c, path));
    }
    if (r.memoryBytes() > 0) {
      write(dir("memory", path).resolve("memory.limit_in_bytes"), Long.toString(r.memoryBytes()));
    }
    if (r.cpuMillis() > 0) {
      write(dir("cpu", path).resolve("cpu.cfs_period_us"), "100000");
      write(dir("cpu", path).resolve("cpu.cfs_quota_us"), Long.toString(r.cpuMillis() * 100));
    }
    if (r.cpuShares() > 0) {
      write(dir("cpu", path).resolve("cpu.shares"), Long.toString(Math.max(2, r.cpuShares())));
    }
    if (r.pids() > 0) {
      write(dir("pids", path).resolve("pids.max"), Long.toString(r.pids()));
    }
  }

  /** The files a process writes its pid into to join the group: one per hierarchy. */
  List<Path> procsFiles(String path) {
    if (mode == CgroupMode.NONE) {
      return List.of();
    }
    if (mode == CgroupMode.V2) {
      return List.of(dir("", path).resolve("cgroup.procs"));
    }
    return V1_CONTROLLERS.stream().map(c -> dir(c, path).resolve("cgroup.procs")).filter(Files::exists).toList();
  }

  /** Cumulative CPU nanoseconds and the memory working set (usage less inactive file cache), when readable. */
  Optional<long[]> usage(String path) {
    try {
      if (mode == CgroupMode.V2) {
        Path d = dir("", path);
        long cpuMicros = statValue(read(d.resolve("cpu.stat")), "usage_usec");
        long memory = Long.parseLong(read(d.resolve("memory.current")).trim());
        long inactive = statValue(read(d.resolve("memory.stat")), "inactive_file");
        return Optional.of(new long[] {cpuMicros * 1000, Math.max(0, memory - inactive)});
      }
      if (mode == CgroupMode.V1) {
        long cpu = Long.parseLong(read(dir("cpuacct", path).resolve("cpuacct.usage")).trim());
        long memory = Long.parseLong(read(dir("memory", path).resolve("memory.usage_in_bytes")).trim());
        long inactive = statValue(read(dir("memory", path).resolve("memory.stat")), "total_inactive_file");
        return Optional.of(new long[] {cpu, Math.max(0, memory - inactive)});
      }
    } catch (IOException | RuntimeException e) {
      // the group is gone (the container just exited) or the controller is not mounted
    }
    return Optional.empty();
  }

  /** Whether the kernel's OOM killer killed a process of the group (v1 oom_control, v2 memory.events). */
  boolean oomKilled(String path) {
    try {
      if (mode == CgroupMode.V2) {
        return statValue(read(dir("", path).resolve("memory.events")), "oom_kill") > 0;
      }
      if (mode == CgroupMode.V1) {
        Path d = dir("memory", path);
        String control = read(d.resolve("memory.oom_control"));
        if (control.contains("oom_kill ")) {
          return statValue(control, "oom_kill") > 0;
        }
        // Kernels before 4.13 have no oom_kill counter: hitting the limit is the best sign there is.
        return Long.parseLong(read(d.resolve("memory.failcnt")).trim()) > 0;
      }
    } catch (IOException | RuntimeException e) {
      // no group: nothing says it was an OOM kill
    }
    return false;
  }

  /** The pids in a container's group. */
  List<Long> pids(String path) {
    List<Long> pids = new ArrayList<>();
    for (Path procs : procsFiles(path)) {
      try {
        for (String line : Files.readAllLines(procs)) {
          if (!line.isBlank()) {
            pids.add(Long.parseLong(line.trim()));
          }
        }
        return pids;
      } catch (IOException | NumberFormatException e) {
        // try the next hierarchy
      }
    }
    return pids;
  }

  /** Removes a container's (empty) group from every hierarchy; true if nothing is left. */
  boolean remove(String path) {
    boolean clean = true;
    for (Path d : dirs(path)) {
      try {
        Files.deleteIfExists(d);
      } catch (IOException e) {
        clean = false;
      }
    }
    return clean;
  }

  /** Every directory a group has (existing or not). */
  List<Path> dirs(String path) {
    if (mode == CgroupMode.V2) {
      return List.of(dir("", path));
    }
    if (mode == CgroupMode.V1) {
      List<Path> dirs = new ArrayList<>();
      try (var s = Files.list(ROOT)) {
        // The unified hierarchy of a hybrid host counts too: runc makes the group there as well.
        s.filter(p -> Files.exists(p.resolve("cgroup.procs"))).forEach(p -> dirs.add(p.resolve(path.substring(1))));
      } catch (IOException e) {
        // nothing mounted
      }
      return dirs;
    }
    return List.of();
  }

  /**
   * Kills every process in the groups under the parent (left by a runtime that died, or by a failed clean-up)
   * and removes those groups.
   */
  void killAll() {
    java.util.Set<String> children = new java.util.TreeSet<>();
    for (Path d : dirs(parent)) {
      try (var s = Files.list(d)) {
        s.filter(Files::isDirectory).forEach(p -> children.add(p.getFileName().toString()));
      } catch (IOException e) {
        // no such hierarchy or no group yet
      }
    }
    for (String child : children) {
      String path = parent + "/" + child;
      for (Path d : dirs(path)) {
        try {
          for (String pid : Files.readAllLines(d.resolve("cgroup.procs"))) {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
          }
        } catch (IOException | NumberFormatException e) {
          // gone meanwhile
        }
      }
      for (int i = 0; i < 50 && !remove(path); i++) {
        try {
          Thread.sleep(20); // a killed process leaves its group within milliseconds
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The runtime's parent group, removed at close. */
  String parent() {
    return parent;
  }

  private Path dir(String controller, String path) {
    Path base = controller.isEmpty() ? ROOT : ROOT.resolve(controller);
    return base.resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  private void enableV2Controllers(String path) {
    // Each level between the root and the group must delegate the controllers to its children.
    Path d = ROOT;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      tryWrite(d.resolve("cgroup.subtree_control"), "+memory +cpu +pids");
      d = d.resolve(part);
      mkdirs(d);
    }
    tryWrite(d.resolve("cgroup.subtree_control"), "+memory +cpu +pids");
  }

  static long statValue(String stat, String key) {
    for (String line : stat.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[0].equals(key)) {
        return Long.parseLong(f[1]);
      }
    }
    return 0;
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p);
  }

  private static void mkdirs(Path d) {
    try {
      Files.createDirectories(d);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create cgroup " + d + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path p, String value) {
    try {
      Files.writeString(p, value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + value + " to " + p + ": " + e.getMessage(), e);
    }
  }

  private static void tryWrite(Path p, String value) {
    try {
      Files.writeString(p, value);
    } catch (IOException e) {
      // some controllers cannot be delegated here; limits of those are then not applied
    }
  }
}

package io.tugboat.runtime.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this host lets the process runtime do, detected once at start-up, and the isolation level chosen from it:
 * {@link Level#RUNC} (runc: namespaces, the image's root filesystem, cgroups) when root with runc, iproute2 and
 * cgroups; else {@link Level#UNSHARE} (unshare + chroot, cgroups written by hand) when root with unshare, nsenter
 * and iproute2; else {@link Level#HOST} (plain processes on the host network, nothing isolated).
 */
public record HostCapabilities(boolean root, String runc, String runcVersion, boolean unshare, boolean nsenter,
    boolean iproute2, CgroupMode cgroups, Set<String> v1Controllers, String iptables, boolean script) {

  /** Isolation levels, best first. */
  public enum Level { RUNC, UNSHARE, HOST }

  /** Which cgroup hierarchy the host has: v1 (possibly hybrid, with an empty unified one), v2, or none usable. */
  public enum CgroupMode { V1, V2, NONE }

  /** Detects the capabilities; {@code runcSetting} is "auto" (look on PATH) or a path. */
  public static HostCapabilities detect(String runcSetting) {
    boolean root = "root".equals(System.getProperty("user.name")) || uid() == 0;
    String runc = runcSetting == null || runcSetting.isBlank() || runcSetting.equals("auto") ? Shell.which("runc")
        : (Files.isExecutable(Path.of(runcSetting)) ? runcSetting : null);
    String version = "";
    if (runc != null) {
      Shell.Result r = Shell.run(List.of(runc, "--version"), null);
      version = r.ok() ? r.out().lines().findFirst().orElse("").replace("runc version", "").trim() : "";
      if (!r.ok()) {
        runc = null;
      }
    }
    Set<String> controllers = new TreeSet<>();
    CgroupMode mode = cgroupMode(controllers);
    return new HostCapabilities(root, runc, version, Shell.which("unshare") != null, Shell.which("nsenter") != null,
        Shell.which("ip") != null, mode, Set.copyOf(controllers), Shell.which("iptables"),
        Shell.which("script") != null);
  }

  /** The best level this host allows, at most {@code wanted} ("auto", "runc", "unshare" or "host"). */
  public Level level(String wanted) {
    Level cap = switch (wanted == null ? "auto" : wanted) {
      case "auto", "runc" -> Level.RUNC;
      case "unshare" -> Level.UNSHARE;
      case "host" -> Level.HOST;
      default -> throw new IllegalArgumentException("isolation = \"" + wanted
          + "\" is not one of auto, runc, unshare, host");
    };
    if (cap == Level.RUNC && root && runc != null && iproute2 && cgroups != CgroupMode.NONE) {
      return Level.RUNC;
    }
    if (cap != Level.HOST && root && unshare && nsenter && iproute2) {
      return Level.UNSHARE;
    }
    return Level.HOST;
  }

  /** Why {@code level} was chosen: what the host has and lacks, for the log and the Node's conditions. */
  public String explain(Level level) {
    List<String> has = new ArrayList<>();
    List<String> lacks = new ArrayList<>();
    (root ? has : lacks).add("root");
    (runc != null ? has : lacks).add(runc != null ? "runc " + runcVersion : "runc");
    (iproute2 ? has : lacks).add("iproute2");
    (unshare && nsenter ? has : lacks).add("unshare/nsenter");
    (cgroups != CgroupMode.NONE ? has : lacks).add(cgroups == CgroupMode.V1 ? "cgroup v1 " + v1Controllers
        : cgroups == CgroupMode.V2 ? "cgroup v2" : "cgroups");
    (iptables != null ? has : lacks).add("iptables");
    String what = switch (level) {
      case RUNC -> "containers run with runc: own PID, mount, IPC and UTS namespaces, the image's root filesystem, "
          + "cgroup limits; each pod has its own network namespace";
      case UNSHARE -> "containers run with unshare and chroot: own PID, mount, IPC and UTS namespaces, the image's "
          + "root filesystem, cgroup limits where cgroups are mounted; each pod has its own network namespace";
      case HOST -> "containers run as plain host processes on the host network: no namespaces, no root filesystem "
          + "of their own, no limits";
    };
    return what + " (host has " + String.join(", ", has)
        + (lacks.isEmpty() ? "" : "; lacks " + String.join(", ", lacks)) + ")";
  }

  private static CgroupMode cgroupMode(Set<String> controllers) {
    Path root = Path.of("/sys/fs/cgroup");
    if (Files.exists(root.resolve("cgroup.controllers"))) {
      return CgroupMode.V2;
    }
    for (String c : List.of("memory", "cpu", "cpuacct", "pids")) {
      if (Files.exists(root.resolve(c).resolve("cgroup.procs"))) {
        controllers.add(c);
      }
    }
    return controllers.contains("memory") ? CgroupMode.V1 : CgroupMode.NONE;
  }

  private static int uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
        }
      }
    } catch (Exception e) {
      // no /proc: not Linux, so certainly no namespaces either
    }
    return -1;
  }
}

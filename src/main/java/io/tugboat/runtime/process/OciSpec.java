package io.tugboat.runtime.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.runtime.ContainerRuntime.Mount;
import io.tugboat.runtime.ContainerRuntime.Resources;
import java.util.List;
import java.util.Map;

/** The OCI runtime spec (config.json of a bundle) runc runs a container from. A pure function of its inputs. */
public final class OciSpec {
  private OciSpec() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Docker's default capability set: what a container process gets unless its spec asks otherwise. */
  static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
      "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

  /**
   * What one container is made of: argv, environment, working directory, user, hostname; the root filesystem
   * (absolute); the pod's network namespace file (null: the host's network); bind mounts; limits; the cgroup.
   * A null hostname keeps the host's UTS namespace (host-network pods have the node's name, as in Kubernetes).
   */
  public record Input(List<String> args, Map<String, String> env, String cwd, int uid, int gid, String hostname,
      String rootfs, String netnsPath, List<Mount> mounts, Resources resources, String cgroupsPath) {}

  /** The config.json text. */
  public static String json(Input in) {
    ObjectNode root = JSON.createObjectNode();
    root.put("ociVersion", "1.0.2");
    ObjectNode process = root.putObject("process");
    process.put("terminal", false);
    process.putObject("user").put("uid", in.uid()).put("gid", in.gid());
    strings(process.putArray("args"), in.args());
    ArrayNode env = process.putArray("env");
    in.env().forEach((k, v) -> env.add(k + "=" + v));
    process.put("cwd", in.cwd());
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      strings(caps.putArray(set), DEFAULT_CAPS);
    }
    process.put("noNewPrivileges", false);
    root.putObject("root").put("path", in.rootfs()).put("readonly", false);
    if (in.hostname() != null) {
      root.put("hostname", in.hostname());
    }

    ArrayNode mounts = root.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(mounts, "/dev/pts", "devpts", "devpts",
        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
    mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
    mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
    for (Mount m : in.mounts()) {
      mount(mounts, m.containerPath(), "bind", m.hostPath(),
          m.readOnly() ? List.of("rbind", "ro", "rprivate") : List.of("rbind", "rw", "rprivate"));
    }

    ObjectNode linux = root.putObject("linux");
    ObjectNode resources = linux.putObject("resources");
    resources.putArray("devices").addObject().put("allow", false).put("access", "rwm");
    Resources r = in.resources();
    if (r.memoryBytes() > 0) {
      // swap as large as the limit: the container cannot page out to escape its limit
      resources.putObject("memory").put("limit", r.memoryBytes()).put("swap", r.memoryBytes());
    }
    if (r.cpuMillis() > 0 || r.cpuShares() > 0) {
      ObjectNode cpu = resources.putObject("cpu");
      if (r.cpuMillis() > 0) {
        cpu.put("quota", r.cpuMillis() * 100).put("period", 100_000);
      }
      if (r.cpuShares() > 0) {
        cpu.put("shares", Math.max(2, r.cpuShares()));
      }
    }
    if (r.pids() > 0) {
      resources.putObject("pids").put("limit", r.pids());
    }
    if (in.cgroupsPath() != null) {
      linux.put("cgroupsPath", in.cgroupsPath());
    }
    ArrayNode namespaces = linux.putArray("namespaces");
    for (String ns : List.of("pid", "ipc", "uts", "mount")) {
      if (!ns.equals("uts") || in.hostname() != null) {
        namespaces.addObject().put("type", ns);
      }
    }
    if (in.netnsPath() != null) {
      namespaces.addObject().put("type", "network").put("path", in.netnsPath());
    }
    strings(linux.putArray("maskedPaths"), List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
        "/proc/scsi"));
    strings(linux.putArray("readonlyPaths"), List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
        "/proc/sysrq-trigger"));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void mount(ArrayNode mounts, String destination, String type, String source, List<String> options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", destination).put("type", type).put("source", source);
    strings(m.putArray("options"), options);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}

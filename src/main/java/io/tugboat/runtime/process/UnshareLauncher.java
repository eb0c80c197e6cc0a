package io.tugboat.runtime.process;

import io.tugboat.runtime.ContainerRuntime.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Containers without runc, as root: {@code unshare} gives new PID, mount, UTS and IPC namespaces (inside the pod's
 * network namespace via {@code ip netns exec}, after a host shell joined the container's cgroup); a host shell as
 * the new namespaces' first process sets the hostname, mounts /proc, a minimal /dev, /sys and the volumes into the root
 * filesystem, then chroots into it and execs the container's command. The user is not changed (root).
 */
final class UnshareLauncher implements Launcher {
  private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");

  private final Cgroups cgroups;

  UnshareLauncher(Cgroups cgroups) {
    this.cgroups = cgroups;
  }

  @Override
  public void prepare(RuntimeContainer c) {
    cgroups.create(c.cgroupPath, c.config.resources());
  }

  @Override
  public Process start(RuntimeContainer c) throws IOException {
    // The cgroup is joined first, outside: `ip netns exec` mounts a sysfs of its own over /sys, hiding cgroups.
    StringBuilder join = new StringBuilder("set -e\n");
    for (var procs : cgroups.procsFiles(c.cgroupPath)) {
      join.append("echo 0 > ").append(q(procs.toString())).append('\n');
    }
    join.append("exec \"$@\"\n");
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", join.toString(), "tugboat-join"));
    if (!c.sandbox.hostNetwork()) {
      argv.addAll(List.of("ip", "netns", "exec", PodNetwork.netnsName(c.sandbox.id())));
    }
    argv.addAll(List.of("unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--propagation", "private",
        "/bin/sh", "-c", initScript(c), "tugboat-init"));
    argv.addAll(c.argv);
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(c.env);
    if (!c.config.stdin()) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    return pb.start();
  }

  /** The host-side script that runs as the new namespaces' first process before the container's command. */
  String initScript(RuntimeContainer c) {
    String r = c.rootfs.toString();
    StringBuilder s = new StringBuilder("set -e\n");
    s.append("echo ").append(q(c.sandbox.hostname())).append(" > /proc/sys/kernel/hostname\n");
    s.append("mkdir -p ").append(q(r + "/proc")).append(' ').append(q(r + "/dev")).append(' ')
        .append(q(r + "/sys")).append('\n');
    s.append("mount -t proc proc ").append(q(r + "/proc")).append('\n');
    s.append("mount -t tmpfs -o mode=755,nosuid tmpfs ").append(q(r + "/dev")).append('\n');
    for (String d : DEVICES) {
      s.append(": > ").append(q(r + "/dev/" + d)).append("; mount --bind /dev/").append(d).append(' ')
          .append(q(r + "/dev/" + d)).append('\n');
    }
    s.append("mkdir -p ").append(q(r + "/dev/pts")).append(' ').append(q(r + "/dev/shm")).append('\n');
    s.append("mount -t devpts -o newinstance,ptmxmode=0666 devpts ").append(q(r + "/dev/pts")).append('\n');
    s.append("mount -t tmpfs -o mode=1777 shm ").append(q(r + "/dev/shm")).append('\n');
    s.append("mount -t sysfs -o ro sysfs ").append(q(r + "/sys")).append(" || true\n");
    for (Mount m : RuncLauncher.mounts(c)) {
      String target = r + (m.containerPath().startsWith("/") ? "" : "/") + m.containerPath();
      if (Files.isDirectory(java.nio.file.Path.of(m.hostPath()))) {
        s.append("mkdir -p ").append(q(target)).append('\n');
      } else {
        s.append("mkdir -p \"$(dirname ").append(q(target)).append(")\"; [ -e ").append(q(target))
            .append(" ] || : > ").append(q(target)).append('\n');
      }
      s.append("mount --rbind ").append(q(m.hostPath())).append(' ').append(q(target)).append('\n');
      if (m.readOnly()) {
        s.append("mount -o remount,bind,ro ").append(q(target)).append('\n');
      }
    }
    s.append("exec unshare --root=").append(q(r)).append(" --wd=").append(q(c.cwd)).append(" -- \"$@\"\n");
    return s.toString();
  }

  /** Up once the container's first process has chrooted into the root filesystem (its mounts are in place). */
  @Override
  public boolean running(RuntimeContainer c) {
    long pid = namespaceInit(c, 0);
    try {
      return pid > 0 && !Files.isSameFile(java.nio.file.Path.of("/proc/" + pid + "/root"), java.nio.file.Path.of("/"));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void signal(RuntimeContainer c, String signal) {
    List<Long> pids = cgroups.pids(c.cgroupPath);
    if (pids.isEmpty() && c.process != null) {
      pids = c.process.descendants().map(ProcessHandle::pid).toList();
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(h -> {
        if (signal.equals("KILL")) {
          h.destroyForcibly();
        } else {
          h.destroy();
        }
      });
    }
  }

  @Override
  public List<String> execArgv(RuntimeContainer c, List<String> command, boolean tty) {
    long pid = namespaceInit(c, 5_000_000_000L);
    if (pid < 0) {
      throw new IllegalStateException("container " + c.config.name() + " has no process to enter");
    }
    List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-m", "-u", "-i", "-n", "-p",
        "-r", "-w"));
    argv.addAll(command);
    return tty ? Launcher.onTerminal(argv) : argv;
  }

  /**
   * The container's first process (pid 1 of its PID namespace) as the host sees it: the descendant in another
   * PID namespace whose parent is in ours. Waits up to {@code waitNanos} for unshare to have forked it.
   */
  static long namespaceInit(RuntimeContainer c, long waitNanos) {
    Process p = c.process;
    if (p == null) {
      return -1;
    }
    String ours = pidNamespace(ProcessHandle.current().pid());
    long deadline = System.nanoTime() + waitNanos;
    do {
      for (ProcessHandle d : p.descendants().toList()) {
        String ns = pidNamespace(d.pid());
        String parentNs = d.parent().map(h -> pidNamespace(h.pid())).orElse("");
        if (!ns.isEmpty() && !ns.equals(ours) && parentNs.equals(ours)) {
          return d.pid();
        }
      }
      try {
        Thread.sleep(10); // unshare forks within milliseconds of being started
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    } while (p.isAlive() && System.nanoTime() < deadline);
    return -1;
  }

  private static String pidNamespace(long pid) {
    try {
      return Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + pid + "/ns/pid")).toString();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  @Override
  public void cleanUp(RuntimeContainer c) {
    cgroups.remove(c.cgroupPath);
  }

  private static String q(String s) {
    return Launcher.shellQuote(List.of(s));
  }
}

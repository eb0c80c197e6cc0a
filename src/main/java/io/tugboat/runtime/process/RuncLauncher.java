package io.tugboat.runtime.process;

import io.tugboat.runtime.ContainerRuntime.Mount;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Containers run by runc: an OCI bundle per container (config.json next to its root filesystem), run in the
 * foreground with {@code runc run --keep} so the runtime sees its output on pipes and its exit code as runc's, and
 * its cgroup survives the exit long enough to read whether it was an OOM kill; {@code runc delete} then removes it.
 */
final class RuncLauncher implements Launcher {
  private final String runc;
  private final Path root;
  private final Cgroups cgroups;

  RuncLauncher(String runc, Path root, Cgroups cgroups) {
    this.runc = runc;
    this.root = root;
    this.cgroups = cgroups;
  }

  @Override
  public void prepare(RuntimeContainer c) throws IOException {
    PodSandbox s = c.sandbox;
    OciSpec.Input in = new OciSpec.Input(c.argv, c.env, c.cwd, c.uid, c.gid, s.hostNetwork() ? null : s.hostname(),
        c.rootfs.toString(),
        s.hostNetwork() ? null : PodNetwork.netnsPath(s.id()), mounts(c), c.config.resources(),
        cgroups.mode() == HostCapabilities.CgroupMode.NONE ? null : c.cgroupPath);
    Files.writeString(c.dir.resolve("config.json"), OciSpec.json(in));
  }

  /** The container's mounts plus the sandbox's hostname, hosts and resolv.conf unless the container has its own. */
  static List<Mount> mounts(RuntimeContainer c) {
    List<Mount> mounts = new ArrayList<>(c.config.mounts() == null ? List.of() : c.config.mounts());
    List<String> files = c.sandbox.hostNetwork() ? List.of("resolv.conf") : List.of("hostname", "hosts",
        "resolv.conf");
    for (String file : files) {
      String target = "/etc/" + file;
      if (mounts.stream().noneMatch(m -> m.containerPath().equals(target))) {
        mounts.add(new Mount(target, c.sandbox.path().resolve(file).toString(), false));
      }
    }
    return mounts;
  }

  @Override
  public Process start(RuntimeContainer c) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(runc, "--root", root.toString(), "run", "--keep", "--bundle",
        c.dir.toString(), c.id);
    if (!c.config.stdin()) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    return pb.start();
  }

  @Override
  public boolean running(RuntimeContainer c) {
    return Files.exists(root.resolve(c.id).resolve("state.json"));
  }

  @Override
  public boolean failedToStart(RuntimeContainer c) {
    return !running(c);
  }

  @Override
  public void signal(RuntimeContainer c, String signal) {
    Shell.quiet(runc, "--root", root.toString(), "kill", "--all", c.id, signal);
  }

  @Override
  public List<String> execArgv(RuntimeContainer c, List<String> command, boolean tty) {
    List<String> argv = new ArrayList<>(List.of(runc, "--root", root.toString(), "exec"));
    if (tty) {
      argv.add("--tty");
    }
    argv.add(c.id);
    argv.addAll(command);
    return tty ? Launcher.onTerminal(argv) : argv;
  }

  @Override
  public void cleanUp(RuntimeContainer c) {
    Shell.quiet(runc, "--root", root.toString(), "delete", "--force", c.id);
  }

  /** Deletes every container runc still has under this runtime's root (left by a runtime that died). */
  void deleteAll() {
    Shell.Result r = Shell.run(List.of(runc, "--root", root.toString(), "list", "-q"), null);
    if (r.ok()) {
      r.out().lines().filter(l -> !l.isBlank()).forEach(id -> {
        Shell.quiet(runc, "--root", root.toString(), "kill", "--all", id.trim(), "KILL");
        Shell.quiet(runc, "--root", root.toString(), "delete", "--force", id.trim());
      });
    }
  }
}

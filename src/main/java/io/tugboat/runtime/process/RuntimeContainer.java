package io.tugboat.runtime.process;

import io.tugboat.runtime.ContainerRuntime.ContainerConfig;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One container of the process runtime: what it was made from, where its files are, and its process once
 * started. Its status moves CREATED → RUNNING → EXITED (or CREATED → EXITED when stopped before it ran), each
 * status replaced whole; the fields of its process are set once by the start.
 */
final class RuntimeContainer {
  final String id;
  final PodSandbox sandbox;
  final ContainerConfig config;
  final List<String> argv;
  final Map<String, String> env;
  final String cwd;
  final int uid;
  final int gid;
  /** The container's directory: the bundle (config.json), the overlay's upper and work dirs, the root fs. */
  final Path dir;
  /** The root filesystem it runs in (an overlay over the image's, or a copy); null for host processes. */
  final Path rootfs;
  final boolean overlay;
  final Path logFile;
  final String cgroupPath;
  volatile ContainerStatus status;
  volatile Process process;
  /** Set by the one start this container may have (a second start is rejected even while the first runs). */
  final java.util.concurrent.atomic.AtomicBoolean startRequested = new java.util.concurrent.atomic.AtomicBoolean();
  volatile OutputStream stdin;
  volatile CriLogWriter writer;
  final List<Thread> pumps = new ArrayList<>();
  /** Completes with the exited status once the process has exited and its output is in the log. */
  final CompletableFuture<ContainerStatus> exited = new CompletableFuture<>();
  /** The last CPU reading (cumulative ns) and its time, for the usage rate. */
  long lastCpu = -1;
  Instant lastCpuAt;

  RuntimeContainer(String id, PodSandbox sandbox, ContainerConfig config, List<String> argv, Map<String, String> env,
      String cwd, int uid, int gid, Path dir, Path rootfs, boolean overlay, Path logFile, String cgroupPath,
      ContainerStatus status) {
    this.id = id;
    this.sandbox = sandbox;
    this.config = config;
    this.argv = argv;
    this.env = env;
    this.cwd = cwd;
    this.uid = uid;
    this.gid = gid;
    this.dir = dir;
    this.rootfs = rootfs;
    this.overlay = overlay;
    this.logFile = logFile;
    this.cgroupPath = cgroupPath;
    this.status = status;
  }

  /** The pid of the container's first process as the host sees it (for nsenter), or -1. */
  long hostPid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }
}

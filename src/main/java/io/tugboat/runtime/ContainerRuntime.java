package io.tugboat.runtime;

import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The container runtime a node agent drives: this project's CRI. A pod is a sandbox (its network and IPC
 * namespaces, its IP) holding containers; a container is created from an image, started, stopped and removed.
 * Every call answers asynchronously; state changes a caller did not ask for (a container exiting on its own)
 * arrive as {@link Event}s to the listeners.
 *
 * <p>Container states and legal transitions (as the CRI's): CREATED -start-> RUNNING -exit|stop-> EXITED;
 * CREATED -stop-> EXITED; any -remove-> gone. Starting a container that is not CREATED fails with the state
 * named.
 */
public interface ContainerRuntime extends AutoCloseable {

  /** The runtime's name and version, as status.nodeInfo.containerRuntimeVersion names it: "tugboat://0.1". */
  String version();

  /** Creates and starts a pod sandbox; answers its id. */
  CompletionStage<String> runPodSandbox(SandboxConfig config);

  /** Stops every container of the sandbox (each within its grace period) and the sandbox itself. */
  CompletionStage<Void> stopPodSandbox(String sandboxId);

  /** Removes a stopped sandbox and its containers. */
  CompletionStage<Void> removePodSandbox(String sandboxId);

  /** The sandbox's state and IP. */
  CompletionStage<SandboxStatus> podSandboxStatus(String sandboxId);

  /** Every sandbox of this runtime (a restarted agent finds what it ran before). */
  CompletionStage<List<SandboxStatus>> listPodSandboxes();

  /** Makes sure the image is present; answers its reference (imageID), as "docker.io/library/nginx@sha256:...". */
  CompletionStage<String> pullImage(String image);

  /** Creates a container in a sandbox; answers its id. */
  CompletionStage<String> createContainer(String sandboxId, ContainerConfig config);

  /** Starts a created container; completes once it runs. */
  CompletionStage<Void> startContainer(String containerId);

  /** Stops a container: TERM, then KILL after the timeout. Completes once it has exited. */
  CompletionStage<Void> stopContainer(String containerId, Duration timeout);

  /** Removes an exited container. */
  CompletionStage<Void> removeContainer(String containerId);

  /** The containers of one sandbox (all when sandboxId is null). */
  CompletionStage<List<ContainerStatus>> listContainers(String sandboxId);

  /** One container's status. */
  CompletionStage<ContainerStatus> containerStatus(String containerId);

  /**
   * Resource usage of every running container, as CRI's ListContainerStats: what the metrics API (kubectl top)
   * serves. A runtime that cannot measure answers an empty list, and its pods show no usage.
   */
  default CompletionStage<List<ContainerStats>> listContainerStats() {
    return CompletableFuture.completedFuture(List.of());
  }

  // ---- streams (CRI's ReattachContainerLogs/Exec/Attach/PortForward): what kubectl logs|exec|attach|port-forward reach

  /**
   * The log of a container (or, with {@code options.previous()}, of the container of the same name and sandbox
   * that ran before it), as lines of the container's output, each prefixed by its RFC 3339 time when
   * {@code options.timestamps()}; ends at the current end of the log unless {@code options.follow()}, then ends
   * when the container exits. Fails with {@link RuntimeError} for an unknown container or a missing previous one.
   */
  default Source<ByteString, ?> containerLogs(String containerId, LogOptions options) {
    throw new RuntimeError(version() + " does not keep container logs");
  }

  /** Starts {@code command} in a running container's namespaces and root filesystem. */
  default ExecSession exec(String containerId, List<String> command, boolean stdin, boolean tty) {
    throw new RuntimeError(version() + " cannot exec in containers");
  }

  /** Attaches to a running container's main process (its stdin only if the container was made with stdin). */
  default ExecSession attach(String containerId, boolean stdin, boolean tty) {
    throw new RuntimeError(version() + " cannot attach to containers");
  }

  /** A TCP connection to {@code port} in the sandbox's network namespace. */
  default Flow<ByteString, ByteString, ?> portForward(String sandboxId, int port) {
    throw new RuntimeError(version() + " cannot forward ports");
  }

  /**
   * How far this runtime isolates containers, for the Node's conditions and the agent's log: a fake runtime
   * runs nothing; the process runtime says whether it uses runc, unshare + chroot, or plain host processes.
   */
  default Isolation isolation() {
    return new Isolation("none", false, version() + " runs no processes: containers are simulated");
  }

  /** Registers a listener for state changes; the returned runnable unregisters it. */
  Runnable subscribe(Consumer<Event> listener);

  /** Releases what the runtime holds (containers of a fake runtime are forgotten). */
  @Override
  void close();

  // ---- what the calls carry ----

  /** What a sandbox is made from: the pod's identity, its hostname, and where its containers' logs go. */
  record SandboxConfig(String name, String namespace, String uid, int attempt, String hostname,
      Map<String, String> labels, Map<String, String> annotations, String logDirectory, boolean hostNetwork,
      List<PortMapping> portMappings, DnsConfig dns) {

    /** A sandbox without host ports, with the runtime's default DNS. */
    public SandboxConfig(String name, String namespace, String uid, int attempt, String hostname,
        Map<String, String> labels, Map<String, String> annotations, String logDirectory, boolean hostNetwork) {
      this(name, namespace, uid, attempt, hostname, labels, annotations, logDirectory, hostNetwork, List.of(), null);
    }
  }

  /** A host port forwarded to a port of the sandbox (a container port with hostPort). protocol: TCP or UDP. */
  record PortMapping(String protocol, int containerPort, int hostPort, String hostIp) {}

  /** The resolv.conf of a sandbox: nameservers, search domains and options, as the pod's dnsConfig says. */
  record DnsConfig(List<String> servers, List<String> searches, List<String> options) {}

  /**
   * A container's resource limits, as cgroups apply them; 0 means unlimited. cpuMillis: the CPU quota in
   * thousandths of a core (limits.cpu); cpuShares from requests.cpu; memoryBytes: limits.memory (over it, the
   * container is OOM-killed); pids: the most processes the container may have.
   */
  record Resources(long cpuMillis, long cpuShares, long memoryBytes, long pids) {
    /** No limits. */
    public static final Resources NONE = new Resources(0, 0, 0, 0);
  }

  /** A mount of a host path (a volume prepared by the agent) into a container. */
  record Mount(String containerPath, String hostPath, boolean readOnly) {}

  /**
   * What a container is made from. labels carry the pod and container identity (io.kubernetes.pod.name,
   * io.kubernetes.container.name, ...), as the kubelet labels CRI containers; logPath is relative to the
   * sandbox's log directory.
   */
  record ContainerConfig(String name, int attempt, String image, List<String> command, List<String> args,
      String workingDir, Map<String, String> env, List<Mount> mounts, String logPath, Map<String, String> labels,
      Map<String, String> annotations, Resources resources, boolean stdin, boolean stdinOnce, boolean tty) {
    /** The label naming the container's role in its pod: "init" for init containers, else "regular". */
    public static final String KIND_LABEL = "tugboat.io/container-kind";

    /** A container without limits, stdin or terminal. */
    public ContainerConfig(String name, int attempt, String image, List<String> command, List<String> args,
        String workingDir, Map<String, String> env, List<Mount> mounts, String logPath, Map<String, String> labels,
        Map<String, String> annotations) {
      this(name, attempt, image, command, args, workingDir, env, mounts, logPath, labels, annotations,
          Resources.NONE, false, false, false);
    }

    /** Whether this is an init container, which runs to completion before the others start. */
    public boolean init() {
      return "init".equals(labels.get(KIND_LABEL));
    }
  }

  /** A container's state. */
  enum ContainerState { CREATED, RUNNING, EXITED, UNKNOWN }

  /** A sandbox's state. */
  enum SandboxState { READY, NOTREADY }

  /** A sandbox as the runtime has it. */
  record SandboxStatus(String id, String name, String namespace, String uid, SandboxState state, Instant createdAt,
      String ip) {}

  /**
   * A container as the runtime has it. Times are null until they happened; exitCode, reason and message are set
   * once EXITED.
   */
  record ContainerStatus(String id, String sandboxId, String name, int attempt, String image, String imageRef,
      ContainerState state, Instant createdAt, Instant startedAt, Instant finishedAt, int exitCode, String reason,
      String message, String logPath) {
    /** This status in another state. */
    public ContainerStatus withState(ContainerState newState, Instant startedAt, Instant finishedAt, int exitCode,
        String reason, String message) {
      return new ContainerStatus(id, sandboxId, name, attempt, image, imageRef, newState, createdAt, startedAt,
          finishedAt, exitCode, reason, message, logPath);
    }
  }

  /**
   * One container's usage at {@code timestamp}, as CRI's ContainerStats: CPU as a rate (nanocores, 1e9 is one
   * core) and as cumulative core-nanoseconds since the container started, memory as the working set in bytes
   * (what the kubelet evicts on and kubectl top shows).
   */
  record ContainerStats(String containerId, Instant timestamp, long cpuUsageNanoCores, long cpuUsageCoreNanoSeconds,
      long memoryWorkingSetBytes) {}

  /**
   * A runtime's isolation: {@code level} names it ("runc", "unshare", "host", "none"); {@code isolated} is false
   * when containers share the host's namespaces (the node agent reports that as a warning condition);
   * {@code message} says why this level was chosen, in words for the Node's condition.
   */
  record Isolation(String level, boolean isolated, String message) {}

  /** What happened to a container, as CRI's ContainerEventType. */
  enum EventType { CREATED, STARTED, STOPPED, DELETED }

  /** A state change of one container, with its status after it. */
  record Event(EventType type, ContainerStatus status) {}

  /** A call named something the runtime does not have, or something in the wrong state. */
  final class RuntimeError extends RuntimeException {
    /** An error with a message saying what was wrong. */
    public RuntimeError(String message) {
      super(message);
    }
  }
}

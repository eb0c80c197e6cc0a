package io.tugboat.runtime;

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

  /** Registers a listener for state changes; the returned runnable unregisters it. */
  Runnable subscribe(Consumer<Event> listener);

  /** Releases what the runtime holds (containers of a fake runtime are forgotten). */
  @Override
  void close();

  // ---- what the calls carry ----

  /** What a sandbox is made from: the pod's identity, its hostname, and where its containers' logs go. */
  record SandboxConfig(String name, String namespace, String uid, int attempt, String hostname,
      Map<String, String> labels, Map<String, String> annotations, String logDirectory, boolean hostNetwork) {}

  /** A mount of a host path (a volume prepared by the agent) into a container. */
  record Mount(String containerPath, String hostPath, boolean readOnly) {}

  /**
   * What a container is made from. labels carry the pod and container identity (io.kubernetes.pod.name,
   * io.kubernetes.container.name, ...), as the kubelet labels CRI containers; logPath is relative to the
   * sandbox's log directory.
   */
  record ContainerConfig(String name, int attempt, String image, List<String> command, List<String> args,
      String workingDir, Map<String, String> env, List<Mount> mounts, String logPath, Map<String, String> labels,
      Map<String, String> annotations) {
    /** The label naming the container's role in its pod: "init" for init containers, else "regular". */
    public static final String KIND_LABEL = "tugboat.io/container-kind";

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

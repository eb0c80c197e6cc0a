package io.tugboat.node;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.node.EventRecorder.ContainerRef;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.ContainerRuntime.ContainerConfig;
import io.tugboat.runtime.ContainerRuntime.Mount;
import io.tugboat.runtime.ContainerRuntime.SandboxStatus;
import io.tugboat.runtime.ImagePresence;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Starts one container instance as the kubelet's startContainer does, with its events: the config (env, mounts;
 * a missing ConfigMap or Secret key fails here, CreateContainerConfigError), the image per imagePullPolicy
 * (Pulling/Pulled, or Failed with ErrImagePull; Never and absent: ErrImageNeverPull), create (Created, or
 * CreateContainerError), start (Started, or RunContainerError), the postStart hook (a failure kills the
 * container: FailedPostStartHook). The outcome goes to the worker as
 * {@link PodWorker.Started}.
 */
final class ContainerStarter {

  /** Why a start failed: the waiting reason and message, and whether the retry waits out a back-off. */
  record Failure(String reason, String message, boolean retryLater) {}

  private enum Stage { PULL, CREATE, START }

  private static final class StageFailure extends RuntimeException {
    final Stage stage;
    final String containerId;

    StageFailure(Stage stage, Throwable cause, String containerId) {
      super(cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause);
      this.stage = stage;
      this.containerId = containerId;
    }
  }

  private static final Duration HOOK_TIMEOUT = Duration.ofSeconds(30);

  private final PodWorker.Context c;
  private final ActorRef<PodWorker.Command> worker;
  private ConfigError lastError;

  ContainerStarter(PodWorker.Context context, ActorRef<PodWorker.Command> worker) {
    this.c = context;
    this.worker = worker;
  }

  /** The track of a container whose start could not begin (see {@link #start}), waiting with the reason. */
  ContainerTrack lastError(ContainerTrack t) {
    return t.waiting(lastError.reason(), lastError.getMessage());
  }

  /**
   * Begins starting a container; answers false when it cannot begin (its config cannot be made, or its image
   * may not be pulled), with {@link #lastError} saying why and an event written.
   */
  boolean start(JsonNode pod, JsonNode spec, boolean init, ContainerTrack track, SandboxStatus sandbox,
      Map<String, Path> volumes) {
    String name = spec.path("name").asText();
    ContainerRef ref = new ContainerRef(name, init);
    ContainerConfig config;
    String podIp = pod.path("spec").path("hostNetwork").asBoolean(false) ? c.hostIp() : sandbox.ip();
    try {
      var ctx = new EnvResolver.PodContext(podIp, c.hostIp(), c.allocatable());
      Map<String, String> env = EnvResolver.resolve(pod, spec, c.sources(), ctx);
      List<Mount> mounts = PodVolumes.mounts(spec, volumes);
      config = ContainerConfigs.container(pod, spec, init, track.restartCount(), env, mounts);
    } catch (ConfigError e) {
      return refuse(pod, ref, e, track);
    }
    ContainerRuntime rt = c.runtime();
    String image = spec.path("image").asText();
    String policy = ContainerConfigs.pullPolicy(spec);
    boolean knows = rt instanceof ImagePresence;
    boolean present = knows && ((ImagePresence) rt).imagePresent(image);
    CompletionStage<String> pulled;
    if (policy.equals("Never") || (policy.equals("IfNotPresent") && present)) {
      if (knows && !present) {
        return refuse(pod, ref, new ConfigError("ErrImageNeverPull", "Container image \"" + image
            + "\" is not present with pull policy of Never"), track);
      }
      c.events().normal(pod, ref, "Pulled", "Container image \"" + image + "\" already present on machine");
      pulled = CompletableFuture.completedFuture(null);
    } else {
      c.events().normal(pod, ref, "Pulling", "Pulling image \"" + image + "\"");
      Instant begun = c.clock().instant();
      pulled = rt.pullImage(image).thenApply(imageRef -> {
        double seconds = Duration.between(begun, c.clock().instant()).toMillis() / 1000.0;
        c.events().normal(pod, ref, "Pulled", String.format("Successfully pulled image \"%s\" in %.3fs", image,
            seconds));
        return imageRef;
      });
    }
    String sandboxId = sandbox.id();
    var step = pulled.exceptionallyCompose(e -> CompletableFuture.failedFuture(new StageFailure(Stage.PULL, e, null)))
        .thenCompose(r -> rt.createContainer(sandboxId, config).exceptionallyCompose(e ->
            CompletableFuture.failedFuture(new StageFailure(Stage.CREATE, e, null))))
        .thenCompose(id -> {
          c.events().normal(pod, ref, "Created", "Created container " + name);
          return rt.startContainer(id).exceptionallyCompose(e ->
              CompletableFuture.failedFuture(new StageFailure(Stage.START, e, id)))
              .thenCompose(v -> {
                c.events().normal(pod, ref, "Started", "Started container " + name);
                return postStart(pod, spec, id, podIp);
              })
              .thenCompose(v -> rt.containerStatus(id));
        });
    step.whenComplete((status, error) -> {
      if (error == null) {
        worker.tell(new PodWorker.Started(name, status, null));
        return;
      }
      Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      worker.tell(new PodWorker.Started(name, null, failure(pod, ref, image, e)));
    });
    return true;
  }

  /**
   * Runs the postStart hook, as the kubelet does before it reports the container started; a failure is a
   * FailedPostStartHook event and the container is killed (then restarted or not per restartPolicy).
   */
  private CompletionStage<Void> postStart(JsonNode pod, JsonNode spec, String containerId, String podIp) {
    JsonNode hook = spec.path("lifecycle").path("postStart");
    if (!hook.isObject()) {
      return CompletableFuture.completedFuture(null);
    }
    String name = spec.path("name").asText();
    return c.prober().run(Probes.resolvePorts(hook, spec), containerId, podIp, HOOK_TIMEOUT).thenCompose(r -> {
      if (r.success()) {
        return CompletableFuture.completedFuture(null);
      }
      String podName = pod.path("metadata").path("name").asText() + "_"
          + pod.path("metadata").path("namespace").asText() + "(" + pod.path("metadata").path("uid").asText() + ")";
      c.events().warning(pod, new ContainerRef(name, false), "FailedPostStartHook",
          ContainerStopper.postStartFailure(hook, name, podName, r.message()));
      return c.runtime().stopContainer(containerId, HOOK_TIMEOUT);
    });
  }

  private boolean refuse(JsonNode pod, ContainerRef ref, ConfigError e, ContainerTrack track) {
    lastError = e;
    if (!e.getMessage().equals(track.waitingMessage())) { // once per cause, not every retry
      c.events().warning(pod, ref, e.reason().equals("ErrImageNeverPull") ? "ErrImageNeverPull" : "Failed",
          e.reason().equals("ErrImageNeverPull") ? e.getMessage() : "Error: " + e.getMessage());
    }
    return false;
  }

  private Failure failure(JsonNode pod, ContainerRef ref, String image, Throwable e) {
    if (!(e instanceof StageFailure f)) {
      return new Failure("RunContainerError", String.valueOf(e.getMessage()), true);
    }
    String message = String.valueOf(f.getCause().getMessage());
    switch (f.stage) {
      case PULL -> {
        c.events().warning(pod, ref, "Failed", "Failed to pull image \"" + image + "\": " + message);
        c.events().warning(pod, ref, "Failed", "Error: ErrImagePull");
        return new Failure("ErrImagePull", "failed to pull image \"" + image + "\": " + message, true);
      }
      case CREATE -> {
        c.events().warning(pod, ref, "Failed", "Error: " + message);
        return new Failure("CreateContainerError", message, false);
      }
      default -> {
        c.events().warning(pod, ref, "Failed", "Error: " + message);
        if (f.containerId != null) {
          c.runtime().removeContainer(f.containerId);
        }
        return new Failure("RunContainerError", message, true);
      }
    }
  }
}

package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.node.EventRecorder.ContainerRef;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Stops one container as the kubelet's killContainer does: the preStop hook first (when asked: graceful
 * deletion), whose time counts against the grace period, then TERM with what is left (at least 2 s after a hook,
 * as in the kubelet), then KILL. Answers the container's status once it has exited.
 */
final class ContainerStopper {
  private static final Duration MIN_AFTER_HOOK = Duration.ofSeconds(2);

  private final PodWorker.Context c;

  ContainerStopper(PodWorker.Context context) {
    this.c = context;
  }

  CompletionStage<ContainerStatus> stop(JsonNode pod, JsonNode spec, ContainerStatus s, String podIp,
      Duration grace, boolean preStop) {
    JsonNode hook = spec == null ? null : spec.path("lifecycle").path("preStop");
    Instant begun = c.clock().instant();
    CompletableFuture<Duration> left = CompletableFuture.completedFuture(grace);
    if (preStop && hook != null && hook.isObject() && !grace.isZero() && s.state() == ContainerState.RUNNING) {
      left = c.prober().run(Probes.resolvePorts(hook, spec), s.id(), podIp, grace).toCompletableFuture().thenApply(r -> {
        if (!r.success()) {
          c.events().warning(pod, new ContainerRef(s.name(), false), "FailedPreStopHook",
              "PreStopHook failed: " + r.message());
        }
        Duration rest = grace.minus(Duration.between(begun, c.clock().instant()));
        return rest.compareTo(MIN_AFTER_HOOK) < 0 ? MIN_AFTER_HOOK : rest;
      });
    }
    return left.thenCompose(rest -> c.runtime().stopContainer(s.id(), rest))
        .thenCompose(v -> c.runtime().containerStatus(s.id()));
  }

  /** The kubelet's words for a failed postStart hook. */
  static String postStartFailure(JsonNode handler, String container, String pod, String message) {
    String what = handler.has("exec") ? "Exec lifecycle hook (" + handler.path("exec").path("command") + ")"
        : "HTTP lifecycle hook (" + handler.path("httpGet").path("path").asText() + ")";
    return what + " for Container \"" + container + "\" in Pod \"" + pod + "\" failed - error: " + message;
  }
}

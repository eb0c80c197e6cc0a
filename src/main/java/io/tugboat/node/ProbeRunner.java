package io.tugboat.node;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.node.EventRecorder.ContainerRef;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Runs the probes of one pod's running containers when they are due ({@link PodProbes} decides) and reads their
 * results: each failure is an Unhealthy event, and the verdict's action goes back to the worker, which kills,
 * marks ready or started. Results arrive at the worker as {@link PodWorker.ProbeDone}.
 */
final class ProbeRunner {

  /** What a result asks of the worker, and the probe's spec (null when the result is stale). */
  record Outcome(Probes.Action action, Probes.Spec spec) {}

  private final PodWorker.Context c;
  private final ActorRef<PodWorker.Command> worker;
  private final PodProbes probes = new PodProbes();

  ProbeRunner(PodWorker.Context context, ActorRef<PodWorker.Command> worker) {
    this.c = context;
    this.worker = worker;
  }

  /** Starts the probes due at {@code now} of the running containers not being stopped. */
  void runDue(JsonNode pod, Map<String, ContainerStatus> containers, Map<String, ContainerTrack> tracks,
      Set<String> stopping, String podIp, Instant now) {
    Set<String> live = new HashSet<>();
    for (JsonNode spec : pod.path("spec").path("containers")) {
      String name = spec.path("name").asText();
      ContainerStatus s = containers.get(name);
      if (s == null || s.state() != ContainerState.RUNNING || stopping.contains(s.id())) {
        continue;
      }
      live.add(s.id());
      for (PodProbes.Run run : probes.due(spec, s, tracks.get(name), now)) {
        c.prober().run(Probes.resolvePorts(run.spec().handler(), spec), s.id(), podIp, run.spec().timeout())
            .whenComplete((r, e) -> worker.tell(new PodWorker.ProbeDone(s.id(), name, run.spec().kind(),
                e != null ? new Probes.Result(false, String.valueOf(e.getMessage())) : r)));
      }
    }
    probes.retain(live);
  }

  /**
   * Records a result of the container instance {@code current} (null, or another instance: the result is stale
   * and asks for nothing); a failure is an Unhealthy event.
   */
  Outcome onResult(JsonNode pod, PodWorker.ProbeDone d, ContainerStatus current) {
    Probes.Spec spec = probes.spec(d.containerId(), d.kind());
    Probes.Action action = probes.record(d.containerId(), d.kind(), d.result(), c.clock().instant());
    if (current == null || !current.id().equals(d.containerId()) || current.state() != ContainerState.RUNNING
        || spec == null) {
      return new Outcome(Probes.Action.NONE, null);
    }
    if (!d.result().success()) {
      c.events().warning(pod, new ContainerRef(d.name(), false), "Unhealthy", d.kind().title()
          + " probe failed: " + d.result().message());
    }
    return new Outcome(action, spec);
  }

  /** When the next probe is due (null: none). */
  Instant nextDue() {
    return probes.nextDue();
  }
}

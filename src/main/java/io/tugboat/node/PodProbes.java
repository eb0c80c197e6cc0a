package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The probes of one pod's running containers, without I/O: which are due, and what each result asks for. Each
 * container instance has its own probe states (a restarted container starts over, initial delay included). A
 * startup probe holds back liveness and readiness until it succeeds, as in the kubelet.
 */
final class PodProbes {

  /** A probe of one container instance: its spec, state and whether a run is under way. */
  record Run(String containerId, String containerName, Probes.Spec spec, Probes.State state, boolean inFlight) {}

  private final Map<String, Run> runs = new HashMap<>();

  private static String key(String containerId, Probes.Kind kind) {
    return containerId + "/" + kind;
  }

  /** The probes of a running container due at {@code now}, marked in flight. */
  List<Run> due(JsonNode spec, ContainerStatus s, ContainerTrack track, Instant now) {
    List<Run> out = new ArrayList<>();
    if (s == null || s.state() != ContainerState.RUNNING) {
      return out;
    }
    Probes.Spec startup = Probes.Spec.of(Probes.Kind.STARTUP, spec);
    boolean started = startup == null || (track != null && track.started());
    List<Probes.Spec> specs = new ArrayList<>();
    if (!started) {
      specs.add(startup);
    } else {
      for (Probes.Kind k : new Probes.Kind[] {Probes.Kind.LIVENESS, Probes.Kind.READINESS}) {
        Probes.Spec p = Probes.Spec.of(k, spec);
        if (p != null) {
          specs.add(p);
        }
      }
    }
    Instant since = s.startedAt() != null ? s.startedAt() : now;
    for (Probes.Spec p : specs) {
      String key = key(s.id(), p.kind());
      Run run = runs.computeIfAbsent(key, k -> new Run(s.id(), s.name(), p, Probes.State.initial(p, since), false));
      if (!run.inFlight() && run.state().due(now)) {
        Run marked = new Run(run.containerId(), run.containerName(), run.spec(), run.state(), true);
        runs.put(key, marked);
        out.add(marked);
      }
    }
    return out;
  }

  /** Records a result; answers what it asks for (NONE too when the probe is no longer known). */
  Probes.Action record(String containerId, Probes.Kind kind, Probes.Result result, Instant now) {
    String key = key(containerId, kind);
    Run run = runs.get(key);
    if (run == null) {
      return Probes.Action.NONE;
    }
    Probes.State next = run.state().next(run.spec(), result, now);
    runs.put(key, new Run(containerId, run.containerName(), run.spec(), next, false));
    return Probes.action(kind, run.state().verdict(), next.verdict());
  }

  /** The spec of a known probe, or null. */
  Probes.Spec spec(String containerId, Probes.Kind kind) {
    Run run = runs.get(key(containerId, kind));
    return run == null ? null : run.spec();
  }

  /** When the next probe is due (null: none waits). */
  Instant nextDue() {
    Instant next = null;
    for (Run r : runs.values()) {
      if (!r.inFlight() && (next == null || r.state().nextRun().isBefore(next))) {
        next = r.state().nextRun();
      }
    }
    return next;
  }

  /** Forgets the probes of containers that are not in {@code live} (exited, replaced). */
  void retain(java.util.Set<String> live) {
    for (Iterator<Run> it = runs.values().iterator(); it.hasNext(); ) {
      if (!live.contains(it.next().containerId())) {
        it.remove();
      }
    }
  }
}

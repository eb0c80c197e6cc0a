package io.tugboat.node;

import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import java.time.Duration;
import java.time.Instant;

/** The kubelet's restart rules, as pure functions: whether an exited container runs again, and when. */
public final class PodLifecycle {
  private PodLifecycle() {}

  /**
   * Whether a container that exited with {@code exitCode} is started again. Init containers restart only on
   * failure (Always counts as OnFailure for them); a container killed for a failed liveness or startup probe
   * restarts unless the policy is Never, whatever its exit code.
   */
  public static boolean shouldRestart(String restartPolicy, boolean init, int exitCode, boolean killedByProbe) {
    return switch (restartPolicy) {
      case "Never" -> false;
      case "OnFailure" -> exitCode != 0 || killedByProbe;
      default -> !init || exitCode != 0 || killedByProbe;
    };
  }

  /**
   * The track of a container after {@code exited} ended and it is to run again: one more restart, the run kept
   * as lastState, and the next start after the back-off (the first restart at once; the count starts again
   * after a run of at least the reset time).
   */
  public static ContainerTrack afterExit(ContainerTrack track, ContainerStatus exited, Backoff backoff,
      Instant now) {
    Instant finished = exited.finishedAt() != null ? exited.finishedAt() : now;
    Duration ran = exited.startedAt() == null ? Duration.ZERO : Duration.between(exited.startedAt(), finished);
    int step = ran.compareTo(backoff.resetAfter()) >= 0 ? 0 : track.backoffStep();
    return track.restarting(exited, step + 1, finished.plus(backoff.delay(step)));
  }

  /** The track after a failed pull or start: the same wait as a crash, counted on the same step. */
  public static ContainerTrack afterFailedStart(ContainerTrack track, String reason, String message,
      Backoff backoff, Instant now) {
    int step = Math.max(1, track.backoffStep());
    return track.waiting(reason, message).backingOff(step + 1, now.plus(backoff.delay(step)));
  }
}

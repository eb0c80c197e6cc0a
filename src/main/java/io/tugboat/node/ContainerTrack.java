package io.tugboat.node;

import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import java.time.Instant;

/**
 * What a node agent remembers of one container of a pod across its instances (what the runtime does not keep):
 * the attempt number of its next instance (how often it was restarted once that one runs), the instance before the current one (lastState), the back-off step and when the
 * next start may happen, why it waits (ErrImagePull, CreateContainerConfigError ... ; null when it does not), and
 * the probes' verdicts (ready, started).
 */
public record ContainerTrack(int restartCount, ContainerStatus last, int backoffStep, Instant notBefore,
    String waitingReason, String waitingMessage, boolean ready, boolean started) {

  /** A container not started yet. */
  public static final ContainerTrack NEW = new ContainerTrack(0, null, 0, null, null, null, false, false);

  /** This track waiting for this reason (null: not waiting for an error). */
  public ContainerTrack waiting(String reason, String message) {
    return new ContainerTrack(restartCount, last, backoffStep, notBefore, reason, message, ready, started);
  }

  /** This track after the container instance {@code exited} ended and another is due at {@code next}. */
  public ContainerTrack restarting(ContainerStatus exited, int step, Instant next) {
    // The instance's own attempt counts too: an agent that restarted knows restarts only from the runtime.
    return new ContainerTrack(Math.max(restartCount, exited.attempt()) + 1, exited, step, next, null, null, false,
        false);
  }

  /** This track with the back-off moved on (an image pull or config error that is tried again later). */
  public ContainerTrack backingOff(int step, Instant next) {
    return new ContainerTrack(restartCount, last, step, next, waitingReason, waitingMessage, ready, started);
  }

  /** This track with the readiness probe's verdict. */
  public ContainerTrack withReady(boolean value) {
    return new ContainerTrack(restartCount, last, backoffStep, notBefore, waitingReason, waitingMessage, value,
        started);
  }

  /** This track with the startup probe's verdict. */
  public ContainerTrack withStarted(boolean value) {
    return new ContainerTrack(restartCount, last, backoffStep, notBefore, waitingReason, waitingMessage, ready,
        value);
  }
}

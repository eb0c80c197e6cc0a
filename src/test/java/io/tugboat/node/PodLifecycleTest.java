package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Restart rules and the crash-loop back-off. */
class PodLifecycleTest {

  static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  static ContainerStatus exited(Instant started, Instant finished, int code) {
    return new ContainerStatus("c", "sb", "app", 0, "img", "ref", ContainerState.EXITED, started, started, finished,
        code, code == 0 ? "Completed" : "Error", null, "app/0.log");
  }

  @Test
  void backoffIsImmediateThenDoublesFromTheBaseUpToTheMax() {
    Backoff b = Backoff.KUBERNETES;
    assertEquals(Duration.ZERO, b.delay(0));
    assertEquals(Duration.ofSeconds(10), b.delay(1));
    assertEquals(Duration.ofSeconds(20), b.delay(2));
    assertEquals(Duration.ofSeconds(160), b.delay(5));
    assertEquals(Duration.ofMinutes(5), b.delay(6));
    assertEquals(Duration.ofMinutes(5), b.delay(60));
  }

  @Test
  void restartPoliciesDecideWhetherAnExitedContainerRunsAgain() {
    assertTrue(PodLifecycle.shouldRestart("Always", false, 0, false));
    assertTrue(PodLifecycle.shouldRestart("Always", false, 1, false));
    assertFalse(PodLifecycle.shouldRestart("OnFailure", false, 0, false));
    assertTrue(PodLifecycle.shouldRestart("OnFailure", false, 2, false));
    assertTrue(PodLifecycle.shouldRestart("OnFailure", false, 0, true), "a liveness kill restarts");
    assertFalse(PodLifecycle.shouldRestart("Never", false, 1, true));
    assertFalse(PodLifecycle.shouldRestart("Always", true, 0, false), "a finished init container stays done");
    assertTrue(PodLifecycle.shouldRestart("Always", true, 1, false));
    assertFalse(PodLifecycle.shouldRestart("Never", true, 1, false));
  }

  @Test
  void eachCrashWaitsLongerAndALongRunResetsTheCount() {
    Backoff b = Backoff.KUBERNETES;
    ContainerTrack t = ContainerTrack.NEW;
    t = PodLifecycle.afterExit(t, exited(T0, T0.plusSeconds(1), 1), b, T0.plusSeconds(1));
    assertEquals(1, t.restartCount());
    assertEquals(T0.plusSeconds(1), t.notBefore(), "the first restart is at once");
    t = PodLifecycle.afterExit(t, exited(T0.plusSeconds(2), T0.plusSeconds(3), 1), b, T0.plusSeconds(3));
    assertEquals(T0.plusSeconds(13), t.notBefore());
    t = PodLifecycle.afterExit(t, exited(T0.plusSeconds(13), T0.plusSeconds(14), 1), b, T0.plusSeconds(14));
    assertEquals(T0.plusSeconds(34), t.notBefore());
    assertEquals(3, t.restartCount());
    assertEquals(T0.plusSeconds(14), t.last().finishedAt(), "the run that ended is lastState");
    Instant longRunEnd = T0.plusSeconds(34).plus(Duration.ofMinutes(10));
    t = PodLifecycle.afterExit(t, exited(T0.plusSeconds(34), longRunEnd, 1), b, longRunEnd);
    assertEquals(longRunEnd, t.notBefore(), "ten minutes of running reset the back-off");
    assertEquals(4, t.restartCount(), "but not the restart count");
  }

  @Test
  void aFailedPullOrStartWaitsAtLeastTheBase() {
    ContainerTrack t = PodLifecycle.afterFailedStart(ContainerTrack.NEW, "ErrImagePull", "nope", Backoff.KUBERNETES,
        T0);
    assertEquals("ErrImagePull", t.waitingReason());
    assertEquals(T0.plusSeconds(10), t.notBefore());
    t = PodLifecycle.afterFailedStart(t, "ErrImagePull", "nope", Backoff.KUBERNETES, T0.plusSeconds(10));
    assertEquals(T0.plusSeconds(30), t.notBefore());
  }
}

package io.tugboat.scheduler;

import static io.tugboat.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static SchedulingQueue queue() {
    return new SchedulingQueue(Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  @Test
  void popsHigherPriorityFirstThenFirstCome() {
    SchedulingQueue q = queue();
    q.add(pod("a", "0", "0", ""));
    q.add(pod("b", "0", "0", "spec: {priority: 10}"));
    q.add(pod("c", "0", "0", ""));
    assertEquals("b", q.pop(T0).name());
    assertEquals("a", q.pop(T0).name());
    assertEquals("c", q.pop(T0).name());
    assertNull(q.pop(T0));
  }

  @Test
  void unschedulablePodsWaitForAChangeThenTheirBackoff() {
    SchedulingQueue q = queue();
    PodInfo p = pod("a", "0", "0", "");
    q.add(p);
    q.unschedulable(q.pop(T0), T0);
    assertNull(q.pop(T0.plusSeconds(100)), "no change, no retry");
    q.moveAllToActive(T0.plusMillis(500));
    assertNull(q.pop(T0.plusMillis(500)), "still backing off");
    assertEquals(Optional.of(T0.plusSeconds(1)), q.nextBackoffExpiry());
    assertEquals("a", q.pop(T0.plusSeconds(1)).name());
  }

  @Test
  void backoffDoublesPerAttemptUpToTheMaximum() {
    SchedulingQueue q = queue();
    q.add(pod("a", "0", "0", ""));
    Instant t = T0;
    for (int attempt = 1; attempt <= 6; attempt++) {
      PodInfo p = q.pop(t);
      q.unschedulable(p, t);
      q.moveAllToActive(t);
      Duration expected = Duration.ofSeconds(Math.min(10, 1L << (attempt - 1)));
      assertEquals(Optional.of(t.plus(expected)), q.nextBackoffExpiry(), "attempt " + attempt);
      t = t.plus(expected);
    }
  }

  @Test
  void theSafetyNetRetriesLongWaitingPods() {
    SchedulingQueue q = queue();
    q.add(pod("a", "0", "0", ""));
    q.unschedulable(q.pop(T0), T0);
    q.flushUnschedulable(T0.plusSeconds(59), Duration.ofSeconds(60));
    assertArrayEquals(new int[] {0, 0, 1}, q.sizes());
    q.flushUnschedulable(T0.plusSeconds(60), Duration.ofSeconds(60));
    assertEquals("a", q.pop(T0.plusSeconds(60)).name());
  }

  @Test
  void aSpecChangeRetriesAnUnschedulablePodButAStatusChangeDoesNot() {
    SchedulingQueue q = queue();
    PodInfo p = pod("a", "0", "0", "");
    q.add(p);
    q.unschedulable(q.pop(T0), T0);
    q.update(p, false);
    assertArrayEquals(new int[] {0, 0, 1}, q.sizes());
    q.update(p, true);
    assertEquals("a", q.pop(T0.plusSeconds(1)).name());
  }

  @Test
  void removedPodsAreGone() {
    SchedulingQueue q = queue();
    q.add(pod("a", "0", "0", ""));
    q.remove("a");
    assertNull(q.pop(T0));
    assertArrayEquals(new int[] {0, 0, 0}, q.sizes());
  }
}

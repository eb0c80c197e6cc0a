package io.tugboat.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * The order in which waiting pods are tried, as kube-scheduler's scheduling queue, in three parts:
 * <ul>
 *   <li>active: ready to try, highest priority first, then first come;
 *   <li>backoff: failed recently, ready again after 1s, 2s, 4s ... up to the maximum per attempt;
 *   <li>unschedulable: found no node; tried again only when the cluster changes in a way that may help (the
 *       caller says so with {@link #moveAllToActive}) or, as a safety net, after waiting long.
 * </ul>
 * A pod is in at most one part, or in none while it is being scheduled. Time is passed in, never read.
 */
public final class SchedulingQueue {

  private record Entry(PodInfo pod, long seq, int attempts, Instant lastTry) {}

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final PriorityQueue<Entry> active = new PriorityQueue<>(Comparator
      .comparingInt((Entry e) -> -e.pod().priority()).thenComparingLong(Entry::seq));
  private final Map<String, Entry> activeByUid = new HashMap<>();
  private final Map<String, Entry> backoff = new HashMap<>();
  // Backing-off entries by the time they are ready; entries no longer in the map are skipped when reached.
  private final PriorityQueue<Entry> backoffOrder = new PriorityQueue<>(Comparator.comparing(this::readyAt));
  private final Map<String, Entry> unschedulable = new HashMap<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  private long seq;

  /** A queue with these backoff bounds. */
  public SchedulingQueue(Duration initialBackoff, Duration maxBackoff) {
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** A new waiting pod: ready to try. */
  public void add(PodInfo pod) {
    remove(pod.uid());
    push(new Entry(pod, seq++, 0, null));
  }

  /**
   * A newer version of a waiting pod. A change of what scheduling reads makes an unschedulable pod worth
   * another try (after its backoff); otherwise the pod only keeps its place with the new data.
   */
  public void update(PodInfo pod, boolean schedulingChanged) {
    String uid = pod.uid();
    Entry e = activeByUid.get(uid);
    if (e != null) {
      active.remove(e);
      push(new Entry(pod, e.seq(), e.attempts(), e.lastTry()));
    } else if ((e = backoff.get(uid)) != null) {
      toBackoff(new Entry(pod, e.seq(), e.attempts(), e.lastTry()));
    } else if ((e = unschedulable.remove(uid)) != null) {
      Entry updated = new Entry(pod, e.seq(), e.attempts(), e.lastTry());
      if (schedulingChanged) {
        toBackoff(updated);
      } else {
        unschedulable.put(uid, updated);
      }
    } else if (!attempts.containsKey(uid)) {
      add(pod);
    }
  }

  /** Drops a pod (bound, deleted, or no longer ours). */
  public void remove(String uid) {
    Entry e = activeByUid.remove(uid);
    if (e != null) {
      active.remove(e);
    }
    backoff.remove(uid);
    unschedulable.remove(uid);
    attempts.remove(uid);
  }

  /** The next pod to try, after moving pods whose backoff is over to active; null when none is ready. */
  public PodInfo pop(Instant now) {
    flushBackoff(now);
    Entry e = active.poll();
    if (e == null) {
      return null;
    }
    activeByUid.remove(e.pod().uid());
    attempts.put(e.pod().uid(), e.attempts());
    return e.pod();
  }

  /** The pod found no node: it waits for a change that may help. */
  public void unschedulable(PodInfo pod, Instant now) {
    int n = attempts.getOrDefault(pod.uid(), 0) + 1;
    remove(pod.uid());
    unschedulable.put(pod.uid(), new Entry(pod, seq++, n, now));
  }

  /** Try the pod again after its backoff (its binding failed). */
  public void retryLater(PodInfo pod, Instant now) {
    int n = attempts.getOrDefault(pod.uid(), 0) + 1;
    remove(pod.uid());
    toBackoff(new Entry(pod, seq++, n, now));
  }

  /** The cluster changed in a way that may help: every unschedulable pod is tried again (after its backoff). */
  public void moveAllToActive(Instant now) {
    List<Entry> moving = new ArrayList<>(unschedulable.values());
    unschedulable.clear();
    moving.forEach(this::toBackoff);
    flushBackoff(now);
  }

  /** Safety net: pods unschedulable for longer than {@code maxWait} are tried again. */
  public void flushUnschedulable(Instant now, Duration maxWait) {
    for (Entry e : new ArrayList<>(unschedulable.values())) {
      if (!e.lastTry().plus(maxWait).isAfter(now)) {
        unschedulable.remove(e.pod().uid());
        toBackoff(e);
      }
    }
    flushBackoff(now);
  }

  /** Whether a pod is ready to try now. */
  public boolean hasActive(Instant now) {
    flushBackoff(now);
    return !active.isEmpty();
  }

  /** When the earliest backing-off pod is ready, if any. */
  public Optional<Instant> nextBackoffExpiry() {
    dropStale();
    return Optional.ofNullable(backoffOrder.peek()).map(this::readyAt);
  }

  /** Counts per part: active, backoff, unschedulable. */
  public int[] sizes() {
    return new int[] {active.size(), backoff.size(), unschedulable.size()};
  }

  /** Whether the pod waits in the unschedulable part. */
  public boolean isUnschedulable(String uid) {
    return unschedulable.containsKey(uid);
  }

  private void flushBackoff(Instant now) {
    dropStale();
    while (!backoffOrder.isEmpty() && !readyAt(backoffOrder.peek()).isAfter(now)) {
      Entry e = backoffOrder.poll();
      if (backoff.get(e.pod().uid()) == e) {
        backoff.remove(e.pod().uid());
        push(e);
      }
      dropStale();
    }
  }

  private void toBackoff(Entry e) {
    backoff.put(e.pod().uid(), e);
    backoffOrder.add(e);
  }

  private void dropStale() {
    while (!backoffOrder.isEmpty() && backoff.get(backoffOrder.peek().pod().uid()) != backoffOrder.peek()) {
      backoffOrder.poll();
    }
  }

  private Instant readyAt(Entry e) {
    if (e.lastTry() == null || e.attempts() == 0) {
      return Instant.MIN;
    }
    Duration d = initialBackoff;
    for (int i = 1; i < e.attempts() && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return e.lastTry().plus(d.compareTo(maxBackoff) > 0 ? maxBackoff : d);
  }

  private void push(Entry e) {
    active.add(e);
    activeByUid.put(e.pod().uid(), e);
  }
}

package io.tugboat.controllers.workloads;

import java.time.Duration;
import java.time.Instant;

/**
 * Kubernetes' event spam filter for one involved object (EventSourceObjectSpamFilter): a token bucket of 25 events
 * refilled with one every 5 minutes, so a ReplicaSet creating 1,000 pods reports its first 25 creates and the
 * store is not asked for 1,000 Event writes. Time comes from the caller.
 */
final class EventBudget {

  static final int BURST = 25;
  static final Duration REFILL = Duration.ofMinutes(5);

  private double tokens = BURST;
  private Instant last;

  /** Whether an event may be written at {@code now}; takes a token if so. */
  boolean take(Instant now) {
    if (last != null && now.isAfter(last)) {
      tokens = Math.min(BURST, tokens + (double) Duration.between(last, now).toMillis() / REFILL.toMillis());
    }
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}

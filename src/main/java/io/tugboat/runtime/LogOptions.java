package io.tugboat.runtime;

import java.time.Instant;
import java.util.Optional;

/**
 * Kubernetes' PodLogOptions as the backend sees them, already validated: at most one of sinceSeconds and
 * sinceTime, tailLines at least 0, sinceSeconds and limitBytes at least 1.
 */
public record LogOptions(boolean follow, Optional<Long> tailLines, Optional<Long> sinceSeconds,
    Optional<Instant> sinceTime, boolean timestamps, boolean previous, Optional<Long> limitBytes) {

  /** The whole current log, once, without timestamps. */
  public static LogOptions defaults() {
    return new LogOptions(false, Optional.empty(), Optional.empty(), Optional.empty(), false, false,
        Optional.empty());
  }

  public LogOptions withFollow(boolean value) {
    return new LogOptions(value, tailLines, sinceSeconds, sinceTime, timestamps, previous, limitBytes);
  }

  public LogOptions withTailLines(long value) {
    return new LogOptions(follow, Optional.of(value), sinceSeconds, sinceTime, timestamps, previous, limitBytes);
  }

  public LogOptions withTimestamps(boolean value) {
    return new LogOptions(follow, tailLines, sinceSeconds, sinceTime, value, previous, limitBytes);
  }

  public LogOptions withLimitBytes(long value) {
    return new LogOptions(follow, tailLines, sinceSeconds, sinceTime, timestamps, previous, Optional.of(value));
  }

  public LogOptions withSinceTime(Instant value) {
    return new LogOptions(follow, tailLines, Optional.empty(), Optional.of(value), timestamps, previous, limitBytes);
  }

  public LogOptions withPrevious(boolean value) {
    return new LogOptions(follow, tailLines, sinceSeconds, sinceTime, timestamps, value, limitBytes);
  }

  /** The earliest time of a line to include, from sinceTime or sinceSeconds before {@code now}. */
  public Optional<Instant> since(Instant now) {
    return sinceTime.or(() -> sinceSeconds.map(now::minusSeconds));
  }
}

package io.tugboat.store;

import java.time.Instant;

/**
 * Who asked for a write, through which request, and when: carried by every journal event, so the journal
 * is the audit trail. A dry-run request ({@code dryRun=All}) is checked and answered as a real write would
 * be, and writes nothing.
 */
public record RequestInfo(String user, String userAgent, String requestId, String verb, Instant time,
    boolean dryRun) implements CborSerializable {

  /** A request that really writes. */
  public RequestInfo(String user, String userAgent, String requestId, String verb, Instant time) {
    this(user, userAgent, requestId, verb, time, false);
  }

  /** A write made by the server itself (a controller or start-up). */
  public static RequestInfo system(String component, String verb) {
    return new RequestInfo("system:" + component, "tugboat", java.util.UUID.randomUUID().toString(), verb,
        Instant.now());
  }
}

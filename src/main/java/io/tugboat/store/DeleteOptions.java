package io.tugboat.store;

/**
 * The parts of a Kubernetes DeleteOptions the store acts on: preconditions (uid, resourceVersion as an entity
 * version), the grace period and the propagation policy (Background, Foreground, Orphan).
 */
public record DeleteOptions(String preconditionUid, long expectedVersion, Long gracePeriodSeconds,
    String propagationPolicy) implements CborSerializable {

  /** Delete unconditionally with the defaults. */
  public static DeleteOptions defaults() {
    return new DeleteOptions(null, 0, null, null);
  }
}

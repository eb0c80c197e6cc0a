package io.tugboat.node;

/**
 * A container's configuration cannot be made (a missing ConfigMap, Secret or key, a bad field reference, a volume
 * that cannot be prepared): the container waits with {@code reason} (CreateContainerConfigError) and this message,
 * as the kubelet words it, and is tried again.
 */
public final class ConfigError extends Exception {
  private final String reason;

  /** An error the container waits on with this reason and message. */
  public ConfigError(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** A CreateContainerConfigError. */
  public ConfigError(String message) {
    this("CreateContainerConfigError", message);
  }

  /** The waiting reason the container shows. */
  public String reason() {
    return reason;
  }
}

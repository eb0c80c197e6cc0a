package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** Core v1 Events about a pod (see {@link Events}), for the components that report on pods. */
public final class PodEvents {
  private PodEvents() {}

  /** An Event about {@code pod}; {@code fieldPath} and {@code action} may be null. */
  public static ObjectNode event(JsonNode pod, Events.Source source, String fieldPath, String type, String reason,
      String message, String action, Instant now) {
    return Events.about(pod, "v1", "Pod", source, fieldPath, type, reason, message, action, now);
  }
}

package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Core v1 Events as Kubernetes' event recorder writes them, for every component that reports what it did (the
 * scheduler, the workload controllers): pure, the caller creates the object.
 */
public final class Events {

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private Events() {}

  /**
   * An Event about {@code involved} (any object with apiVersion, kind and metadata) in its namespace, named as
   * the recorder names them: "name.hex-nanoseconds" (a generateName of "name." would end in a dot, which names
   * may not). The sequence keeps two events of the same instant apart.
   */
  public static ObjectNode about(JsonNode involved, String component, String type, String reason, String message,
      String action, Instant now) {
    ObjectNode e = Json.object();
    e.put("apiVersion", "v1");
    e.put("kind", "Event");
    ObjectNode meta = Json.meta(e);
    String name = Json.metaText(involved, "name");
    String namespace = Json.metaText(involved, "namespace");
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + SEQUENCE.incrementAndGet();
    meta.put("name", name + "." + Long.toHexString(nanos));
    meta.put("namespace", namespace.isEmpty() ? "default" : namespace);
    ObjectNode ref = e.putObject("involvedObject");
    ref.put("apiVersion", Json.text(involved.path("apiVersion")));
    ref.put("kind", Json.text(involved.path("kind")));
    if (!namespace.isEmpty()) {
      ref.put("namespace", namespace);
    }
    ref.put("name", name);
    ref.put("uid", Json.metaText(involved, "uid"));
    String rv = Json.metaText(involved, "resourceVersion");
    if (!rv.isEmpty()) {
      ref.put("resourceVersion", rv);
    }
    e.put("reason", reason);
    e.put("message", message);
    e.put("type", type);
    e.putObject("source").put("component", component);
    e.put("reportingComponent", component);
    e.put("reportingInstance", component);
    if (action != null) {
      e.put("action", action);
    }
    String ts = ObjectLifecycle.timestamp(now);
    e.put("firstTimestamp", ts);
    e.put("lastTimestamp", ts);
    e.put("count", 1);
    return e;
  }
}

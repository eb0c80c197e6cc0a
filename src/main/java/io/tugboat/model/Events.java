package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Core v1 Events as Kubernetes' event recorder writes them, for every component that reports what it did (the
 * scheduler, the node agents, the workload controllers): pure, the caller creates the object.
 */
public final class Events {

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private Events() {}

  /** Who reports: the component ("kubelet", "default-scheduler") and, for node agents, the node (else null). */
  public record Source(String component, String host) {}

  /** An Event about {@code involved} (any object with apiVersion, kind and metadata), from {@code component}. */
  public static ObjectNode about(JsonNode involved, String component, String type, String reason, String message,
      String action, Instant now) {
    return about(involved, Json.text(involved.path("apiVersion")), Json.text(involved.path("kind")),
        new Source(component, null), null, type, reason, message, action, now);
  }

  /**
   * An Event about {@code involved} of the given apiVersion and kind, in its namespace, named as the recorder names
   * them: "name.hex-nanoseconds" (a generateName of "name." would end in a dot, which names may not); the sequence
   * keeps two events of the same instant apart. {@code fieldPath} (such as "spec.containers{web}", for an event
   * about one container) and {@code action} may be null.
   */
  public static ObjectNode about(JsonNode involved, String apiVersion, String kind, Source source, String fieldPath,
      String type, String reason, String message, String action, Instant now) {
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
    ref.put("apiVersion", apiVersion);
    ref.put("kind", kind);
    if (!namespace.isEmpty()) {
      ref.put("namespace", namespace);
    }
    ref.put("name", name);
    ref.put("uid", Json.metaText(involved, "uid"));
    String rv = Json.metaText(involved, "resourceVersion");
    if (!rv.isEmpty()) {
      ref.put("resourceVersion", rv);
    }
    if (fieldPath != null) {
      ref.put("fieldPath", fieldPath);
    }
    e.put("reason", reason);
    e.put("message", message);
    e.put("type", type);
    ObjectNode src = e.putObject("source");
    src.put("component", source.component());
    if (source.host() != null) {
      src.put("host", source.host());
    }
    e.put("reportingComponent", source.component());
    e.put("reportingInstance", source.host() != null ? source.host() : source.component());
    if (action != null) {
      e.put("action", action);
    }
    String ts = ObjectLifecycle.timestamp(now);
    e.put("firstTimestamp", ts);
    e.put("lastTimestamp", ts);
    e.put("count", 1);
    return e;
  }

  /** A patch that counts one more occurrence of an aggregated event. */
  public static ObjectNode repeatPatch(int count, Instant now) {
    ObjectNode patch = Json.object();
    patch.put("count", count);
    patch.put("lastTimestamp", ObjectLifecycle.timestamp(now));
    return patch;
  }
}

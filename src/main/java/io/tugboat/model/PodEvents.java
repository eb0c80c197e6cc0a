package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Core v1 Events about a pod, as Kubernetes' event recorder writes them, for every component that reports on
 * pods (the scheduler, the node agents): named "pod.hex-nanoseconds", in the pod's namespace, with the pod as
 * involvedObject (and a fieldPath such as "spec.containers{web}" when the event is about one container).
 */
public final class PodEvents {
  private PodEvents() {}

  private static final AtomicLong SEQUENCE = new AtomicLong();

  /** Who reports: the component ("kubelet", "default-scheduler") and, for node agents, the node (else null). */
  public record Source(String component, String host) {}

  /**
   * An Event about {@code pod}. The sequence keeps two events of the same instant apart (a generateName of
   * "pod." would end in a dot, which names may not). {@code fieldPath} and {@code action} may be null.
   */
  public static ObjectNode event(JsonNode pod, Source source, String fieldPath, String type, String reason,
      String message, String action, Instant now) {
    String name = Json.metaText(pod, "name");
    String namespace = Json.metaText(pod, "namespace");
    ObjectNode e = Json.object();
    e.put("apiVersion", "v1");
    e.put("kind", "Event");
    ObjectNode meta = Json.meta(e);
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + SEQUENCE.incrementAndGet();
    meta.put("name", name + "." + Long.toHexString(nanos));
    meta.put("namespace", namespace);
    ObjectNode involved = e.putObject("involvedObject");
    involved.put("apiVersion", "v1");
    involved.put("kind", "Pod");
    involved.put("namespace", namespace);
    involved.put("name", name);
    involved.put("uid", Json.metaText(pod, "uid"));
    String rv = Json.metaText(pod, "resourceVersion");
    if (!rv.isEmpty()) {
      involved.put("resourceVersion", rv);
    }
    if (fieldPath != null) {
      involved.put("fieldPath", fieldPath);
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

package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Events;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.PodEvents;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's events about one pod (Pulled, Created, Started, Killing, BackOff, Unhealthy, Failed ...), written
 * to the store without waiting. A repeat of the same reason, message and container counts up on the Event already
 * written, as Kubernetes' recorder aggregates them ("x5 over 2m" in kubectl describe).
 */
final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();

  private record Written(String name, int count) {}

  private final ObjectStore store;
  private final Events.Source source;
  private final Clock clock;
  private final String user;
  private final String userAgent;
  private final Map<String, Written> written = new ConcurrentHashMap<>();
  private final boolean normalEvents;

  EventRecorder(ObjectStore store, String nodeName, Clock clock, String userAgent, boolean normalEvents) {
    this.normalEvents = normalEvents;
    this.store = store;
    this.source = new Events.Source("kubelet", nodeName);
    this.clock = clock;
    this.user = "system:node:" + nodeName;
    this.userAgent = userAgent;
  }

  /** A Normal event about the pod, or one of its containers when {@code container} is set. */
  void normal(JsonNode pod, ContainerRef container, String reason, String message) {
    if (normalEvents) {
      record(pod, container, "Normal", reason, message);
    }
  }

  /** A Warning event. */
  void warning(JsonNode pod, ContainerRef container, String reason, String message) {
    record(pod, container, "Warning", reason, message);
  }

  /** A container an event is about: "spec.containers{web}" or "spec.initContainers{setup}". */
  record ContainerRef(String name, boolean init) {
    String fieldPath() {
      return (init ? "spec.initContainers{" : "spec.containers{") + name + "}";
    }
  }

  private void record(JsonNode pod, ContainerRef container, String type, String reason, String message) {
    String fieldPath = container == null ? null : container.fieldPath();
    String key = Json.metaText(pod, "uid") + "|" + fieldPath + "|" + reason + "|" + message;
    Written before = written.get(key);
    var now = clock.instant();
    if (before != null) {
      int count = before.count() + 1;
      written.put(key, new Written(before.name(), count));
      store.patch(ObjectKey.of(EVENTS, Json.metaText(pod, "namespace"), before.name()), PatchType.MERGE,
          Events.repeatPatch(count, now), Subresource.MAIN, request("patch")).whenComplete((r, e) -> {
            if (e != null) {
              LOG.debug("event {} not counted: {}", before.name(), e.getMessage());
            }
          });
      return;
    }
    var event = PodEvents.event(pod, source, fieldPath, type, reason, message, null, now);
    written.put(key, new Written(Json.metaText(event, "name"), 1));
    store.create(EVENTS, event, request("create")).whenComplete((r, e) -> {
      if (e != null) {
        written.remove(key);
        LOG.debug("event {} {} not written: {}", reason, message, e.getMessage());
      }
    });
  }

  /** Forgets what was written about a pod that is gone. */
  void forget(String podUid) {
    written.keySet().removeIf(k -> k.startsWith(podUid + "|"));
  }

  private RequestInfo request(String verb) {
    return new RequestInfo(user, userAgent, UUID.randomUUID().toString(), verb, clock.instant());
  }
}

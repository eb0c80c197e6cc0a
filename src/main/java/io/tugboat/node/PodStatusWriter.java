package io.tugboat.node;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.util.UUID;

/**
 * Writes a pod's status through its status subresource, one write at a time: a status computed while a write is
 * under way marks the writer dirty, and the worker computes it again once the write is answered
 * ({@link PodWorker.StatusDone}). A status equal to the last written, or to the pod's, is not written.
 */
final class PodStatusWriter {
  private final PodWorker.Context c;
  private final ObjectKey key;
  private final ActorRef<PodWorker.Command> worker;
  private ObjectNode lastReported;
  private boolean writeInFlight;
  private boolean dirty;

  PodStatusWriter(PodWorker.Context context, ObjectKey key, ActorRef<PodWorker.Command> worker) {
    this.c = context;
    this.key = key;
    this.worker = worker;
  }

  /** Writes the status unless it is what the pod has or was last written. */
  void offer(ObjectNode status, JsonNode pod) {
    if (status.equals(lastReported) || status.equals(pod.path("status"))) {
      return;
    }
    if (writeInFlight) {
      dirty = true;
      return;
    }
    writeInFlight = true;
    ObjectNode patch = Json.object();
    ObjectNode written = status.deepCopy();
    if (!written.has("podIP")) { // no sandbox (yet, or any more): an IP from before is not the pod's now
      written.putNull("podIP");
      written.putNull("podIPs");
    }
    patch.set("status", written);
    RequestInfo request = new RequestInfo("system:node:" + c.nodeName(), c.userAgent(),
        UUID.randomUUID().toString(), "patch", c.clock().instant());
    c.store().patch(key, PatchType.MERGE, patch, Subresource.STATUS, request)
        .whenComplete((r, e) -> worker.tell(new PodWorker.StatusDone(status, r, e)));
  }

  /** Whether a write is under way or owed. */
  boolean busy() {
    return writeInFlight || dirty;
  }

  /**
   * Takes a write's answer: the pod version it produced when newer than {@code current}, else {@code current}.
   * A failed write is owed again (dirty).
   */
  WatchCache.Entry done(PodWorker.StatusDone d, WatchCache.Entry current) {
    writeInFlight = false;
    if (d.error() != null) {
      return current;
    }
    lastReported = d.status();
    dirty = false;
    return d.result() != null && d.result().entry().resourceVersion() > current.resourceVersion()
        ? d.result().entry() : current;
  }
}

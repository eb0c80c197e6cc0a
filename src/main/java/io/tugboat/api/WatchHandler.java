package io.tugboat.api;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.ws.Message;
import akka.http.javadsl.model.ws.TextMessage;
import akka.http.javadsl.model.ws.WebSocketUpgrade;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.WatchCache;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Watches as Kubernetes streams them: a chunked response of one JSON event per line (ADDED, MODIFIED,
 * DELETED, ERROR), from a resourceVersion or from now with the current objects first, with objects moving
 * in or out of the selectors reported as ADDED or DELETED; or, when the request asks to upgrade, the same
 * events as WebSocket text messages.
 */
final class WatchHandler {

  /** One event to send: a change of an object, or a BOOKMARK (entry null) at a resourceVersion. */
  private record Event(String type, WatchCache.Entry entry, long bookmarkVersion, boolean initialEventsEnd) {
    Event(String type, WatchCache.Entry entry) {
      this(type, entry, 0, false);
    }
  }

  private final ActorSystem<?> system;
  private final ObjectStore store;
  private final int bufferSize;
  private final Duration maxTimeout = Duration.ofMinutes(30);

  WatchHandler(ActorSystem<?> system, ObjectStore store) {
    this.system = system;
    this.store = store;
    this.bufferSize = system.settings().config().getInt("tugboat.store.watcher-buffer");
  }

  CompletionStage<HttpResponse> watch(ResourceHandler.Call c) {
    Target t = c.target();
    Selection selection = Selection.of(t.type(), c.query().get("labelSelector", ""),
        c.query().get("fieldSelector", ""));
    String rvParam = c.query().get("resourceVersion", "");
    long from;
    try {
      from = rvParam.isEmpty() || rvParam.equals("0") ? -1 : Long.parseLong(rvParam);
    } catch (NumberFormatException e) {
      return CompletableFuture.completedFuture(Responses.error(ApiError.badRequest("invalid resourceVersion "
          + rvParam)));
    }
    Duration timeout = c.query().number("timeoutSeconds").map(Duration::ofSeconds).orElse(maxTimeout);
    CompletionStage<Long> caughtUp = from > store.cache().resourceVersion()
        ? store.cache().awaitResourceVersion(from).orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> from)
        : CompletableFuture.completedFuture(from);
    return caughtUp.thenApply(ignored -> start(c, t, selection, from, timeout));
  }

  private HttpResponse start(ResourceHandler.Call c, Target t, Selection selection, long from, Duration timeout) {
    boolean bookmarks = c.query().flag("allowWatchBookmarks");
    // The watch-list protocol: current objects first, then a bookmark marking their end.
    boolean initialEvents = c.query().flag("sendInitialEvents");
    Pair<BoundedSourceQueue<Event>, Source<Event, NotUsed>> queue =
        Source.<Event>queue(bufferSize).preMaterialize(system);
    BoundedSourceQueue<Event> q = queue.first();
    WatchCache.Watcher watcher = new WatchCache.Watcher() {
      @Override
      public boolean offer(WatchCache.Change change) {
        if (change.resourceVersion() <= from) {
          return true; // the cache was behind the version the client resumes from
        }
        Event e = filter(change, selection);
        return e == null || q.offer(e) == QueueOfferResult.enqueued();
      }

      @Override
      public void close() {
        q.complete();
      }

      @Override
      public boolean bookmark(long resourceVersion) {
        return !bookmarks || q.offer(new Event("BOOKMARK", null, resourceVersion, false))
            == QueueOfferResult.enqueued();
      }
    };
    WatchCache.Start start = store.cache().watch(t.type().storageKey(), t.namespace(), from,
        from < 0 || initialEvents, watcher);
    if (start.gone()) {
      q.complete();
      ApiError gone = new ApiError(410, "Expired", "too old resource version: " + from + " ("
          + store.cache().resourceVersion() + ")", null, null, List.of());
      ObjectNode ev = Json.object();
      ev.put("type", "ERROR");
      ev.set("object", Responses.status(gone));
      return HttpResponse.create().withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_JSON,
          Source.single(line(ev))));
    }
    List<Event> backlog = new ArrayList<>();
    for (WatchCache.Change change : start.backlog()) {
      Event e = filter(change, selection);
      if (e != null) {
        backlog.add(e);
      }
    }
    if (initialEvents) {
      backlog.add(new Event("BOOKMARK", null, store.cache().resourceVersion(), true));
    }
    ResourceType type = t.type();
    String includeObject = c.query().get("includeObject", "Metadata");
    Source<ByteString, NotUsed> events = Source.from(backlog).concat(queue.second())
        .takeWithin(timeout)
        .map(e -> encode(type, e, c.table(), includeObject))
        .watchTermination((mat, done) -> {
          done.whenComplete((d, err) -> start.cancel().run());
          return mat;
        });
    return HttpResponse.create().withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, events));
  }

  /**
   * A watch served over WebSocket, as the API server does for clients that ask for it (fabric8 does by
   * default): one text message per event, and the connection closes when the watch ends. A refused watch
   * keeps its plain HTTP error. Ignoring the upgrade and streaming the chunked body instead leaves such a
   * client waiting for a handshake that never completes.
   */
  static HttpResponse overWebSocket(WebSocketUpgrade upgrade, HttpResponse streamed) {
    if (streamed.status().intValue() != 200) {
      return streamed;
    }
    // Each chunk of the streamed body is one event line; coupled, so a client's close ends the watch.
    Source<Message, Object> events = streamed.entity().getDataBytes()
        .map(bytes -> (Message) TextMessage.create(bytes.utf8String()));
    return upgrade.handleMessagesWith(Flow.fromSinkAndSourceCoupled(Sink.<Message>ignore(), events));
  }

  /** The event a watcher with these selectors sees for a change, or null when it sees none. */
  private static Event filter(WatchCache.Change change, Selection selection) {
    boolean before = change.previous() != null && selection.test(change.previous().object());
    if (change.type().equals("DELETED")) {
      return before || selection.test(change.entry().object()) ? new Event("DELETED", change.entry()) : null;
    }
    boolean now = selection.test(change.entry().object());
    if (now && before) {
      return new Event("MODIFIED", change.entry());
    }
    if (now) {
      return new Event("ADDED", change.entry());
    }
    if (before) {
      return new Event("DELETED", change.entry());
    }
    return null;
  }

  private static ByteString encode(ResourceType type, Event e, boolean table, String includeObject) {
    ObjectNode ev = Json.object();
    ev.put("type", e.type());
    if (e.entry() == null) {
      ObjectNode bookmark = ev.putObject("object");
      bookmark.put("kind", type.kind());
      bookmark.put("apiVersion", type.apiVersion());
      ObjectNode meta = bookmark.putObject("metadata");
      meta.put("resourceVersion", Long.toString(e.bookmarkVersion()));
      if (e.initialEventsEnd()) {
        meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
      }
      return line(ev);
    }
    if (!table && ResourceHandler.storageType(type) == type) {
      // The cached JSON of the object, framed without walking its tree.
      return ByteString.fromString("{\"type\":\"" + e.type() + "\",\"object\":")
          .concat(ByteString.fromArray(e.entry().jsonBytes()))
          .concat(ByteString.fromString("}\n"));
    }
    JsonNode obj;
    if (table) {
      obj = Tables.table(ResourceHandler.storageType(type), List.of(e.entry().object()),
          Long.toString(e.entry().resourceVersion()), null, includeObject, Instant.now());
    } else {
      obj = ResourceHandler.served(type, e.entry().object());
    }
    ev.set("object", obj);
    return line(ev);
  }

  private static ByteString line(ObjectNode ev) {
    try {
      byte[] bytes = Json.MAPPER.writeValueAsBytes(ev);
      return ByteString.fromArray(bytes).concat(ByteString.fromString("\n"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}

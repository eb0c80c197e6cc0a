package io.tugboat.api;

import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Conversion;
import io.tugboat.model.StrictDecoder;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.Patches;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.model.apply.ServerSideApply;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The REST verbs on resources: get, list, create, update, patch, delete, deletecollection, and /scale. */
final class ResourceHandler {

  /** One decoded request to a resource. */
  record Call(Target target, String method, Query query, JsonNode body, String contentType, boolean yaml,
      boolean table, Caller caller, String userAgent, String requestId) {
    RequestInfo info(String verb) {
      return new RequestInfo(caller.user(), userAgent, requestId, verb, Instant.now(), dryRun());
    }

    /** Whether the request asks for a dry run; only "All" is a valid value, as in Kubernetes. */
    boolean dryRun() {
      String value = query.get("dryRun", "");
      if (value.isEmpty()) {
        return false;
      }
      if (!value.equals("All")) {
        throw new ApiException(ApiError.badRequest("Invalid dry run value: \"" + value
            + "\": supported values are \"All\""));
      }
      return true;
    }
  }

  private final ObjectStore store;
  private final Set<String> protectedNamespaces;

  ResourceHandler(ObjectStore store, Set<String> protectedNamespaces) {
    this.store = store;
    this.protectedNamespaces = protectedNamespaces;
  }

  CompletionStage<HttpResponse> handle(Call c) {
    Target t = c.target();
    String sub = t.subresource();
    if ("binding".equals(sub) && t.type().kind().equals("Pod") && c.method().equals("POST")) {
      return bind(c);
    }
    if ("eviction".equals(sub) && t.type().kind().equals("Pod") && c.method().equals("POST")) {
      return PodEviction.evict(store, key(t), c.body(), c.info("create"));
    }
    if (sub != null && !sub.equals("status") && !(sub.equals("scale") && t.type().hasScale())) {
      throw notFound();
    }
    if (sub != null && sub.equals("status") && !t.type().hasStatus()) {
      throw notFound();
    }
    Subresource part = "status".equals(sub) ? Subresource.STATUS : Subresource.MAIN;
    return switch (c.method()) {
      case "GET" -> CompletableFuture.completedFuture(t.isObject() ? get(c) : list(c));
      case "POST" -> {
        if (t.isObject()) {
          throw new ApiException(ApiError.methodNotAllowed("POST is not supported on an object; use PUT or PATCH"));
        }
        yield create(c);
      }
      case "PUT" -> {
        requireObject(t, "PUT");
        yield "scale".equals(sub) ? writeScale(c, null) : update(c, part);
      }
      case "PATCH" -> {
        requireObject(t, "PATCH");
        PatchType type = PatchType.fromMediaType(c.contentType())
            .orElseThrow(() -> new ApiException(new ApiError(415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: "
                    + "application/json-patch+json, application/merge-patch+json, "
                    + "application/apply-patch+yaml, application/strategic-merge-patch+json", null, null, List.of())));
        yield "scale".equals(sub) ? writeScale(c, type) : patch(c, type, part);
      }
      case "DELETE" -> t.isObject() ? delete(c) : deleteCollection(c);
      default -> throw new ApiException(ApiError.methodNotAllowed("method " + c.method() + " is not supported"));
    };
  }

  private HttpResponse get(Call c) {
    Target t = c.target();
    WatchCache.Entry e = store.get(key(t)).orElseThrow(() -> new ApiException(
        ApiError.notFound(resourceName(t.type()), t.name())));
    if ("scale".equals(t.subresource())) {
      return Responses.object(200, scale(e.object()), c.yaml(), List.of());
    }
    if (c.table()) {
      // Printers read the stored shape (the same columns for every version, as Kubernetes prints).
      return Responses.json(200, Tables.table(storageType(t.type()), List.of(e.object()),
          Long.toString(e.resourceVersion()), null, c.query().get("includeObject", "Metadata"), Instant.now()));
    }
    if (!c.yaml() && storageType(t.type()) == t.type()) {
      return Responses.jsonBytes(200, e.jsonBytes());
    }
    return Responses.object(200, served(t.type(), e.object()), c.yaml(), List.of());
  }

  private HttpResponse list(Call c) {
    Target t = c.target();
    Selection selection = Selection.of(t.type(), c.query().get("labelSelector", ""),
        c.query().get("fieldSelector", ""));
    int limit = c.query().number("limit").orElse(0L).intValue();
    String after = c.query().get("continue").map(ResourceHandler::decodeContinue).orElse(null);
    WatchCache.Snapshot snap = store.cache().list(t.type().storageKey(), t.namespace(),
        e -> selection.test(e.object()), after, limit);
    List<WatchCache.Entry> items = snap.items();
    String next = null;
    if (limit > 0 && items.size() > limit) {
      items = items.subList(0, limit);
      next = encodeContinue(items.get(limit - 1).key().sortKey());
    }
    String rv = Long.toString(snap.resourceVersion());
    if (!c.table() && !c.yaml() && storageType(t.type()) == t.type()) {
      return Responses.jsonList(t.type().listKind(), t.type().apiVersion(), rv, next, items);
    }
    List<JsonNode> objects = new ArrayList<>(items.size());
    for (WatchCache.Entry e : items) {
      objects.add(c.table() ? e.object() : served(t.type(), e.object()));
    }
    if (c.table()) {
      return Responses.json(200, Tables.table(storageType(t.type()), objects, rv, next,
          c.query().get("includeObject", "Metadata"), Instant.now()));
    }
    ObjectNode list = Json.object();
    list.put("kind", t.type().listKind());
    list.put("apiVersion", t.type().apiVersion());
    ObjectNode meta = list.putObject("metadata");
    meta.put("resourceVersion", rv);
    if (next != null) {
      meta.put("continue", next);
    }
    ArrayNode arr = list.putArray("items");
    objects.forEach(arr::add);
    return Responses.object(200, list, c.yaml(), List.of());
  }

  private CompletionStage<HttpResponse> create(Call c) {
    Target t = c.target();
    ObjectNode obj = bodyObject(c);
    ObjectNode meta = Json.meta(obj);
    if (t.type().namespaced()) {
      String bodyNs = Json.text(meta.path("namespace"));
      if (!bodyNs.isEmpty() && !bodyNs.equals(t.namespace())) {
        throw new ApiException(ApiError.badRequest("the namespace of the provided object does not match the "
            + "namespace sent on the request"));
      }
      meta.put("namespace", t.namespace());
    }
    if (Json.text(meta.path("name")).isEmpty() && Json.text(meta.path("generateName")).isEmpty()) {
      throw new ApiException(ApiError.invalid(t.type().kind(), "",
          List.of(io.tugboat.model.FieldError.required("metadata.name", "name or generateName is required"))));
    }
    List<String> warnings = validateFields(c, obj);
    return store.create(storageType(t.type()), Conversion.toStorage(t.type(), obj), c.info("create"), fieldManager(c),
            false)
        .thenApply(r -> Responses.object(201, served(t.type(), r.object()), c.yaml(), warnings));
  }

  private CompletionStage<HttpResponse> update(Call c, Subresource part) {
    Target t = c.target();
    ObjectNode obj = bodyObject(c);
    ObjectNode meta = Json.meta(obj);
    String bodyName = Json.text(meta.path("name"));
    if (!bodyName.equals(t.name())) {
      throw new ApiException(ApiError.badRequest("the name of the object (" + bodyName
          + ") does not match the name on the URL (" + t.name() + ")"));
    }
    if (t.type().namespaced()) {
      String bodyNs = Json.text(meta.path("namespace"));
      if (!bodyNs.isEmpty() && !bodyNs.equals(t.namespace())) {
        throw new ApiException(ApiError.badRequest("the namespace of the provided object does not match the "
            + "namespace sent on the request"));
      }
      meta.put("namespace", t.namespace());
    }
    List<String> warnings = validateFields(c, obj);
    return store.update(key(t), Conversion.toStorage(t.type(), obj), part, c.info("update"), fieldManager(c))
        .thenApply(r -> Responses.object(200, served(t.type(), r.object()), c.yaml(), warnings));
  }

  private CompletionStage<HttpResponse> patch(Call c, PatchType type, Subresource part) {
    Target t = c.target();
    if (c.body() == null) {
      throw new ApiException(ApiError.badRequest("the patch body is empty"));
    }
    String manager = fieldManager(c);
    boolean force = c.query().flag("force");
    if (type == PatchType.APPLY && manager == null) {
      throw new ApiException(ApiError.badRequest("PATCH " + urlPath(t) + ": fieldManager is required for apply "
          + "requests"));
    }
    CompletionStage<ObjectStore.WriteResult> result = store.patch(key(t), type, c.body(), part, c.info("patch"),
        manager, force);
    java.util.concurrent.atomic.AtomicBoolean created = new java.util.concurrent.atomic.AtomicBoolean();
    if (type == PatchType.APPLY) {
      // Server-side apply creates what does not exist yet.
      result = result.handle((r, e) -> {
        Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
        if (cause instanceof ApiException ae && ae.error().code() == 404 && c.body().isObject()
            && part == Subresource.MAIN) {
          ObjectNode obj = ((ObjectNode) c.body()).deepCopy();
          Json.meta(obj).put("name", t.name());
          if (t.type().namespaced()) {
            Json.meta(obj).put("namespace", t.namespace());
          }
          try {
            obj = ((ServerSideApply.Applied) ServerSideApply.apply(null, obj, manager, force, t.type().kind(),
                Subresource.MAIN, Instant.now())).object();
          } catch (ApiException invalid) {
            return CompletableFuture.<ObjectStore.WriteResult>failedFuture(invalid);
          }
          created.set(true);
          return store.create(t.type(), obj, c.info("create"), manager, true);
        }
        return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<ObjectStore.WriteResult>failedFuture(cause);
      }).thenCompose(s -> s);
    }
    // Server-side apply answers 201 when it created the object, as kubectl expects.
    return result.thenApply(r -> Responses.object(created.get() ? 201 : 200, served(t.type(), r.object()), c.yaml(),
        List.of()));
  }

  /** pods/binding: assigns the pod to the node named in the Binding's target, once. */
  private CompletionStage<HttpResponse> bind(Call c) {
    Target t = c.target();
    JsonNode body = c.body();
    if (body == null || !body.isObject()) {
      throw new ApiException(ApiError.badRequest("the request body must be a Binding"));
    }
    String kind = Json.text(body.path("kind"));
    if (!kind.isEmpty() && !kind.equals("Binding")) {
      throw new ApiException(ApiError.badRequest("the kind in the data (" + kind + ") is not Binding"));
    }
    String bodyName = Json.metaText(body, "name");
    if (!bodyName.isEmpty() && !bodyName.equals(t.name())) {
      throw new ApiException(ApiError.badRequest("the name of the Binding (" + bodyName
          + ") does not match the pod on the URL (" + t.name() + ")"));
    }
    String node = Json.text(body.path("target").path("name"));
    String targetKind = Json.text(body.path("target").path("kind"));
    if (node.isEmpty() || (!targetKind.isEmpty() && !targetKind.equals("Node"))) {
      throw new ApiException(ApiError.invalid("Binding", t.name(), List.of(
          io.tugboat.model.FieldError.required("target.name", "a Node to bind to"))));
    }
    return store.bindPod(key(t), node, c.info("create")).thenApply(r -> {
      ObjectNode status = Responses.success("pods", t.name(), Json.metaText(r.object(), "uid"));
      status.put("code", 201);
      return Responses.json(201, status);
    });
  }

  /** Writes replicas through /scale: the body is a Scale (PUT) or a patch of one (PATCH). */
  private CompletionStage<HttpResponse> writeScale(Call c, PatchType patchType) {
    Target t = c.target();
    WatchCache.Entry e = store.get(key(t)).orElseThrow(() -> new ApiException(
        ApiError.notFound(resourceName(t.type()), t.name())));
    ObjectNode current = scale(e.object());
    JsonNode desired = patchType == null ? bodyObject(c) : Patches.apply(t.type(), current, patchType, c.body());
    JsonNode replicas = desired.path("spec").path("replicas");
    if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
      throw new ApiException(ApiError.invalid("Scale", t.name(), List.of(io.tugboat.model.FieldError.invalid(
          "spec.replicas", replicas.toString(), "must be greater than or equal to 0"))));
    }
    ObjectNode merge = Json.object();
    merge.putObject("spec").put("replicas", replicas.asInt());
    return store.patch(key(t), PatchType.MERGE, merge, Subresource.MAIN, c.info(patchType == null ? "update" : "patch"),
            fieldManager(c), false)
        .thenApply(r -> Responses.object(200, scale(r.object()), c.yaml(), List.of()));
  }

  private CompletionStage<HttpResponse> delete(Call c) {
    Target t = c.target();
    if (t.type().kind().equals("Namespace") && protectedNamespaces.contains(t.name())) {
      throw new ApiException(ApiError.forbidden("namespaces", t.name(), "this namespace may not be deleted"));
    }
    JsonNode opts = c.body() == null ? Json.object() : c.body();
    String uid = Json.text(opts.path("preconditions").path("uid"));
    String rv = Json.text(opts.path("preconditions").path("resourceVersion"));
    Long grace = opts.has("gracePeriodSeconds") ? Long.valueOf(opts.path("gracePeriodSeconds").asLong())
        : c.query().number("gracePeriodSeconds").orElse(null);
    String propagation = opts.has("propagationPolicy") ? opts.path("propagationPolicy").asText()
        : c.query().get("propagationPolicy", null);
    if (propagation != null && !Set.of("Background", "Foreground", "Orphan").contains(propagation)) {
      throw new ApiException(ApiError.badRequest("propagationPolicy must be one of Background, Foreground, Orphan"));
    }
    RequestInfo info = c.info("delete");
    // kubectl sends dry run for deletes inside DeleteOptions rather than as a query parameter.
    for (JsonNode v : opts.path("dryRun")) {
      if (!v.asText().equals("All")) {
        throw new ApiException(ApiError.badRequest("Invalid dry run value: \"" + v.asText()
            + "\": supported values are \"All\""));
      }
      info = new RequestInfo(info.user(), info.userAgent(), info.requestId(), info.verb(), info.time(), true);
    }
    return store.delete(key(t), uid.isEmpty() ? null : uid, rv, grace, propagation, info)
        .thenApply(r -> Responses.object(r.deleted() ? 200 : 202, served(t.type(), r.object()), c.yaml(), List.of()));
  }

  private CompletionStage<HttpResponse> deleteCollection(Call c) {
    Target t = c.target();
    Selection selection = Selection.of(t.type(), c.query().get("labelSelector", ""),
        c.query().get("fieldSelector", ""));
    WatchCache.Snapshot snap = store.cache().list(t.type().storageKey(), t.namespace(),
        e -> selection.test(e.object()), null, 0);
    List<CompletableFuture<ObjectStore.WriteResult>> deletes = new ArrayList<>();
    for (WatchCache.Entry e : snap.items()) {
      if (t.type().kind().equals("Namespace") && protectedNamespaces.contains(e.key().name())) {
        continue;
      }
      deletes.add(store.delete(e.key(), null, null, null, null, c.info("deletecollection")).toCompletableFuture());
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).thenApply(v -> {
      ObjectNode list = Json.object();
      list.put("kind", t.type().listKind());
      list.put("apiVersion", t.type().apiVersion());
      list.putObject("metadata").put("resourceVersion", Long.toString(store.cache().resourceVersion()));
      ArrayNode arr = list.putArray("items");
      deletes.forEach(d -> arr.add(served(t.type(), d.join().object())));
      return Responses.object(200, list, c.yaml(), List.of());
    });
  }

  /** The autoscaling/v1 Scale view of a scalable object. */
  static ObjectNode scale(JsonNode obj) {
    return io.tugboat.model.Scale.of(obj);
  }

  /** The body as an object whose apiVersion and kind (when given) match the URL. */
  private static ObjectNode bodyObject(Call c) {
    if (c.body() == null || !c.body().isObject()) {
      throw new ApiException(ApiError.badRequest("the request body must be a JSON or YAML object"));
    }
    ObjectNode obj = ((ObjectNode) c.body()).deepCopy();
    ResourceType type = c.target().type();
    String expectApi = "scale".equals(c.target().subresource()) ? "autoscaling/v1" : type.apiVersion();
    String expectKind = "scale".equals(c.target().subresource()) ? "Scale" : type.kind();
    String api = Json.text(obj.path("apiVersion"));
    String kind = Json.text(obj.path("kind"));
    if (!api.isEmpty() && !api.equals(expectApi)) {
      throw new ApiException(ApiError.badRequest("the API version in the data (" + api
          + ") does not match the expected API version (" + expectApi + ")"));
    }
    if (!kind.isEmpty() && !kind.equals(expectKind)) {
      throw new ApiException(ApiError.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
          + expectKind + ")"));
    }
    return obj;
  }

  /** The stored object as the requested version serves it. */
  static JsonNode served(ResourceType type, ObjectNode stored) {
    if (stored.path("apiVersion").asText().equals(type.apiVersion())) {
      return stored;
    }
    return Conversion.fromStorage(type, stored);
  }

  /**
   * Server-side field validation (the fieldValidation parameter, Warn when absent): values of the wrong type
   * are always a 400; unknown fields are a 400 under Strict, warnings under Warn, and ignored under Ignore.
   */
  private static List<String> validateFields(Call c, JsonNode obj) {
    String mode = c.query().get("fieldValidation", "Warn");
    if (!Set.of("Strict", "Warn", "Ignore").contains(mode)) {
      throw new ApiException(ApiError.badRequest("fieldValidation must be one of Strict, Warn or Ignore, not "
          + mode));
    }
    ResourceType type = c.target().type();
    StrictDecoder.Result result = StrictDecoder.check(type, obj);
    String prefix = type.kind() + " in version \"" + type.version() + "\" cannot be handled as a " + type.kind()
        + ": ";
    if (result.typeError() != null) {
      throw new ApiException(ApiError.badRequest(prefix + result.typeError()));
    }
    if (result.unknownFields().isEmpty() || mode.equals("Ignore")) {
      return List.of();
    }
    if (mode.equals("Strict")) {
      throw new ApiException(ApiError.badRequest(prefix + "strict decoding error: "
          + String.join(", ", result.unknownFields())));
    }
    return result.unknownFields();
  }

  /** The fieldManager parameter, null when absent (the entity then derives one from the user agent). */
  private static String fieldManager(Call c) {
    return c.query().get("fieldManager").orElse(null);
  }

  /** The URL path of an object, as Kubernetes names it in messages. */
  private static String urlPath(Target t) {
    ResourceType type = t.type();
    String base = type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.group() + "/" + type.version();
    String ns = type.namespaced() && t.namespace() != null ? "/namespaces/" + t.namespace() : "";
    String sub = t.subresource() == null ? "" : "/" + t.subresource();
    return base + ns + "/" + type.plural() + "/" + t.name() + sub;
  }

  private static void requireObject(Target t, String method) {
    if (!t.isObject()) {
      throw new ApiException(ApiError.methodNotAllowed(method + " needs an object name in the URL"));
    }
  }

  private static ObjectKey key(Target t) {
    return ObjectKey.of(t.type(), t.namespace() == null ? "" : t.namespace(), t.name());
  }

  static String resourceName(ResourceType type) {
    return type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
  }

  private static ApiException notFound() {
    return new ApiException(new ApiError(404, "NotFound", "the server could not find the requested resource", null,
        null, List.of()));
  }

  private static String encodeContinue(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeContinue(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ApiError.badRequest("invalid continue token"));
    }
  }

  static ResourceType storageType(ResourceType type) {
    return ResourceRegistry.byStorageKey(type.storageKey()).orElse(type);
  }
}

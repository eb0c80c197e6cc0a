package io.tugboat.store;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Admission;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PatchType;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The object store of one node: writes go to the object's sharded entity, reads come from this node's
 * {@link WatchCache}. A write completes once the local cache has seen it, so the answer carries the
 * resourceVersion every later list and watch agrees with. Used by the API server and the controllers alike.
 */
public final class ObjectStore {

  /** The result of a write: the object as cached (with resourceVersion) and whether it is gone. */
  public record WriteResult(WatchCache.Entry entry, boolean deleted) {
    /** The object after the write. */
    public ObjectNode object() {
      return entry.object();
    }
  }

  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final WatchCache cache;
  private final Duration timeout;
  private final SecureRandom random = new SecureRandom();
  private java.util.function.Supplier<String> suffixes = this::randomSuffix;
  private final ServiceAllocator services;
  private final QuotaGate quotas;
  private final Admission.Lookup lookup = new Admission.Lookup() {
    @Override
    public java.util.List<JsonNode> list(ResourceType type) {
      return cache.list(type.storageKey(), null, e -> true, null, 0).items().stream()
          .map(e -> (JsonNode) e.object()).toList();
    }

    @Override
    public java.util.Optional<JsonNode> get(ResourceType type, String namespace, String name) {
      return cache.get(ObjectKey.of(type, namespace, name)).map(WatchCache.Entry::object);
    }
  };

  /** A store over this node's sharding and cache. */
  public ObjectStore(ActorSystem<?> system, WatchCache cache) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.cache = cache;
    this.timeout = system.settings().config().getDuration("tugboat.api.request-timeout");
    this.quotas = new QuotaGate(cache);
    this.services = new ServiceAllocator(cache, system.settings().config().getString("tugboat.services.cluster-ip-range"),
        system.settings().config().getString("tugboat.services.node-port-range"));
  }

  /** The cluster IP kept for the `kubernetes` Service in `default`. */
  public String apiServiceIp() {
    return services.apiServiceIp();
  }

  /** This node's watch cache (lists, gets and watches). */
  public WatchCache cache() {
    return cache;
  }

  /** The cached object, if any. */
  public java.util.Optional<WatchCache.Entry> get(ObjectKey key) {
    return cache.get(key);
  }

  /**
   * Creates an object: names it from generateName if needed, sets uid and timestamps, defaults and validates
   * it, and checks its namespace exists and is not terminating.
   */
  public CompletionStage<WriteResult> create(ResourceType type, ObjectNode incoming, RequestInfo request) {
    return create(type, incoming, request, null, false);
  }

  /**
   * Creates an object as {@link #create(ResourceType, ObjectNode, RequestInfo)}, naming the writer in
   * managedFields (null: from the user agent); {@code applied} when server-side apply made it, managedFields
   * included.
   */
  public CompletionStage<WriteResult> create(ResourceType type, ObjectNode incoming, RequestInfo request,
      String fieldManager, boolean applied) {
    return create(type, incoming, request, fieldManager, applied, GENERATE_NAME_ATTEMPTS);
  }

  /**
   * Names from generateName that were taken already are drawn again, as the API server does since Kubernetes
   * 1.32 (RetryGenerateName): with 27^5 suffixes a ReplicaSet of 1,000 pods would otherwise meet a collision
   * about once in 30 scale-ups.
   */
  private static final int GENERATE_NAME_ATTEMPTS = 8;

  private CompletionStage<WriteResult> create(ResourceType type, ObjectNode incoming, RequestInfo request,
      String fieldManager, boolean applied, int attempts) {
    boolean generated = Json.text(incoming.path("metadata").path("name")).isEmpty()
        && !Json.text(incoming.path("metadata").path("generateName")).isEmpty();
    CompletionStage<WriteResult> once = createOnce(type, incoming, request, fieldManager, applied);
    if (!generated || attempts <= 1) {
      return once;
    }
    return once.handle((r, e) -> {
      Throwable cause = e instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
          ? ce.getCause() : e;
      if (cause instanceof ApiException ae && ae.error().reason().equals("AlreadyExists")) {
        return create(type, incoming, request, fieldManager, applied, attempts - 1);
      }
      return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<WriteResult>failedFuture(cause);
    }).thenCompose(f -> f);
  }

  private CompletionStage<WriteResult> createOnce(ResourceType type, ObjectNode incoming, RequestInfo request,
      String fieldManager, boolean applied) {
    ObjectNode obj = incoming.deepCopy();
    ObjectNode meta = Json.meta(obj);
    String namespace = type.namespaced() ? Json.text(meta.path("namespace")) : "";
    Runnable releaseQuota;
    try {
      if (Json.text(meta.path("name")).isEmpty() && !Json.text(meta.path("generateName")).isEmpty()) {
        meta.put("name", Json.text(meta.path("generateName")) + suffixes.get());
      }
      if (type.namespaced()) {
        checkNamespaceOpen(namespace);
      }
      if (type.storageKey().equals("core/services") && !request.dryRun()) {
        services.allocate(obj);
      }
      Admission.admitCreate(type, obj, lookup);
      obj = ObjectLifecycle.prepareCreate(type, obj, UUID.randomUUID().toString(), request.time());
      releaseQuota = quotas.admit(type, obj, request.dryRun(), request.time());
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
    ObjectKey key = ObjectKey.of(type, namespace, Json.metaText(obj, "name"));
    ObjectNode prepared = obj;
    return ask(key, replyTo -> new ObjectEntity.Create(prepared, request, replyTo, fieldManager, applied))
        .thenCompose(r -> settle(key, r, request))
        .whenComplete((written, error) -> releaseQuota.run());
  }

  /**
   * Replaces an object or its status. A metadata.resourceVersion in the object is a precondition: a stale
   * one gets 409 Conflict.
   */
  public CompletionStage<WriteResult> update(ObjectKey key, ObjectNode obj, Subresource sub, RequestInfo request) {
    return update(key, obj, sub, request, null);
  }

  /** Replaces an object or its status, naming the writer in managedFields (null: from the user agent). */
  public CompletionStage<WriteResult> update(ObjectKey key, ObjectNode obj, Subresource sub, RequestInfo request,
      String fieldManager) {
    String rv = Json.metaText(obj, "resourceVersion");
    return expectedVersion(key, rv).thenCompose(expected ->
        ask(key, replyTo -> new ObjectEntity.Update(obj, expected, sub, request, replyTo, fieldManager)))
        .thenCompose(r -> settle(key, r, request));
  }

  /** Patches an object or its status, against the version this node's cache has. */
  public CompletionStage<WriteResult> patch(ObjectKey key, PatchType patchType, JsonNode patch, Subresource sub,
      RequestInfo request) {
    return patch(key, patchType, patch, sub, request, null, false);
  }

  /**
   * Patches an object or its status, naming the writer in managedFields (null: from the user agent; required for
   * server-side apply); {@code force} lets an apply take fields other managers own.
   */
  public CompletionStage<WriteResult> patch(ObjectKey key, PatchType patchType, JsonNode patch, Subresource sub,
      RequestInfo request, String fieldManager, boolean force) {
    WatchCache.Entry seen = cache.get(key).orElse(null);
    long observed = seen == null ? 0 : seen.version();
    String observedRv = seen == null ? null : Long.toString(seen.resourceVersion());
    return ask(key, replyTo -> new ObjectEntity.Patch(patchType, patch, observed, observedRv, sub, request, replyTo,
            fieldManager, force))
        .thenCompose(r -> settle(key, r, request));
  }

  /** Deletes an object; with finalizers it is only marked (deletionTimestamp) until they are gone. */
  public CompletionStage<WriteResult> delete(ObjectKey key, String preconditionUid, String preconditionRv,
      Long gracePeriodSeconds, String propagationPolicy, RequestInfo request) {
    return expectedVersion(key, preconditionRv).thenCompose(expected -> ask(key, replyTo ->
            new ObjectEntity.Delete(new DeleteOptions(preconditionUid, expected, gracePeriodSeconds, propagationPolicy),
                request, replyTo)))
        .thenCompose(r -> settle(key, r, request));
  }

  /** Binds a pod to a node, as the pods/binding subresource and the scheduler do. */
  public CompletionStage<WriteResult> bindPod(ObjectKey pod, String nodeName, RequestInfo request) {
    return ask(pod, replyTo -> new ObjectEntity.BindPod(nodeName, request, replyTo))
        .thenCompose(r -> settle(pod, r, request));
  }

  /** Throws 404 unless the namespace exists, 403 while it is terminating. */
  public void checkNamespaceOpen(String namespace) {
    if (namespace.isEmpty()) {
      throw new ApiException(new ApiError(400, "BadRequest", "the namespace of the object is missing", null, null,
          java.util.List.of()));
    }
    ResourceType nsType = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
    WatchCache.Entry ns = cache.get(ObjectKey.of(nsType, "", namespace))
        .orElseThrow(() -> new ApiException(ApiError.notFound("namespaces", namespace)));
    if (ns.object().path("metadata").hasNonNull("deletionTimestamp")) {
      throw new ApiException(new ApiError(403, "Forbidden", "unable to create new content in namespace " + namespace
          + " because it is being terminated", "namespaces", namespace, java.util.List.of()));
    }
  }

  private CompletionStage<ObjectEntity.Reply> ask(ObjectKey key,
      akka.japi.function.Function<akka.actor.typed.ActorRef<ObjectEntity.Reply>, ObjectEntity.Command> message) {
    EntityRef<ObjectEntity.Command> ref = sharding.entityRefFor(ObjectEntity.TYPE_KEY, key.entityId());
    return Futures.on(ref.ask(message, timeout), system.executionContext()).exceptionally(e -> {
      if (e instanceof CompletionException && e.getCause() != null) {
        e = e.getCause();
      }
      if (e instanceof ApiException ae) {
        throw ae;
      }
      throw new ApiException(ApiError.timeout("the store did not answer in time: " + e.getMessage()));
    });
  }

  /**
   * Turns an entity reply into a result that this node's cache has seen; a dry run's answer is the object
   * the write would have made, at the cached resourceVersion (none for a create).
   */
  private CompletionStage<WriteResult> settle(ObjectKey key, ObjectEntity.Reply reply, RequestInfo request) {
    if (reply instanceof ObjectEntity.Rejected rejected) {
      return CompletableFuture.failedFuture(new ApiException(rejected.error()));
    }
    if (!(reply instanceof ObjectEntity.Written written)) {
      return CompletableFuture.failedFuture(new ApiException(ApiError.internal("unexpected reply " + reply)));
    }
    if (request.dryRun()) {
      ObjectNode would = written.object().deepCopy();
      WatchCache.Entry current = cache.get(key).orElse(null);
      long rv = current == null ? 0 : current.resourceVersion();
      if (current != null) {
        Json.meta(would).put("resourceVersion", Long.toString(rv));
      }
      return CompletableFuture.completedFuture(
          new WriteResult(new WatchCache.Entry(key, would, rv, written.version()), written.deleted()));
    }
    if (!written.changed()) {
      WatchCache.Entry current = cache.get(key).orElse(null);
      if (current != null && current.version() >= written.version()) {
        return CompletableFuture.completedFuture(new WriteResult(current, false));
      }
    }
    return cache.awaitWrite(key, written.version())
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((entry, error) -> {
          if (error != null) {
            cache.abandonWrite(key, written.version());
            throw new ApiException(ApiError.timeout("the write was stored but this server's cache has not seen it"
                + " yet; retry the read"));
          }
          return new WriteResult(entry, written.deleted());
        });
  }

  /**
   * The entity version a client's resourceVersion names: the version of the cached object when they agree,
   * 0 (unconditional) when none is given; a stale one is a 409 Conflict.
   */
  private CompletionStage<Long> expectedVersion(ObjectKey key, String rv) {
    if (rv == null || rv.isEmpty()) {
      return CompletableFuture.completedFuture(0L);
    }
    long wanted;
    try {
      wanted = Long.parseLong(rv);
    } catch (NumberFormatException e) {
      return CompletableFuture.failedFuture(new ApiException(ApiError.badRequest("invalid resourceVersion " + rv)));
    }
    Function<Long, Long> resolve = ignored -> {
      WatchCache.Entry entry = cache.get(key).orElse(null);
      if (entry == null) {
        return 0L; // the entity answers NotFound
      }
      if (entry.resourceVersion() != wanted) {
        throw new ApiException(ApiError.conflict(key.resourceName(), key.name(),
            "the object has been modified; please apply your changes to the latest version and try again"));
      }
      return entry.version();
    };
    if (wanted > cache.resourceVersion()) {
      return cache.awaitResourceVersion(wanted).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .exceptionally(e -> wanted).thenApply(resolve);
    }
    try {
      return CompletableFuture.completedFuture(resolve.apply(wanted));
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Tests: the suffixes generateName draws from (null: random, the default). */
  void nameSuffixes(java.util.function.Supplier<String> source) {
    this.suffixes = source == null ? this::randomSuffix : source;
  }

  private String randomSuffix() {
    StringBuilder sb = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      sb.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
    }
    return sb.toString();
  }
}

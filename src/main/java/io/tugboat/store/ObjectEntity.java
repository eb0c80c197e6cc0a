package io.tugboat.store;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PatchType;
import io.tugboat.model.PodBinding;
import io.tugboat.model.Patches;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.model.apply.ManagedFields;
import io.tugboat.model.apply.ServerSideApply;
import java.util.Set;

/**
 * One API object as a persistent sharded actor: the role an etcd key plays in Kubernetes. Commands are
 * checked against the current object, turned into events that carry the whole new object and who asked,
 * and persisted; the journal is the source of truth and the audit trail.
 *
 * <p>States: absent (never created, or deleted) and present. Legal transitions: absent -create-> present;
 * present -update|patch-> present; present -delete-> present with deletionTimestamp (finalizers pending)
 * or absent; a deleting object whose last finalizer goes becomes absent. Anything else is rejected with a
 * Status naming the current state (NotFound, AlreadyExists, Conflict).
 */
public final class ObjectEntity
    extends EventSourcedBehaviorWithEnforcedReplies<ObjectEntity.Command, ObjectEntity.Event, ObjectEntity.State> {

  /** Sharding type of API objects. */
  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "obj");
  /** The one tag on every event: its offset is the cluster-wide resourceVersion. */
  public static final String TAG = "k8s";

  // ---- commands ----

  /** A request to an object. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Create the object (already prepared: uid, timestamps, defaults). fieldManager names the writer in
   * managedFields (null: derived from the user agent); applied means server-side apply made the object and its
   * managedFields already.
   */
  public record Create(ObjectNode object, RequestInfo request, ActorRef<Reply> replyTo, String fieldManager,
      boolean applied) implements Command {
    /** A create whose field manager is derived from the user agent. */
    public Create(ObjectNode object, RequestInfo request, ActorRef<Reply> replyTo) {
      this(object, request, replyTo, null, false);
    }
  }

  /** Replace the object or its status; expectedVersion 0 means unconditional; fieldManager as for Create. */
  public record Update(ObjectNode object, long expectedVersion, Subresource subresource, RequestInfo request,
      ActorRef<Reply> replyTo, String fieldManager) implements Command {
    /** An update whose field manager is derived from the user agent. */
    public Update(ObjectNode object, long expectedVersion, Subresource subresource, RequestInfo request,
        ActorRef<Reply> replyTo) {
      this(object, expectedVersion, subresource, request, replyTo, null);
    }
  }

  /**
   * Patch the object or its status. observedVersion/observedResourceVersion are what the caller's watch
   * cache knows, so a patch that names a resourceVersion can be checked. fieldManager as for Create (required
   * for server-side apply); force lets an apply take fields other managers own.
   */
  public record Patch(PatchType patchType, JsonNode patch, long observedVersion, String observedResourceVersion,
      Subresource subresource, RequestInfo request, ActorRef<Reply> replyTo, String fieldManager, boolean force)
      implements Command {
    /** A patch whose field manager is derived from the user agent. */
    public Patch(PatchType patchType, JsonNode patch, long observedVersion, String observedResourceVersion,
        Subresource subresource, RequestInfo request, ActorRef<Reply> replyTo) {
      this(patchType, patch, observedVersion, observedResourceVersion, subresource, request, replyTo, null, false);
    }
  }

  /** Delete the object, honouring preconditions and finalizers. */
  public record Delete(DeleteOptions options, RequestInfo request, ActorRef<Reply> replyTo) implements Command {}

  /** Read the object as the entity has it. */
  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** Bind a pod to a node (the pods/binding subresource): only an unbound pod that is not being deleted. */
  public record BindPod(String nodeName, RequestInfo request, ActorRef<Reply> replyTo) implements Command {}

  // ---- replies ----

  /** The answer to a command. */
  public sealed interface Reply extends CborSerializable {}

  /**
   * The object after the command, the entity version (journal sequence number) that holds it, whether the
   * command changed anything, and whether the object is now gone.
   */
  public record Written(ObjectNode object, long version, boolean changed, boolean deleted) implements Reply {}

  /** The command was refused; nothing was written. */
  public record Rejected(ApiError error) implements Reply {}

  /** The current object (null when absent) and its version. */
  public record Current(ObjectNode object, long version) implements Reply {}

  // ---- events: each carries the whole object after the change, and who made it ----

  /** A change of the object, as journalled. */
  public sealed interface Event extends CborSerializable {
    /** The object after the change (for ObjectDeleted: its last state). */
    ObjectNode object();

    /** Who made the change, when, through which request. */
    RequestInfo request();
  }

  /** The object was created. */
  public record ObjectCreated(ObjectNode object, RequestInfo request) implements Event {}

  /** The spec (anything outside metadata and status) changed. */
  public record SpecChanged(ObjectNode object, RequestInfo request) implements Event {}

  /** Only the status changed. */
  public record StatusChanged(ObjectNode object, RequestInfo request) implements Event {}

  /** Only metadata (labels, annotations, owners) changed. */
  public record MetadataChanged(ObjectNode object, RequestInfo request) implements Event {}

  /** Only the finalizers changed. */
  public record FinalizersChanged(ObjectNode object, RequestInfo request) implements Event {}

  /** The pod was bound to a node (spec.nodeName set, PodScheduled True). */
  public record PodBound(ObjectNode object, RequestInfo request) implements Event {}

  /** Deletion was asked for; finalizers hold the object (deletionTimestamp set). */
  public record DeletionRequested(ObjectNode object, RequestInfo request) implements Event {}

  /** The object is gone. */
  public record ObjectDeleted(ObjectNode object, RequestInfo request) implements Event {}

  // ---- state ----

  /** The current object (null when absent) and how many events made it (the entity version). */
  public record State(ObjectNode object, long version) implements CborSerializable {
    boolean exists() {
      return object != null;
    }
  }

  // ---- set-up ----

  /** Starts sharding of API objects on this node. */
  public static ActorRef<akka.cluster.sharding.typed.ShardingEnvelope<Command>> initSharding(ActorSystem<?> system) {
    int snapshotEvery = system.settings().config().getInt("tugboat.store.snapshot-every");
    return ClusterSharding.get(system).init(Entity.of(TYPE_KEY,
            ctx -> create(ctx.getEntityId(), snapshotEvery))
        .withRole("control-plane"));
  }

  /** The behaviour of the object with this entity id (see {@link ObjectKey}). */
  public static Behavior<Command> create(String entityId, int snapshotEvery) {
    ObjectKey key = ObjectKey.parse(entityId);
    return Behaviors.setup(ctx -> new ObjectEntity(key, snapshotEvery));
  }

  private final ObjectKey key;
  private final ResourceType type;
  private final int snapshotEvery;

  private ObjectEntity(ObjectKey key, int snapshotEvery) {
    super(PersistenceId.of(TYPE_KEY.name(), key.entityId(), "|"));
    this.key = key;
    this.type = key.type();
    this.snapshotEvery = snapshotEvery;
  }

  @Override
  public State emptyState() {
    return new State(null, 0);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots speed up recovery; events are never deleted: they are the audit trail.
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(TAG);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(Update.class, this::onUpdate)
        .onCommand(Patch.class, this::onPatch)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(BindPod.class, this::onBindPod)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Current(state.object(), state.version())))
        .build();
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    if (state.exists()) {
      return reject(cmd.replyTo(), ApiError.alreadyExists(key.resourceName(), key.name()));
    }
    ObjectNode created = cmd.applied() ? cmd.object()
        : owned(null, cmd.object(), cmd.fieldManager(), Subresource.MAIN, cmd.request());
    if (cmd.request().dryRun()) {
      return Effect().reply(cmd.replyTo(), new Written(created, state.version(), false, false));
    }
    return Effect().persist(new ObjectCreated(created, cmd.request()))
        .thenReply(cmd.replyTo(), s -> new Written(s.object(), s.version(), true, false));
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update cmd) {
    if (!state.exists()) {
      return reject(cmd.replyTo(), ApiError.notFound(key.resourceName(), key.name()));
    }
    if (cmd.expectedVersion() > 0 && cmd.expectedVersion() != state.version()) {
      return reject(cmd.replyTo(), staleWrite());
    }
    try {
      ObjectNode updated = ObjectLifecycle.prepareUpdate(type, state.object(), cmd.object(), cmd.subresource());
      updated = owned(state.object(), updated, cmd.fieldManager(), cmd.subresource(), cmd.request());
      return persistChange(state, updated, cmd.request(), cmd.replyTo());
    } catch (ApiException e) {
      return reject(cmd.replyTo(), e.error());
    }
  }

  private ReplyEffect<Event, State> onPatch(State state, Patch cmd) {
    if (!state.exists()) {
      return reject(cmd.replyTo(), ApiError.notFound(key.resourceName(), key.name()));
    }
    boolean versionKnown = cmd.observedVersion() == state.version() && cmd.observedResourceVersion() != null;
    ObjectNode base = state.object().deepCopy();
    if (versionKnown) {
      Json.meta(base).put("resourceVersion", cmd.observedResourceVersion());
    }
    try {
      boolean apply = cmd.patchType() == PatchType.APPLY;
      ObjectNode patched;
      if (apply) {
        ServerSideApply.Result result = ServerSideApply.apply(base, cmd.patch(), manager(cmd.fieldManager(),
            cmd.request()), cmd.force(), type.kind(), cmd.subresource(), cmd.request().time());
        if (result instanceof ServerSideApply.Conflicts conflicts) {
          return reject(cmd.replyTo(), conflicts.toApiError());
        }
        patched = ((ServerSideApply.Applied) result).object();
      } else {
        patched = Patches.apply(type, base, cmd.patchType(), cmd.patch());
      }
      String wanted = Json.metaText(patched, "resourceVersion");
      if (!wanted.isEmpty() && (!versionKnown || !wanted.equals(cmd.observedResourceVersion()))) {
        return reject(cmd.replyTo(), staleWrite());
      }
      ObjectNode updated = ObjectLifecycle.prepareUpdate(type, state.object(), patched, cmd.subresource());
      updated = apply ? ManagedFields.withEntriesOf(patched, updated)
          : owned(state.object(), updated, cmd.fieldManager(), cmd.subresource(), cmd.request());
      return persistChange(state, updated, cmd.request(), cmd.replyTo());
    } catch (ApiException e) {
      return reject(cmd.replyTo(), e.error());
    }
  }

  private ReplyEffect<Event, State> onBindPod(State state, BindPod cmd) {
    if (!state.exists()) {
      return reject(cmd.replyTo(), ApiError.notFound(key.resourceName(), key.name()));
    }
    if (!type.kind().equals("Pod")) {
      return reject(cmd.replyTo(), ApiError.methodNotAllowed("only pods can be bound to nodes"));
    }
    try {
      ObjectNode bound = PodBinding.bind(state.object(), cmd.nodeName(), cmd.request().time());
      if (cmd.request().dryRun()) {
        return Effect().reply(cmd.replyTo(), new Written(bound, state.version(), false, false));
      }
      return Effect().persist(new PodBound(bound, cmd.request()))
          .thenReply(cmd.replyTo(), s -> new Written(s.object(), s.version(), true, false));
    } catch (ApiException e) {
      return reject(cmd.replyTo(), e.error());
    }
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete cmd) {
    if (!state.exists()) {
      return reject(cmd.replyTo(), ApiError.notFound(key.resourceName(), key.name()));
    }
    DeleteOptions opts = cmd.options();
    String uid = Json.metaText(state.object(), "uid");
    if (opts.preconditionUid() != null && !opts.preconditionUid().equals(uid)) {
      return reject(cmd.replyTo(), ApiError.conflict(key.resourceName(), key.name(),
          "Precondition failed: UID in precondition: " + opts.preconditionUid() + ", UID in object meta: " + uid));
    }
    if (opts.expectedVersion() > 0 && opts.expectedVersion() != state.version()) {
      return reject(cmd.replyTo(), staleWrite());
    }
    long grace = ObjectLifecycle.gracePeriod(state.object(), opts.gracePeriodSeconds());
    if (state.object().path("metadata").hasNonNull("deletionTimestamp")) {
      // Already deleting: only a shorter grace period (the node agent's final 0) changes anything.
      long current = state.object().path("metadata").path("deletionGracePeriodSeconds").asLong(0);
      if (grace >= current) {
        return Effect().reply(cmd.replyTo(), new Written(state.object(), state.version(), false, false));
      }
    }
    ObjectNode deleting = ObjectLifecycle.markDeleting(state.object(), cmd.request().time(), grace);
    ObjectLifecycle.addPropagationFinalizer(type, deleting, opts.propagationPolicy());
    if (cmd.request().dryRun()) {
      return Effect().reply(cmd.replyTo(),
          new Written(deleting, state.version(), false, ObjectLifecycle.readyToDelete(deleting)));
    }
    if (!ObjectLifecycle.readyToDelete(deleting)) {
      return Effect().persist(new DeletionRequested(deleting, cmd.request()))
          .thenReply(cmd.replyTo(), s -> new Written(s.object(), s.version(), true, false));
    }
    return Effect().persist(new ObjectDeleted(deleting, cmd.request()))
        .thenReply(cmd.replyTo(), s -> new Written(deleting, s.version(), true, true));
  }

  private ReplyEffect<Event, State> persistChange(State state, ObjectNode updated, RequestInfo request,
      ActorRef<Reply> replyTo) {
    if (request.dryRun()) {
      return Effect().reply(replyTo,
          new Written(updated, state.version(), false, ObjectLifecycle.readyToDelete(updated)));
    }
    if (ObjectLifecycle.readyToDelete(updated)) {
      return Effect().persist(new ObjectDeleted(updated, request))
          .thenReply(replyTo, s -> new Written(updated, s.version(), true, true));
    }
    ObjectLifecycle.Change change = ObjectLifecycle.classify(state.object(), updated);
    if (change == ObjectLifecycle.Change.NONE && ManagedFields.ownershipChanged(state.object(), updated)) {
      // Only who owns what changed (another manager applied the values already there): still a write.
      change = ObjectLifecycle.Change.METADATA;
    }
    Event event = switch (change) {
      case NONE -> null;
      case SPEC -> new SpecChanged(updated, request);
      case STATUS -> new StatusChanged(updated, request);
      case FINALIZERS -> new FinalizersChanged(updated, request);
      case METADATA -> new MetadataChanged(updated, request);
    };
    if (event == null) {
      // Kubernetes does not write (nor move resourceVersion) for an update that changes nothing.
      return Effect().reply(replyTo, new Written(state.object(), state.version(), false, false));
    }
    return Effect().persist(event).thenReply(replyTo, s -> new Written(s.object(), s.version(), true, false));
  }

  // ---- field ownership (metadata.managedFields) ----

  /** The writer's name in managedFields: the fieldManager parameter, else the user agent's first token. */
  private static String manager(String fieldManager, RequestInfo request) {
    return ManagedFields.managerFor(fieldManager, request.userAgent());
  }

  /** The object to store after an ordinary write, with the writer's fields moved to its Update entry. */
  private ObjectNode owned(ObjectNode live, ObjectNode updated, String fieldManager, Subresource sub,
      RequestInfo request) {
    return ManagedFields.update(type.kind(), live, updated, manager(fieldManager, request), sub, request.time());
  }

  private ApiError staleWrite() {
    return ApiError.conflict(key.resourceName(), key.name(),
        "the object has been modified; please apply your changes to the latest version and try again");
  }

  private ReplyEffect<Event, State> reject(ActorRef<Reply> replyTo, ApiError error) {
    return Effect().reply(replyTo, new Rejected(error));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(ObjectDeleted.class, (state, e) -> new State(null, state.version() + 1))
        .onAnyEvent((state, e) -> new State(e.object(), state.version() + 1));
  }
}

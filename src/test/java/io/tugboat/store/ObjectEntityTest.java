package io.tugboat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.tugboat.model.ApiError;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PatchType;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectEntity.Command;
import io.tugboat.store.ObjectEntity.Event;
import io.tugboat.store.ObjectEntity.Reply;
import io.tugboat.store.ObjectEntity.State;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The write rules of one object entity: reply, events and state of each command, then a restart to prove the
 * journal (serialized with Jackson CBOR, as the serialization check of the test kit insists) rebuilds the state.
 */
class ObjectEntityTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("""
          akka.actor.provider = local
          akka.coordinated-shutdown.exit-jvm = off
          # The kit keeps journalled objects as they are; serialize them so a restart replays CBOR, as in production.
          akka.persistence.testkit.events.serialize = on
          akka.persistence.testkit.snapshots.serialize = on
          """)
      .withFallback(EventSourcedBehaviorTestKit.config())
      .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config())
      .withFallback(ConfigFactory.load()));

  private static final ResourceType DEPLOYMENTS = ResourceRegistry.byPath("apps", "v1", "deployments").orElseThrow();
  private static final ResourceType CONFIGMAPS = ResourceRegistry.byPath("", "v1", "configmaps").orElseThrow();
  private static final ResourceType NAMESPACES = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final AtomicInteger requests = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  // ---- helpers ----

  private static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  private static JsonNode jsonNode(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  /** A distinct request per call, so each event can be matched to the request that caused it. */
  private static RequestInfo request(String verb) {
    int n = requests.incrementAndGet();
    return new RequestInfo("alice", "kubectl/v1.31.0", "req-" + n, verb, NOW.plusSeconds(n));
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> entity(String entityId) {
    return entity(entityId, 100);
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> entity(String entityId, int snapshotEvery) {
    return EventSourcedBehaviorTestKit.create(testKit.system(), ObjectEntity.create(entityId, snapshotEvery));
  }

  private static ObjectNode deployment(String name) {
    ObjectNode raw = json("{'metadata':{'name':'" + name + "','namespace':'default','labels':{'app':'web'}},"
        + "'spec':{'replicas':1,'selector':{'matchLabels':{'app':'web'}},"
        + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}");
    return ObjectLifecycle.prepareCreate(DEPLOYMENTS, raw, "uid-" + name, NOW);
  }

  private static CommandResultWithReply<Command, Event, State, Reply> create(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, ObjectNode object, RequestInfo request) {
    return kit.runCommand(replyTo -> new ObjectEntity.Create(object, request, replyTo));
  }

  private static CommandResultWithReply<Command, Event, State, Reply> update(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, ObjectNode object, long expectedVersion,
      Subresource sub, RequestInfo request) {
    return kit.runCommand(replyTo -> new ObjectEntity.Update(object, expectedVersion, sub, request, replyTo));
  }

  private static CommandResultWithReply<Command, Event, State, Reply> patch(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, PatchType type, String body, long observedVersion,
      String observedRv, RequestInfo request) {
    JsonNode patch = jsonNode(body);
    return kit.runCommand(replyTo ->
        new ObjectEntity.Patch(type, patch, observedVersion, observedRv, Subresource.MAIN, request, replyTo));
  }

  private static CommandResultWithReply<Command, Event, State, Reply> delete(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, DeleteOptions options, RequestInfo request) {
    return kit.runCommand(replyTo -> new ObjectEntity.Delete(options, request, replyTo));
  }

  private static ObjectNode copyOf(State state) {
    return state.object().deepCopy();
  }

  /**
   * Asserts the state rebuilt from the journal equals the state before. Trees are compared as JSON text re-read,
   * since a CBOR round trip may turn a LongNode into an IntNode of the same value.
   */
  private static void assertSurvivesRestart(EventSourcedBehaviorTestKit<Command, Event, State> kit, State before) {
    State after = kit.restart().state();
    assertEquals(before.version(), after.version(), "entity version after restart");
    assertEquals(normalized(before.object()), normalized(after.object()), "object after restart");
  }

  private static JsonNode normalized(JsonNode node) {
    return node == null ? null : jsonNode(node.toString());
  }

  private static ApiError rejected(Reply reply) {
    return assertInstanceOf(ObjectEntity.Rejected.class, reply).error();
  }

  private static ObjectEntity.Written written(Reply reply) {
    return assertInstanceOf(ObjectEntity.Written.class, reply);
  }

  private static <E extends Event> E onlyEvent(CommandResultWithReply<Command, Event, State, Reply> result,
      Class<E> type, RequestInfo request) {
    assertEquals(1, result.events().size(), () -> "events: " + result.events());
    E event = assertInstanceOf(type, result.event());
    assertEquals(request, event.request(), "the event carries the request that caused it");
    return event;
  }

  // ---- create ----

  @Test
  void createStoresTheObjectAndASecondCreateIsAlreadyExists() {
    var kit = entity("apps/deployments/default/web");
    RequestInfo req = request("create");
    var result = create(kit, deployment("web"), req);

    ObjectEntity.Written w = written(result.reply());
    assertTrue(w.changed());
    assertFalse(w.deleted());
    assertEquals(1, w.version());
    ObjectEntity.ObjectCreated event = onlyEvent(result, ObjectEntity.ObjectCreated.class, req);
    ObjectNode stored = event.object().deepCopy();
    JsonNode managed = ((ObjectNode) stored.get("metadata")).remove("managedFields");
    assertEquals(deployment("web"), stored, "the object as given, plus who created it");
    assertEquals("kubectl", managed.path(0).path("manager").asText(), "the user agent names the creator");
    assertEquals("Update", managed.path(0).path("operation").asText());
    assertEquals(1, result.state().version());
    assertEquals("uid-web", Json.metaText(result.state().object(), "uid"));
    assertEquals(1, result.state().object().path("metadata").path("generation").asLong());

    var again = create(kit, deployment("web"), request("create"));
    ApiError error = rejected(again.reply());
    assertEquals(409, error.code());
    assertEquals("AlreadyExists", error.reason());
    assertTrue(again.hasNoEvents());
    assertEquals(1, again.state().version());

    assertSurvivesRestart(kit, again.state());
  }

  @Test
  void getAnswersTheCurrentObjectOrNullWhenAbsent() {
    var kit = entity("apps/deployments/default/get");
    var before = kit.<Reply>runCommand(ObjectEntity.Get::new);
    ObjectEntity.Current absent = assertInstanceOf(ObjectEntity.Current.class, before.reply());
    assertNull(absent.object());
    assertEquals(0, absent.version());
    assertTrue(before.hasNoEvents());

    create(kit, deployment("get"), request("create"));
    ObjectEntity.Current present = assertInstanceOf(ObjectEntity.Current.class,
        kit.<Reply>runCommand(ObjectEntity.Get::new).reply());
    assertEquals("get", Json.metaText(present.object(), "name"));
    assertEquals(1, present.version());
  }

  @Test
  void writesToAnAbsentObjectAreNotFound() {
    var kit = entity("apps/deployments/default/ghost");
    ApiError onUpdate = rejected(update(kit, deployment("ghost"), 0, Subresource.MAIN, request("update")).reply());
    ApiError onPatch = rejected(patch(kit, PatchType.MERGE, "{}", 0, null, request("patch")).reply());
    ApiError onDelete = rejected(delete(kit, DeleteOptions.defaults(), request("delete")).reply());
    for (ApiError e : List.of(onUpdate, onPatch, onDelete)) {
      assertEquals(404, e.code());
      assertEquals("NotFound", e.reason());
      assertEquals("deployments.apps", e.kind());
    }
    assertNull(kit.getState().object());
    assertEquals(0, kit.getState().version());
  }

  // ---- update ----

  @Test
  void specUpdateBumpsGenerationAndIsSpecChanged() {
    var kit = entity("apps/deployments/default/scale");
    ObjectNode changed = copyOf(create(kit, deployment("scale"), request("create")).state());
    changed.with("spec").put("replicas", 3);

    RequestInfo req = request("update");
    var result = update(kit, changed, 1, Subresource.MAIN, req);

    ObjectEntity.Written w = written(result.reply());
    assertTrue(w.changed());
    assertEquals(2, w.version());
    ObjectEntity.SpecChanged event = onlyEvent(result, ObjectEntity.SpecChanged.class, req);
    assertEquals(3, event.object().path("spec").path("replicas").asInt());
    assertEquals(2, result.state().object().path("metadata").path("generation").asLong());
    assertEquals(3, result.state().object().path("spec").path("replicas").asInt());

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void labelUpdateIsMetadataChangedAndKeepsGeneration() {
    var kit = entity("apps/deployments/default/labels");
    ObjectNode changed = copyOf(create(kit, deployment("labels"), request("create")).state());
    Json.meta(changed).with("labels").put("tier", "front");

    RequestInfo req = request("update");
    var result = update(kit, changed, 0, Subresource.MAIN, req);

    assertTrue(written(result.reply()).changed());
    onlyEvent(result, ObjectEntity.MetadataChanged.class, req);
    assertEquals("front", result.state().object().path("metadata").path("labels").path("tier").asText());
    assertEquals(1, result.state().object().path("metadata").path("generation").asLong());

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void finalizerUpdateIsFinalizersChanged() {
    var kit = entity("apps/deployments/default/fin");
    ObjectNode changed = copyOf(create(kit, deployment("fin"), request("create")).state());
    ObjectLifecycle.addFinalizer(changed, "example.com/hold");

    RequestInfo req = request("update");
    var result = update(kit, changed, 0, Subresource.MAIN, req);

    onlyEvent(result, ObjectEntity.FinalizersChanged.class, req);
    assertEquals("example.com/hold", result.state().object().path("metadata").path("finalizers").path(0).asText());
    assertEquals(1, result.state().object().path("metadata").path("generation").asLong());

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void statusUpdateIsStatusChangedAndIgnoresSpecChanges() {
    var kit = entity("apps/deployments/default/status");
    ObjectNode changed = copyOf(create(kit, deployment("status"), request("create")).state());
    changed.with("spec").put("replicas", 7);
    changed.with("status").put("replicas", 1).put("readyReplicas", 1);

    RequestInfo req = request("update");
    var result = update(kit, changed, 0, Subresource.STATUS, req);

    assertTrue(written(result.reply()).changed());
    onlyEvent(result, ObjectEntity.StatusChanged.class, req);
    ObjectNode state = result.state().object();
    assertEquals(1, state.path("status").path("readyReplicas").asInt());
    assertEquals(1, state.path("spec").path("replicas").asInt(), "a status write leaves the spec alone");
    assertEquals(1, state.path("metadata").path("generation").asLong());

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void mainUpdateIgnoresStatusChanges() {
    var kit = entity("apps/deployments/default/mainstatus");
    ObjectNode withStatus = copyOf(create(kit, deployment("mainstatus"), request("create")).state());
    withStatus.with("status").put("replicas", 1);
    update(kit, withStatus, 0, Subresource.STATUS, request("update"));

    ObjectNode changed = copyOf(kit.getState());
    changed.with("status").put("replicas", 5);
    var result = update(kit, changed, 0, Subresource.MAIN, request("update"));

    ObjectEntity.Written w = written(result.reply());
    assertFalse(w.changed(), "only status differed, and a main write keeps the stored status");
    assertTrue(result.hasNoEvents());
    assertEquals(1, result.state().object().path("status").path("replicas").asInt());
    assertEquals(2, result.state().version());

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void updateWithStaleExpectedVersionIsConflictAndWritesNothing() {
    var kit = entity("apps/deployments/default/stale");
    ObjectNode first = copyOf(create(kit, deployment("stale"), request("create")).state());
    first.with("spec").put("replicas", 2);
    update(kit, first, 1, Subresource.MAIN, request("update"));

    ObjectNode late = copyOf(kit.getState());
    late.with("spec").put("replicas", 9);
    var result = update(kit, late, 1, Subresource.MAIN, request("update"));

    ApiError error = rejected(result.reply());
    assertEquals(409, error.code());
    assertEquals("Conflict", error.reason());
    assertTrue(error.message().contains("the object has been modified"), error.message());
    assertTrue(result.hasNoEvents());
    assertEquals(2, result.state().version());
    assertEquals(2, result.state().object().path("spec").path("replicas").asInt());

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void noOpUpdateWritesNoEventAndRepliesUnchanged() {
    var kit = entity("apps/deployments/default/noop");
    State created = create(kit, deployment("noop"), request("create")).state();
    ObjectNode same = copyOf(created);
    Json.meta(same).put("resourceVersion", "42"); // a client echoes what it read; not a change

    var result = update(kit, same, 1, Subresource.MAIN, request("update"));

    ObjectEntity.Written w = written(result.reply());
    assertFalse(w.changed());
    assertFalse(w.deleted());
    assertEquals(1, w.version());
    assertTrue(result.hasNoEvents());
    assertEquals(created, result.state());

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void noOpUpdateAfterRestartStillWritesNothing() {
    var kit = entity("apps/deployments/default/noop-restart");
    ObjectNode changed = copyOf(create(kit, deployment("noop-restart"), request("create")).state());
    changed.with("spec").put("replicas", 2);
    update(kit, changed, 0, Subresource.MAIN, request("update")); // generation becomes 2
    kit.restart();

    var result = update(kit, copyOf(kit.getState()), 0, Subresource.MAIN, request("update"));

    assertFalse(written(result.reply()).changed());
    assertTrue(result.hasNoEvents());
  }

  // ---- patch ----

  @Test
  void mergePatchApplies() {
    var kit = entity("apps/deployments/default/merge");
    create(kit, deployment("merge"), request("create"));

    RequestInfo req = request("patch");
    var result = patch(kit, PatchType.MERGE, "{'spec':{'replicas':4},'metadata':{'labels':{'app':null,'x':'y'}}}",
        1, "17", req);

    ObjectEntity.Written w = written(result.reply());
    assertTrue(w.changed());
    assertEquals(2, w.version());
    onlyEvent(result, ObjectEntity.SpecChanged.class, req);
    ObjectNode state = result.state().object();
    assertEquals(4, state.path("spec").path("replicas").asInt());
    assertEquals(json("{'x':'y'}"), state.path("metadata").path("labels"));
    assertEquals(2, state.path("metadata").path("generation").asLong());
    assertFalse(state.path("metadata").has("resourceVersion"), "the entity never stores a resourceVersion");

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void jsonPatchApplies() {
    var kit = entity("apps/deployments/default/jsonpatch");
    create(kit, deployment("jsonpatch"), request("create"));

    RequestInfo req = request("patch");
    var result = patch(kit, PatchType.JSON,
        "[{'op':'test','path':'/spec/replicas','value':1},{'op':'add','path':'/metadata/annotations',"
            + "'value':{'note':'hi'}}]", 1, "17", req);

    assertTrue(written(result.reply()).changed());
    onlyEvent(result, ObjectEntity.MetadataChanged.class, req);
    assertEquals("hi", result.state().object().path("metadata").path("annotations").path("note").asText());

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void patchNamingTheObservedResourceVersionApplies() {
    var kit = entity("apps/deployments/default/rv-ok");
    create(kit, deployment("rv-ok"), request("create"));

    var result = patch(kit, PatchType.MERGE, "{'metadata':{'resourceVersion':'17'},'spec':{'replicas':2}}", 1, "17",
        request("patch"));

    assertTrue(written(result.reply()).changed());
    assertEquals(2, result.state().object().path("spec").path("replicas").asInt());
  }

  @Test
  void patchNamingAWrongResourceVersionIsConflictAndWritesNothing() {
    var kit = entity("apps/deployments/default/rv-bad");
    State created = create(kit, deployment("rv-bad"), request("create")).state();

    var wrong = patch(kit, PatchType.MERGE, "{'metadata':{'resourceVersion':'16'},'spec':{'replicas':2}}", 1, "17",
        request("patch"));
    // The caller's cache knows another version of the object than the entity: no resourceVersion can be checked.
    var unknown = patch(kit, PatchType.MERGE, "{'metadata':{'resourceVersion':'17'},'spec':{'replicas':2}}", 0,
        null, request("patch"));

    for (var result : List.of(wrong, unknown)) {
      ApiError error = rejected(result.reply());
      assertEquals(409, error.code());
      assertEquals("Conflict", error.reason());
      assertTrue(result.hasNoEvents());
    }
    assertEquals(created, kit.getState());

    assertSurvivesRestart(kit, kit.getState());
  }

  // ---- delete ----

  @Test
  void deleteWithoutFinalizersRemovesTheObjectAndCreateStartsANewIncarnation() {
    var kit = entity("apps/deployments/default/gone");
    create(kit, deployment("gone"), request("create"));

    RequestInfo req = request("delete");
    var result = delete(kit, DeleteOptions.defaults(), req);

    ObjectEntity.Written w = written(result.reply());
    assertTrue(w.changed());
    assertTrue(w.deleted());
    assertEquals(2, w.version());
    ObjectEntity.ObjectDeleted event = onlyEvent(result, ObjectEntity.ObjectDeleted.class, req);
    assertEquals(ObjectLifecycle.timestamp(req.time()), Json.metaText(event.object(), "deletionTimestamp"));
    assertNull(result.state().object());
    assertEquals(2, result.state().version());
    assertSurvivesRestart(kit, result.state());

    ObjectNode reborn = deployment("gone");
    Json.meta(reborn).put("uid", "uid-second");
    RequestInfo again = request("create");
    var recreated = create(kit, reborn, again);

    ObjectEntity.Written w2 = written(recreated.reply());
    assertTrue(w2.changed());
    assertEquals(3, w2.version(), "the entity version keeps counting across incarnations");
    onlyEvent(recreated, ObjectEntity.ObjectCreated.class, again);
    assertEquals("uid-second", Json.metaText(recreated.state().object(), "uid"));
    assertFalse(recreated.state().object().path("metadata").has("deletionTimestamp"));

    assertSurvivesRestart(kit, recreated.state());
  }

  @Test
  void deleteWithFinalizersRequestsDeletionUntilTheLastFinalizerGoes() {
    var kit = entity("apps/deployments/default/held");
    ObjectNode obj = deployment("held");
    ObjectLifecycle.addFinalizer(obj, "example.com/a");
    ObjectLifecycle.addFinalizer(obj, "example.com/b");
    create(kit, obj, request("create"));

    RequestInfo del = request("delete");
    var requested = delete(kit, new DeleteOptions(null, 0, 30L, null), del);

    ObjectEntity.Written w = written(requested.reply());
    assertTrue(w.changed());
    assertFalse(w.deleted());
    onlyEvent(requested, ObjectEntity.DeletionRequested.class, del);
    ObjectNode deleting = requested.state().object();
    assertEquals(ObjectLifecycle.timestamp(del.time()), Json.metaText(deleting, "deletionTimestamp"));
    // Only pods on a node delete gracefully; for everything else Kubernetes records a grace period of 0.
    assertEquals(0, deleting.path("metadata").path("deletionGracePeriodSeconds").asLong());
    assertSurvivesRestart(kit, requested.state());

    // A second delete while deleting changes nothing.
    var repeated = delete(kit, DeleteOptions.defaults(), request("delete"));
    assertFalse(written(repeated.reply()).changed());
    assertTrue(repeated.hasNoEvents());

    ObjectNode oneLeft = copyOf(kit.getState());
    Json.meta(oneLeft).putArray("finalizers").add("example.com/b");
    RequestInfo first = request("update");
    var partly = update(kit, oneLeft, 0, Subresource.MAIN, first);
    onlyEvent(partly, ObjectEntity.FinalizersChanged.class, first);
    assertFalse(written(partly.reply()).deleted());
    assertEquals(Json.metaText(deleting, "deletionTimestamp"),
        Json.metaText(partly.state().object(), "deletionTimestamp"));

    ObjectNode none = copyOf(kit.getState());
    Json.meta(none).remove("finalizers");
    RequestInfo last = request("update");
    var finished = update(kit, none, 0, Subresource.MAIN, last);

    ObjectEntity.Written done = written(finished.reply());
    assertTrue(done.changed());
    assertTrue(done.deleted());
    onlyEvent(finished, ObjectEntity.ObjectDeleted.class, last);
    assertNull(finished.state().object());
    assertEquals(4, finished.state().version());

    assertSurvivesRestart(kit, finished.state());
  }

  @Test
  void deleteWithAWrongUidPreconditionIsConflictAndWritesNothing() {
    var kit = entity("apps/deployments/default/uid");
    State created = create(kit, deployment("uid"), request("create")).state();

    var result = delete(kit, new DeleteOptions("someone-else", 0, null, null), request("delete"));

    ApiError error = rejected(result.reply());
    assertEquals(409, error.code());
    assertEquals("Conflict", error.reason());
    assertTrue(error.message().contains("someone-else") && error.message().contains("uid-uid"), error.message());
    assertTrue(result.hasNoEvents());
    assertEquals(created, result.state());

    var stale = delete(kit, new DeleteOptions("uid-uid", 5, null, null), request("delete"));
    assertEquals("Conflict", rejected(stale.reply()).reason());
    assertTrue(stale.hasNoEvents());

    assertSurvivesRestart(kit, result.state());
  }

  @Test
  void namespaceDeleteMarksTerminatingAndWaitsForSpecFinalizers() {
    var kit = entity("core/namespaces//team");
    ObjectNode ns = ObjectLifecycle.prepareCreate(NAMESPACES,
        json("{'metadata':{'name':'team'},'spec':{'finalizers':['kubernetes']}}"), "uid-team", NOW);
    create(kit, ns, request("create"));

    RequestInfo del = request("delete");
    var requested = delete(kit, DeleteOptions.defaults(), del);

    assertFalse(written(requested.reply()).deleted());
    onlyEvent(requested, ObjectEntity.DeletionRequested.class, del);
    ObjectNode terminating = requested.state().object();
    assertEquals("Terminating", terminating.path("status").path("phase").asText());
    assertTrue(terminating.path("metadata").hasNonNull("deletionTimestamp"));
    assertSurvivesRestart(kit, requested.state());

    ObjectNode finalized = copyOf(kit.getState());
    finalized.with("spec").putArray("finalizers");
    RequestInfo fin = request("update");
    var finished = update(kit, finalized, 0, Subresource.MAIN, fin);

    assertTrue(written(finished.reply()).deleted());
    onlyEvent(finished, ObjectEntity.ObjectDeleted.class, fin);
    assertNull(finished.state().object());

    assertSurvivesRestart(kit, finished.state());
  }

  // ---- recovery ----

  @Test
  void stateRecoversFromASnapshotPlusLaterEvents() {
    var kit = entity("core/configmaps/default/snap", 2);
    ObjectNode cm = ObjectLifecycle.prepareCreate(CONFIGMAPS,
        json("{'metadata':{'name':'snap','namespace':'default'},'data':{'n':'0'}}"), "uid-snap", NOW);
    create(kit, cm, request("create"));
    for (int i = 1; i <= 4; i++) {
      ObjectNode next = copyOf(kit.getState());
      next.with("data").put("n", Integer.toString(i));
      var r = update(kit, next, 0, Subresource.MAIN, request("update"));
      assertInstanceOf(ObjectEntity.SpecChanged.class, r.event(), "data is outside metadata and status");
    }
    String pid = new ObjectKey("core/configmaps", "default", "snap").persistenceId();
    assertEquals(5, kit.persistenceTestKit().persistedInStorage(pid).size());
    assertNotEquals(List.of(), kit.snapshotTestKit().orElseThrow().persistedInStorage(pid), "a snapshot was taken");

    State before = kit.getState();
    assertEquals(5, before.version());
    assertEquals("4", before.object().path("data").path("n").asText());
    assertSurvivesRestart(kit, before);
  }
}

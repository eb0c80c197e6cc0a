package io.tugboat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store end to end on one node: sharded entities over a LevelDB journal, the watch cache fed from its tag
 * stream. Proves read-your-writes and that an object's resourceVersion is a position in that stream.
 */
class ObjectStoreTest {

  private static final ResourceType CONFIGMAPS = ResourceRegistry.byPath("", "v1", "configmaps").orElseThrow();
  private static final ResourceType NAMESPACES = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  static Path dataDir;

  private static ActorTestKit testKit;
  private static WatchCache cache;
  private static ObjectStore store;

  @BeforeAll
  static void startNode() throws Exception {
    testKit = ActorTestKit.create("ObjectStoreTest", StoreTestConfig.singleNodeCluster(dataDir));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Void> probe = testKit.createTestProbe();
    probe.awaitAssert(WAIT, () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    ObjectEntity.initSharding(testKit.system());
    cache = new WatchCache(10_000);
    WatchCacheFeeder.start(testKit.system(), cache);
    cache.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    store = new ObjectStore(testKit.system(), cache);
    await(store.create(NAMESPACES, json("{'metadata':{'name':'default'}}"), request("create")));
  }

  @AfterAll
  static void shutdown() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  // ---- helpers ----

  private static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  private static RequestInfo request(String verb) {
    return RequestInfo.system("store-test", verb);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static ApiError failure(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
    return assertInstanceOf(ApiException.class, e.getCause()).error();
  }

  private static ObjectNode configMap(String namespace, String name, String value) {
    return json("{'metadata':{'name':'" + name + "','namespace':'" + namespace + "'},'data':{'v':'" + value + "'}}");
  }

  private static long rv(JsonNode obj) {
    return Long.parseLong(Json.metaText(obj, "resourceVersion"));
  }

  private static ObjectNode withData(ObjectNode obj, String value) {
    ObjectNode copy = obj.deepCopy();
    copy.with("data").put("v", value);
    return copy;
  }

  // ---- read-your-writes and resourceVersions ----

  @Test
  void createAnswersWithTheResourceVersionTheCacheHasForThatWrite() throws Exception {
    ObjectStore.WriteResult created = await(store.create(CONFIGMAPS, configMap("default", "ryw", "1"),
        request("create")));
    ObjectKey key = ObjectKey.of(CONFIGMAPS, "default", "ryw");

    long rv = rv(created.object());
    assertEquals(created.entry().resourceVersion(), rv);
    WatchCache.Entry cached = cache.get(key).orElseThrow(() -> new AssertionError("the cache has the write"));
    assertEquals(rv, cached.resourceVersion());
    assertEquals(1, cached.version());
    assertTrue(cache.resourceVersion() >= rv);
    assertFalse(Json.metaText(created.object(), "uid").isEmpty());
    assertFalse(Json.metaText(created.object(), "creationTimestamp").isEmpty());

    ObjectStore.WriteResult updated = await(store.update(key, withData(created.object(), "2"), Subresource.MAIN,
        request("update")));
    assertTrue(rv(updated.object()) > rv, "a later write has a later resourceVersion");
    assertEquals(rv(updated.object()), cache.get(key).orElseThrow().resourceVersion());
    assertEquals("2", cache.get(key).orElseThrow().object().path("data").path("v").asText());
  }

  @Test
  void updateWithTheResourceVersionJustReadSucceedsAndWithThePreviousOneIsConflict() throws Exception {
    ObjectNode first = await(store.create(CONFIGMAPS, configMap("default", "occ", "1"), request("create")))
        .object();
    ObjectKey key = ObjectKey.of(CONFIGMAPS, "default", "occ");

    ObjectNode second = await(store.update(key, withData(first, "2"), Subresource.MAIN, request("update")))
        .object();
    assertNotEquals(rv(first), rv(second));

    ApiError stale = failure(store.update(key, withData(first, "3"), Subresource.MAIN, request("update")));
    assertEquals(409, stale.code());
    assertEquals("Conflict", stale.reason());
    assertEquals("2", cache.get(key).orElseThrow().object().path("data").path("v").asText(), "nothing written");

    ObjectNode third = await(store.update(key, withData(second, "3"), Subresource.MAIN, request("update")))
        .object();
    assertEquals("3", third.path("data").path("v").asText());
    assertTrue(rv(third) > rv(second));
  }

  @Test
  void noOpUpdateAnswersTheCurrentObjectWithoutMovingTheResourceVersion() throws Exception {
    ObjectNode created = await(store.create(CONFIGMAPS, configMap("default", "same", "1"), request("create")))
        .object();
    ObjectKey key = ObjectKey.of(CONFIGMAPS, "default", "same");

    ObjectStore.WriteResult again = await(store.update(key, created, Subresource.MAIN, request("update")));
    assertEquals(rv(created), rv(again.object()));
    assertEquals(1, again.entry().version());
  }

  @Test
  void patchAppliesAgainstTheCachedVersionAndNamingAStaleResourceVersionIsConflict() throws Exception {
    ObjectNode created = await(store.create(CONFIGMAPS, configMap("default", "patched", "1"), request("create")))
        .object();
    ObjectKey key = ObjectKey.of(CONFIGMAPS, "default", "patched");

    ObjectNode patched = await(store.patch(key, PatchType.MERGE,
        json("{'metadata':{'resourceVersion':'" + rv(created) + "'},'data':{'v':'2'}}"), Subresource.MAIN,
        request("patch"))).object();
    assertEquals("2", patched.path("data").path("v").asText());
    assertTrue(rv(patched) > rv(created));

    ApiError stale = failure(store.patch(key, PatchType.MERGE,
        json("{'metadata':{'resourceVersion':'" + rv(created) + "'},'data':{'v':'3'}}"), Subresource.MAIN,
        request("patch")));
    assertEquals(409, stale.code());
    assertEquals("Conflict", stale.reason());

    ObjectNode unconditional = await(store.patch(key, PatchType.JSON,
        Json.MAPPER.readTree("[{\"op\":\"replace\",\"path\":\"/data/v\",\"value\":\"4\"}]"), Subresource.MAIN,
        request("patch"))).object();
    assertEquals("4", unconditional.path("data").path("v").asText());
  }

  @Test
  void deleteAnswersOnceTheCacheNoLongerHasTheObject() throws Exception {
    ObjectNode created = await(store.create(CONFIGMAPS, configMap("default", "bye", "1"), request("create")))
        .object();
    ObjectKey key = ObjectKey.of(CONFIGMAPS, "default", "bye");

    ApiError wrongUid = failure(store.delete(key, "not-the-uid", null, null, null, request("delete")));
    assertEquals("Conflict", wrongUid.reason());

    ObjectStore.WriteResult deleted = await(store.delete(key, Json.metaText(created, "uid"),
        Json.metaText(created, "resourceVersion"), null, null, request("delete")));
    assertTrue(deleted.deleted());
    assertTrue(rv(deleted.object()) > rv(created));
    assertTrue(cache.get(key).isEmpty());

    assertEquals(404, failure(store.delete(key, null, null, null, null, request("delete"))).code());
  }

  // ---- namespaces and names ----

  @Test
  void creatingIntoAMissingNamespaceIsNotFoundForNamespaces() {
    ApiError error = failure(store.create(CONFIGMAPS, configMap("nowhere", "cm", "1"), request("create")));
    assertEquals(404, error.code());
    assertEquals("NotFound", error.reason());
    assertEquals("namespaces", error.kind());
    assertEquals("nowhere", error.name());
    assertTrue(cache.get(ObjectKey.of(CONFIGMAPS, "nowhere", "cm")).isEmpty());
  }

  @Test
  void creatingIntoATerminatingNamespaceIsForbidden() throws Exception {
    ObjectNode ns = json("{'metadata':{'name':'closing','finalizers':['test/hold']}}");
    await(store.create(NAMESPACES, ns, request("create")));
    ObjectStore.WriteResult deleting = await(store.delete(ObjectKey.of(NAMESPACES, "", "closing"), null, null, null,
        null, request("delete")));
    assertFalse(deleting.deleted());
    assertEquals("Terminating", deleting.object().path("status").path("phase").asText());

    ApiError error = failure(store.create(CONFIGMAPS, configMap("closing", "cm", "1"), request("create")));
    assertEquals(403, error.code());
    assertEquals("Forbidden", error.reason());
  }

  @Test
  void generateNameGivesANameWithAFiveCharacterSuffix() throws Exception {
    ObjectNode cm = json("{'metadata':{'generateName':'web-','namespace':'default'},'data':{'v':'1'}}");
    ObjectNode created = await(store.create(CONFIGMAPS, cm, request("create"))).object();

    String name = Json.metaText(created, "name");
    assertTrue(name.matches("web-[a-z0-9]{5}"), name);
    assertEquals("web-", Json.metaText(created, "generateName"));
    assertTrue(cache.get(ObjectKey.of(CONFIGMAPS, "default", name)).isPresent());

    String other = Json.metaText(await(store.create(CONFIGMAPS, cm, request("create"))).object(), "name");
    assertNotEquals(name, other);
  }

  @Test
  void aGeneratedNameAlreadyTakenIsDrawnAgainAndOnlyAnEndlessRunOfThemFails() throws Exception {
    ObjectNode cm = json("{'metadata':{'generateName':'taken-','namespace':'default'},'data':{'v':'1'}}");
    java.util.Iterator<String> draws = List.of("aaaaa", "aaaaa", "aaaaa", "bbbbb").iterator();
    store.nameSuffixes(draws::next);
    try {
      assertEquals("taken-aaaaa", Json.metaText(await(store.create(CONFIGMAPS, cm, request("create"))).object(),
          "name"));
      assertEquals("taken-bbbbb", Json.metaText(await(store.create(CONFIGMAPS, cm, request("create"))).object(),
          "name"), "two collisions, then a free name");
      store.nameSuffixes(() -> "aaaaa");
      ApiError error = failure(store.create(CONFIGMAPS, cm, request("create")));
      assertEquals(409, error.code());
      assertEquals("AlreadyExists", error.reason());
      ObjectNode named = json("{'metadata':{'name':'taken-aaaaa','namespace':'default'},'data':{'v':'1'}}");
      assertEquals(409, failure(store.create(CONFIGMAPS, named, request("create"))).code(), "a given name: no retry");
    } finally {
      store.nameSuffixes(null);
    }
  }

  // ---- watches over the real tag stream ----

  /** A watcher fed by the feeder's stream thread. */
  private static final class Queue implements WatchCache.Watcher {
    final LinkedBlockingQueue<WatchCache.Change> changes = new LinkedBlockingQueue<>();

    @Override
    public boolean offer(WatchCache.Change change) {
      return changes.offer(change);
    }

    @Override
    public void close() {}

    List<WatchCache.Change> drain() {
      List<WatchCache.Change> out = new ArrayList<>();
      changes.drainTo(out);
      return out;
    }
  }

  private static List<String> describe(List<WatchCache.Change> changes) {
    return changes.stream()
        .map(c -> c.type() + " " + c.entry().key().sortKey() + " v=" + c.entry().object().path("data").path("v")
            .asText() + " @" + c.resourceVersion())
        .toList();
  }

  @Test
  void watchResumedFromTheLastResourceVersionSeenMissesNoWriteAndRepeatsNone() throws Exception {
    await(store.create(NAMESPACES, json("{'metadata':{'name':'watched'}}"), request("create")));
    long start = cache.resourceVersion();
    ObjectKey a = ObjectKey.of(CONFIGMAPS, "watched", "a");

    Queue first = new Queue();
    WatchCache.Start watch = cache.watch(CONFIGMAPS.storageKey(), "watched", start, false, first);
    ObjectNode objA = await(store.create(CONFIGMAPS, configMap("watched", "a", "1"), request("create"))).object();
    await(store.create(CONFIGMAPS, configMap("watched", "b", "1"), request("create")));
    // A write answers only once this node's cache has it, so the watcher has been offered it by now.
    List<WatchCache.Change> seen = new ArrayList<>(watch.backlog());
    seen.addAll(first.drain());
    watch.cancel().run();
    long lastSeen = seen.get(seen.size() - 1).resourceVersion();

    objA = await(store.update(a, withData(objA, "2"), Subresource.MAIN, request("update"))).object();
    await(store.create(CONFIGMAPS, configMap("other", "x", "1"), request("create"))
        .exceptionally(e -> null)); // a missing namespace: nothing written
    await(store.delete(ObjectKey.of(CONFIGMAPS, "watched", "b"), null, null, null, null, request("delete")));

    Queue second = new Queue();
    WatchCache.Start resumed = cache.watch(CONFIGMAPS.storageKey(), "watched", lastSeen, false, second);
    assertFalse(resumed.gone());
    seen.addAll(resumed.backlog());
    await(store.update(a, withData(objA, "3"), Subresource.MAIN, request("update")));
    seen.addAll(second.drain());
    resumed.cancel().run();

    List<String> got = describe(seen);
    assertEquals(5, got.size(), got::toString);
    assertEquals(List.of("ADDED watched/a v=1", "ADDED watched/b v=1", "MODIFIED watched/a v=2",
        "DELETED watched/b v=1", "MODIFIED watched/a v=3"), got.stream().map(s -> s.substring(0, s.indexOf(" @")))
        .toList());
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(seen.get(i).resourceVersion() > seen.get(i - 1).resourceVersion(), got::toString);
    }
    assertEquals(seen.get(seen.size() - 1).resourceVersion(), cache.get(a).orElseThrow().resourceVersion());
  }

  @Test
  void theObjectsResourceVersionIsItsPositionInTheTagStream() throws Exception {
    long before = cache.resourceVersion();
    ObjectNode created = await(store.create(CONFIGMAPS, configMap("default", "pos", "1"), request("create")))
        .object();
    // Nothing else writes meanwhile: the write is the next event of the tag.
    assertEquals(before + 1, rv(created));
    assertNull(created.path("metadata").get("generation"), "configmaps have no spec/status split");
  }
}

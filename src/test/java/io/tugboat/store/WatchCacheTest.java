package io.tugboat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The read side on its own: hand-made journal events in, lists, watches and write waits out. */
class WatchCacheTest {

  private static final String CONFIGMAPS = "core/configmaps";
  private static final RequestInfo REQUEST =
      new RequestInfo("alice", "kubectl", "r1", "update", Instant.parse("2024-05-01T10:00:00Z"));

  private final WatchCache cache = new WatchCache(1000);
  private final Map<String, Long> sequenceNrs = new HashMap<>();
  private long offset;

  // ---- feeding ----

  private static String pid(String storageKey, String namespace, String name) {
    return "obj|" + storageKey + "/" + namespace + "/" + name;
  }

  private static ObjectNode object(String kind, String namespace, String name, String value) {
    ObjectNode obj = Json.object();
    obj.put("kind", kind);
    ObjectNode meta = obj.putObject("metadata");
    meta.put("name", name);
    if (!namespace.isEmpty()) {
      meta.put("namespace", namespace);
    }
    obj.putObject("data").put("v", value);
    return obj;
  }

  /** Applies the next journal event of an object: sequence numbers per object, offsets across all. */
  private long emit(WatchCache target, String storageKey, String namespace, String name, String value,
      boolean delete) {
    String pid = pid(storageKey, namespace, name);
    long seq = sequenceNrs.merge(pid, 1L, Long::sum);
    ObjectNode obj = object("Thing", namespace, name, value);
    ObjectEntity.Event event;
    if (delete) {
      event = new ObjectEntity.ObjectDeleted(obj, REQUEST);
    } else if (seq == 1 || target.get(ObjectKey.fromPersistenceId(pid)).isEmpty()) {
      event = new ObjectEntity.ObjectCreated(obj, REQUEST);
    } else {
      event = new ObjectEntity.SpecChanged(obj, REQUEST);
    }
    target.apply(pid, seq, ++offset, event);
    return offset;
  }

  private long put(String namespace, String name, String value) {
    return emit(cache, CONFIGMAPS, namespace, name, value, false);
  }

  private long remove(String namespace, String name) {
    return emit(cache, CONFIGMAPS, namespace, name, "", true);
  }

  private static ObjectKey key(String namespace, String name) {
    return new ObjectKey(CONFIGMAPS, namespace, name);
  }

  private static List<String> names(List<WatchCache.Entry> entries) {
    return entries.stream().map(e -> e.key().sortKey()).toList();
  }

  private static List<String> describe(List<WatchCache.Change> changes) {
    return changes.stream()
        .map(c -> c.type() + " " + c.entry().key().sortKey() + "@" + c.resourceVersion())
        .toList();
  }

  /** A watcher that records what it is offered and can be told to refuse. */
  private static final class Recorder implements WatchCache.Watcher {
    final List<WatchCache.Change> received = new ArrayList<>();
    boolean accepting = true;
    int offers;
    boolean closed;

    @Override
    public boolean offer(WatchCache.Change change) {
      offers++;
      if (!accepting) {
        return false;
      }
      received.add(change);
      return true;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  // ---- get and list ----

  @Test
  void getAnswersTheObjectWithItsResourceVersionAndEntityVersion() {
    put("a", "x", "1");
    long rv = put("a", "x", "2");

    WatchCache.Entry entry = cache.get(key("a", "x")).orElseThrow();
    assertEquals(rv, entry.resourceVersion());
    assertEquals(2, entry.version());
    assertEquals(Long.toString(rv), Json.metaText(entry.object(), "resourceVersion"));
    assertEquals("2", entry.object().path("data").path("v").asText());
    assertEquals(rv, cache.resourceVersion());

    remove("a", "x");
    assertTrue(cache.get(key("a", "x")).isEmpty());
    assertTrue(cache.get(key("nowhere", "x")).isEmpty());
  }

  @Test
  void listsOneNamespaceOrAllNamespacesSortedByNamespaceThenName() {
    put("b", "two", "1");
    put("a", "zed", "1");
    put("b", "one", "1");
    put("ab", "mid", "1"); // shares a prefix with namespace "a"
    put("a", "alpha", "1");
    emit(cache, "core/secrets", "a", "hidden", "1", false);
    long last = put("b", "gone", "1");
    remove("b", "gone");

    WatchCache.Snapshot all = cache.list(CONFIGMAPS, null, e -> true, null, 0);
    assertEquals(List.of("a/alpha", "a/zed", "ab/mid", "b/one", "b/two"), names(all.items()));
    assertEquals(last + 1, all.resourceVersion());
    assertEquals(names(all.items()), names(cache.list(CONFIGMAPS, "", e -> true, null, 0).items()));

    assertEquals(List.of("a/alpha", "a/zed"), names(cache.list(CONFIGMAPS, "a", e -> true, null, 0).items()));
    assertEquals(List.of("b/one", "b/two"), names(cache.list(CONFIGMAPS, "b", e -> true, null, 0).items()));
    assertEquals(List.of(), cache.list(CONFIGMAPS, "c", e -> true, null, 0).items());
    assertEquals(List.of(), cache.list("apps/deployments", null, e -> true, null, 0).items());
    assertEquals(List.of("a/zed"), names(cache.list(CONFIGMAPS, "a", e -> e.key().name().startsWith("z"), null, 0)
        .items()));
    assertEquals(5, cache.count(CONFIGMAPS));
  }

  @Test
  void listPagesWithLimitAndAfterGivingOneExtraItemWhenMoreFollow() {
    for (String name : List.of("e", "a", "d", "c", "b")) {
      put("ns", name, "1");
    }

    // The caller asks for limit items; one more comes back when there are more, so it knows to continue.
    WatchCache.Snapshot first = cache.list(CONFIGMAPS, "ns", e -> true, null, 2);
    assertEquals(List.of("ns/a", "ns/b", "ns/c"), names(first.items()));
    WatchCache.Snapshot second = cache.list(CONFIGMAPS, "ns", e -> true, "ns/b", 2);
    assertEquals(List.of("ns/c", "ns/d", "ns/e"), names(second.items()));
    WatchCache.Snapshot last = cache.list(CONFIGMAPS, "ns", e -> true, "ns/d", 2);
    assertEquals(List.of("ns/e"), names(last.items()));
    assertEquals(List.of(), cache.list(CONFIGMAPS, "ns", e -> true, "ns/e", 2).items());
    assertEquals(List.of("ns/d", "ns/e"), names(cache.list(CONFIGMAPS, null, e -> true, "ns/c", 0).items()));
  }

  // ---- watch ----

  @Test
  void watchFromAResourceVersionReplaysLaterChangesOfThatResourceInOrderThenLiveOnes() {
    put("a", "x", "1");
    long from = put("a", "y", "1");
    long rvX2 = put("a", "x", "2");
    emit(cache, "core/secrets", "a", "s", "1", false);
    long rvDel = remove("a", "y");
    long rvZ = put("b", "z", "1");

    Recorder recorder = new Recorder();
    WatchCache.Start start = cache.watch(CONFIGMAPS, null, from, false, recorder);

    assertFalse(start.gone());
    assertEquals(List.of("MODIFIED a/x@" + rvX2, "DELETED a/y@" + rvDel, "ADDED b/z@" + rvZ),
        describe(start.backlog()));
    assertEquals("1", start.backlog().get(0).previous().object().path("data").path("v").asText());
    assertEquals("a/y", start.backlog().get(1).previous().key().sortKey());
    assertEquals(List.of(), recorder.received, "the backlog is returned, not offered");

    emit(cache, "core/secrets", "a", "s", "2", false);
    long live = put("a", "x", "3");
    assertEquals(List.of("MODIFIED a/x@" + live), describe(recorder.received));
  }

  @Test
  void watchOfOneNamespaceSeesOnlyItsChanges() {
    long from = put("a", "x", "1");
    long inA = put("a", "y", "1");
    put("b", "y", "1");

    Recorder recorder = new Recorder();
    WatchCache.Start start = cache.watch(CONFIGMAPS, "a", from - 1, false, recorder);
    assertEquals(List.of("ADDED a/x@" + from, "ADDED a/y@" + inA), describe(start.backlog()));

    put("b", "x", "1");
    long live = put("a", "x", "2");
    assertEquals(List.of("MODIFIED a/x@" + live), describe(recorder.received));
  }

  @Test
  void watchFromTheCurrentResourceVersionHasNoBacklogAndGetsLiveChanges() {
    put("a", "x", "1");
    Recorder recorder = new Recorder();
    WatchCache.Start start = cache.watch(CONFIGMAPS, null, cache.resourceVersion(), false, recorder);
    assertEquals(List.of(), start.backlog());

    long live = put("a", "x", "2");
    assertEquals(List.of("MODIFIED a/x@" + live), describe(recorder.received));
  }

  @Test
  void watchCutAndResumedFromTheLastResourceVersionSeenMissesNothingAndRepeatsNothing() {
    // Everything the uninterrupted watch would see, to compare each interrupted one with.
    Recorder whole = new Recorder();
    WatchCache.Start wholeStart = cache.watch(CONFIGMAPS, null, 0, false, whole);
    assertEquals(List.of(), wholeStart.backlog());
    List<Step> script = script();
    for (Step step : script) {
      step.accept(cache);
    }
    List<String> expected = describe(whole.received);
    assertEquals(13, expected.size(), "configmap changes of the script");

    // Cut the watch after each possible number of changes seen, write on while it is down, then resume.
    for (int cutAfter = 0; cutAfter <= script.size(); cutAfter++) {
      WatchCache fresh = new WatchCache(1000);
      sequenceNrs.clear();
      offset = 0;
      Recorder first = new Recorder();
      WatchCache.Start start = fresh.watch(CONFIGMAPS, null, 0, false, first);
      List<WatchCache.Change> seen = new ArrayList<>(start.backlog());
      int step = 0;
      for (; step < cutAfter; step++) {
        script.get(step).accept(fresh);
      }
      seen.addAll(first.received);
      start.cancel().run();
      for (int down = step; down < Math.min(script.size(), step + 3); down++, step++) {
        script.get(down).accept(fresh);
      }
      long lastSeen = seen.isEmpty() ? 0 : seen.get(seen.size() - 1).resourceVersion();

      Recorder second = new Recorder();
      WatchCache.Start resumed = fresh.watch(CONFIGMAPS, null, lastSeen, false, second);
      assertFalse(resumed.gone());
      seen.addAll(resumed.backlog());
      for (; step < script.size(); step++) {
        script.get(step).accept(fresh);
      }
      seen.addAll(second.received);

      assertEquals(expected, describe(seen), "watch cut after " + cutAfter + " steps");
      assertEquals(first.received.size(), first.offers, "a cancelled watcher gets nothing more");
    }
  }

  /** Steps that each apply one journal event to a cache: configmaps and secrets, in several namespaces. */
  private List<Step> script() {
    return List.of(
        c -> emit(c, CONFIGMAPS, "a", "x", "1", false),
        c -> emit(c, CONFIGMAPS, "a", "y", "1", false),
        c -> emit(c, "core/secrets", "a", "s", "1", false),
        c -> emit(c, CONFIGMAPS, "a", "x", "2", false),
        c -> emit(c, CONFIGMAPS, "b", "x", "1", false),
        c -> emit(c, CONFIGMAPS, "a", "y", "", true),
        c -> emit(c, "core/secrets", "a", "s", "2", false),
        c -> emit(c, CONFIGMAPS, "a", "x", "3", false),
        c -> emit(c, CONFIGMAPS, "a", "y", "2", false),
        c -> emit(c, CONFIGMAPS, "b", "x", "2", false),
        c -> emit(c, "core/secrets", "b", "s", "1", false),
        c -> emit(c, CONFIGMAPS, "b", "x", "", true),
        c -> emit(c, CONFIGMAPS, "a", "x", "4", false),
        c -> emit(c, CONFIGMAPS, "c", "z", "1", false),
        c -> emit(c, CONFIGMAPS, "a", "y", "3", false),
        c -> emit(c, "core/secrets", "a", "s", "", true),
        c -> emit(c, CONFIGMAPS, "c", "z", "2", false));
  }

  /** One step of the script. */
  private interface Step {
    void accept(WatchCache target);
  }

  @Test
  void aResourceVersionOlderThanTheWindowIsGone() {
    WatchCache small = new WatchCache(3);
    for (int i = 1; i <= 5; i++) {
      emit(small, CONFIGMAPS, "a", "x", Integer.toString(i), false);
    }
    // The window holds resourceVersions 3, 4 and 5: a watch from 2 can still be served, one from 1 cannot.
    WatchCache.Start fromTwo = small.watch(CONFIGMAPS, null, 2, false, new Recorder());
    assertFalse(fromTwo.gone());
    assertEquals(List.of(3L, 4L, 5L), fromTwo.backlog().stream().map(WatchCache.Change::resourceVersion).toList());

    Recorder tooOld = new Recorder();
    WatchCache.Start fromOne = small.watch(CONFIGMAPS, null, 1, false, tooOld);
    assertTrue(fromOne.gone());
    assertEquals(List.of(), fromOne.backlog());
    emit(small, CONFIGMAPS, "a", "x", "6", false);
    assertEquals(0, tooOld.offers, "a gone watch is not registered");
  }

  @Test
  void initialStateGivesAddedForEveryCurrentObjectThenLiveChanges() {
    put("a", "x", "1");
    put("a", "x", "2");
    put("b", "y", "1");
    put("a", "gone", "1");
    remove("a", "gone");
    emit(cache, "core/secrets", "a", "s", "1", false);

    Recorder recorder = new Recorder();
    WatchCache.Start start = cache.watch(CONFIGMAPS, null, 0, true, recorder);
    assertEquals(List.of("ADDED a/x@2", "ADDED b/y@3"), describe(start.backlog()));
    assertNull(start.backlog().get(0).previous());

    WatchCache.Start inA = cache.watch(CONFIGMAPS, "a", 0, true, new Recorder());
    assertEquals(List.of("ADDED a/x@2"), describe(inA.backlog()));

    long live = put("b", "y", "2");
    assertEquals(List.of("MODIFIED b/y@" + live), describe(recorder.received));
  }

  @Test
  void aWatcherThatCannotKeepUpIsClosedAndRemoved() {
    Recorder slow = new Recorder();
    Recorder fast = new Recorder();
    cache.watch(CONFIGMAPS, null, 0, false, slow);
    cache.watch(CONFIGMAPS, null, 0, false, fast);

    put("a", "x", "1");
    slow.accepting = false;
    put("a", "x", "2");
    assertTrue(slow.closed);
    assertFalse(fast.closed);

    slow.accepting = true;
    put("a", "x", "3");
    assertEquals(2, slow.offers, "no offers after the refusal");
    assertEquals(1, slow.received.size());
    assertEquals(3, fast.received.size());
  }

  @Test
  void cancelEndsTheWatchAndCloseAllClosesTheRest() {
    Recorder cancelled = new Recorder();
    Recorder open = new Recorder();
    cache.watch(CONFIGMAPS, null, 0, false, cancelled).cancel().run();
    cache.watch(CONFIGMAPS, null, 0, false, open);

    put("a", "x", "1");
    assertEquals(0, cancelled.offers);
    assertEquals(1, open.received.size());

    cache.closeAll();
    assertTrue(open.closed);
    put("a", "x", "2");
    assertEquals(1, open.offers);
  }

  // ---- waiting for writes ----

  @Test
  void awaitWriteCompletesWhenRegisteredBeforeTheEventArrives() throws Exception {
    put("a", "x", "1");
    CompletableFuture<WatchCache.Entry> waiting = cache.awaitWrite(key("a", "x"), 2);
    assertFalse(waiting.isDone());

    put("b", "x", "1"); // another object's write does not count
    assertFalse(waiting.isDone());

    long rv = put("a", "x", "2");
    WatchCache.Entry entry = waiting.get(1, TimeUnit.SECONDS);
    assertEquals(rv, entry.resourceVersion());
    assertEquals(2, entry.version());
  }

  @Test
  void awaitWriteCompletesWhenRegisteredAfterTheEventArrived() throws Exception {
    long rv1 = put("a", "x", "1");
    long rv2 = put("a", "x", "2");

    assertEquals(rv1, cache.awaitWrite(key("a", "x"), 1).get(1, TimeUnit.SECONDS).resourceVersion());
    assertEquals(rv2, cache.awaitWrite(key("a", "x"), 2).get(1, TimeUnit.SECONDS).resourceVersion());
  }

  @Test
  void awaitWriteOfADeletionCompletesWithTheDeletedObject() throws Exception {
    put("a", "x", "1");
    CompletableFuture<WatchCache.Entry> waiting = cache.awaitWrite(key("a", "x"), 2);
    long rv = remove("a", "x");
    assertEquals(rv, waiting.get(1, TimeUnit.SECONDS).resourceVersion());
  }

  @Test
  void abandonedWriteWaitIsNeverCompleted() {
    CompletableFuture<WatchCache.Entry> waiting = cache.awaitWrite(key("a", "x"), 1);
    cache.abandonWrite(key("a", "x"), 1);
    put("a", "x", "1");
    assertFalse(waiting.isDone());
    assertTrue(cache.awaitWrite(key("a", "x"), 1).isDone(), "a new wait finds the write that has been seen");
  }

  @Test
  void awaitResourceVersionCompletesWhenReached() throws Exception {
    put("a", "x", "1");
    assertEquals(1L, cache.awaitResourceVersion(1).get(1, TimeUnit.SECONDS));
    assertEquals(1L, cache.awaitResourceVersion(0).get(1, TimeUnit.SECONDS));

    CompletableFuture<Long> three = cache.awaitResourceVersion(3);
    CompletableFuture<Long> two = cache.awaitResourceVersion(2);
    put("a", "y", "1");
    assertEquals(2L, two.get(1, TimeUnit.SECONDS));
    assertFalse(three.isDone());
    put("a", "z", "1");
    assertEquals(3L, three.get(1, TimeUnit.SECONDS));
  }

  @Test
  void readyCompletesWithTheResourceVersionWhenMarked() throws Exception {
    put("a", "x", "1");
    assertFalse(cache.ready().isDone());
    cache.markReady();
    assertEquals(1L, cache.ready().get(1, TimeUnit.SECONDS));
  }

  @Test
  void cachedObjectsAreTheJournalledObjectsWithTheirResourceVersion() {
    ObjectNode obj = object("ConfigMap", "a", "x", "1");
    cache.apply(pid(CONFIGMAPS, "a", "x"), 1, 7, new ObjectEntity.ObjectCreated(obj, REQUEST));
    WatchCache.Entry entry = cache.get(key("a", "x")).orElseThrow();
    assertEquals("", Json.metaText(obj, "resourceVersion"), "the journalled object is left as it was");
    assertEquals("7", Json.metaText(entry.object(), "resourceVersion"));
    assertEquals(7, cache.resourceVersion());
  }
}

package io.tugboat.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * The read side of one control-plane node, as kube-apiserver's watch cache: every object as of the last
 * journal event seen, and a window of recent changes for resuming watches. Fed in journal order by
 * {@link WatchCacheFeeder}; the tag offset of each event is the resourceVersion clients see.
 *
 * <p>One writer (the feeder) and many readers; objects in the cache are never mutated after publication,
 * so readers copy before changing them.
 */
public final class WatchCache {

  /**
   * One cached object: its key, the object with metadata.resourceVersion set, its entity version, and the
   * object as JSON, serialized once when cached so lists and watches copy bytes instead of walking trees.
   */
  public record Entry(ObjectKey key, ObjectNode object, long resourceVersion, long version, byte[] json) {

    /** An entry whose JSON is produced when asked for. */
    public Entry(ObjectKey key, ObjectNode object, long resourceVersion, long version) {
      this(key, object, resourceVersion, version, null);
    }

    /** The object as JSON bytes. */
    public byte[] jsonBytes() {
      return json != null ? json : serialize(object);
    }
  }

  private static byte[] serialize(ObjectNode object) {
    try {
      return Json.MAPPER.writeValueAsBytes(object);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a cached object does not serialize", e);
    }
  }

  /** One change: ADDED, MODIFIED or DELETED, the object after it and before it (null when added). */
  public record Change(String type, Entry entry, Entry previous) {
    /** The resourceVersion of the change. */
    public long resourceVersion() {
      return entry.resourceVersion();
    }
  }

  /** Receives the changes of one watch; answers false when it cannot keep up, which ends the watch. */
  public interface Watcher {
    /** Offers one change, without blocking. */
    boolean offer(Change change);

    /** The watch ended from the cache's side (too slow, or shutting down). */
    void close();

    /**
     * Every change up to {@code resourceVersion} has been offered: a watcher may tell its client so (a
     * BOOKMARK). Answers false when it cannot keep up.
     */
    default boolean bookmark(long resourceVersion) {
      return true;
    }

    /**
     * A watcher that hands every change to {@code onChange} (an actor's tell: it never blocks) and ignores the
     * end of the watch, for the controllers that watch their own cache, which ends only with the node.
     */
    static Watcher of(java.util.function.Consumer<Change> onChange) {
      return new Watcher() {
        @Override
        public boolean offer(Change change) {
          onChange.accept(change);
          return true;
        }

        @Override
        public void close() {}
      };
    }
  }

  /** A consistent list: the matching entries, sorted by namespace/name, and the cache's resourceVersion. */
  public record Snapshot(List<Entry> items, long resourceVersion) {}

  /** The outcome of starting a watch: the changes after fromVersion to replay, or gone when too old. */
  public record Start(List<Change> backlog, boolean gone, Runnable cancel) {}

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, TreeMap<String, Entry>> byResource = new HashMap<>();
  private final ArrayDeque<Change> window = new ArrayDeque<>();
  private final int windowSize;
  private final Map<String, List<Registered>> watchers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<Entry>> writeWaiters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry> recentWrites = new ConcurrentHashMap<>();
  private final ArrayDeque<String> recentOrder = new ArrayDeque<>();
  private final TreeMap<Long, List<CompletableFuture<Long>>> versionWaiters = new TreeMap<>();
  private final CompletableFuture<Long> ready = new CompletableFuture<>();
  private volatile long resourceVersion;
  private long oldestResumable;

  private record Registered(String namespace, Watcher watcher) {}

  /** A cache keeping the last {@code windowSize} changes for resuming watches. */
  public WatchCache(int windowSize) {
    this.windowSize = windowSize;
  }

  /** The resourceVersion of the last event applied. */
  public long resourceVersion() {
    return resourceVersion;
  }

  /** Completes with the resourceVersion once the cache has replayed the journal and serves. */
  public CompletableFuture<Long> ready() {
    return ready;
  }

  void markReady() {
    ready.complete(resourceVersion);
  }

  /** Applies one journal event, in offset order. */
  public void apply(String persistenceId, long sequenceNr, long offset, ObjectEntity.Event event) {
    ObjectKey key = ObjectKey.fromPersistenceId(persistenceId);
    // A copy: an in-memory journal may hand out the very instance the entity holds as its state.
    ObjectNode object = event.object().deepCopy();
    Json.meta(object).put("resourceVersion", Long.toString(offset));
    Entry entry = new Entry(key, object, offset, sequenceNr, serialize(object));
    Change change;
    List<CompletableFuture<Long>> reached = new ArrayList<>();
    lock.writeLock().lock();
    try {
      TreeMap<String, Entry> objects = byResource.computeIfAbsent(key.storageKey(), k -> new TreeMap<>());
      Entry previous;
      if (event instanceof ObjectEntity.ObjectDeleted) {
        previous = objects.remove(key.sortKey());
        change = new Change("DELETED", entry, previous);
      } else {
        previous = objects.put(key.sortKey(), entry);
        change = new Change(previous == null ? "ADDED" : "MODIFIED", entry, previous);
      }
      window.addLast(change);
      while (window.size() > windowSize) {
        oldestResumable = window.removeFirst().resourceVersion();
      }
      resourceVersion = offset;
      while (!versionWaiters.isEmpty() && versionWaiters.firstKey() <= offset) {
        reached.addAll(versionWaiters.pollFirstEntry().getValue());
      }
      notifyWatchers(change);
    } finally {
      lock.writeLock().unlock();
    }
    reached.forEach(f -> f.complete(offset));
    rememberWrite(persistenceId + "#" + sequenceNr, entry);
  }

  private void notifyWatchers(Change change) {
    List<Registered> list = watchers.get(change.entry().key().storageKey());
    if (list == null) {
      return;
    }
    for (Registered r : list) {
      if (r.namespace() == null || r.namespace().equals(change.entry().key().namespace())) {
        if (!r.watcher().offer(change)) {
          list.remove(r);
          r.watcher().close();
        }
      }
    }
  }

  private void rememberWrite(String writeId, Entry entry) {
    recentWrites.put(writeId, entry);
    synchronized (recentOrder) {
      recentOrder.addLast(writeId);
      while (recentOrder.size() > 10_000) {
        recentWrites.remove(recentOrder.removeFirst());
      }
    }
    CompletableFuture<Entry> waiter = writeWaiters.remove(writeId);
    if (waiter != null) {
      waiter.complete(entry);
    }
  }

  /**
   * Completes with the cache entry of the write that made {@code version} of the object, once this cache
   * has seen it: what makes a node read its own writes. The caller bounds the wait.
   */
  public CompletableFuture<Entry> awaitWrite(ObjectKey key, long version) {
    String writeId = key.persistenceId() + "#" + version;
    Entry seen = recentWrites.get(writeId);
    if (seen != null) {
      return CompletableFuture.completedFuture(seen);
    }
    CompletableFuture<Entry> f = writeWaiters.computeIfAbsent(writeId, k -> new CompletableFuture<>());
    seen = recentWrites.get(writeId);
    if (seen != null) {
      writeWaiters.remove(writeId);
      f.complete(seen);
    }
    return f;
  }

  /** Forgets a write nobody waits for any more (the caller timed out). */
  public void abandonWrite(ObjectKey key, long version) {
    writeWaiters.remove(key.persistenceId() + "#" + version);
  }

  /** Completes once the cache has applied every event up to {@code rv}. */
  public CompletableFuture<Long> awaitResourceVersion(long rv) {
    lock.writeLock().lock();
    try {
      if (resourceVersion >= rv) {
        return CompletableFuture.completedFuture(resourceVersion);
      }
      CompletableFuture<Long> f = new CompletableFuture<>();
      versionWaiters.computeIfAbsent(rv, k -> new ArrayList<>()).add(f);
      return f;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The object as this cache has it. */
  public Optional<Entry> get(ObjectKey key) {
    lock.readLock().lock();
    try {
      TreeMap<String, Entry> objects = byResource.get(key.storageKey());
      return Optional.ofNullable(objects == null ? null : objects.get(key.sortKey()));
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The objects of a resource (in one namespace, or all when null) that pass the filter, starting after
   * {@code after} (a sort key, for continue tokens): at most {@code limit} + 1 (0 = all), the extra item telling
   * the caller another page follows.
   */
  public Snapshot list(String storageKey, String namespace, Predicate<Entry> filter, String after, int limit) {
    lock.readLock().lock();
    try {
      TreeMap<String, Entry> objects = byResource.get(storageKey);
      List<Entry> items = new ArrayList<>();
      if (objects != null) {
        Map<String, Entry> range = objects;
        if (namespace != null && !namespace.isEmpty()) {
          range = objects.subMap(namespace + "/", namespace + "0");
        }
        if (after != null && !after.isEmpty()) {
          range = ((java.util.NavigableMap<String, Entry>) range).tailMap(after, false);
        }
        for (Entry e : range.values()) {
          if (filter.test(e)) {
            items.add(e);
            if (limit > 0 && items.size() > limit) {
              break;
            }
          }
        }
      }
      return new Snapshot(items, resourceVersion);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** How many objects of a resource are cached, in all namespaces. */
  public int count(String storageKey) {
    lock.readLock().lock();
    try {
      TreeMap<String, Entry> objects = byResource.get(storageKey);
      return objects == null ? 0 : objects.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Starts a watch of a resource (one namespace, or all when null) after {@code fromVersion}: the backlog
   * holds the changes after it still in the window, and later changes go to the watcher. A version older
   * than the window is gone (410). With {@code initialState} the backlog is instead every current object
   * as ADDED, as a watch without a resourceVersion starts in Kubernetes.
   */
  public Start watch(String storageKey, String namespace, long fromVersion, boolean initialState, Watcher watcher) {
    lock.writeLock().lock();
    try {
      List<Change> backlog = new ArrayList<>();
      if (initialState) {
        TreeMap<String, Entry> objects = byResource.get(storageKey);
        if (objects != null) {
          for (Entry e : objects.values()) {
            if (namespace == null || namespace.equals(e.key().namespace())) {
              backlog.add(new Change("ADDED", e, null));
            }
          }
        }
      } else if (fromVersion >= 0 && fromVersion < resourceVersion) {
        if (fromVersion < oldestResumable) {
          return new Start(List.of(), true, () -> {});
        }
        for (Iterator<Change> it = window.descendingIterator(); it.hasNext(); ) {
          Change c = it.next();
          if (c.resourceVersion() <= fromVersion) {
            break;
          }
          if (c.entry().key().storageKey().equals(storageKey)
              && (namespace == null || namespace.equals(c.entry().key().namespace()))) {
            backlog.add(0, c);
          }
        }
      }
      Registered r = new Registered(namespace, watcher);
      List<Registered> list = watchers.computeIfAbsent(storageKey, k -> new CopyOnWriteArrayList<>());
      list.add(r);
      return new Start(backlog, false, () -> list.remove(r));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Offers every watcher a bookmark at the current resourceVersion. Under the writer's lock, so each watcher
   * has been offered every change up to that version before the bookmark.
   */
  public void bookmarkAll() {
    lock.writeLock().lock();
    try {
      for (List<Registered> list : watchers.values()) {
        for (Registered r : list) {
          if (!r.watcher().bookmark(resourceVersion)) {
            list.remove(r);
            r.watcher().close();
          }
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Runs {@code wake} on every change of these resources, for controllers that resync level-triggered on
   * any change (wake should only enqueue, and coalesce bursts itself). The result cancels the watches.
   */
  public Runnable onChanges(List<String> storageKeys, Runnable wake) {
    List<Runnable> cancels = new ArrayList<>();
    for (String storageKey : storageKeys) {
      cancels.add(watch(storageKey, null, -1, false, new Watcher() {
        @Override
        public boolean offer(Change change) {
          wake.run();
          return true;
        }

        @Override
        public void close() {}
      }).cancel());
    }
    return () -> cancels.forEach(Runnable::run);
  }

  /** Ends every watch (shutdown). */
  public void closeAll() {
    for (List<Registered> list : watchers.values()) {
      for (Registered r : list) {
        r.watcher().close();
      }
      list.clear();
    }
  }
}

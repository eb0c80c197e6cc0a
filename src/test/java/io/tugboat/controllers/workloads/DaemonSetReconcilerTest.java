package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.workloads.World.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectEntity;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which DaemonSets a node change wakes through the dispatcher, over a watch cache fed by hand. */
class DaemonSetReconcilerTest {

  private static final List<Reconciler> KINDS = Reconciler.all(new WorkloadSettings(java.time.Duration.ofSeconds(30),
      500, java.time.Duration.ofSeconds(1)));
  private static final ObjectKey LOGS = ObjectKey.of(DaemonSetSync.DAEMON_SETS, "default", "logs");
  private static final ObjectKey SSD = ObjectKey.of(DaemonSetSync.DAEMON_SETS, "default", "ssd");

  private final WatchCache cache = new WatchCache(100);
  private final List<WatchCache.Change> changes = new ArrayList<>();
  private long offset;

  DaemonSetReconcilerTest() {
    cache.watch(DaemonSetSync.NODES.storageKey(), null, -1, false, new WatchCache.Watcher() {
      @Override
      public boolean offer(WatchCache.Change change) {
        changes.add(change);
        return true;
      }

      @Override
      public void close() {}
    });
    write(DaemonSetSync.DAEMON_SETS, daemonSet("logs", "{}"), Kind.CREATED);
    write(DaemonSetSync.DAEMON_SETS, daemonSet("ssd", "{'disk':'ssd'}"), Kind.CREATED);
  }

  private enum Kind { CREATED, SPEC, STATUS, METADATA, DELETED }

  private static ObjectNode daemonSet(String name, String nodeSelector) {
    ObjectNode ds = DaemonSetSyncTest.daemonSet("fluentd:1", DaemonSetSyncTest.ROLLING_1);
    ds.with("metadata").put("name", name);
    ds.with("spec").with("template").with("spec").set("nodeSelector", json(nodeSelector));
    return ds;
  }

  private WatchCache.Change write(ResourceType type, ObjectNode obj, Kind kind) {
    boolean clusterScoped = type.storageKey().equals(DaemonSetSync.NODES.storageKey());
    ObjectKey key = ObjectKey.of(type, clusterScoped ? "" : "default", obj.path("metadata").path("name").asText());
    obj.put("apiVersion", type.apiVersion());
    obj.put("kind", type.kind());
    if (!clusterScoped) {
      obj.with("metadata").put("namespace", "default");
    }
    RequestInfo request = RequestInfo.system("test", "write");
    ObjectEntity.Event event = switch (kind) {
      case CREATED -> new ObjectEntity.ObjectCreated(obj, request);
      case SPEC -> new ObjectEntity.SpecChanged(obj, request);
      case STATUS -> new ObjectEntity.StatusChanged(obj, request);
      case METADATA -> new ObjectEntity.MetadataChanged(obj, request);
      case DELETED -> new ObjectEntity.ObjectDeleted(obj, request);
    };
    offset++;
    cache.apply(key.persistenceId(), offset, offset, event);
    return changes.isEmpty() ? null : changes.get(changes.size() - 1);
  }

  private List<ObjectKey> wakes(ObjectNode node, Kind kind) {
    return WorkloadDispatcher.keysFor(KINDS, cache, write(DaemonSetSync.NODES, node, kind));
  }

  @Test
  void nodesAddedOrDeletedWakeEveryDaemonSetAndHeartbeatsNone() {
    ObjectNode n = DaemonNodesTest.node("n1", "{}", "[]");
    assertEquals(List.of(LOGS, SSD), wakes(n.deepCopy(), Kind.CREATED));
    ObjectNode heartbeat = n.deepCopy();
    heartbeat.putObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True");
    assertEquals(List.of(), wakes(heartbeat, Kind.STATUS));
    assertEquals(List.of(LOGS, SSD), wakes(n.deepCopy(), Kind.DELETED));
  }

  @Test
  void aNodeChangeWakesOnlyTheDaemonSetsWhoseFitChanged() {
    wakes(DaemonNodesTest.node("n1", "{}", "[]"), Kind.CREATED);
    assertEquals(List.of(SSD), wakes(DaemonNodesTest.node("n1", "{'disk':'ssd'}", "[]"), Kind.METADATA));
    assertEquals(List.of(), wakes(DaemonNodesTest.node("n1", "{'disk':'ssd','rack':'r1'}", "[]"), Kind.METADATA));
    assertEquals(List.of(LOGS, SSD), wakes(DaemonNodesTest.node("n1", "{'disk':'ssd','rack':'r1'}",
        "[{'key':'dedicated','value':'db','effect':'NoExecute'}]"), Kind.SPEC));
  }

  @Test
  void theBackoffOfADaemonSetThatIsGoneIsForgotten() {
    DaemonSetReconciler reconciler = new DaemonSetReconciler(500);
    write(DaemonSetSync.NODES, DaemonNodesTest.node("n1", "{}", "[]"), Kind.CREATED);
    ObjectNode logs = daemonSet("logs", "{}");
    logs.with("metadata").put("uid", "u-logs");
    write(DaemonSetSync.DAEMON_SETS, logs, Kind.METADATA);
    java.time.Instant now = java.time.Instant.parse("2026-11-22T06:00:00Z");
    // Steps until the DaemonSet's pod exists (its ControllerRevision comes first), then the pod fails.
    ObjectNode pod = null;
    for (int step = 0; step < 5 && pod == null; step++) {
      for (Plan.Action a : reconciler.plan(cachedObject(LOGS), cache, now).actions()) {
        if (a instanceof Plan.Create c) {
          ObjectNode created = c.object().deepCopy();
          created.with("metadata").put("name", created.path("metadata").path("generateName").asText("") + step);
          created.with("metadata").put("uid", "u-pod-" + step);
          write(c.type(), created, Kind.CREATED);
          if (c.type().storageKey().equals(ReplicaSetSync.PODS.storageKey())) {
            pod = created;
          }
        }
      }
    }
    assertEquals(true, pod != null, "the DaemonSet created its pod");
    pod.with("spec").put("nodeName", "n1");
    pod.with("status").put("phase", "Failed");
    write(ReplicaSetSync.PODS, pod, Kind.STATUS);
    reconciler.plan(cachedObject(LOGS), cache, now);
    assertEquals(1, reconciler.remembered(), "the failed pod's node backs off");

    write(DaemonSetSync.DAEMON_SETS, cachedObject(LOGS), Kind.DELETED);
    reconciler.plan(cachedObject(SSD), cache, now);
    assertEquals(0, reconciler.remembered(), "forgotten once the DaemonSet is gone");
  }

  private ObjectNode cachedObject(ObjectKey key) {
    return (ObjectNode) cache.get(key).orElseThrow().object().deepCopy();
  }
}

package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.workloads.World.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectEntity;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which owners the dispatcher wakes for a change, over a watch cache fed by hand. */
class WorkloadDispatcherTest {

  static final ResourceType PODS = ReplicaSetSync.PODS;
  static final ResourceType RS = DeploymentSync.REPLICA_SETS;
  static final ResourceType DEPLOYMENTS = DeploymentSync.DEPLOYMENTS;
  static final ResourceType RC = io.tugboat.model.ResourceRegistry.byPath("", "v1", "replicationcontrollers")
      .orElseThrow();
  private static final List<Reconciler> KINDS = Reconciler.all(new WorkloadSettings(java.time.Duration.ofSeconds(30),
      500, java.time.Duration.ofSeconds(1)));

  private final WatchCache cache = new WatchCache(100);
  private final List<WatchCache.Change> changes = new ArrayList<>();
  private long offset;

  WorkloadDispatcherTest() {
    for (ResourceType t : List.of(PODS, RS, DEPLOYMENTS,
        RC)) {
      cache.watch(t.storageKey(), null, -1, false, new WatchCache.Watcher() {
        @Override
        public boolean offer(WatchCache.Change change) {
          changes.add(change);
          return true;
        }

        @Override
        public void close() {}
      });
    }
  }

  private WatchCache.Change write(ResourceType type, ObjectNode obj, boolean delete) {
    ObjectKey key = ObjectKey.of(type, "default", obj.path("metadata").path("name").asText());
    obj.put("apiVersion", type.apiVersion());
    obj.put("kind", type.kind());
    obj.with("metadata").put("namespace", "default");
    RequestInfo request = RequestInfo.system("test", "write");
    ObjectEntity.Event event = delete ? new ObjectEntity.ObjectDeleted(obj, request)
        : new ObjectEntity.ObjectCreated(obj, request);
    offset++;
    cache.apply(key.persistenceId(), offset, offset, event);
    return changes.get(changes.size() - 1);
  }

  private static ObjectNode owned(String name, String kind, String owner, String labels) {
    return json("{'metadata':{'name':'" + name + "','labels':" + labels + ",'ownerReferences':[{'apiVersion':'x',"
        + "'kind':'" + kind + "','name':'" + owner + "','uid':'u-" + owner + "','controller':true}]}}");
  }

  @Test
  void aControlledPodWakesItsReplicaSetAndWhenGoneItsDeploymentToo() {
    write(RS, owned("web-abc", "Deployment", "web", "{'app':'web'}"), false);
    WatchCache.Change added = write(PODS, owned("web-abc-1", "ReplicaSet", "web-abc",
        "{'app':'web'}"), false);
    assertEquals(List.of(ObjectKey.of(RS, "default", "web-abc")),
        WorkloadDispatcher.keysFor(KINDS, cache, added));
    WatchCache.Change deleted = write(PODS, owned("web-abc-1", "ReplicaSet", "web-abc",
        "{'app':'web'}"), true);
    assertEquals(List.of(ObjectKey.of(RS, "default", "web-abc"),
        ObjectKey.of(DEPLOYMENTS, "default", "web")), WorkloadDispatcher.keysFor(KINDS, cache, deleted));
  }

  @Test
  void anOrphanWakesEveryOwnerWhoseSelectorMatchesIt() {
    write(RS, json("{'metadata':{'name':'a'},'spec':{'selector':{'matchLabels':{'app':'web'}}}}"),
        false);
    write(RS, json("{'metadata':{'name':'b'},'spec':{'selector':{'matchLabels':{'app':'db'}}}}"),
        false);
    write(RC, json("{'metadata':{'name':'c'},'spec':{'selector':{'app':'web'}}}"), false);
    WatchCache.Change orphan = write(PODS, json("{'metadata':{'name':'p','labels':"
        + "{'app':'web'}}}"), false);
    List<ObjectKey> keys = WorkloadDispatcher.keysFor(KINDS, cache, orphan);
    assertEquals(2, keys.size(), keys.toString());
    assertTrue(keys.contains(ObjectKey.of(RS, "default", "a")));
    assertTrue(keys.contains(ObjectKey.of(RC, "default", "c")));
  }

  @Test
  void aReplicaSetWakesItselfAndItsDeployment() {
    WatchCache.Change rs = write(RS, owned("web-abc", "Deployment", "web", "{'app':'web'}"), false);
    assertEquals(List.of(ObjectKey.of(RS, "default", "web-abc"),
        ObjectKey.of(DEPLOYMENTS, "default", "web")), WorkloadDispatcher.keysFor(KINDS, cache, rs));
  }
}

package io.tugboat.controllers.podgc;

import static io.tugboat.controllers.StoreNode.await;
import static io.tugboat.controllers.StoreNode.json;
import static io.tugboat.controllers.StoreNode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import io.tugboat.controllers.StoreNode;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.WatchCache;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector over a real store, on a movable clock: a pod of a node deleted from the cluster is marked Failed
 * (DisruptionTarget) and removed once the quarantine has passed, its audit trail showing both writes; a pod of a
 * live node stays.
 */
class PodGarbageCollectorTest {

  @TempDir
  static Path dataDir;

  private static StoreNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new StoreNode("PodGarbageCollectorTest", dataDir);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static void boundPod(String name, String nodeName) throws Exception {
    node.create(PodGarbageCollector.PODS, json("{'metadata':{'name':'" + name + "','namespace':'default'},"
        + "'spec':{'containers':[{'name':'c','image':'x'}]}}"));
    ObjectKey key = ObjectKey.of(PodGarbageCollector.PODS, "default", name);
    await(node.store.bindPod(key, nodeName, request("create")));
    node.writeStatus(key, json("{'phase':'Running','conditions':[{'type':'Ready','status':'True'}]}"));
  }

  @Test
  void podsOfADeletedNodeAreFailedAndRemovedAfterTheQuarantine() throws Exception {
    node.create(PodGarbageCollector.NODES, json("{'metadata':{'name':'kept'}}"));
    node.create(PodGarbageCollector.NODES, json("{'metadata':{'name':'removed'}}"));
    boundPod("on-kept", "kept");
    boundPod("on-removed", "removed");
    await(node.store.delete(ObjectKey.of(PodGarbageCollector.NODES, null, "removed"), null, null, null, null,
        request("delete")));

    List<WatchCache.Change> changes = new CopyOnWriteArrayList<>();
    Runnable cancel = node.store.cache().watch(PodGarbageCollector.PODS.storageKey(), "default", -1, false,
        WatchCache.Watcher.of(c -> {
          if (c.entry().key().name().equals("on-removed")) {
            changes.add(c);
          }
        })).cancel();
    StoreNode.MovableClock clock = new StoreNode.MovableClock(Instant.now());
    ActorRef<PodGarbageCollector.Command> gc = node.testKit.spawn(PodGarbageCollector.create(node.store,
        new PodGarbageCollector.Settings(true, Duration.ofHours(1), Duration.ofSeconds(40), 0), clock));
    ObjectKey orphan = ObjectKey.of(PodGarbageCollector.PODS, "default", "on-removed");
    // Passes 15 s of the movable clock apart: the first that runs starts the node's quarantine, the one 40 s
    // later collects the pod.
    node.testKit.createTestProbe().awaitAssert(StoreNode.WAIT, Duration.ofMillis(200), () -> {
      gc.tell(PodGarbageCollector.Tick.INSTANCE);
      clock.advance(Duration.ofSeconds(15));
      assertTrue(node.get(orphan).isEmpty(), "the orphaned pod is gone");
      return null;
    });
    cancel.run();
    assertTrue(node.get(ObjectKey.of(PodGarbageCollector.PODS, "default", "on-kept")).isPresent());
    WatchCache.Change failed = changes.stream().filter(c -> c.entry().object().path("status").path("phase")
        .asText().equals("Failed")).findFirst().orElseThrow(() -> new AssertionError("no Failed status: " + changes));
    assertEquals("DeletionByPodGC", failed.entry().object().path("status").path("conditions").findValues("reason")
        .stream().map(r -> r.asText()).filter(r -> r.equals("DeletionByPodGC")).findFirst().orElse(""));
    assertEquals("DELETED", changes.get(changes.size() - 1).type());
    node.testKit.stop(gc);
  }
}

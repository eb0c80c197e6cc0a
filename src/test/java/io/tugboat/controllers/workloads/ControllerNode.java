package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.StoreNode.json;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.controllers.StoreNode;
import io.tugboat.controllers.gc.GarbageCollector;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The fixture of the controllers' ActorTestKit scenarios: a real in-process store with every workload kind's
 * sharded loops, their dispatcher and the garbage collector (error backoff 200 ms); the test is the kubelet.
 */
final class ControllerNode implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(30);
  private static final ResourceType NAMESPACES = ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();

  final StoreNode node;
  final WorkloadSettings settings = new WorkloadSettings(Duration.ofSeconds(30), 500, Duration.ofMillis(200));
  private final Consumer<ObjectKey> reconcile;
  private ActorRef<WorkloadDispatcher.Command> dispatcher;

  ControllerNode(String name, Path dataDir) throws Exception {
    node = new StoreNode(name, dataDir);
    reconcile = Workloads.initLoops(node.testKit.system(), node.store, Clock.systemUTC(), settings);
    startDispatcher();
    node.testKit.spawn(GarbageCollector.create(node.store, Clock.systemUTC()));
  }

  /** Stops the dispatcher (with the loops stopped too, a controller restart). */
  void stopDispatcher() {
    node.testKit.stop(dispatcher);
  }

  /** Starts a dispatcher, which reconciles every owner at once. */
  void startDispatcher() {
    dispatcher = node.testKit.spawn(WorkloadDispatcher.create(node.store, reconcile, settings));
  }

  /** Creates a namespace; answers its name. */
  String namespace(String name) throws Exception {
    node.create(NAMESPACES, json("{'metadata':{'name':'" + name + "'}}"));
    return name;
  }

  /** The cached objects of a resource in a namespace. */
  List<JsonNode> list(ResourceType type, String namespace) {
    return node.store.cache().list(type.storageKey(), namespace, e -> true, null, 0).items().stream()
        .map(e -> (JsonNode) e.object()).toList();
  }

  /** Runs {@code check} until it passes, every 100 ms for at most {@link #WAIT}. */
  void eventually(Runnable check) {
    node.testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(100), () -> {
      check.run();
      return null;
    });
  }

  @Override
  public void close() {
    node.close();
  }
}

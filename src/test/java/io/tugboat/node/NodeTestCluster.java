package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.StoreTestConfig;
import io.tugboat.store.WatchCache;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A one-JVM cluster for node tests: sharded object entities over LevelDB in a temp dir, the watch cache fed from
 * its tag stream, a store, and the namespaces default and kube-node-lease.
 */
final class NodeTestCluster implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(20);

  final ActorTestKit testKit;
  final ObjectStore store;

  NodeTestCluster(String name, Path dataDir) throws Exception {
    Config config = StoreTestConfig.singleNodeCluster(dataDir);
    testKit = ActorTestKit.create(name, config);
    store = StoreTestConfig.startStore(testKit, new WatchCache(100_000), WAIT);
    for (String ns : new String[] {"default", "kube-node-lease"}) {
      ObjectNode obj = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      obj.putObject("metadata").put("name", ns);
      await(store.create(ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow(), obj,
          RequestInfo.system("test", "create")));
    }
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
  }

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}

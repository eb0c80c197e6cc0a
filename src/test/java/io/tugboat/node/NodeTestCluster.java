package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.store.ObjectEntity;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import io.tugboat.store.WatchCacheFeeder;
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
    Config config = ConfigFactory.parseString("""
            akka.loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.artery.canonical.hostname = "127.0.0.1"
            akka.remote.artery.canonical.port = 0
            akka.cluster.seed-nodes = []
            akka.cluster.jmx.multi-mbeans-in-same-jvm = on
            akka.coordinated-shutdown.exit-jvm = off
            akka.persistence.journal.plugin = "akka.persistence.journal.leveldb"
            akka.persistence.journal.leveldb.native = on
            akka.persistence.journal.leveldb.fsync = off
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.local"
            tugboat.store.leveldb-query.refresh-interval = 100ms
            tugboat.store.read-journal = "tugboat.store.leveldb-query"
            """)
        .withValue("tugboat.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toString()))
        .withValue("akka.persistence.journal.leveldb.dir",
            ConfigValueFactory.fromAnyRef(dataDir.resolve("journal").toString()))
        .withValue("akka.persistence.snapshot-store.local.dir",
            ConfigValueFactory.fromAnyRef(dataDir.resolve("snapshots").toString()))
        .withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create(name, config);
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Void> probe = testKit.createTestProbe();
    probe.awaitAssert(WAIT, () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    ObjectEntity.initSharding(testKit.system());
    WatchCache cache = new WatchCache(100_000);
    WatchCacheFeeder.start(testKit.system(), cache);
    cache.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    store = new ObjectStore(testKit.system(), cache);
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

package io.tugboat.store;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;

/** Configuration of a single-node test cluster whose journal (LevelDB, with eventsByTag) lives in a temp dir. */
public final class StoreTestConfig {
  private StoreTestConfig() {}

  /**
   * The application's configuration with a free port, no JVM exit on shutdown, and journal and snapshots under
   * {@code dataDir}. LevelDB rather than the persistence test kit's journal: its read journal has no
   * eventsByTag in Akka 2.6.21, and the watch cache follows the live tag stream.
   */
  public static Config singleNodeCluster(Path dataDir) {
    return ConfigFactory.parseString("""
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
  }

  /**
   * Joins the test kit's system to itself as a one-node cluster, starts the object entities and a watch cache
   * fed from the journal, and answers the store over them once the cache serves.
   */
  public static ObjectStore startStore(akka.actor.testkit.typed.javadsl.ActorTestKit testKit, WatchCache cache,
      java.time.Duration wait) throws Exception {
    akka.cluster.typed.Cluster cluster = akka.cluster.typed.Cluster.get(testKit.system());
    cluster.manager().tell(akka.cluster.typed.Join.create(cluster.selfMember().address()));
    testKit.<Void>createTestProbe().awaitAssert(wait, () -> {
      if (!akka.cluster.MemberStatus.up().equals(cluster.selfMember().status())) {
        throw new AssertionError("the test node is " + cluster.selfMember().status() + ", not Up");
      }
      return null;
    });
    ObjectEntity.initSharding(testKit.system());
    WatchCacheFeeder.start(testKit.system(), cache);
    cache.ready().get(wait.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    return new ObjectStore(testKit.system(), cache);
  }
}

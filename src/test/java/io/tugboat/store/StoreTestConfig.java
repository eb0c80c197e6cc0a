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
        .withValue("akka.persistence.journal.leveldb.dir",
            ConfigValueFactory.fromAnyRef(dataDir.resolve("journal").toString()))
        .withValue("akka.persistence.snapshot-store.local.dir",
            ConfigValueFactory.fromAnyRef(dataDir.resolve("snapshots").toString()))
        .withFallback(ConfigFactory.load());
  }
}

package io.tugboat.store;

import akka.japi.pf.PFBuilder;
import akka.persistence.AtomicWrite;
import akka.persistence.journal.leveldb.LeveldbJournal;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import scala.PartialFunction;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * Akka's LevelDB journal with group commit. The stock journal writes (and fsyncs) each entity's events as
 * its own LevelDB batch, one after another on the journal actor, so creates of many objects queue behind
 * one fsync each. Here writes are collected until the journal actor has drained its mailbox, then written
 * as one batch with one fsync: the same durability (nothing is acknowledged before it is on disk), many
 * writes per fsync. Reads, tags and queries are the stock journal's.
 */
public class GroupCommitLeveldbJournal extends LeveldbJournal {

  private static final Object FLUSH = new Object();

  private record Pending(scala.collection.immutable.Seq<AtomicWrite> writes,
      Promise<scala.collection.immutable.Seq<Try<BoxedUnit>>> promise) {}

  private final List<Pending> pending = new ArrayList<>();
  private boolean flushQueued;

  /** The journal with the plugin's configuration, as Akka instantiates plugins. */
  public GroupCommitLeveldbJournal(Config config) {
    super(config);
  }

  @Override
  public Future<scala.collection.immutable.Seq<Try<BoxedUnit>>> asyncWriteMessages(
      scala.collection.immutable.Seq<AtomicWrite> messages) {
    Promise<scala.collection.immutable.Seq<Try<BoxedUnit>>> promise = Promise.apply();
    pending.add(new Pending(messages, promise));
    if (!flushQueued) {
      // Behind every write already in the mailbox: those join this batch.
      flushQueued = true;
      self().tell(FLUSH, self());
    }
    return promise.future();
  }

  @Override
  public PartialFunction<Object, BoxedUnit> receivePluginInternal() {
    return new PFBuilder<Object, BoxedUnit>()
        .matchEquals(FLUSH, m -> {
          flush();
          return BoxedUnit.UNIT;
        })
        .build()
        .orElse(super.receivePluginInternal());
  }

  private void flush() {
    flushQueued = false;
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> batch = new ArrayList<>(pending);
    pending.clear();
    List<AtomicWrite> all = new ArrayList<>();
    for (Pending p : batch) {
      all.addAll(CollectionConverters.asJava(p.writes()));
    }
    // The stock write runs synchronously: one LevelDB batch, one fsync, one result per AtomicWrite.
    Future<scala.collection.immutable.Seq<Try<BoxedUnit>>> written =
        super.asyncWriteMessages(CollectionConverters.asScala(all).toList());
    Try<scala.collection.immutable.Seq<Try<BoxedUnit>>> outcome = written.value().get();
    if (outcome.isFailure()) {
      for (Pending p : batch) {
        p.promise().failure(outcome.failed().get());
      }
      return;
    }
    List<Try<BoxedUnit>> results = CollectionConverters.asJava(outcome.get());
    int i = 0;
    for (Pending p : batch) {
      int n = p.writes().size();
      p.promise().success(CollectionConverters.asScala(new ArrayList<>(results.subList(i, i + n))).toList());
      i += n;
    }
  }
}

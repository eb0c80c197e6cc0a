package io.tugboat.store;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.NoOffset;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.Sequence;
import akka.persistence.query.javadsl.CurrentEventsByTagQuery;
import akka.persistence.query.javadsl.EventsByTagQuery;
import akka.persistence.query.javadsl.ReadJournal;
import akka.stream.RestartSettings;
import akka.stream.javadsl.RestartSource;
import akka.stream.javadsl.Sink;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link WatchCache} from the tagged journal through Persistence Query: first the whole history
 * (currentEventsByTag), then live events (eventsByTag) from where that ended, restarting on failure from
 * the last offset applied. Which read journal is configured, not coded (tugboat.store.read-journal).
 */
public final class WatchCacheFeeder {
  private static final Logger log = LoggerFactory.getLogger(WatchCacheFeeder.class);

  private WatchCacheFeeder() {}

  /** Starts feeding; the cache's ready() completes when the history has been replayed. */
  public static void start(ActorSystem<?> system, WatchCache cache) {
    String pluginId = system.settings().config().getString("tugboat.store.read-journal");
    ReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(ReadJournal.class, pluginId);
    long started = System.nanoTime();
    CompletionStage<Done> replay = ((CurrentEventsByTagQuery) journal)
        .currentEventsByTag(ObjectEntity.TAG, NoOffset.getInstance())
        .runWith(Sink.foreach(env -> apply(cache, env)), system);
    replay.whenComplete((done, error) -> {
      if (error != null) {
        log.error("Replaying the journal into the watch cache failed", error);
        cache.ready().completeExceptionally(error);
        return;
      }
      log.info("Watch cache replayed the journal up to resourceVersion {} in {} ms", cache.resourceVersion(),
          (System.nanoTime() - started) / 1_000_000);
      cache.markReady();
      RestartSettings settings = RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);
      RestartSource.withBackoff(settings, () -> ((EventsByTagQuery) journal)
              .eventsByTag(ObjectEntity.TAG, Offset.sequence(cache.resourceVersion())))
          .runWith(Sink.foreach(env -> apply(cache, env)), system);
    });
  }

  private static void apply(WatchCache cache, EventEnvelope env) {
    if (!(env.offset() instanceof Sequence seq)) {
      throw new IllegalStateException("the read journal must give sequence offsets, got " + env.offset());
    }
    if (seq.value() <= cache.resourceVersion()) {
      return; // already applied (a restarted query may repeat its first event)
    }
    if (env.event() instanceof ObjectEntity.Event event) {
      cache.apply(env.persistenceId(), env.sequenceNr(), seq.value(), event);
    }
  }
}

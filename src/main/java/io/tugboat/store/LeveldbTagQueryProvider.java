package io.tugboat.store;

import akka.NotUsed;
import akka.actor.ExtendedActorSystem;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.NoOffset;
import akka.persistence.query.Offset;
import akka.persistence.query.ReadJournalProvider;
import akka.persistence.query.Sequence;
import akka.persistence.query.javadsl.CurrentEventsByTagQuery;
import akka.persistence.query.javadsl.EventsByTagQuery;
import akka.persistence.query.journal.leveldb.EventsByTagStage;
import akka.stream.javadsl.Source;
import com.typesafe.config.Config;
import java.util.concurrent.TimeUnit;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * The tag queries of Akka's LevelDB read journal, for {@link GroupCommitLeveldbJournal}. Akka's own provider
 * refuses any journal class but its own by name, though its query stages only talk to the journal actor,
 * which the group-commit journal leaves as it is; this provider runs those same stages.
 */
public final class LeveldbTagQueryProvider implements ReadJournalProvider {
  private final TagQueries queries;

  /** Instantiated by Akka Persistence Query with the plugin's configuration. */
  public LeveldbTagQueryProvider(ExtendedActorSystem system, Config config) {
    this.queries = new TagQueries(config.getString("write-plugin"), config.getInt("max-buffer-size"),
        FiniteDuration.create(config.getDuration("refresh-interval", TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS));
  }

  @Override
  public akka.persistence.query.scaladsl.ReadJournal scaladslReadJournal() {
    return new akka.persistence.query.scaladsl.ReadJournal() {};
  }

  @Override
  public akka.persistence.query.javadsl.ReadJournal javadslReadJournal() {
    return queries;
  }

  /** eventsByTag and currentEventsByTag over the LevelDB journal's tag streams. */
  static final class TagQueries implements akka.persistence.query.javadsl.ReadJournal, EventsByTagQuery,
      CurrentEventsByTagQuery {
    private final String writePlugin;
    private final int maxBufferSize;
    private final FiniteDuration refreshInterval;

    TagQueries(String writePlugin, int maxBufferSize, FiniteDuration refreshInterval) {
      this.writePlugin = writePlugin;
      this.maxBufferSize = maxBufferSize;
      this.refreshInterval = refreshInterval;
    }

    @Override
    public Source<EventEnvelope, NotUsed> eventsByTag(String tag, Offset offset) {
      return source(tag, offset, Option.apply(refreshInterval));
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByTag(String tag, Offset offset) {
      return source(tag, offset, Option.empty());
    }

    private Source<EventEnvelope, NotUsed> source(String tag, Offset offset, Option<FiniteDuration> refresh) {
      long from;
      if (offset instanceof Sequence seq) {
        from = seq.value();
      } else if (offset == null || offset.equals(NoOffset.getInstance())) {
        from = 0L;
      } else {
        throw new IllegalArgumentException("LevelDB tag queries take Sequence offsets, not " + offset);
      }
      return Source.<EventEnvelope, NotUsed>fromMaterializer((mat, attributes) -> Source.fromGraph(
              new EventsByTagStage(tag, from, maxBufferSize, Long.MAX_VALUE, writePlugin, refresh, mat)))
          .mapMaterializedValue(m -> NotUsed.getInstance());
    }
  }
}

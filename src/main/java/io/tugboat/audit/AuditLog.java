package io.tugboat.audit;

import akka.actor.typed.ActorSystem;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.NoOffset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.Sequence;
import akka.persistence.query.javadsl.CurrentEventsByTagQuery;
import akka.persistence.query.javadsl.ReadJournal;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectEntity;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.RequestInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the journal as an audit trail: one line per change with time, user, verb, resourceVersion, event and
 * a compact diff, for one object (deleted ones included) or for every object changed recently.
 */
public final class AuditLog {
  private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

  private final ActorSystem<?> system;

  /** An audit reader over the configured read journal. */
  public AuditLog(ActorSystem<?> system) {
    this.system = system;
  }

  /**
   * The history as text. {@code object} is TYPE/NAME (TYPE as kubectl accepts it: kind, plural, singular or
   * short name, optionally with its group) or empty for all objects; {@code since} a duration like 30m, 2h, 1d.
   */
  public CompletionStage<String> render(String object, String namespace, String since) {
    String wantedPid;
    Instant from;
    try {
      wantedPid = object.isEmpty() ? null : resolve(object, namespace).persistenceId();
      from = since.isEmpty() ? Instant.EPOCH : before(Instant.now(), parseDuration(since));
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
    String pluginId = system.settings().config().getString("tugboat.store.read-journal");
    ReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(ReadJournal.class, pluginId);
    Map<String, ObjectNode> previous = new HashMap<>();
    StringBuilder out = new StringBuilder();
    return ((CurrentEventsByTagQuery) journal).currentEventsByTag(ObjectEntity.TAG, NoOffset.getInstance())
        .runWith(Sink.foreach(env -> {
          if (wantedPid != null && !wantedPid.equals(env.persistenceId())) {
            return;
          }
          if (env.event() instanceof ObjectEntity.Event event) {
            ObjectNode before = previous.put(env.persistenceId(), event.object());
            if (!event.request().time().isBefore(from)) {
              out.append(line(env, event, before, wantedPid == null)).append('\n');
            }
          }
        }), system)
        .thenApply(done -> out.length() == 0 ? "no changes recorded" + (object.isEmpty() ? "" : " for " + object)
            + "\n" : out.toString());
  }

  private static String line(EventEnvelope env, ObjectEntity.Event event, ObjectNode before, boolean withName) {
    RequestInfo r = event.request();
    String rv = env.offset() instanceof Sequence s ? Long.toString(s.value()) : "?";
    StringBuilder sb = new StringBuilder();
    sb.append(r.time().truncatedTo(ChronoUnit.SECONDS)).append("  ")
        .append(r.user()).append("  ")
        .append(r.verb()).append("  ")
        .append("rv=").append(rv).append("  ")
        .append(event.getClass().getSimpleName());
    if (withName) {
      ObjectKey key = ObjectKey.fromPersistenceId(env.persistenceId());
      sb.append("  ").append(key.resourceName()).append('/')
          .append(key.namespace().isEmpty() ? "" : key.namespace() + "/").append(key.name());
    }
    if (event instanceof ObjectEntity.ObjectCreated) {
      sb.append("  uid=").append(Json.metaText(event.object(), "uid"));
    } else if (!(event instanceof ObjectEntity.ObjectDeleted) && before != null) {
      List<String> changes = ObjectDiff.diff(before, event.object());
      if (!changes.isEmpty()) {
        sb.append("  ").append(String.join("; ", changes));
      }
    }
    if (!r.userAgent().isEmpty()) {
      sb.append("  (").append(r.userAgent().split(" ")[0]).append(')');
    }
    return sb.toString();
  }

  /** The key of TYPE/NAME in a namespace (ignored for cluster-scoped kinds). */
  static ObjectKey resolve(String object, String namespace) {
    int slash = object.indexOf('/');
    if (slash <= 0 || slash == object.length() - 1) {
      throw new ApiException(ApiError.badRequest("expected TYPE/NAME, got " + object));
    }
    String typeName = object.substring(0, slash).toLowerCase(Locale.ROOT);
    String name = object.substring(slash + 1);
    String group = null;
    int dot = typeName.indexOf('.');
    if (dot > 0) {
      group = typeName.substring(dot + 1);
      typeName = typeName.substring(0, dot);
    }
    for (ResourceType t : ResourceRegistry.all()) {
      boolean named = t.plural().equals(typeName) || t.singular().equals(typeName)
          || t.kind().toLowerCase(Locale.ROOT).equals(typeName) || t.shortNames().contains(typeName);
      if (named && (group == null || t.group().equals(group))) {
        return ObjectKey.of(t, namespace, name);
      }
    }
    throw new ApiException(ApiError.badRequest("the server doesn't have a resource type \"" + typeName + "\""));
  }

  /** {@code now} minus {@code back}, or the epoch when that reaches further back than any recorded change. */
  private static Instant before(Instant now, Duration back) {
    return back.compareTo(Duration.between(Instant.EPOCH, now)) >= 0 ? Instant.EPOCH : now.minus(back);
  }

  /** Parses 90s, 30m, 2h, 1d, or combinations such as 1h30m. */
  static Duration parseDuration(String s) {
    Matcher m = DURATION.matcher(s);
    Duration d = Duration.ZERO;
    int end = 0;
    try {
      while (m.find() && m.start() == end) {
        long n = Long.parseLong(m.group(1));
        d = d.plus(switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
        end = m.end();
      }
    } catch (NumberFormatException | ArithmeticException e) {
      end = -1; // a number too large for a Duration: as invalid to the user as a malformed one
    }
    if (end != s.length() || end == 0) {
      throw new ApiException(ApiError.badRequest("invalid duration " + s + " (use e.g. 30s, 10m, 2h, 1d)"));
    }
    return d;
  }
}

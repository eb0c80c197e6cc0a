package io.tugboat.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.stream.Materializer;
import akka.stream.SourceRef;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamRefs;
import io.tugboat.store.CborSerializable;
import java.util.List;
import java.util.Set;

/**
 * Answers, for API servers on any JVM, the latest usage of the nodes whose agents run in this JVM (its
 * {@link MetricsRegistry}). One per worker JVM, registered with the receptionist under {@link #KEY}: the metrics
 * API asks every one of them and merges the answers, so kubectl top sees every node of the cluster.
 */
public final class UsageServer {
  private UsageServer() {}

  /** The receptionist key every worker JVM's usage server registers under. */
  public static final ServiceKey<Query> KEY = ServiceKey.create(Query.class, "tugboat-node-usage");

  /** Asks for the usage of these nodes (all measured here when empty). */
  public record Query(Set<String> nodes, ActorRef<Answer> replyTo) implements CborSerializable {}

  /**
   * The latest usage of the nodes asked for that are measured in this JVM, in batches: thousands of hollow nodes
   * would not fit one remote message (Artery's frame is 256 KiB by default).
   */
  public record Answer(SourceRef<Batch> nodes) implements CborSerializable {}

  /** Some nodes' usage. */
  public record Batch(List<NodeUsage> nodes) implements CborSerializable {}

  /** How many nodes' usage one batch carries (a few hundred bytes each, more with many pods). */
  static final int BATCH = 100;

  /** The usage server of this JVM. */
  public static Behavior<Query> create() {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      MetricsRegistry registry = MetricsRegistry.get(ctx.getSystem());
      Materializer materializer = Materializer.createMaterializer(ctx);
      return Behaviors.receive(Query.class).onMessage(Query.class, q -> {
        List<NodeUsage> nodes = q.nodes().isEmpty() ? List.copyOf(registry.nodes())
            : q.nodes().stream().flatMap(n -> registry.node(n).stream()).toList();
        SourceRef<Batch> batches = Source.from(nodes).grouped(BATCH).map(Batch::new)
            .runWith(StreamRefs.sourceRef(), materializer);
        q.replyTo().tell(new Answer(batches));
        return Behaviors.same();
      }).build();
    });
  }
}

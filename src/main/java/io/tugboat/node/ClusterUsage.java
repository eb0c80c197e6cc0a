package io.tugboat.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import io.tugboat.store.Futures;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The latest usage of the cluster's nodes, gathered on each read from every worker JVM's {@link UsageServer}
 * (found through the receptionist) and merged. A JVM that does not answer within the timeout counts for nothing:
 * its nodes have no metrics (404 for one, left out of lists), as metrics-server leaves out nodes it cannot scrape.
 * The metrics API (kubectl top) and the horizontal pod autoscaler read usage through it.
 */
public final class ClusterUsage {

  private final ActorSystem<?> system;
  private final Duration timeout;
  private final Materializer materializer;

  /** Gathers through {@code system}'s receptionist, giving each usage server {@code timeout}. */
  public ClusterUsage(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
    this.materializer = Materializer.matFromSystem(system);
  }

  /** The usage of these nodes (of every node when empty), by node name. */
  public CompletionStage<Map<String, NodeUsage>> nodes(Set<String> names) {
    CompletionStage<Receptionist.Listing> listing = Futures.on(AskPattern.ask(system.receptionist(),
        replyTo -> Receptionist.find(UsageServer.KEY, replyTo), timeout, system.scheduler()),
        system.executionContext());
    return listing.thenCompose(l -> {
      List<CompletableFuture<List<NodeUsage>>> answers = l.getServiceInstances(UsageServer.KEY).stream()
          .map(server -> ask(server, names)).toList();
      return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
        Map<String, NodeUsage> merged = new HashMap<>();
        for (CompletableFuture<List<NodeUsage>> a : answers) {
          // Two JVMs measuring one node (a restart moving it) both answer: the newer measurement wins.
          a.join().forEach(u -> merged.merge(u.node(), u, (x, y) -> x.timestamp().isAfter(y.timestamp()) ? x : y));
        }
        return merged;
      });
    });
  }

  /**
   * The usage measured for this incarnation of a pod (same uid) on its node, with the node's measurement, if its
   * node's agent measured it: usage counts only for the pod the agent saw, not a namesake on another node.
   */
  public static Optional<PodOnNode> pod(Map<String, NodeUsage> usage, String nodeName, String namespace, String name,
      String uid) {
    NodeUsage node = nodeName == null || nodeName.isEmpty() ? null : usage.get(nodeName);
    if (node == null) {
      return Optional.empty();
    }
    return node.pod(namespace, name).filter(p -> p.uid().equals(uid)).map(p -> new PodOnNode(p, node));
  }

  /** A pod's usage and the measurement of its node it came from (timestamp, window). */
  public record PodOnNode(NodeUsage.PodUsage usage, NodeUsage node) {}

  /** One usage server's nodes, all its batches read within the timeout; none when it fails or is too slow. */
  private CompletableFuture<List<NodeUsage>> ask(ActorRef<UsageServer.Query> server, Set<String> names) {
    CompletableFuture<UsageServer.Answer> answer = Futures.on(AskPattern.<UsageServer.Query, UsageServer.Answer>ask(
        server, replyTo -> new UsageServer.Query(names, replyTo), timeout, system.scheduler()),
        system.executionContext());
    return answer.thenCompose(a -> Futures.on(a.nodes().getSource().completionTimeout(timeout)
            .mapConcat(UsageServer.Batch::nodes).runWith(Sink.seq(), materializer), system.executionContext()))
        .exceptionally(e -> List.of());
  }
}

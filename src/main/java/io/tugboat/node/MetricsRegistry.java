package io.tugboat.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest {@link NodeUsage} of every node whose agent runs in this JVM: agents publish after each
 * measurement; the JVM's {@link UsageServer} answers from it to the metrics API of any JVM, which asks every
 * worker JVM on each read.
 */
public final class MetricsRegistry implements Extension {

  private static final ExtensionId<MetricsRegistry> ID = new ExtensionId<>() {
    @Override
    public MetricsRegistry createExtension(ActorSystem<?> system) {
      return new MetricsRegistry();
    }
  };

  private final ConcurrentHashMap<String, NodeUsage> nodes = new ConcurrentHashMap<>();

  /** The registry of this actor system. */
  public static MetricsRegistry get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Replaces the node's snapshot. */
  public void publish(NodeUsage usage) {
    nodes.put(usage.node(), usage);
  }

  /** Forgets a node whose agent stopped, so its usage is not served stale. */
  public void remove(String node) {
    nodes.remove(node);
  }

  /** The latest usage of one node. */
  public Optional<NodeUsage> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  /** The latest usage of every node measured here. */
  public Collection<NodeUsage> nodes() {
    return List.copyOf(nodes.values());
  }
}

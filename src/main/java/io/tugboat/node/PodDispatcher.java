package io.tugboat.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.tugboat.model.Json;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.WatchCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one pod watch of a worker JVM: it follows every pod in the local watch cache and hands each change to the
 * agent of the pod's node (spec.nodeName), so 5,000 hollow nodes do not each filter every pod event. It keeps an
 * index node → pod keys, so an agent that (re)registers gets the pods bound to it at once.
 */
public final class PodDispatcher extends AbstractBehavior<PodDispatcher.Command> {

  /** Messages of the dispatcher. */
  public sealed interface Command {}

  /** An agent serves this node from now on; it is sent the node's pods. */
  public record Register(String nodeName, ActorRef<NodeAgent.Command> agent) implements Command {}

  /** The agent of this node stopped. */
  public record Unregister(String nodeName, ActorRef<NodeAgent.Command> agent) implements Command {}

  private record Changed(WatchCache.Change change) implements Command {}

  private enum WatchReady implements Command { INSTANCE }

  private enum WatchEnded implements Command { INSTANCE }

  private static final String PODS = "core/pods";

  /** A dispatcher over this JVM's watch cache; it starts watching once the cache has replayed the journal. */
  public static Behavior<Command> create(WatchCache cache) {
    return Behaviors.setup(ctx -> new PodDispatcher(ctx, cache));
  }

  private final WatchCache cache;
  private final Map<String, ActorRef<NodeAgent.Command>> agents = new HashMap<>();
  private final Map<String, Set<ObjectKey>> podsByNode = new HashMap<>();
  private Runnable cancel = () -> {};
  private boolean watching;
  private boolean stopped;

  private PodDispatcher(ActorContext<Command> ctx, WatchCache cache) {
    super(ctx);
    this.cache = cache;
    ctx.pipeToSelf(cache.ready(), (rv, error) -> WatchReady.INSTANCE);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Unregister.class, this::onUnregister)
        .onMessage(Changed.class, c -> {
          route(c.change(), true);
          return this;
        })
        .onMessageEquals(WatchReady.INSTANCE, this::startWatch)
        .onMessageEquals(WatchEnded.INSTANCE, () -> stopped || shuttingDown() ? this : startWatch())
        .onSignal(PostStop.class, s -> {
          stopped = true;
          cancel.run();
          return this;
        })
        .build();
  }

  /**
   * Watches every pod from the current state: the backlog rebuilds the index, then each agent gets the full set of
   * its pods (a resync: it drops what is gone).
   */
  private Behavior<Command> startWatch() {
    cancel.run();
    ActorRef<Command> self = getContext().getSelf();
    WatchCache.Start start = cache.watch(PODS, null, -1, true, new WatchCache.Watcher() {
      @Override
      public boolean offer(WatchCache.Change change) {
        self.tell(new Changed(change));
        return true;
      }

      @Override
      public void close() {
        self.tell(WatchEnded.INSTANCE);
      }
    });
    cancel = start.cancel();
    podsByNode.clear();
    for (WatchCache.Change c : start.backlog()) {
      route(c, false);
    }
    watching = true;
    agents.forEach(this::sendResync);
    return this;
  }

  private boolean shuttingDown() {
    return akka.actor.CoordinatedShutdown.get(getContext().getSystem()).getShutdownReason().isPresent();
  }

  private Behavior<Command> onRegister(Register r) {
    ActorRef<NodeAgent.Command> old = agents.put(r.nodeName(), r.agent());
    if (old != null && !old.equals(r.agent())) {
      getContext().unwatch(old);
    }
    getContext().watchWith(r.agent(), new Unregister(r.nodeName(), r.agent()));
    if (watching) {
      sendResync(r.nodeName(), r.agent());
    }
    return this;
  }

  private Behavior<Command> onUnregister(Unregister u) {
    agents.remove(u.nodeName(), u.agent());
    return this;
  }

  private void sendResync(String nodeName, ActorRef<NodeAgent.Command> agent) {
    List<WatchCache.Entry> pods = new ArrayList<>();
    for (ObjectKey key : podsByNode.getOrDefault(nodeName, Set.of())) {
      cache.get(key).ifPresent(pods::add);
    }
    agent.tell(new NodeAgent.PodSync(pods));
  }

  /** Updates the index and, when {@code deliver}, tells the pod's agent. */
  private void route(WatchCache.Change change, boolean deliver) {
    ObjectKey key = change.entry().key();
    String node = nodeName(change.entry());
    String before = change.previous() == null ? "" : nodeName(change.previous());
    boolean deleted = change.type().equals("DELETED");
    if (!before.isEmpty() && !before.equals(node)) {
      unindex(before, key);
    }
    if (node.isEmpty()) {
      return;
    }
    if (deleted) {
      unindex(node, key);
    } else {
      podsByNode.computeIfAbsent(node, n -> new HashSet<>()).add(key);
    }
    ActorRef<NodeAgent.Command> agent = agents.get(node);
    if (deliver && agent != null) {
      agent.tell(new NodeAgent.PodChanged(change.entry(), deleted));
    }
  }

  private void unindex(String node, ObjectKey key) {
    Set<ObjectKey> keys = podsByNode.get(node);
    if (keys != null) {
      keys.remove(key);
      if (keys.isEmpty()) {
        podsByNode.remove(node);
      }
    }
  }

  private static String nodeName(WatchCache.Entry e) {
    return Json.text(e.object().path("spec").path("nodeName"));
  }
}

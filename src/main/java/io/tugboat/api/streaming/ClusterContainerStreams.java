package io.tugboat.api.streaming;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.pattern.Patterns;
import akka.stream.Materializer;
import akka.stream.SinkRef;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.node.PodStreams;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.LogOptions;
import io.tugboat.store.Futures;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Pod streams served by the node agents, wherever they run in the cluster: the stream server of
 * {@code pod.spec.nodeName} is found through the receptionist ({@link PodStreams#key}), asked to open the stream,
 * and answers with stream refs that this side runs as the transports' sources and sinks.
 *
 * <p>A node whose agent is not registered (yet: registrations take a gossip round to spread) is looked up again
 * every {@link #LOOKUP_RETRY} until {@code timeout}; then, or when the agent does not answer within it, the request
 * fails with 503 naming the node.
 */
public final class ClusterContainerStreams implements ContainerStreams {

  /** How long to wait before looking a node agent up again when none is registered yet. */
  static final Duration LOOKUP_RETRY = Duration.ofMillis(100);

  private final ActorSystem<?> system;
  private final Duration timeout;
  private final Materializer materializer;

  /** Streams through the node agents of {@code system}'s cluster, each found and answering within {@code timeout}. */
  public ClusterContainerStreams(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
    this.materializer = Materializer.matFromSystem(system);
  }

  @Override
  public CompletionStage<Source<ByteString, ?>> logs(PodRef pod, String container, String instance,
      LogOptions options) {
    return open(pod, replyTo -> new PodStreams.OpenLogs(target(pod), container, instance, options, replyTo),
        PodStreams.LogsOpened.class).thenApply(opened -> opened.log().getSource());
  }

  @Override
  public CompletionStage<ExecSession> exec(PodRef pod, String container, List<String> command, boolean stdin,
      boolean tty) {
    return open(pod, replyTo -> new PodStreams.OpenExec(target(pod), container, false, command, stdin, tty, replyTo),
        PodStreams.ExecOpened.class).thenApply(this::session);
  }

  @Override
  public CompletionStage<ExecSession> attach(PodRef pod, String container, boolean stdin, boolean tty) {
    return open(pod, replyTo -> new PodStreams.OpenExec(target(pod), container, true, List.of(), stdin, tty,
        replyTo), PodStreams.ExecOpened.class).thenApply(this::session);
  }

  @Override
  public Flow<ByteString, ByteString, ?> portForward(PodRef pod, int port) {
    // Connects when the transport runs it (SPDY opens a port's streams one by one, after the upgrade).
    return Flow.lazyCompletionStageFlow(() -> open(pod,
        replyTo -> new PodStreams.OpenPortForward(target(pod), port, replyTo), PodStreams.PortForwardOpened.class)
        // Not coupled: a client's half-close (its end of input) still lets the port's answer through.
        .thenApply(opened -> Flow.fromSinkAndSource(in(opened.in()), opened.out().getSource())
            .mapMaterializedValue(m -> NotUsed.getInstance())));
  }

  /** The session's parts as the transports run them; the exit code's ref is run at once, so it never times out. */
  private ExecSession session(PodStreams.ExecOpened opened) {
    CompletionStage<Integer> exit = Futures.on(opened.exitCode().getSource().runWith(Sink.headOption(), materializer),
        system.executionContext()).thenApply(code -> code.orElseThrow(() ->
            new IllegalStateException("the session ended without an exit code")));
    return new ExecSession(opened.stdout().getSource(), opened.stderr().getSource(), in(opened.stdin()),
        opened.resize().getSink(), exit);
  }

  /** An input ref as a sink, in chunks small enough for one remote message each. */
  private static Sink<ByteString, NotUsed> in(SinkRef<ByteString> ref) {
    return Flow.of(ByteString.class).mapConcat(PodStreams::chunks).to(ref.getSink());
  }

  private static PodStreams.Pod target(PodRef pod) {
    return new PodStreams.Pod(pod.namespace(), pod.name(), pod.uid());
  }

  /** Finds the pod's node agent, asks it, and turns a refusal or silence into the API error to answer. */
  private <R extends PodStreams.Reply> CompletionStage<R> open(PodRef pod,
      Function<ActorRef<PodStreams.Reply>, PodStreams.Command> request, Class<R> expected) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return agent(pod.node(), deadline).thenCompose(agent -> {
      Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), LOOKUP_RETRY.toNanos()));
      return Futures.on(AskPattern.ask(agent, request::apply, left, system.scheduler()), system.executionContext())
          .handle((reply, error) -> {
            if (error != null) {
              throw new ApiException(unreachable(pod.node(), cause(error) instanceof TimeoutException
                  ? "did not answer within " + timeout : "failed: " + cause(error).getMessage()));
            }
            if (reply instanceof PodStreams.Refused r) {
              throw new ApiException(new ApiError(r.code(), r.reason(), r.message(), null, null, List.of()));
            }
            return expected.cast(reply);
          });
    });
  }

  /** The stream server of {@code node}, looked up until it is registered or the deadline passes. */
  private CompletionStage<ActorRef<PodStreams.Command>> agent(String node, long deadline) {
    ServiceKey<PodStreams.Command> key = PodStreams.key(node);
    CompletionStage<Receptionist.Listing> listing = Futures.on(AskPattern.ask(system.receptionist(),
        replyTo -> Receptionist.find(key, replyTo), timeout, system.scheduler()), system.executionContext());
    return listing.thenCompose(l -> {
      Set<ActorRef<PodStreams.Command>> agents = l.getServiceInstances(key);
      if (!agents.isEmpty()) {
        // A JVM's own agent first; any other registered one serves the same node as well.
        return CompletableFuture.completedFuture(agents.stream()
            .filter(a -> a.path().address().hasLocalScope()).findFirst().orElse(agents.iterator().next()));
      }
      if (System.nanoTime() + LOOKUP_RETRY.toNanos() > deadline) {
        return CompletableFuture.failedFuture(new ApiException(unreachable(node,
            "has no node agent registered in the cluster (waited " + timeout + "); is its worker running?")));
      }
      return Futures.on(Patterns.after(LOOKUP_RETRY, system.classicSystem().scheduler(), system.executionContext(),
          () -> agent(node, deadline)), system.executionContext());
    });
  }

  /** 503 naming the node: the API server cannot reach the kubelet of the pod. */
  static ApiError unreachable(String node, String what) {
    return new ApiError(503, "ServiceUnavailable", "node \"" + node + "\" " + what, null, null, List.of());
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}

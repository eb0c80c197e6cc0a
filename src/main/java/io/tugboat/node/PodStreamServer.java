package io.tugboat.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.japi.Pair;
import akka.stream.Materializer;
import akka.stream.SinkRef;
import akka.stream.SourceRef;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamRefs;
import akka.util.ByteString;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ContainerRuntime.SandboxState;
import io.tugboat.runtime.ContainerRuntime.SandboxStatus;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.TerminalSize;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Serves the streams of the pods one node runs (the kubelet's containerLogs, exec, attach and portForward
 * endpoints) to API servers on any JVM: registered with the receptionist under {@link PodStreams#key}, it finds
 * the container by pod uid and container name in the node's runtime and answers with stream refs
 * ({@link PodStreams}). Stateless: each request is looked up and answered on its own; its streams run on a
 * materializer bound to this actor, so they end when the node's agent stops.
 */
public final class PodStreamServer {
  private PodStreamServer() {}

  /** The stream server of node {@code node}, over its runtime. */
  public static Behavior<PodStreams.Command> create(String node, ContainerRuntime runtime) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(PodStreams.key(node), ctx.getSelf()));
      Materializer materializer = Materializer.createMaterializer(ctx);
      Server server = new Server(node, runtime, materializer);
      return Behaviors.receive(PodStreams.Command.class)
          .onMessage(PodStreams.OpenLogs.class, m -> server.answer(m.replyTo(), () -> server.logs(m)))
          .onMessage(PodStreams.OpenExec.class, m -> server.answer(m.replyTo(), () -> server.exec(m)))
          .onMessage(PodStreams.OpenPortForward.class, m -> server.answer(m.replyTo(), () -> server.portForward(m)))
          .build();
    });
  }

  // ---- finding the container: pure, tested without actors ----

  /**
   * The current container named {@code name} of pod {@code uid}: in the pod's newest sandbox, the highest attempt
   * (the one a restart made last); empty when none was created yet.
   */
  static Optional<ContainerStatus> current(List<SandboxStatus> sandboxes, List<ContainerStatus> containers,
      String uid, String name) {
    List<ContainerStatus> instances = instances(sandboxes, containers, uid, name);
    return instances.isEmpty() ? Optional.empty() : Optional.of(instances.get(instances.size() - 1));
  }

  /**
   * The instance of that container before the current one (what {@code kubectl logs --previous} reads), across
   * sandboxes: a recreated sandbox continues the attempts of the one before.
   */
  static Optional<ContainerStatus> previous(List<SandboxStatus> sandboxes, List<ContainerStatus> containers,
      String uid, String name) {
    List<ContainerStatus> instances = instances(sandboxes, containers, uid, name);
    return instances.size() < 2 ? Optional.empty() : Optional.of(instances.get(instances.size() - 2));
  }

  /** The instance with id {@code id} (none when null), if it is that container of that pod. */
  static Optional<ContainerStatus> named(List<SandboxStatus> sandboxes, List<ContainerStatus> containers,
      String uid, String name, String id) {
    return id == null ? Optional.empty()
        : instances(sandboxes, containers, uid, name).stream().filter(c -> c.id().equals(id)).findFirst();
  }

  /** The pod's instances of a container, oldest first: by sandbox, then attempt. */
  private static List<ContainerStatus> instances(List<SandboxStatus> sandboxes, List<ContainerStatus> containers,
      String uid, String name) {
    Map<String, SandboxStatus> ofPod = sandboxes.stream().filter(s -> s.uid().equals(uid))
        .collect(Collectors.toMap(SandboxStatus::id, Function.identity()));
    return containers.stream()
        .filter(c -> c.name().equals(name) && ofPod.containsKey(c.sandboxId()))
        .sorted(Comparator.<ContainerStatus, java.time.Instant>comparing(c -> ofPod.get(c.sandboxId()).createdAt())
            .thenComparingInt(ContainerStatus::attempt)
            .thenComparing(ContainerStatus::createdAt))
        .toList();
  }

  /** The pod's ready sandbox (the one port-forward connects into), if any. */
  static Optional<SandboxStatus> readySandbox(List<SandboxStatus> sandboxes, String uid) {
    return sandboxes.stream().filter(s -> s.uid().equals(uid) && s.state() == SandboxState.READY)
        .max(Comparator.comparing(SandboxStatus::createdAt));
  }

  /** A container that exists but cannot be exec'd into or attached to, in kubelet's words (400). */
  static Optional<PodStreams.Refused> notRunning(Optional<ContainerStatus> container, PodStreams.Pod pod,
      String name) {
    if (container.isEmpty() || container.get().state() == ContainerState.CREATED) {
      return Optional.of(badRequest("container \"" + name + "\" in pod \"" + pod.name()
          + "\" is waiting to start: ContainerCreating"));
    }
    if (container.get().state() != ContainerState.RUNNING) {
      ContainerStatus c = container.get();
      return Optional.of(badRequest("container \"" + name + "\" in pod \"" + pod.name() + "\" is not running: it "
          + (c.state() == ContainerState.EXITED ? "terminated with exit code " + c.exitCode()
              + (c.reason() == null ? "" : " (" + c.reason() + ")") : "is in state " + c.state())));
    }
    return Optional.empty();
  }

  static PodStreams.Refused badRequest(String message) {
    return new PodStreams.Refused(400, "BadRequest", message);
  }

  /** The requests' I/O: runtime lookups, then streams materialized into refs. */
  private static final class Server {
    private final String node;
    private final ContainerRuntime runtime;
    private final Materializer materializer;

    Server(String node, ContainerRuntime runtime, Materializer materializer) {
      this.node = node;
      this.runtime = runtime;
      this.materializer = materializer;
    }

    /** Replies once, whatever happened: an unexpected failure is a 500 naming the node. */
    Behavior<PodStreams.Command> answer(ActorRef<PodStreams.Reply> replyTo,
        java.util.function.Supplier<CompletionStage<PodStreams.Reply>> open) {
      CompletionStage<PodStreams.Reply> reply;
      try {
        reply = open.get();
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e); // a runtime that throws instead of failing its future
      }
      reply.whenComplete((r, e) -> replyTo.tell(e == null ? r : new PodStreams.Refused(500, "InternalError",
          "Internal error occurred: node " + node + ": " + message(e))));
      return Behaviors.same();
    }

    /**
     * The log of the instance the pod's status names when the runtime still has it; else the current instance's,
     * or the previous one's (found here), each read as any other log.
     */
    CompletionStage<PodStreams.Reply> logs(PodStreams.OpenLogs m) {
      CompletableFuture<List<SandboxStatus>> sandboxes = runtime.listPodSandboxes().toCompletableFuture();
      CompletableFuture<List<ContainerStatus>> containers = runtime.listContainers(null).toCompletableFuture();
      return sandboxes.thenCombine(containers, (s, all) -> {
        String uid = m.pod().uid();
        Optional<ContainerStatus> named = named(s, all, uid, m.container(), m.instance());
        if (named.isPresent()) {
          return new PodStreams.LogsOpened(out(runtime.containerLogs(named.get().id(),
              m.options().withPrevious(false))));
        }
        if (m.options().previous()) {
          Optional<ContainerStatus> previous = previous(s, all, uid, m.container());
          if (previous.isEmpty()) {
            return badRequest("previous terminated container \"" + m.container() + "\" in pod \""
                + m.pod().name() + "\" not found");
          }
          return new PodStreams.LogsOpened(out(runtime.containerLogs(previous.get().id(),
              m.options().withPrevious(false))));
        }
        Optional<ContainerStatus> c = current(s, all, uid, m.container());
        if (c.isEmpty() || c.get().state() == ContainerState.CREATED) {
          return badRequest("container \"" + m.container() + "\" in pod \"" + m.pod().name()
              + "\" is waiting to start: ContainerCreating");
        }
        return new PodStreams.LogsOpened(out(runtime.containerLogs(c.get().id(), m.options())));
      });
    }

    CompletionStage<PodStreams.Reply> exec(PodStreams.OpenExec m) {
      return container(m.pod(), m.container()).thenApply(c -> {
        Optional<PodStreams.Refused> refused = notRunning(c, m.pod(), m.container());
        if (refused.isPresent()) {
          return refused.get();
        }
        String id = c.get().id();
        ExecSession session = m.attach() ? runtime.attach(id, m.stdin(), m.tty())
            : runtime.exec(id, m.command(), m.stdin(), m.tty());
        SourceRef<ByteString> stdout = out(session.stdout());
        SourceRef<ByteString> stderr = out(session.stderr());
        SinkRef<ByteString> stdin = StreamRefs.<ByteString>sinkRef().to(session.stdin()).run(materializer);
        SinkRef<TerminalSize> resize = StreamRefs.<TerminalSize>sinkRef().to(session.resize()).run(materializer);
        SourceRef<Integer> exit = Source.completionStage(session.exitCode())
            .runWith(StreamRefs.sourceRef(), materializer);
        return new PodStreams.ExecOpened(stdout, stderr, stdin, resize, exit);
      });
    }

    CompletionStage<PodStreams.Reply> portForward(PodStreams.OpenPortForward m) {
      return runtime.listPodSandboxes().thenApply(sandboxes -> {
        Optional<SandboxStatus> sandbox = readySandbox(sandboxes, m.pod().uid());
        if (sandbox.isEmpty()) {
          return badRequest("pod " + m.pod().name() + " has no running sandbox on node " + node
              + " yet: it cannot forward ports before it runs");
        }
        Flow<ByteString, ByteString, ?> connection = runtime.portForward(sandbox.get().id(), m.port());
        Pair<SinkRef<ByteString>, SourceRef<ByteString>> refs = StreamRefs.<ByteString>sinkRef()
            .via(connection).mapConcat(PodStreams::chunks).toMat(StreamRefs.sourceRef(), Keep.both())
            .run(materializer);
        return new PodStreams.PortForwardOpened(refs.first(), refs.second());
      });
    }

    /** An output as a ref, in chunks small enough for one remote message each. */
    private SourceRef<ByteString> out(Source<ByteString, ?> bytes) {
      return bytes.mapConcat(PodStreams::chunks).runWith(StreamRefs.sourceRef(), materializer);
    }

    private CompletionStage<Optional<ContainerStatus>> container(PodStreams.Pod pod, String name) {
      CompletableFuture<List<SandboxStatus>> sandboxes = runtime.listPodSandboxes().toCompletableFuture();
      CompletableFuture<List<ContainerStatus>> containers = runtime.listContainers(null).toCompletableFuture();
      return sandboxes.thenCombine(containers, (s, c) -> current(s, c, pod.uid(), name));
    }

    private static String message(Throwable e) {
      Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      return String.valueOf(t.getMessage());
    }
  }
}

package io.tugboat.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.ServiceKey;
import akka.stream.SinkRef;
import akka.stream.SourceRef;
import akka.util.ByteString;
import io.tugboat.runtime.LogOptions;
import io.tugboat.runtime.TerminalSize;
import io.tugboat.store.CborSerializable;
import java.util.List;

/**
 * The protocol of a node's stream server ({@link PodStreamServer}): what an API server on any JVM asks the node
 * agent of {@code pod.spec.nodeName} for kubectl logs, exec, attach and port-forward, and what it answers. Every
 * byte travels in Akka stream refs: {@link SourceRef}s for what the container sends, {@link SinkRef}s for what the
 * client sends. Each open is answered exactly once, with the refs or with {@link Refused}.
 */
public final class PodStreams {
  private PodStreams() {}

  /**
   * The largest chunk of bytes one stream-ref element carries. Artery drops a message over its maximum frame
   * size (256 KiB by default), so both sides cut bigger chunks (a process's read, a client's frame) before
   * sending them.
   */
  public static final int MAX_CHUNK = 64 * 1024;

  /** {@code bytes} cut into pieces of at most {@link #MAX_CHUNK} bytes. */
  public static List<ByteString> chunks(ByteString bytes) {
    if (bytes.size() <= MAX_CHUNK) {
      return List.of(bytes);
    }
    List<ByteString> pieces = new java.util.ArrayList<>();
    for (int i = 0; i < bytes.size(); i += MAX_CHUNK) {
      pieces.add(bytes.slice(i, Math.min(bytes.size(), i + MAX_CHUNK)));
    }
    return pieces;
  }

  /** The receptionist key the stream server of node {@code node} registers under. */
  public static ServiceKey<Command> key(String node) {
    return ServiceKey.create(Command.class, "tugboat-pod-streams-" + node);
  }

  /** What a stream server is asked. */
  public sealed interface Command extends CborSerializable {}

  /** The pod a request is about: uid tells a recreated pod of the same name apart. */
  public record Pod(String namespace, String name, String uid) {
    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  /**
   * Opens the log of a container (of its previous instance with {@code options.previous()}). {@code instance}
   * is the runtime's id of the instance the pod's status names for this read, as the kubelet picks it from its
   * status; null when the status names none, and the node picks (see {@link PodStreamServer}).
   */
  public record OpenLogs(Pod pod, String container, String instance, LogOptions options, ActorRef<Reply> replyTo)
      implements Command {}

  /** Starts {@code command} in a running container, or (attach) attaches to its main process. */
  public record OpenExec(Pod pod, String container, boolean attach, List<String> command, boolean stdin, boolean tty,
      ActorRef<Reply> replyTo) implements Command {}

  /** Opens a TCP connection to {@code port} in the pod's network namespace. */
  public record OpenPortForward(Pod pod, int port, ActorRef<Reply> replyTo) implements Command {}

  /** What a stream server answers. */
  public sealed interface Reply extends CborSerializable {}

  /** The log's bytes, as {@link io.tugboat.runtime.ContainerRuntime#containerLogs} gives them. */
  public record LogsOpened(SourceRef<ByteString> log) implements Reply {}

  /**
   * A running exec or attach session: its outputs, its inputs, and its exit code (one element, then the end;
   * never for an attach the client leaves). The requester must run every ref at once, the inputs with an empty
   * source when the client sends nothing: an unused ref fails after Akka's stream-ref subscription timeout.
   */
  public record ExecOpened(SourceRef<ByteString> stdout, SourceRef<ByteString> stderr, SinkRef<ByteString> stdin,
      SinkRef<TerminalSize> resize, SourceRef<Integer> exitCode) implements Reply {}

  /** A connection to the port: bytes sent to {@code in} reach it, {@code out} carries what it answers. */
  public record PortForwardOpened(SinkRef<ByteString> in, SourceRef<ByteString> out) implements Reply {}

  /** The request cannot be served: a Kubernetes Status's code, reason and message. */
  public record Refused(int code, String reason, String message) implements Reply {}
}

package io.tugboat.api.streaming;

import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.LogOptions;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The API server's view of a pod's containers: their logs, processes started in them, their main process, and
 * the pod's ports. The API has already checked that the pod exists, is on a node, is not finished and names the
 * container; an implementation answers for what only the node knows (is the container running, was there a
 * previous one, is the node there) by failing with {@link io.tugboat.model.ApiException} carrying a Status whose
 * message says what is wrong: 400 for the container, 5xx for a node that does not answer.
 */
public interface ContainerStreams {

  /**
   * The container's log from the options' starting point; ends at the current end unless following.
   * {@code instance} is the runtime id of the instance the pod's status names for this read (its current, or with
   * {@code previous} its last terminated, container), or null when the status names none.
   */
  CompletionStage<Source<ByteString, ?>> logs(PodRef pod, String container, String instance, LogOptions options);

  /** Starts {@code command} in the container. */
  CompletionStage<ExecSession> exec(PodRef pod, String container, List<String> command, boolean stdin, boolean tty);

  /** Attaches to the container's main process. */
  CompletionStage<ExecSession> attach(PodRef pod, String container, boolean stdin, boolean tty);

  /**
   * A connection to {@code port} in the pod's network namespace: bytes in are sent, bytes out were received. It
   * connects when materialized; a refusal fails the flow (the transports report it on the port's error stream, as
   * the kubelet does).
   */
  Flow<ByteString, ByteString, ?> portForward(PodRef pod, int port);
}

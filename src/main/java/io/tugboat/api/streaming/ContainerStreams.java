package io.tugboat.api.streaming;

import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.LogOptions;
import java.util.List;

/**
 * The API server's view of a pod's containers: their logs, processes started in them, their main process, and
 * the pod's ports. The API has already checked that the pod exists, is not finished and names the container;
 * an implementation answers for what only it knows (is the container running, was there a previous one) by
 * throwing {@link io.tugboat.model.ApiException} with a 400 Status whose message says what is wrong.
 */
public interface ContainerStreams {

  /** The container's log from the options' starting point; ends at the current end unless following. */
  Source<ByteString, ?> logs(PodRef pod, String container, LogOptions options);

  /** Starts {@code command} in the container. */
  ExecSession exec(PodRef pod, String container, List<String> command, boolean stdin, boolean tty);

  /** Attaches to the container's main process. */
  ExecSession attach(PodRef pod, String container, boolean stdin, boolean tty);

  /** A connection to {@code port} in the pod's network namespace: bytes in are sent, bytes out were received. */
  Flow<ByteString, ByteString, ?> portForward(PodRef pod, int port);
}

package io.tugboat.runtime;

import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.concurrent.CompletionStage;

/**
 * A process running in a container (exec) or the container's main process (attach), as the transports drive it.
 * The transport runs every part exactly once: stdout and stderr until they complete, stdin and resize with an
 * empty source when the client sends none (so a process reading stdin sees end of file), and waits for the exit
 * code after both outputs ended. An exit code that never completes means the process outlives the session (attach).
 */
public record ExecSession(Source<ByteString, ?> stdout, Source<ByteString, ?> stderr, Sink<ByteString, ?> stdin,
    Sink<TerminalSize, ?> resize, CompletionStage<Integer> exitCode) {}

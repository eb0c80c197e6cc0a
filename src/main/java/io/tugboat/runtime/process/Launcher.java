package io.tugboat.runtime.process;

import java.io.IOException;
import java.util.List;

/**
 * How one isolation level starts, signals and enters containers. The runtime prepares a container
 * ({@link RuntimeContainer}) and its sandbox; a launcher turns that into processes.
 */
interface Launcher {

  /** Prepares a created container before it is started (a bundle, a cgroup). */
  default void prepare(RuntimeContainer c) throws IOException {}

  /** Starts the container's main process; its stdout and stderr are the container's output. */
  Process start(RuntimeContainer c) throws IOException;

  /** Whether the started container is up (runc has created it), so STARTED can be reported. */
  default boolean running(RuntimeContainer c) {
    return true;
  }

  /**
   * Whether a process that is already gone never became the container (runc failed before running it), as
   * opposed to a container that ran and exited at once.
   */
  default boolean failedToStart(RuntimeContainer c) {
    return false;
  }

  /** Sends {@code signal} ("TERM" or "KILL") to the container's processes. */
  void signal(RuntimeContainer c, String signal);

  /** The argv that runs {@code command} in the running container (with a terminal when {@code tty}). */
  List<String> execArgv(RuntimeContainer c, List<String> command, boolean tty);

  /** Releases what the launcher holds for an exited container (runc's state). */
  default void cleanUp(RuntimeContainer c) {}

  /** Quotes an argv for sh -c. */
  static String shellQuote(List<String> argv) {
    StringBuilder sb = new StringBuilder();
    for (String a : argv) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append('\'').append(a.replace("'", "'\\''")).append('\'');
    }
    return sb.toString();
  }

  /** Wraps an argv so it runs on a pseudo-terminal (util-linux script), output and exit code passed through. */
  static List<String> onTerminal(List<String> argv) {
    return List.of("script", "-q", "-e", "-f", "-c", shellQuote(argv), "/dev/null");
  }
}

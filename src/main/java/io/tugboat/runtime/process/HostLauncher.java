package io.tugboat.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fallback without root: a container is a plain process of the host, on the host's network, in the host's
 * filesystem (its working directory if the host has it, else its own directory), without limits. Nothing is
 * isolated; the runtime says so in the Node's conditions.
 */
final class HostLauncher implements Launcher {

  @Override
  public Process start(RuntimeContainer c) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(c.argv);
    pb.environment().clear();
    pb.environment().putAll(c.env);
    Path cwd = Path.of(c.cwd);
    pb.directory((Files.isDirectory(cwd) ? cwd : c.dir).toFile());
    if (!c.config.stdin()) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    return pb.start();
  }

  @Override
  public void signal(RuntimeContainer c, String signal) {
    Process p = c.process;
    if (p == null) {
      return;
    }
    p.descendants().forEach(h -> {
      if (signal.equals("KILL")) {
        h.destroyForcibly();
      } else {
        h.destroy();
      }
    });
    if (signal.equals("KILL")) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
  }

  @Override
  public List<String> execArgv(RuntimeContainer c, List<String> command, boolean tty) {
    return tty && Shell.which("script") != null ? Launcher.onTerminal(command) : command;
  }
}

package io.tugboat.runtime.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands (ip, iptables, runc, mount) to completion and says what they printed. */
final class Shell {
  private Shell() {}

  /** What a finished command printed and its exit code. */
  record Result(int code, String out, String err) {
    boolean ok() {
      return code == 0;
    }
  }

  /** Runs {@code argv} with {@code input} on its stdin (may be null), bounded to 30 s. */
  static Result run(List<String> argv, String input) {
    try {
      ProcessBuilder pb = new ProcessBuilder(argv);
      if (input == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      }
      Process p = pb.start();
      if (input != null) {
        try (var in = p.getOutputStream()) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      // Both outputs are small; read stderr on the side so neither pipe fills while the other is read.
      StringBuilder err = new StringBuilder();
      Thread errReader = new Thread(() -> err.append(readAll(p.getErrorStream())), "shell-stderr");
      errReader.setDaemon(true);
      errReader.start();
      String out = readAll(p.getInputStream());
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, out, "timed out after 30 s: " + String.join(" ", argv));
      }
      errReader.join(5_000);
      return new Result(p.exitValue(), out, err.toString());
    } catch (IOException e) {
      return new Result(-1, "", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "", "interrupted");
    }
  }

  /** Runs {@code argv}; fails with what it printed unless it exits 0. */
  static String check(String... argv) {
    return checkInput(null, argv);
  }

  /** Runs {@code argv} with {@code input} on stdin; fails with what it printed unless it exits 0. */
  static String checkInput(String input, String... argv) {
    Result r = run(List.of(argv), input);
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", argv) + " failed (" + r.code() + "): " + r.err().trim());
    }
    return r.out();
  }

  /** Runs {@code argv} and answers whether it exited 0 (for clean-up that may find nothing to remove). */
  static boolean quiet(String... argv) {
    return run(List.of(argv), null).ok();
  }

  /** The absolute path of {@code name} on PATH (and the sbin directories root's PATH has), or null. */
  static String which(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      java.nio.file.Path p = java.nio.file.Path.of(d, name);
      if (java.nio.file.Files.isExecutable(p) && !java.nio.file.Files.isDirectory(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}

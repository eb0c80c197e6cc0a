package io.tugboat.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Tugboat cluster started with {@code scripts/tugboat up} in its own data directory, and the
 * real {@code kubectl} pointed at it; closing it runs {@code scripts/tugboat down}.
 */
public final class TugboatCluster implements AutoCloseable {

  /** Covers the launcher's own bounds: 60 s to become ready, 30 s + 5 s to stop. */
  public static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);

  public static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(60);

  private final Path repoRoot;
  private final Path dataDir;
  private final int port;

  /** Prepares a cluster; nothing runs until {@link #up()}. */
  public TugboatCluster(Path repoRoot, Path dataDir, int port) {
    this.repoRoot = repoRoot;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** The outcome of one finished command, with everything needed to explain a failure. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
      return exitCode == 0;
    }

    /** The command, its exit code and both streams, for assertion messages. */
    public String describe() {
      return "command: "
          + String.join(" ", command)
          + "\nexit code: "
          + exitCode
          + "\n--- stdout\n"
          + stdout
          + "\n--- stderr\n"
          + stderr;
    }
  }

  // --- locating things ---------------------------------------------------------------------

  /** The repository root: the nearest directory at or above the working directory with the launcher. */
  public static Path findRepoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isExecutable(d.resolve("scripts/tugboat"))) {
        return d;
      }
    }
    throw new IllegalStateException("no executable scripts/tugboat at or above " + dir);
  }

  /** A port nobody listens on right now (the OS picks it). */
  /**
   * A cluster on a fresh data dir under target/ (kept after a failed run for its log) and a free port, already
   * up. The caller closes it.
   */
  public static TugboatCluster startFresh(String dataDirPrefix) throws java.io.IOException {
    return startFresh(dataDirPrefix, Map.of());
  }

  /**
   * Like {@link #startFresh(String)}, with extra environment for the launcher (TUGBOAT_JAVA_OPTS, ...); the node's
   * runtime is the fake one unless {@code env} sets TUGBOAT_RUNTIME.
   */
  public static TugboatCluster startFresh(String dataDirPrefix, Map<String, String> env) throws IOException {
    Path root = findRepoRoot();
    Path dataDir = Files.createTempDirectory(Files.createDirectories(root.resolve("target")), dataDirPrefix);
    TugboatCluster cluster = new TugboatCluster(root, dataDir, freePort());
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("TUGBOAT_NO_BUILD", "1");
    all.putIfAbsent("TUGBOAT_RUNTIME", "fake");
    Result up = cluster.run(List.of(root.resolve("scripts/tugboat").toString(), "up", "--data", dataDir.toString(),
        "--port", Integer.toString(cluster.port)), all, SCRIPT_TIMEOUT);
    if (!up.succeeded()) {
      cluster.close();
      throw new AssertionError("tugboat up failed\n" + up.describe());
    }
    return cluster;
  }

  /**
   * Runs kubectl until it succeeds with wanted output and returns that output; fails after {@code timeout} with
   * the last attempt. For state that settles asynchronously (node health, metrics), polled, never slept on.
   */
  public String awaitKubectl(Duration timeout, java.util.function.Predicate<String> wanted, String what,
      String... args) {
    java.time.Instant deadline = java.time.Instant.now().plus(timeout);
    String last = "";
    while (java.time.Instant.now().isBefore(deadline)) {
      Result r = kubectl(args);
      last = r.describe();
      if (r.succeeded() && wanted.test(r.stdout())) {
        return r.stdout();
      }
      try {
        Thread.sleep(250); // polling a real cluster, bounded by the deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what + "; last attempt:\n" + last);
  }

  /** A Deployment manifest with one container of that image, labelled app=name. */
  public static String deploymentYaml(String name, String image) {
    return String.join("\n",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: " + name,
        "spec:",
        "  replicas: 1",
        "  selector:",
        "    matchLabels:",
        "      app: " + name,
        "  template:",
        "    metadata:",
        "      labels:",
        "        app: " + name,
        "    spec:",
        "      containers:",
        "      - name: " + name,
        "        image: " + image,
        "");
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }

  /** True if an executable called {@code name} is on the PATH. */
  public static boolean onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }

  public Path dataDir() {
    return dataDir;
  }

  public int port() {
    return port;
  }

  public Path kubeconfig() {
    return dataDir.resolve("kubeconfig");
  }

  /** Writes {@code content} to a file in the data directory and returns its path. */
  public Path writeFile(String name, String content) {
    Path file = dataDir.resolve(name);
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  // --- the launcher ------------------------------------------------------------------------

  /** Starts the cluster and waits until it is ready; fails with the launcher's output if not. */
  public void up() {
    scriptOk("up", "--data", dataDir.toString(), "--port", Integer.toString(port));
  }

  /** Stops the cluster gracefully; the data directory stays. */
  public void down() {
    scriptOk("down", "--data", dataDir.toString());
  }

  /** Runs {@code scripts/tugboat args...} from the repository root. */
  public Result script(String... args) {
    List<String> command = new ArrayList<>();
    command.add(repoRoot.resolve("scripts/tugboat").toString());
    command.addAll(List.of(args));
    // Maven is already running this test on a freshly packaged jar: never start a nested build. The node's
    // runtime is the fake one unless a test asks for real containers (KubectlRealPodsIT).
    return run(command, Map.of("TUGBOAT_NO_BUILD", "1", "TUGBOAT_RUNTIME", "fake"), SCRIPT_TIMEOUT);
  }

  /** Like {@link #script} but fails unless it exits 0; returns stdout. */
  public String scriptOk(String... args) {
    return requireSuccess(script(args));
  }

  /** Runs {@code down}; safe to call when nothing runs, and never throws past a failure. */
  @Override
  public void close() {
    Result result = script("down", "--data", dataDir.toString());
    if (!result.succeeded()) {
      System.err.println("tugboat down failed:\n" + result.describe());
    }
  }

  // --- kubectl -----------------------------------------------------------------------------

  /** Runs kubectl against this cluster, with its own discovery cache. */
  public Result kubectl(String... args) {
    return run(kubectlCommand(args), kubectlEnv(), KUBECTL_TIMEOUT);
  }

  /** Like {@link #kubectl} but fails unless it exits 0; returns stdout without surrounding blanks. */
  public String kubectlOk(String... args) {
    return requireSuccess(kubectl(args)).strip();
  }

  /** Like {@link #kubectl} but fails unless it exits non-zero; returns the result. */
  public Result kubectlFails(String... args) {
    Result result = kubectl(args);
    if (result.succeeded()) {
      throw new AssertionError("expected a failure, but it succeeded\n" + result.describe());
    }
    return result;
  }

  /** Starts a long-running kubectl (such as {@code get -w}) whose stdout is read line by line. */
  public Streaming startKubectl(String... args) {
    return start(kubectlCommand(args), kubectlEnv());
  }

  /** Starts any long-running command from the repository root; its stdout is read line by line. */
  public Streaming start(List<String> command, Map<String, String> env) {
    try {
      Path stderr = Files.createTempFile("kubectl-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(repoRoot.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectError(stderr.toFile());
      builder.environment().putAll(env);
      return new Streaming(command, builder.start(), stderr);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
  }

  private List<String> kubectlCommand(String... args) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.add("--cache-dir=" + dataDir.resolve("kubecache"));
    command.addAll(List.of(args));
    return command;
  }

  private Map<String, String> kubectlEnv() {
    return Map.of("KUBECONFIG", kubeconfig().toString());
  }

  /** A running process whose stdout lines are collected by a reader thread. */
  public static final class Streaming implements AutoCloseable {
    // Compared by identity, so no line kubectl prints can be mistaken for it.
    private static final String EOF = new String("<eof>");

    private final List<String> command;
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private Streaming(List<String> command, Process process, Path stderr) {
      this.command = command;
      this.process = process;
      this.stderr = stderr;
      Thread reader = new Thread(this::pump, "stdout of " + command.get(command.size() - 1));
      reader.setDaemon(true);
      reader.start();
    }

    private void pump() {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // The process was destroyed while we read: the lines so far are all there is.
      } finally {
        lines.add(EOF);
      }
    }

    /** Returns the first stdout line matching {@code wanted}, failing after {@code timeout}. */
    public String awaitLine(Predicate<String> wanted, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
          if (line == null) {
            throw failure("no matching line within " + timeout.toSeconds() + " s");
          }
          if (line == EOF) {
            throw failure("the process ended without a matching line");
          }
          seen.add(line);
          if (wanted.test(line)) {
            return line;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("interrupted");
      }
    }

    private AssertionError failure(String why) {
      String err;
      try {
        err = Files.readString(stderr, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err = "(unreadable: " + e + ")";
      }
      return new AssertionError(
          why
              + "\ncommand: "
              + String.join(" ", command)
              + "\nalive: "
              + process.isAlive()
              + "\n--- stdout so far\n"
              + String.join("\n", seen)
              + "\n--- stderr\n"
              + err);
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
      try {
        Files.deleteIfExists(stderr);
      } catch (IOException e) {
        // A leftover temp file is harmless.
      }
    }
  }

  // --- processes ---------------------------------------------------------------------------

  /**
   * Runs a command from the repository root and waits for it, bounded by {@code timeout}. Output
   * goes to files, not pipes, so a background child that keeps a descriptor open (the launcher's
   * server) can never make us wait.
   */
  public Result run(List<String> command, Map<String, String> env, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("tugboat-e2e-", ".out");
      err = Files.createTempFile("tugboat-e2e-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(repoRoot.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      Result result =
          new Result(
              List.copyOf(command),
              finished ? process.exitValue() : -1,
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      if (!finished) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s and was killed\n" + result.describe());
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static String requireSuccess(Result result) {
    if (!result.succeeded()) {
      throw new AssertionError("command failed\n" + result.describe());
    }
    return result.stdout();
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A leftover temp file is harmless.
      }
    }
  }
}

package io.tugboat.runtime.process;

import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStats;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ContainerRuntime.Event;
import io.tugboat.runtime.ContainerRuntime.EventType;
import io.tugboat.runtime.ContainerRuntime.RuntimeError;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The life of one container's process: start (log pumps, STARTED once the launcher says it runs), exit (output
 * drained, OOM kill read from its cgroup, STOPPED with exit code and reason), stop (TERM, KILL after the
 * timeout), and its usage.
 */
final class ContainerLifecycle {
  private ContainerLifecycle() {}

  /** How long a launcher may take to bring a container up before STARTED is reported anyway. */
  private static final long START_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Starts {@code c}; calls {@code onExit} once its process has exited. Blocks until it runs. */
  static void start(RuntimeContainer c, Launcher launcher, ProcessRuntimeSettings settings, Clock clock,
      Consumer<Event> fire, Consumer<RuntimeContainer> onExit) {
    Process p;
    try {
      c.writer = new CriLogWriter(c.logFile, settings.logMaxBytes(), settings.logMaxFiles(), clock);
      p = launcher.start(c);
    } catch (IOException | RuntimeException e) {
      startFailed(c, clock, fire, e.getMessage());
      throw new RuntimeError("cannot start container " + c.config.name() + ": " + e.getMessage());
    }
    c.process = p;
    if (c.config.stdin()) {
      c.stdin = p.getOutputStream();
    }
    c.pumps.add(c.writer.pump(p.getInputStream(), "stdout", "log-" + c.id.substring(0, 8) + "-out"));
    c.pumps.add(c.writer.pump(p.getErrorStream(), "stderr", "log-" + c.id.substring(0, 8) + "-err"));
    long deadline = System.nanoTime() + START_WAIT_NANOS;
    try {
      while (!launcher.running(c) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5); // runc creates the container within tens of milliseconds
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!p.isAlive() && launcher.failedToStart(c)) {
      // runc gave up before the container existed (a missing binary, a bad mount): its error is on stderr.
      p.onExit().join();
      joinPumps(c);
      String why = lastLine(c);
      startFailed(c, clock, fire, why);
      launcher.cleanUp(c);
      throw new RuntimeError("cannot start container " + c.config.name() + ": " + why);
    }
    synchronized (c) {
      c.status = c.status.withState(ContainerState.RUNNING, clock.instant(), null, 0, null, null);
    }
    fire.accept(new Event(EventType.STARTED, c.status));
    p.onExit().thenRun(() -> onExit.accept(c));
  }

  /** After the process exited: drains its output, reads why it ended, releases it, reports STOPPED. */
  static void finish(RuntimeContainer c, Launcher launcher, Cgroups cgroups, Clock clock, Consumer<Event> fire) {
    joinPumps(c);
    int code = c.process.exitValue();
    boolean oom = cgroups.oomKilled(c.cgroupPath);
    launcher.cleanUp(c);
    String reason = oom ? "OOMKilled" : code == 0 ? "Completed" : "Error";
    ContainerStatus exited;
    synchronized (c) {
      exited = c.status.withState(ContainerState.EXITED, c.status.startedAt(), clock.instant(), code, reason, null);
      c.status = exited;
    }
    fire.accept(new Event(EventType.STOPPED, exited));
    c.exited.complete(exited);
  }

  /** TERM (KILL at once for a zero timeout), then KILL once {@code timeout} has passed; completes when exited. */
  static CompletionStage<Void> stop(RuntimeContainer c, Launcher launcher, Duration timeout,
      ScheduledExecutorService scheduler, Clock clock, Consumer<Event> fire, Executor io) {
    synchronized (c) {
      if (c.status.state() == ContainerState.EXITED) {
        return CompletableFuture.completedFuture(null);
      }
      if (c.process == null) {
        // Never started: it exits without having run.
        Instant now = clock.instant();
        ContainerStatus exited = c.status.withState(ContainerState.EXITED, null, now, 0, "Completed", null);
        c.status = exited;
        c.exited.complete(exited);
        fire.accept(new Event(EventType.STOPPED, exited));
        return CompletableFuture.completedFuture(null);
      }
    }
    boolean now = timeout.isZero() || timeout.isNegative();
    io.execute(() -> launcher.signal(c, now ? "KILL" : "TERM"));
    ScheduledFuture<?> kill = now ? null : scheduler.schedule(() -> io.execute(() -> {
      if (!c.exited.isDone()) {
        launcher.signal(c, "KILL");
      }
    }), timeout.toMillis(), TimeUnit.MILLISECONDS);
    return c.exited.thenAccept(s -> {
      if (kill != null) {
        kill.cancel(false);
      }
    });
  }

  /** Usage of running containers from their cgroups; the CPU rate since the last reading (or since start). */
  static List<ContainerStats> stats(List<RuntimeContainer> running, Cgroups cgroups, Instant now) {
    List<ContainerStats> stats = new ArrayList<>();
    for (RuntimeContainer c : running) {
      cgroups.usage(c.cgroupPath).ifPresent(u -> {
        long rate;
        synchronized (c) {
          Instant since = c.lastCpu >= 0 ? c.lastCpuAt : c.status.startedAt();
          long before = c.lastCpu >= 0 ? c.lastCpu : 0;
          long nanos = since == null ? 0 : Duration.between(since, now).toNanos();
          rate = nanos <= 0 ? 0 : (long) ((u[0] - before) * 1e9 / nanos);
          c.lastCpu = u[0];
          c.lastCpuAt = now;
        }
        stats.add(new ContainerStats(c.id, now, Math.max(0, rate), u[0], u[1]));
      });
    }
    return stats;
  }

  private static void startFailed(RuntimeContainer c, Clock clock, Consumer<Event> fire, String message) {
    ContainerStatus failed;
    synchronized (c) {
      failed = c.status.withState(ContainerState.EXITED, null, clock.instant(), 128, "StartError", message);
      c.status = failed;
    }
    closeWriter(c);
    c.exited.complete(failed);
    fire.accept(new Event(EventType.STOPPED, failed));
  }

  private static void joinPumps(RuntimeContainer c) {
    for (Thread t : c.pumps) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeWriter(c);
  }

  private static void closeWriter(RuntimeContainer c) {
    try {
      if (c.writer != null) {
        c.writer.close();
      }
    } catch (IOException e) {
      // the log's disk is gone
    }
  }

  private static String lastLine(RuntimeContainer c) {
    List<CriLog.Line> lines = CriLog.parseAll(HostFiles.readOrEmpty(c.logFile));
    return lines.isEmpty() ? "the runtime exited before the container ran" : lines.get(lines.size() - 1).text();
  }
}

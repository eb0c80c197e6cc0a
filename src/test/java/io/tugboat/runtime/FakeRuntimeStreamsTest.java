package io.tugboat.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake runtime's streams: logs with their options, previous attempts' logs, follow ending when the container
 * exits, built-in exec commands, cat and attach fed from stdin, and port-forward echo.
 */
class FakeRuntimeStreamsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

  private static ActorTestKit testKit;
  private static Materializer materializer;

  private FakeRuntime runtime;
  private String sandbox;

  @BeforeAll
  static void startSystem() {
    testKit = ActorTestKit.create("FakeRuntimeStreamsTest",
        ConfigFactory.parseString("akka.actor.provider = local\nakka.coordinated-shutdown.exit-jvm = off").withFallback(ConfigFactory.load()));
    materializer = Materializer.matFromSystem(testKit.system());
  }

  @AfterAll
  static void stopSystem() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newRuntime() throws Exception {
    runtime = new FakeRuntime("n", Clock.fixed(T0, ZoneOffset.UTC), Duration.ZERO, (d, a) -> a.run(),
        "10.9.0.0/24");
    sandbox = await(runtime.runPodSandbox(new ContainerRuntime.SandboxConfig("web", "default", "u1", 0, "web",
        Map.of(), Map.of(), "/tmp", false)));
  }

  private String started(String name, int attempt) throws Exception {
    String id = await(runtime.createContainer(sandbox, new ContainerRuntime.ContainerConfig(name, attempt, "busybox",
        List.of(), List.of(), "", Map.of(), List.of(), name + ".log", Map.of(), Map.of())));
    await(runtime.startContainer(id));
    return id;
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static String text(Source<ByteString, ?> bytes) throws Exception {
    return await(bytes.runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer))
        .utf8String();
  }

  private static String stdout(ExecSession s) throws Exception {
    Source.<ByteString>empty().runWith(s.stdin(), materializer);
    Source.<TerminalSize>empty().runWith(s.resize(), materializer);
    s.stderr().runWith(Sink.ignore(), materializer);
    return text(s.stdout());
  }

  @Test
  void logsHonourTailTimestampsAndLimitBytes() throws Exception {
    String c = started("app", 0);
    runtime.appendLog(c, "one");
    runtime.appendLog(c, "two");
    runtime.appendLog(c, "three");
    assertEquals("one\ntwo\nthree\n", text(runtime.containerLogs(c, LogOptions.defaults())));
    assertEquals("two\nthree\n", text(runtime.containerLogs(c, LogOptions.defaults().withTailLines(2))));
    assertEquals(T0 + " three\n", text(runtime.containerLogs(c,
        LogOptions.defaults().withTailLines(1).withTimestamps(true))));
    assertEquals("on", text(runtime.containerLogs(c, LogOptions.defaults().withLimitBytes(2))));
    assertEquals("", text(runtime.containerLogs(c, LogOptions.defaults().withSinceTime(T0.plusSeconds(1)))));
  }

  @Test
  void previousIsTheLogOfTheAttemptBefore() throws Exception {
    String first = started("app", 0);
    runtime.appendLog(first, "crashed");
    runtime.exit(first, 1);
    String second = started("app", 1);
    runtime.appendLog(second, "running again");
    assertEquals("crashed\n", text(runtime.containerLogs(second, LogOptions.defaults().withPrevious(true))));
    assertEquals("running again\n", text(runtime.containerLogs(second, LogOptions.defaults())));
    assertThrows(ContainerRuntime.RuntimeError.class,
        () -> runtime.containerLogs(first, LogOptions.defaults().withPrevious(true)));
  }

  @Test
  void aFollowedLogEndsWhenItsContainerExits() throws Exception {
    String c = started("app", 0);
    runtime.appendLog(c, "before");
    CompletionStage<String> followed = collect(runtime.containerLogs(c, LogOptions.defaults().withFollow(true)));
    runtime.appendLog(c, "after");
    runtime.exit(c, 0);
    assertEquals("before\nafter\n", await(followed));
  }

  private static CompletionStage<String> collect(Source<ByteString, ?> bytes) {
    return bytes.runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer)
        .thenApply(ByteString::utf8String);
  }

  @Test
  void execRunsBuiltInsAndWritesToTheMainProcessOutput() throws Exception {
    String c = started("app", 0);
    assertEquals("a b\n", stdout(runtime.exec(c, List.of("/bin/echo", "a", "b"), false, false)));
    assertTrue(stdout(runtime.exec(c, List.of("env"), false, false)).contains("HOSTNAME=web\n"));
    assertEquals(4, await(runtime.exec(c, List.of("sh", "-c", "exit 4"), false, false).exitCode()));
    stdout(runtime.exec(c, List.of("sh", "-c", "echo 'to the log' > /proc/1/fd/1"), false, false));
    assertEquals("to the log\n", text(runtime.containerLogs(c, LogOptions.defaults())));
    runtime.exit(c, 0);
    assertThrows(ContainerRuntime.RuntimeError.class, () -> runtime.exec(c, List.of("ls"), false, false));
  }

  @Test
  void catEchoesStdinWhicheverPartRunsFirst() throws Exception {
    String c = started("app", 0);
    ExecSession cat = runtime.exec(c, List.of("cat"), true, false);
    CompletionStage<String> out = collect(cat.stdout());
    Source.from(List.of(ByteString.fromString("x"), ByteString.fromString("y"))).runWith(cat.stdin(), materializer);
    assertEquals("xy", await(out));
    assertEquals(0, await(cat.exitCode()));
  }

  @Test
  void attachEndsWithTheContainersExitCode() throws Exception {
    String c = started("app", 0);
    ExecSession attached = runtime.attach(c, false, false);
    CompletionStage<String> out = collect(attached.stdout());
    runtime.appendLog(c, "live");
    runtime.exit(c, 7);
    assertEquals("live\n", await(out));
    assertEquals(7, await(attached.exitCode()));
  }

  @Test
  void attachWithStdinEchoesItAndEndsAfterItOnceStdinCloses() throws Exception {
    String c = started("app", 0);
    ExecSession attached = runtime.attach(c, true, false);
    CompletionStage<String> out = collect(attached.stdout());
    Source.single(ByteString.fromString("one\ntwo\n")).runWith(attached.stdin(), materializer);
    assertEquals("one\ntwo\n", await(out));
    assertEquals(0, await(attached.exitCode()));
    assertEquals("one\ntwo\n", text(runtime.containerLogs(c, LogOptions.defaults())));
  }

  @Test
  void portForwardEchoesIntoAReadySandboxOnly() throws Exception {
    assertEquals("ping", text(Source.single(ByteString.fromString("ping")).via(runtime.portForward(sandbox, 80))));
    await(runtime.stopPodSandbox(sandbox));
    assertThrows(ContainerRuntime.RuntimeError.class, () -> runtime.portForward(sandbox, 80));
  }
}

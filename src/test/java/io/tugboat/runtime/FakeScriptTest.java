package io.tugboat.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.runtime.ContainerRuntime.ContainerConfig;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scripts the fake runtime runs to an end (Job pods on hollow nodes), and everything else that stays up. */
class FakeScriptTest {

  private static Optional<FakeScript> sh(String script) {
    return FakeScript.parse(List.of("sh", "-c"), List.of(script));
  }

  @Test
  void parsesEchoSleepAndExit() {
    assertEquals(List.of(new FakeScript.Echo("3.14159"), new FakeScript.Exit(0)),
        sh("echo '3.14159'; exit 0").orElseThrow().steps());
    assertEquals(List.of(new FakeScript.Sleep(Duration.ofMillis(1500))),
        FakeScript.parse(List.of("sleep", "1.5"), List.of()).orElseThrow().steps());
    assertEquals(List.of(new FakeScript.Echo("a"), new FakeScript.Exit(3)),
        sh("echo a && exit 3; echo never").orElseThrow().steps());
    assertEquals(List.of(new FakeScript.Exit(1)), FakeScript.parse(List.of("false"), null).orElseThrow().steps());
  }

  @Test
  void theDocsPiJobPrintsPi() {
    FakeScript pi = FakeScript.parse(List.of("perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"), null).orElseThrow();
    String digits = ((FakeScript.Echo) pi.steps().get(0)).text();
    assertEquals(2001, digits.length());
    assertTrue(digits.startsWith("3.14159265358979323846264338327950288419716939937510"), digits);
    assertTrue(digits.endsWith("4780275901"), "digit 2000 rounded, as perl prints it");
    String sixty = FakeScript.pi(60);
    assertTrue(digits.startsWith(sixty.substring(0, 60)), "the same digits at any precision: " + sixty);
    assertEquals(new FakeScript.Exit(0), pi.steps().get(1));
  }

  @Test
  void anythingElseKeepsRunning() {
    assertTrue(sh("echo prod").isEmpty(), "ends with an echo: a long-running container's start-up line");
    assertTrue(sh("env | grep APP").isEmpty());
    assertTrue(FakeScript.parse(List.of("nginx"), List.of()).isEmpty());
    assertTrue(FakeScript.parse(List.of(), List.of()).isEmpty());
    assertTrue(sh("sleep forever").isEmpty());
  }

  @Test
  void theFakeRuntimeRunsAScriptAndExitsWithItsCode() throws Exception {
    List<Runnable> held = new ArrayList<>();
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    FakeRuntime rt = new FakeRuntime("n1", clock, Duration.ZERO, (d, a) -> held.add(a), "10.244.0.0/24");
    String sb = FakeRuntimeTest.await(rt.runPodSandbox(FakeRuntimeTest.sandbox("u1")));
    String c = FakeRuntimeTest.await(rt.createContainer(sb, new ContainerConfig("c", 0, "busybox",
        List.of("sh", "-c"), List.of("echo working; sleep 2; exit 3"), "", Map.of(), List.of(), "c/0.log",
        Map.of(ContainerConfig.KIND_LABEL, "regular"), Map.of())));
    FakeRuntimeTest.await(rt.startContainer(c));
    assertEquals(ContainerState.RUNNING, FakeRuntimeTest.await(rt.containerStatus(c)).state(), "sleeping");
    assertEquals(1, held.size());
    held.remove(0).run();
    ContainerRuntime.ContainerStatus done = FakeRuntimeTest.await(rt.containerStatus(c));
    assertEquals(ContainerState.EXITED, done.state());
    assertEquals(3, done.exitCode());
    var testKit = akka.actor.testkit.typed.javadsl.ActorTestKit.create();
    try {
      var bytes = rt.containerLogs(c, LogOptions.defaults()).runWith(akka.stream.javadsl.Sink.fold(
          akka.util.ByteString.emptyByteString(), akka.util.ByteString::concat),
          akka.stream.Materializer.matFromSystem(testKit.system()));
      assertEquals("working\n", FakeRuntimeTest.await(bytes).utf8String());
    } finally {
      testKit.shutdownTestKit();
    }
  }
}

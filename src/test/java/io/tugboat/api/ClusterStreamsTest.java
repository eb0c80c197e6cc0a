package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tugboat.api.streaming.ClusterContainerStreams;
import io.tugboat.api.streaming.PodRef;
import io.tugboat.model.ApiException;
import io.tugboat.node.ClusterUsage;
import io.tugboat.node.MetricsRegistry;
import io.tugboat.node.NodeUsage;
import io.tugboat.node.PodStreamServer;
import io.tugboat.node.PodStreams;
import io.tugboat.node.UsageServer;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.FakeRuntime;
import io.tugboat.runtime.LogOptions;
import io.tugboat.runtime.TerminalSize;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two actor systems joined in one cluster, as two JVMs would be: the worker runs node n1's stream server over a
 * fake runtime and the JVM's usage server; the API side finds them through the receptionist and streams logs,
 * exec, attach and port-forward across Artery (every message and element serialized), and reads node usage.
 */
class ClusterStreamsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final PodRef POD = new PodRef("default", "p", "uid-p", "n1");

  private static ActorTestKit worker;
  private static ActorTestKit api;
  private static FakeRuntime runtime;
  private static ClusterContainerStreams streams;
  private static Materializer materializer;
  private static String app;
  private static String crashed;

  @BeforeAll
  static void start() throws Exception {
    worker = ActorTestKit.create("tugboat", config());
    api = ActorTestKit.create("tugboat", config());
    Cluster first = Cluster.get(worker.system());
    first.manager().tell(Join.create(first.selfMember().address()));
    Cluster.get(api.system()).manager().tell(Join.create(first.selfMember().address()));
    worker.createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(2, Cluster.get(api.system()).state().members().size());
      Cluster.get(api.system()).state().getMembers().forEach(m -> assertEquals(MemberStatus.up(), m.status()));
      return null;
    });

    runtime = new FakeRuntime("n1", Clock.systemUTC(), Duration.ZERO, (delay, action) -> action.run(),
        "10.1.0.0/24");
    String sandbox = await(runtime.runPodSandbox(new ContainerRuntime.SandboxConfig("p", "default", "uid-p", 0, "p",
        Map.of(), Map.of(), "/tmp", false)));
    app = container(sandbox, "app", 0, true);
    container(sandbox, "idle", 0, false);
    runtime.exit(container(sandbox, "done", 0, true), 3);
    crashed = container(sandbox, "restarted", 0, true);
    runtime.appendLog(crashed, "before the crash");
    runtime.exit(crashed, 1);
    runtime.appendLog(container(sandbox, "restarted", 1, true), "after the restart");
    worker.spawn(PodStreamServer.create("n1", runtime), "streams-n1");
    worker.spawn(UsageServer.create(), "usage-server");
    MetricsRegistry.get(worker.system()).publish(new NodeUsage("n1", Instant.parse("2026-01-01T00:00:00Z"),
        Duration.ofSeconds(10), new NodeUsage.Usage(5_000_000, 1 << 20), Map.of()));

    streams = new ClusterContainerStreams(api.system(), Duration.ofSeconds(5));
    materializer = Materializer.matFromSystem(api.system());
    // Registrations spread by gossip: start once the API side's receptionist lists the worker's servers.
    api.createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(1, find(api.system(), PodStreams.key("n1")));
      assertEquals(1, find(api.system(), UsageServer.KEY));
      return null;
    });
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.shutdownTestKit();
    }
    if (worker != null) {
      worker.shutdownTestKit();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  private static Config config() {
    return ConfigFactory.parseString("""
            akka.loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.artery.canonical.hostname = "127.0.0.1"
            akka.remote.artery.canonical.port = 0
            akka.cluster.seed-nodes = []
            akka.cluster.jmx.multi-mbeans-in-same-jvm = on
            akka.coordinated-shutdown.exit-jvm = off
            """).withFallback(ConfigFactory.load());
  }

  private static int find(ActorSystem<?> system, akka.actor.typed.receptionist.ServiceKey<?> key) throws Exception {
    Receptionist.Listing listing = await(AskPattern.ask(system.receptionist(),
        replyTo -> Receptionist.find(key, replyTo), Duration.ofSeconds(3), system.scheduler()));
    return listing.getAllServiceInstances(key).size();
  }

  private static String container(String sandbox, String name, int attempt, boolean start) throws Exception {
    String id = await(runtime.createContainer(sandbox, new ContainerRuntime.ContainerConfig(name, attempt, "busybox",
        List.of(), List.of(), "", Map.of(), List.of(), name + ".log", Map.of(), Map.of())));
    if (start) {
      await(runtime.startContainer(id));
    }
    return id;
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static String text(Source<ByteString, ?> bytes) throws Exception {
    return await(bytes.runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer))
        .utf8String();
  }

  /** Runs a session as the transports do: every part once, inputs from the given sources. */
  private record Ran(String stdout, String stderr, int exitCode) {}

  private static Ran run(ExecSession s, Source<ByteString, ?> stdin, Source<TerminalSize, ?> resize)
      throws Exception {
    stdin.runWith(s.stdin(), materializer);
    resize.runWith(s.resize(), materializer);
    CompletionStage<ByteString> out = s.stdout().runWith(Sink.fold(ByteString.emptyByteString(),
        ByteString::concat), materializer);
    CompletionStage<ByteString> err = s.stderr().runWith(Sink.fold(ByteString.emptyByteString(),
        ByteString::concat), materializer);
    return new Ran(await(out).utf8String(), await(err).utf8String(), await(s.exitCode()));
  }

  private static ApiException refusal(CompletionStage<?> stage) {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(stage));
    return assertInstanceOf(ApiException.class, e.getCause());
  }

  @Test
  void logsCrossTheClusterFromTheAgentsRuntime() throws Exception {
    runtime.appendLog(app, "one");
    runtime.appendLog(app, "two");
    // Other tests write to the same log: the last lines are this test's.
    assertEquals("one\ntwo\n", text(await(streams.logs(POD, "app", null,
        LogOptions.defaults().withTailLines(2)))));
    assertTrue(text(await(streams.logs(POD, "app", null, LogOptions.defaults()))).endsWith("one\ntwo\n"));
  }

  @Test
  void execRunsBuiltInCommandsAndReportsTheirExitCodes() throws Exception {
    assertEquals(new Ran("hi there\n", "", 0), run(await(streams.exec(POD, "app", List.of("echo", "hi", "there"),
        false, false)), Source.empty(), Source.empty()));
    assertEquals(3, run(await(streams.exec(POD, "app", List.of("sh", "-c", "exit 3"), false, false)),
        Source.empty(), Source.empty()).exitCode());
    assertEquals(127, run(await(streams.exec(POD, "app", List.of("nosuch"), false, false)), Source.empty(),
        Source.empty()).exitCode());
  }

  @Test
  void catCopiesStdinAndResizesReachTheContainer() throws Exception {
    ExecSession cat = await(streams.exec(POD, "app", List.of("cat"), true, true));
    Ran ran = run(cat, Source.from(List.of(ByteString.fromString("hello "), ByteString.fromString("world"))),
        Source.single(new TerminalSize(80, 24)));
    assertEquals(new Ran("hello world", "", 0), ran);
    TestProbe<Void> probe = api.createTestProbe();
    probe.awaitAssert(WAIT, () -> {
      assertEquals(List.of(new TerminalSize(80, 24)), runtime.resizes(app));
      return null;
    });
  }

  @Test
  void attachEchoesStdinIntoTheLogItFollows() throws Exception {
    ExecSession attached = await(streams.attach(POD, "app", true, false));
    Ran ran = run(attached, Source.single(ByteString.fromString("typed\n")), Source.empty());
    assertEquals(0, ran.exitCode());
    assertEquals("typed\n", text(await(streams.logs(POD, "app", null, LogOptions.defaults().withTailLines(1)))));
  }

  @Test
  void portForwardConnectsThroughTheSandbox() throws Exception {
    String echoed = text(Source.from(List.of(ByteString.fromString("ping "), ByteString.fromString("pong")))
        .via(streams.portForward(POD, 8080)));
    assertEquals("ping pong", echoed);
  }

  @Test
  void previousLogsAreThoseOfTheAttemptBefore() throws Exception {
    assertEquals("before the crash\n", text(await(streams.logs(POD, "restarted", null,
        LogOptions.defaults().withPrevious(true)))));
    assertEquals("after the restart\n", text(await(streams.logs(POD, "restarted", null, LogOptions.defaults()))));
    // The instance the pod's status names wins, as the kubelet reads what its status says.
    assertEquals("before the crash\n", text(await(streams.logs(POD, "restarted", crashed,
        LogOptions.defaults().withPrevious(true)))));
    assertEquals("before the crash\n", text(await(streams.logs(POD, "restarted", crashed,
        LogOptions.defaults()))));
  }

  @Test
  void containersThatDoNotRunAreBadRequestsInTheKubeletsWords() {
    ApiException waiting = refusal(streams.exec(POD, "idle", List.of("ls"), false, false));
    assertEquals(400, waiting.error().code());
    assertEquals("container \"idle\" in pod \"p\" is waiting to start: ContainerCreating", waiting.error().message());
    ApiException done = refusal(streams.exec(POD, "done", List.of("ls"), false, false));
    assertEquals(400, done.error().code());
    assertTrue(done.error().message().contains("exit code 3"), done.error().message());
    ApiException previous = refusal(streams.logs(POD, "app", null, LogOptions.defaults().withPrevious(true)));
    assertEquals("previous terminated container \"app\" in pod \"p\" not found", previous.error().message());
    ApiException missing = refusal(streams.logs(new PodRef("default", "q", "uid-q", "n1"), "app", null,
        LogOptions.defaults()));
    assertEquals("container \"app\" in pod \"q\" is waiting to start: ContainerCreating", missing.error().message());
  }

  @Test
  void aNodeWithoutAnAgentIsUnavailableNamingTheNode() {
    ClusterContainerStreams impatient = new ClusterContainerStreams(api.system(), Duration.ofMillis(500));
    ApiException e = refusal(impatient.logs(new PodRef("default", "p", "uid-p", "ghost"), "app", null,
        LogOptions.defaults()));
    assertEquals(503, e.error().code());
    assertEquals("ServiceUnavailable", e.error().reason());
    assertTrue(e.error().message().startsWith("node \"ghost\" has no node agent registered"), e.error().message());
  }

  @Test
  void aLogLineBiggerThanOneRemoteMessageArrivesWhole() throws Exception {
    String line = "x".repeat(600 * 1024);
    runtime.appendLog(app, line);
    String log = text(await(streams.logs(POD, "app", null, LogOptions.defaults().withTailLines(1))));
    assertEquals(line.length() + 1, log.length());
  }

  @Test
  void usageOfNodesOnAnotherJvmIsGathered() throws Exception {
    ClusterUsage usage = new ClusterUsage(api.system(), Duration.ofSeconds(3));
    Map<String, NodeUsage> all = await(usage.nodes(Set.of()));
    assertTrue(all.containsKey("n1"), all::toString);
    assertEquals(5_000_000, all.get("n1").usage().cpuNanoCores());
    assertEquals(Set.of(), await(usage.nodes(Set.of("other"))).keySet());
  }

  @Test
  void usageOfThousandsOfPodsComesInBatchesSmallerThanOneRemoteMessage() throws Exception {
    MetricsRegistry registry = MetricsRegistry.get(worker.system());
    Map<String, NodeUsage.PodUsage> pods = new java.util.HashMap<>();
    for (int i = 0; i < 20; i++) {
      pods.put("default/pod-" + i, new NodeUsage.PodUsage("default", "pod-" + i, "uid-" + i,
          List.of(new NodeUsage.ContainerUsage("c", new NodeUsage.Usage(1_000_000, 4 << 20)))));
    }
    for (int n = 0; n < 300; n++) {
      registry.publish(new NodeUsage("hollow-" + n, Instant.now(), Duration.ofSeconds(10),
          new NodeUsage.Usage(20_000_000, 64 << 20), pods));
    }
    try {
      Map<String, NodeUsage> all = await(new ClusterUsage(api.system(), Duration.ofSeconds(5)).nodes(Set.of()));
      assertEquals(301, all.size());
      assertEquals(20, all.get("hollow-299").pods().size());
    } finally {
      for (int n = 0; n < 300; n++) {
        registry.remove("hollow-" + n);
      }
    }
  }
}

package io.tugboat.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.ContainerRuntimes;
import io.tugboat.runtime.FakeRuntime;
import io.tugboat.runtime.image.LocalImageStore;
import io.tugboat.store.ObjectStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node agents of a worker JVM: the one pod dispatcher, this host's agent (unless disabled) and the hollow
 * nodes, which register {@code hollow-start-concurrency} at a time, each with its {@link PodStreamServer}; and
 * the JVM's {@link UsageServer}. All are children of one actor, so they stop with the actor system; each node's
 * runtime is closed with it.
 */
public final class NodeAgents {
  private NodeAgents() {}

  /** Starts this JVM's node agents under {@code ctx} (the guardian). */
  public static void init(ActorContext<?> ctx, ObjectStore store) {
    NodeSettings settings = NodeSettings.create(ctx.getSystem().settings().config());
    ctx.spawn(create(store, settings, Clock.systemUTC()), "node-agents");
  }

  /** The supervisor of this JVM's agents. */
  static Behavior<String> create(ObjectStore store, NodeSettings settings, Clock clock) {
    return Behaviors.setup(ctx -> {
      ActorSystem<?> system = ctx.getSystem();
      FakeRuntime.Delayer delayer = (delay, action) ->
          system.scheduler().scheduleOnce(delay, action, system.executionContext());
      ActorRef<PodDispatcher.Command> dispatcher = ctx.spawn(PodDispatcher.create(store.cache()), "pod-dispatcher");
      ctx.spawn(UsageServer.create(), "usage-server");
      List<ContainerRuntime> runtimes = new ArrayList<>();
      PodSettings pods = PodSettings.create(system.settings().config(), settings.dataDir());
      if (settings.enabled()) {
        String name = settings.hostNodeName();
        ContainerRuntime runtime = ContainerRuntimes.create(settings.runtime(), name, clock, settings.startDelay(),
            delayer, settings.podCidr(), settings.processRuntime(),
            () -> LocalImageStore.inDataDir(settings.dataDir()));
        runtimes.add(runtime);
        HostReadings.Probe probe = HostReadings.live(settings.dataDir());
        ContainerRuntime.Isolation isolation = runtime.isolation();
        ctx.getLog().info("node {}: runtime {}, isolation {}: {}", name, runtime.version(), isolation.level(),
            isolation.message());
        String ready = settings.runtime().equals("fake")
            ? "kubelet is posting ready status; fake runtime: containers are simulated"
            : "kubelet is posting ready status";
        NodeProfile profile = settings.hostProfile(probe.read(), runtime.version(), ready, isolation);
        // The fake runtime's pods use nothing real: the host's own usage is what its node adds to theirs.
        spawnAgent(ctx, new NodeAgent.Setup(profile, settings.timings(), probe, runtime, store, dispatcher, clock,
            null, SystemUsage.live(), pods));
        Config node = system.settings().config().getConfig("tugboat.node");
        Path manifests = node.getString("static-pod-path").isBlank()
            ? settings.dataDir().resolve("manifests") : Path.of(node.getString("static-pod-path"));
        ctx.spawn(StaticPodSource.create(store, name, manifests, node.getDuration("static-pod-check-interval")),
            "static-pods");
      }
      int total = settings.hollowCount();
      long started = System.nanoTime();
      HostReadings hollowReadings = total > 0 ? settings.hollowReadings() : null;
      int[] next = {1};
      int[] ready = {0};
      Runnable spawnNextHollow = () -> {
        int i = next[0]++;
        ContainerRuntime runtime = new FakeRuntime(NodeSettings.hollowName(i), clock, settings.hollowStartDelay(),
            delayer, NodeSettings.hollowPodCidr(i));
        runtimes.add(runtime);
        spawnAgent(ctx, new NodeAgent.Setup(settings.hollowProfile(i, runtime.version()), settings.hollowTimings(),
            () -> hollowReadings, runtime, store, dispatcher, clock, ctx.getSelf(), NodeAgent.SIMULATED_SYSTEM_USAGE,
            pods.hollow())); // hollow pods' volumes would be files nobody reads
      };
      if (total > 0) {
        ctx.getLog().info("starting {} hollow nodes, {} at a time", total, settings.hollowStartConcurrency());
      }
      while (next[0] <= Math.min(total, settings.hollowStartConcurrency())) {
        spawnNextHollow.run();
      }
      return Behaviors.receive(String.class)
          .onMessage(String.class, readyNode -> {
            ready[0]++;
            if (next[0] <= total) {
              spawnNextHollow.run();
            }
            if (ready[0] == total) {
              ctx.getLog().info("{} hollow nodes registered and Ready in {} ms", total,
                  Duration.ofNanos(System.nanoTime() - started).toMillis());
            }
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            runtimes.forEach(ContainerRuntime::close);
            return Behaviors.same();
          })
          .build();
    });
  }

  /** Spawns a node's agent and, beside it, the server of its pods' streams (found through the receptionist). */
  private static void spawnAgent(ActorContext<String> ctx, NodeAgent.Setup setup) {
    Behavior<NodeAgent.Command> agent = Behaviors.supervise(NodeAgent.create(setup))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    String name = URLEncoder.encode(setup.profile().name(), StandardCharsets.UTF_8);
    ctx.spawn(agent, "node-" + name);
    ctx.spawn(Behaviors.supervise(PodStreamServer.create(setup.profile().name(), setup.runtime()))
        .onFailure(SupervisorStrategy.restart()), "streams-" + name);
  }
}

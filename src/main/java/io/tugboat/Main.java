package io.tugboat;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.Join;
import akka.cluster.typed.SingletonActor;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tugboat.api.ApiServer;
import io.tugboat.api.ApiSettings;
import io.tugboat.audit.AuditLog;
import io.tugboat.controllers.Bootstrap;
import io.tugboat.controllers.NamespaceLifecycle;
import io.tugboat.controllers.NodeLifecycle;
import io.tugboat.controllers.autoscaling.HorizontalPodAutoscaling;
import io.tugboat.controllers.gc.GarbageCollector;
import io.tugboat.controllers.quota.QuotaStatusController;
import io.tugboat.controllers.workloads.Workloads;
import io.tugboat.scheduler.Scheduler;
import io.tugboat.scheduler.SchedulerSettings;
import io.tugboat.node.NodeAgents;
import io.tugboat.runtime.image.ImageCli;
import io.tugboat.runtime.image.LocalImageStore;
import io.tugboat.store.ObjectEntity;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.WatchCache;
import io.tugboat.store.WatchCacheFeeder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: {@code serve --data DIR --port PORT [--hollow N]} runs a node (both roles by default; N simulated
 * nodes besides this host's), {@code --config FILE}
 * runs one from a configuration file, {@code audit ...} prints the journal's history while the node is down,
 * {@code image load|ls|rm} manages the node's local images (the store in DIR/images).
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    String command = !rest.isEmpty() && !rest.get(0).startsWith("-") ? rest.remove(0) : "serve";
    Map<String, String> opts = new HashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      if (a.startsWith("-") && i + 1 < rest.size()) {
        opts.put(a.replaceFirst("^-+", ""), rest.get(++i));
      } else {
        positional.add(a);
      }
    }
    switch (command) {
      case "serve" -> serve(config(opts, false));
      case "audit" -> audit(config(opts, true), positional.isEmpty() ? "" : positional.get(0),
          opts.getOrDefault("n", opts.getOrDefault("namespace", "default")), opts.getOrDefault("since", ""));
      case "image" -> System.exit(ImageCli.run(
          LocalImageStore.inDataDir(Path.of(config(opts, true).getString("tugboat.data-dir"))), positional,
          System.out, System.err));
      default -> {
        System.err.println("usage: tugboat.jar serve [--data DIR] [--port PORT] [--hollow N] [--config FILE]\n"
            + "       tugboat.jar audit [TYPE/NAME] [-n NS] [--since DURATION] --data DIR\n"
            + "       tugboat.jar image load FILE... | ls | rm NAME... --data DIR");
        System.exit(2);
      }
    }
  }

  /** The configuration: --config FILE (or the defaults), then --data and --port, and the data dir's PKI. */
  static Config config(Map<String, String> opts, boolean local) {
    Map<String, Object> overrides = new HashMap<>();
    String data = opts.get("data");
    if (data != null) {
      overrides.put("tugboat.data-dir", Path.of(data).toAbsolutePath().toString());
    }
    if (opts.containsKey("port")) {
      overrides.put("tugboat.api.port", Integer.parseInt(opts.get("port")));
    }
    if (opts.containsKey("hollow")) {
      overrides.put("tugboat.node.hollow-count", Integer.parseInt(opts.get("hollow")));
    }
    if (local) {
      overrides.put("akka.actor.provider", "local");
      overrides.put("akka.loglevel", "WARNING");
      overrides.put("akka.coordinated-shutdown.exit-jvm", "off");
    }
    Config app = ConfigFactory.parseResourcesAnySyntax("application");
    Config base = opts.containsKey("config")
        ? ConfigFactory.parseFile(Path.of(opts.get("config")).toFile()).withFallback(app) : app;
    Config config = ConfigFactory.load(ConfigFactory.parseMap(overrides).withFallback(base));
    Path pki = Path.of(config.getString("tugboat.data-dir"), "pki");
    Map<String, Object> tls = new HashMap<>();
    if (config.getString("tugboat.api.tls-keystore").isEmpty() && Files.exists(pki.resolve("server.p12"))) {
      tls.put("tugboat.api.tls-keystore", pki.resolve("server.p12").toString());
      tls.put("tugboat.api.tls-keystore-password-file", pki.resolve("keystore.pass").toString());
    }
    if (config.getString("tugboat.api.token-file").isEmpty() && Files.exists(pki.resolve("tokens.csv"))) {
      tls.put("tugboat.api.token-file", pki.resolve("tokens.csv").toString());
    }
    return ConfigFactory.parseMap(tls).withFallback(config);
  }

  static void serve(Config config) {
    ActorSystem.create(guardian(), "tugboat", config);
  }

  /**
   * The root actor: joins the cluster, starts sharding, the watch cache, the API, the singletons and, on workers,
   * the node agents.
   */
  public static Behavior<Void> guardian() {
    return Behaviors.setup(ctx -> {
      ActorSystem<?> system = ctx.getSystem();
      Config config = system.settings().config();
      Cluster cluster = Cluster.get(system);
      if (config.getStringList("akka.cluster.seed-nodes").isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      ObjectEntity.initSharding(system);
      WatchCache cache = new WatchCache(config.getInt("tugboat.store.watch-window"));
      ObjectStore store = new ObjectStore(system, cache);
      WatchCacheFeeder.start(system, cache);
      java.time.Duration bookmarkEvery = config.getDuration("tugboat.store.bookmark-interval");
      system.scheduler().scheduleAtFixedRate(bookmarkEvery, bookmarkEvery, cache::bookmarkAll,
          system.executionContext());
      ClusterSingleton.get(system).init(SingletonActor.of(NamespaceLifecycle.create(store), "namespace-lifecycle"));
      NodeLifecycle.init(system, store);
      if (config.getBoolean("tugboat.workloads.enabled")) {
        Workloads.init(system, store, java.time.Clock.systemUTC());
      }
      io.tugboat.controllers.cronjob.CronJobController.init(system, store, java.time.Clock.systemUTC());
      HorizontalPodAutoscaling.init(system, store);
      ClusterSingleton.get(system).init(SingletonActor.of(GarbageCollector.create(store, java.time.Clock.systemUTC()),
          "garbage-collector"));
      QuotaStatusController.init(system, store);
      io.tugboat.controllers.podgc.PodGarbageCollector.init(system, store);
      io.tugboat.controllers.volumes.Volumes.init(system, store);
      ClusterSingleton.get(system).init(SingletonActor.of(Scheduler.create(store, SchedulerSettings.create(config)), "scheduler"));
      if (cluster.selfMember().hasRole("worker")) {
        NodeAgents.init(ctx, store);
      }
      ApiSettings settings = ApiSettings.create(config);
      cache.ready().thenCompose(rv -> {
        try {
          return ApiServer.start(system, store, settings);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).thenCompose(binding -> Bootstrap.run(store, config))
          .whenComplete((ok, error) -> {
            if (error != null) {
              log.error("Tugboat failed to start", error);
              system.terminate();
            } else {
              log.info("Tugboat is serving");
            }
          });
      return Behaviors.empty();
    });
  }

  static void audit(Config config, String object, String namespace, String since) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "tugboat-audit", config);
    int status = 0;
    try {
      String text = new AuditLog(system).render(object, namespace, since).toCompletableFuture()
          .get(5, TimeUnit.MINUTES);
      System.out.print(text);
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("error: " + e.getCause().getMessage());
      status = 1;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

}

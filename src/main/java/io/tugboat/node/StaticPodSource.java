package io.tugboat.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The static pods of this host's node (the kubelet's file source, {@link StaticPods}): every {@code interval}
 * it reads the manifest directory and writes the mirror pods it asks for. A mirror pod is bound to the node, so
 * the node agent runs it as any other pod; deleting it through the API only restarts it (it comes back at the
 * next pass), removing its manifest stops it. One pass at a time; a pass whose writes fail is simply redone by the
 * next one.
 */
final class StaticPodSource {
  private StaticPodSource() {}

  private static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  private static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();

  /** PASS reads the directory and writes what differs (timers send it; tests may too); DONE ends a pass. */
  enum Tick { PASS, DONE }

  static Behavior<Tick> create(ObjectStore store, String nodeName, Path dir, Duration interval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.PASS, interval);
      ctx.getSelf().tell(Tick.PASS);
      boolean[] running = {false};
      Set<String> reported = new HashSet<>();
      return Behaviors.receiveMessage(tick -> {
        if (tick == Tick.DONE) {
          running[0] = false;
          return Behaviors.same();
        }
        if (running[0]) {
          return Behaviors.same();
        }
        String nodeUid = store.cache().get(ObjectKey.of(NODES, "", nodeName))
            .map(e -> Json.metaText(e.object(), "uid")).orElse("");
        if (nodeUid.isEmpty()) {
          return Behaviors.same(); // the node registers first: mirror pods are owned by it
        }
        StaticPods.Desired desired = StaticPods.read(dir, nodeName, nodeUid);
        for (String error : desired.errors()) {
          if (reported.add(error)) {
            ctx.getLog().warn("static pod manifest not used: {}", error);
          }
        }
        StaticPods.Plan plan = StaticPods.plan(desired.pods(), mirrors(store.cache(), nodeName));
        if (plan.create().isEmpty() && plan.delete().isEmpty()) {
          return Behaviors.same();
        }
        running[0] = true;
        CompletableFuture<?>[] writes = new CompletableFuture<?>[plan.create().size() + plan.delete().size()];
        int i = 0;
        for (ObjectNode pod : plan.create()) {
          ctx.getLog().info("static pod {}/{}: creating its mirror pod", Json.metaText(pod, "namespace"),
              Json.metaText(pod, "name"));
          writes[i++] = quiet(store.create(PODS, pod, request(nodeName, "create")));
        }
        for (String key : plan.delete()) {
          String[] nsName = key.split("/", 2);
          ctx.getLog().info("static pod {}: deleting its mirror pod (manifest changed or removed)", key);
          // As the kubelet deletes mirror pods: at once (the manifest, not the API, says when the pod stops).
          writes[i++] = quiet(store.delete(ObjectKey.of(PODS, nsName[0], nsName[1]), null, null, 0L, null,
              request(nodeName, "delete")));
        }
        ctx.pipeToSelf(CompletableFuture.allOf(writes), (ok, e) -> Tick.DONE);
        return Behaviors.same();
      });
    }));
  }

  /** This node's mirror pods in the cache: namespace/name to their config.mirror hash. */
  private static Map<String, String> mirrors(WatchCache cache, String nodeName) {
    Map<String, String> out = new HashMap<>();
    List<WatchCache.Entry> pods = cache.list(PODS.storageKey(), null, e -> nodeName.equals(
        e.object().path("spec").path("nodeName").asText()) && e.object().path("metadata").path("annotations")
        .has(StaticPods.MIRROR), null, 0).items();
    for (WatchCache.Entry e : pods) {
      out.put(Json.metaText(e.object(), "namespace") + "/" + Json.metaText(e.object(), "name"),
          e.object().path("metadata").path("annotations").path(StaticPods.MIRROR).asText());
    }
    return out;
  }

  /** A write whose failure (a conflict, a namespace not there yet) only means the next pass tries again. */
  private static CompletableFuture<?> quiet(CompletionStage<?> write) {
    return write.toCompletableFuture().handle((r, e) -> null);
  }

  private static RequestInfo request(String nodeName, String verb) {
    return new RequestInfo("system:node:" + nodeName, "tugboat-node", java.util.UUID.randomUUID().toString(), verb,
        java.time.Instant.now());
  }
}

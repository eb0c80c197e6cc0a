package io.tugboat.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.StoreTestConfig;
import io.tugboat.store.WatchCache;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A one-node store (sharded entities over LevelDB, the watch cache) for controller tests, and a few writes. */
public final class StoreNode implements AutoCloseable {

  public static final Duration WAIT = Duration.ofSeconds(15);

  public final ActorTestKit testKit;
  public final ObjectStore store;

  public StoreNode(String name, Path dataDir) throws Exception {
    testKit = ActorTestKit.create(name, StoreTestConfig.singleNodeCluster(dataDir));
    store = StoreTestConfig.startStore(testKit, new WatchCache(10_000), WAIT);
    ResourceType namespaces = io.tugboat.model.ResourceRegistry.byPath("", "v1", "namespaces").orElseThrow();
    for (String ns : new String[] {"default", NodeLifecycle.LEASE_NAMESPACE}) {
      await(store.create(namespaces, json("{'metadata':{'name':'" + ns + "'}}"), request("create")));
    }
  }

  public static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  public static RequestInfo request(String verb) {
    return RequestInfo.system("controller-test", verb);
  }

  public static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  public ObjectNode create(ResourceType type, ObjectNode obj) throws Exception {
    return await(store.create(type, obj, request("create"))).object();
  }

  /** Replaces the status of the cached object with {@code status}. */
  public ObjectNode writeStatus(ObjectKey key, JsonNode status) throws Exception {
    ObjectNode obj = get(key).orElseThrow().deepCopy();
    obj.set("status", status);
    return await(store.update(key, obj, Subresource.STATUS, request("update"))).object();
  }

  public Optional<ObjectNode> get(ObjectKey key) {
    return store.get(key).map(WatchCache.Entry::object);
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
  }

  /** A clock tests move by hand. */
  public static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now;

    public MovableClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    public void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}

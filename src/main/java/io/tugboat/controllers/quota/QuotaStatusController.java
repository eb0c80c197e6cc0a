package io.tugboat.controllers.quota;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.model.quota.QuotaCheck;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The resource quota controller (a cluster singleton): keeps every ResourceQuota's status.hard (its spec.hard,
 * canonical) and status.used (what the namespace's covered objects use, from this node's cache) current through
 * the status subresource. Woken by any change of a stored resource a quota can count, a burst coalesced into one
 * pass after a short delay, and by a periodic resync. Admission does not read this status (see QuotaGate): it
 * is what {@code kubectl describe quota} shows.
 */
public final class QuotaStatusController {

  /** Messages of the controller. */
  public sealed interface Command {}

  /** Something a quota may count changed: pass soon. */
  private enum Changed implements Command { INSTANCE }

  /** Recompute every quota now. */
  private enum Tick implements Command { INSTANCE }

  private record Done(ObjectKey key, Throwable error) implements Command {}

  /** A quota's new status (the whole object, with the cached resourceVersion as precondition). */
  record StatusUpdate(ObjectKey key, ObjectNode quota) {}

  /** The settings under {@code tugboat.quota}. */
  public record Settings(boolean enabled, Duration resyncPeriod, Duration coalesce) {
    /** Reads {@code tugboat.quota}. */
    public static Settings create(Config config) {
      Config c = config.getConfig("tugboat.quota");
      return new Settings(c.getBoolean("status-enabled"), c.getDuration("resync-period"), c.getDuration("coalesce"));
    }
  }

  static final ResourceType QUOTAS = ResourceRegistry.byPath("", "v1", "resourcequotas").orElseThrow();
  // Kinds that change constantly and that no quota in practice counts; count/events and count/leases are
  // still right after the periodic resync.
  private static final Set<String> NOT_WATCHED = Set.of("core/events", "coordination.k8s.io/leases");

  private QuotaStatusController() {}

  /** Starts the controller as a cluster singleton (call on every control-plane node) unless disabled. */
  public static void init(ActorSystem<?> system, ObjectStore store) {
    Settings settings = Settings.create(system.settings().config());
    if (settings.enabled()) {
      ClusterSingleton.get(system).init(SingletonActor.of(create(store, settings, Clock.systemUTC()),
          "resource-quota-controller"));
    }
  }

  /** The controller over this node's store. */
  public static Behavior<Command> create(ObjectStore store, Settings settings, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      AtomicBoolean pending = new AtomicBoolean();
      Set<String> watched = new HashSet<>();
      ResourceRegistry.all().forEach(t -> watched.add(t.storageKey()));
      watched.removeAll(NOT_WATCHED);
      Runnable cancel = store.cache().onChanges(List.copyOf(watched), () -> {
        if (pending.compareAndSet(false, true)) {
          ctx.getSelf().tell(Changed.INSTANCE);
        }
      });
      timers.startTimerWithFixedDelay("resync", Tick.INSTANCE, settings.resyncPeriod());
      ctx.getSelf().tell(Tick.INSTANCE);
      Set<ObjectKey> inFlight = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Changed.class, c -> {
            if (!timers.isTimerActive("coalesce")) {
              timers.startSingleTimer("coalesce", Tick.INSTANCE, settings.coalesce());
            }
            return Behaviors.same();
          })
          .onMessage(Tick.class, t -> {
            pending.set(false);
            pass(ctx, store, clock, inFlight);
            return Behaviors.same();
          })
          .onMessage(Done.class, d -> {
            inFlight.remove(d.key());
            if (d.error() != null) {
              ctx.getLog().debug("status of {} not written; the next pass decides again: {}", d.key(),
                  d.error().getMessage());
              if (!timers.isTimerActive("coalesce")) {
                timers.startSingleTimer("coalesce", Tick.INSTANCE, settings.coalesce());
              }
            }
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            cancel.run();
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static void pass(ActorContext<Command> ctx, ObjectStore store, Clock clock, Set<ObjectKey> inFlight) {
    Instant now = clock.instant();
    List<JsonNode> quotas = new ArrayList<>();
    store.cache().list(QUOTAS.storageKey(), null, e -> true, null, 0).items().forEach(e -> quotas.add(e.object()));
    if (quotas.isEmpty()) {
      return;
    }
    List<StatusUpdate> updates = plan(quotas, namespace -> storageKey -> {
      List<JsonNode> objects = new ArrayList<>();
      store.cache().list(storageKey, namespace, e -> true, null, 0).items().forEach(e -> objects.add(e.object()));
      return objects;
    }, now);
    for (StatusUpdate u : updates) {
      if (inFlight.add(u.key())) {
        RequestInfo request = new RequestInfo("system:resource-quota-controller", "tugboat",
            UUID.randomUUID().toString(), "update", now);
        ctx.pipeToSelf(store.update(u.key(), u.quota(), Subresource.STATUS, request),
            (ok, error) -> new Done(u.key(), error));
      }
    }
  }

  /** Each namespace's objects, as the cache (or a test) holds them. */
  interface Namespaces {
    /** The objects of one namespace. */
    QuotaCheck.Objects in(String namespace);
  }

  /** The quotas whose status differs from what their namespaces' objects say now, with the status they should have. */
  static List<StatusUpdate> plan(List<JsonNode> quotas, Namespaces namespaces, Instant now) {
    List<StatusUpdate> updates = new ArrayList<>();
    for (JsonNode quota : quotas) {
      String ns = Json.metaText(quota, "namespace");
      ObjectNode status = status(quota, namespaces.in(ns), now);
      if (!status.equals(quota.path("status"))) {
        ObjectNode updated = quota.deepCopy();
        updated.set("status", status);
        updates.add(new StatusUpdate(ObjectKey.of(QUOTAS, ns, Json.metaText(quota, "name")), updated));
      }
    }
    return updates;
  }

  /** A quota's status: hard as its spec says (canonical), used as its namespace's covered objects use. */
  static ObjectNode status(JsonNode quota, QuotaCheck.Objects objects, Instant now) {
    ObjectNode status = Json.object();
    ObjectNode hard = status.putObject("hard");
    QuotaCheck.canonical(QuotaCheck.hard(quota)).forEach(hard::put);
    ObjectNode used = status.putObject("used");
    QuotaCheck.canonical(QuotaCheck.used(quota, objects, now)).forEach(used::put);
    return status;
  }
}

package io.tugboat.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import io.tugboat.model.quota.Amount;
import io.tugboat.model.quota.QuotaCheck;
import io.tugboat.model.quota.QuotaUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ResourceQuota admission on this node: a create is checked against the namespace's quotas with the usage of
 * the objects this node's cache holds plus the creates this node has admitted whose writes it has not yet seen
 * (reservations), one check at a time per namespace. A reservation ends when its write settles (the cache then
 * holds the object) or fails. This is exact for creates through one node; creates through several nodes at
 * once can each miss the others' not-yet-replicated objects (see docs/ARCHITECTURE.md, "Quota admission").
 */
public final class QuotaGate {

  /** An admitted create whose write this node has not seen yet. */
  private record Reservation(ObjectKey key, String storageKey, ObjectNode object) {}

  /** What a cached object charges, remembered while the cache holds that very object (objects are immutable). */
  private record Charge(JsonNode object, Map<String, Amount> usage) {}

  /** A namespace's reservations and remembered charges, guarded by the namespace's lock (itself). */
  private static final class Namespace {
    final List<Reservation> pending = new ArrayList<>();
    final Map<ObjectKey, Charge> charges = new HashMap<>();
  }

  private static final Runnable NOTHING = () -> {};
  private static final String QUOTAS = "core/resourcequotas";
  private static final int MAX_REMEMBERED = 20_000;

  private final WatchCache cache;
  private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();

  /** A gate over this node's cache. */
  public QuotaGate(WatchCache cache) {
    this.cache = cache;
  }

  /**
   * Admits a prepared object against its namespace's quotas and reserves its usage until the returned release
   * runs (at once for a dry run or when no quota covers the namespace).
   *
   * @throws ApiException 403 Forbidden naming the exceeded quota
   */
  public Runnable admit(ResourceType type, ObjectNode obj, boolean dryRun, Instant now) {
    if (!type.namespaced()) {
      return NOTHING;
    }
    String namespace = Json.metaText(obj, "namespace");
    List<JsonNode> quotas = objects(QUOTAS, namespace);
    if (quotas.isEmpty()) {
      return NOTHING;
    }
    Namespace state = namespaces.computeIfAbsent(namespace, n -> new Namespace());
    synchronized (state) {
      List<Reservation> pending = state.pending;
      QuotaCheck.Objects counted = new QuotaCheck.Objects() {
        @Override
        public List<? extends JsonNode> list(String storageKey) {
          // A reservation counts unless this very snapshot holds its object: asking the cache again could miss
          // an object that arrived after the snapshot and count it nowhere.
          List<JsonNode> all = objects(storageKey, namespace);
          Set<String> listed = new HashSet<>();
          all.forEach(o -> listed.add(Json.metaText(o, "name")));
          for (Reservation r : pending) {
            if (r.storageKey().equals(storageKey) && !listed.contains(r.key().name())) {
              all.add(r.object());
            }
          }
          return all;
        }

        @Override
        public Map<String, Amount> charges(ResourceType t, JsonNode o, Instant at) {
          if (o.path("metadata").hasNonNull("deletionTimestamp")) {
            return QuotaUsage.of(t, o, at); // changes with time: its grace period may run out
          }
          ObjectKey key = ObjectKey.of(t, namespace, Json.metaText(o, "name"));
          Charge known = state.charges.get(key);
          if (known != null && known.object() == o) {
            return known.usage();
          }
          Map<String, Amount> usage = QuotaUsage.of(t, o, at);
          state.charges.put(key, new Charge(o, Map.copyOf(usage)));
          return usage;
        }
      };
      if (state.charges.size() > MAX_REMEMBERED) {
        state.charges.clear(); // deleted objects' charges go too; the live ones are counted again once
      }
      QuotaCheck.admit(type, obj, quotas, counted, now).ifPresent(reason -> {
        throw new ApiException(ApiError.forbidden(QuotaUsage.resourceName(type), Json.metaText(obj, "name"), reason));
      });
      if (dryRun) {
        return NOTHING;
      }
      Reservation mine = new Reservation(ObjectKey.of(type, namespace, Json.metaText(obj, "name")), type.storageKey(),
          obj);
      pending.add(mine);
      return () -> {
        synchronized (state) {
          pending.remove(mine);
        }
      };
    }
  }

  private List<JsonNode> objects(String storageKey, String namespace) {
    List<JsonNode> out = new ArrayList<>();
    cache.list(storageKey, namespace, e -> true, null, 0).items().forEach(e -> out.add(e.object()));
    return out;
  }
}

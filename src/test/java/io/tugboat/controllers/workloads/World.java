package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Admission;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PodBinding;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An in-memory namespace for the pure reconcile functions: objects by key, writes applied as the store would
 * (defaults, uid, generation moving on spec changes, resourceVersion preconditions), and a kubelet that makes
 * pods ready. No actors; a test drives every step and checks invariants in between.
 */
final class World {

  final Map<ObjectKey, ObjectNode> objects = new TreeMap<>(java.util.Comparator.comparing(ObjectKey::entityId));
  Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private long version;
  private int names;
  final List<String> events = new ArrayList<>();
  /** Runs after every applied plan (invariant checks). */
  Runnable afterEachStep = () -> {};

  static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  /** Creates an object as the store would: named, defaulted, with uid, creation time and generation. */
  ObjectNode create(ResourceType type, ObjectNode in) {
    ObjectNode obj = in.deepCopy();
    ObjectNode meta = Json.meta(obj);
    if (Json.metaText(obj, "name").isEmpty()) {
      meta.put("name", Json.metaText(obj, "generateName") + String.format("%05d", ++names));
    }
    meta.put("namespace", "default");
    obj = ObjectLifecycle.prepareCreate(type, obj, UUID.randomUUID().toString(), now);
    Json.meta(obj).put("resourceVersion", Long.toString(++version));
    ObjectKey key = ObjectKey.of(type, "default", Json.metaText(obj, "name"));
    if (objects.containsKey(key)) {
      throw new IllegalStateException("already exists: " + key);
    }
    objects.put(key, obj);
    return obj;
  }

  /** Replaces an object (or its status) when its resourceVersion is current; false on a conflict. */
  boolean update(ObjectKey key, ObjectNode in, Subresource sub) {
    ObjectNode old = objects.get(key);
    if (old == null || !Json.metaText(in, "resourceVersion").equals(Json.metaText(old, "resourceVersion"))) {
      return false;
    }
    ObjectNode obj = ObjectLifecycle.prepareUpdate(key.type(), old, in, sub);
    Json.meta(obj).put("resourceVersion", Long.toString(++version));
    objects.put(key, obj);
    return true;
  }

  /** Applies a plan's writes in order; the number of writes that took effect. */
  int apply(Plan plan) {
    int done = 0;
    for (Plan.Action a : plan.actions()) {
      if (a instanceof Plan.Create c) {
        ObjectNode created = create(c.type(), c.object());
        if (c.onSuccess() != null) {
          events.add(c.onSuccess().reason() + " " + c.onSuccess().message().replace("%s", Json.metaText(created, "name")));
        }
        done++;
      } else if (a instanceof Plan.Update u) {
        if (update(u.key(), u.object(), u.subresource())) {
          done++;
          if (u.onSuccess() != null) {
            events.add(u.onSuccess().reason() + " " + u.onSuccess().message());
          }
        }
      } else if (a instanceof Plan.Delete d) {
        if (objects.remove(d.key()) != null) {
          done++;
          if (d.onSuccess() != null) {
            events.add(d.onSuccess().reason() + " " + d.onSuccess().message().replace("%s", d.key().name()));
          }
        }
      }
    }
    return done;
  }

  List<JsonNode> list(ResourceType type) {
    List<JsonNode> out = new ArrayList<>();
    objects.forEach((k, v) -> {
      if (k.storageKey().equals(type.storageKey())) {
        out.add(v);
      }
    });
    return out;
  }

  ObjectNode get(ResourceType type, String name) {
    return objects.get(ObjectKey.of(type, "default", name));
  }

  /** The kubelet: up to {@code n} pods that are not ready become Running and Ready now. */
  int makeReady(int n) {
    int made = 0;
    for (JsonNode p : list(ReplicaSetSync.PODS)) {
      if (made >= n) {
        break;
      }
      if (!Pods.ready(p)) {
        ObjectNode copy = (ObjectNode) p.deepCopy();
        copy.with("status").put("phase", "Running");
        PodBinding.setCondition(copy, "Ready", "True", null, null, now);
        update(ObjectKey.of(ReplicaSetSync.PODS, "default", Json.metaText(p, "name")), copy, Subresource.STATUS);
        made++;
        afterEachStep.run();
      }
    }
    return made;
  }

  /** Runs every ReplicaSet's loop until none writes; the number of rounds. */
  int settleReplicaSets() {
    for (int round = 0; round < 100; round++) {
      int writes = 0;
      // Newest revision first: the new ReplicaSet creates before the old ones delete, the order that would push
      // pods past maxSurge if the rollout only counted sizes.
      List<JsonNode> order = new ArrayList<>(list(DeploymentSync.REPLICA_SETS));
      order.sort(java.util.Comparator.comparingLong(Rollout::revisionOf).reversed());
      for (JsonNode rs : order) {
        JsonNode current = get(DeploymentSync.REPLICA_SETS, Json.metaText(rs, "name"));
        writes += apply(ReplicaSetSync.plan(current, list(ReplicaSetSync.PODS), now, 500));
        afterEachStep.run();
      }
      if (writes == 0) {
        return round;
      }
    }
    throw new AssertionError("ReplicaSets never settle");
  }

  static {
    Admission.class.getName(); // the kinds' rules load with the registry
  }
}

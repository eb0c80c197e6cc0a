package io.tugboat.model.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kubernetes' ResourceQuota admission as pure functions: the usage of a quota over a namespace's objects, and
 * whether a new object fits every quota that covers it. The reason of a refusal is worded as Kubernetes words
 * it ({@code exceeded quota: q, requested: pods=1, used: pods=5, limited: pods=5}).
 */
public final class QuotaCheck {

  /** The objects of one namespace, by stored resource (what usage is counted over). */
  @FunctionalInterface
  public interface Objects {
    /** The namespace's objects of one stored resource. */
    List<? extends JsonNode> list(String storageKey);

    /** What one of these objects charges (a caller may remember it per object: it is what costs). */
    default Map<String, Amount> charges(ResourceType type, JsonNode obj, Instant now) {
      return QuotaUsage.of(type, obj, now);
    }
  }

  private QuotaCheck() {}

  /** A quota's hard limits from its spec, by resource name (malformed quantities are left out). */
  public static Map<String, Amount> hard(JsonNode quota) {
    return LimitRanger.resources(quota.path("spec").path("hard"));
  }

  /** The stored resources whose objects a quota counts. */
  public static Set<String> countedResources(JsonNode quota) {
    Set<String> keys = new TreeSet<>();
    quota.path("spec").path("hard").fieldNames().forEachRemaining(n -> QuotaUsage.storageKeyOf(n).ifPresent(keys::add));
    return keys;
  }

  /** What a quota's covered objects use of each hard resource; zero where nothing uses it. */
  public static Map<String, Amount> used(JsonNode quota, Objects objects, Instant now) {
    Map<String, Amount> hard = hard(quota);
    Map<String, Amount> used = new TreeMap<>();
    for (String storageKey : countedResources(quota)) {
      ResourceType type = io.tugboat.model.ResourceRegistry.byStorageKey(storageKey).orElseThrow();
      for (JsonNode obj : objects.list(storageKey)) {
        if (!QuotaUsage.covers(quota, type, obj)) {
          continue;
        }
        objects.charges(type, obj, now).forEach((k, v) -> {
          if (hard.containsKey(k)) {
            used.merge(k, v, Amount::plus);
          }
        });
      }
    }
    hard.keySet().forEach(k -> used.putIfAbsent(k, Amount.ZERO));
    return used;
  }

  /**
   * Whether a new object fits the namespace's quotas, given what each quota's covered objects use now.
   *
   * @return the reason to refuse it (403 Forbidden), empty when it fits every quota
   */
  public static Optional<String> admit(ResourceType type, JsonNode obj, List<? extends JsonNode> quotas,
      Objects objects, Instant now) {
    List<JsonNode> sorted = new ArrayList<>(quotas);
    sorted.sort(Comparator.comparing(q -> Json.metaText(q, "name")));
    Map<String, Amount> delta = QuotaUsage.of(type, obj, now);
    for (JsonNode quota : sorted) {
      if (!QuotaUsage.covers(quota, type, obj)) {
        continue;
      }
      Map<String, Amount> hard = hard(quota);
      if (type.storageKey().equals("core/pods")) {
        Optional<String> missing = missingDeclarations(obj.path("spec"), hard.keySet());
        if (missing.isPresent()) {
          return Optional.of("failed quota: " + Json.metaText(quota, "name") + ": " + missing.get());
        }
      }
      Map<String, Amount> requested = new TreeMap<>();
      delta.forEach((k, v) -> {
        if (hard.containsKey(k)) {
          requested.put(k, v);
        }
      });
      if (requested.isEmpty()) {
        continue;
      }
      Map<String, Amount> used = used(quota, objects, now);
      Set<String> exceeded = new TreeSet<>();
      requested.forEach((k, v) -> {
        if (used.get(k).plus(v).compareTo(hard.get(k)) > 0) {
          exceeded.add(k);
        }
      });
      if (!exceeded.isEmpty()) {
        return Optional.of("exceeded quota: " + Json.metaText(quota, "name")
            + ", requested: " + pretty(requested, exceeded)
            + ", used: " + pretty(used, exceeded)
            + ", limited: " + pretty(hard, exceeded));
      }
    }
    return Optional.empty();
  }

  /**
   * Kubernetes' rule from before QoS existed: when a quota limits cpu or memory, every container must declare
   * what the quota counts ({@code must specify limits.cpu for: c; requests.cpu for: c,d}).
   */
  static Optional<String> missingDeclarations(JsonNode spec, Set<String> hard) {
    Set<String> required = new TreeSet<>(hard);
    required.retainAll(QuotaUsage.MUST_DECLARE);
    if (required.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Set<String>> missing = new TreeMap<>();
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode c : spec.path(list)) {
        Map<String, Amount> declared = QuotaUsage.computeNames(
            LimitRanger.resources(c.path("resources").path("requests")),
            LimitRanger.resources(c.path("resources").path("limits")));
        for (String r : required) {
          if (!declared.containsKey(r)) {
            missing.computeIfAbsent(r, k -> new TreeSet<>()).add(c.path("name").asText());
          }
        }
      }
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    missing.forEach((r, names) -> parts.add(r + " for: " + String.join(",", names)));
    return Optional.of("must specify " + String.join("; ", parts));
  }

  private static String pretty(Map<String, Amount> values, Set<String> keys) {
    List<String> parts = new ArrayList<>();
    for (String k : new LinkedHashSet<>(keys)) {
      parts.add(k + "=" + values.getOrDefault(k, Amount.ZERO));
    }
    return String.join(",", parts);
  }

  /** A quota's status as the controller writes it: hard as in the spec (canonical), used as counted. */
  public static Map<String, String> canonical(Map<String, Amount> amounts) {
    Map<String, String> out = new TreeMap<>();
    amounts.forEach((k, v) -> out.put(k, v.toString()));
    return out;
  }

  /** The usage of every quota in a list (for tests and the status controller), by quota name. */
  public static Map<String, Map<String, Amount>> usedByQuota(List<? extends JsonNode> quotas, Objects objects,
      Instant now) {
    Map<String, Map<String, Amount>> out = new HashMap<>();
    for (JsonNode q : quotas) {
      out.put(Json.metaText(q, "name"), used(q, objects, now));
    }
    return out;
  }
}

package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of a Deployment's rollout over its ReplicaSets, ported from Kubernetes' deployment controller
 * (rolling.go, recreate.go, sync.go's proportional scaling, deployment_util.go): pure functions that change the
 * desired sizes ({@link Rs#spec}) of in-memory views; the caller turns changed sizes into writes.
 */
public final class Rollout {

  /** Annotation: the Deployment's revision, also on each ReplicaSet. */
  public static final String REVISION = "deployment.kubernetes.io/revision";
  /** Annotation: earlier revisions a ReplicaSet had (a rollback re-used it). */
  public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  /** Annotation: the Deployment's replicas when the ReplicaSet was last scaled. */
  public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  /** Annotation: replicas plus maxSurge when the ReplicaSet was last scaled. */
  public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";

  private Rollout() {}

  /** One ReplicaSet as the rollout sees it: observed counts, and the size it should have (mutable). */
  public static final class Rs {
    final JsonNode object;
    final String name;
    final String uid;
    final long revision;
    final Instant created;
    final int observedSpec;
    final int replicas;
    final int ready;
    final int available;
    int spec;

    Rs(JsonNode object) {
      this.object = object;
      this.name = Json.metaText(object, "name");
      this.uid = Json.metaText(object, "uid");
      this.revision = revisionOf(object);
      String at = Json.metaText(object, "creationTimestamp");
      this.created = at.isEmpty() ? Instant.EPOCH : Instant.parse(at);
      this.observedSpec = object.path("spec").path("replicas").asInt(1);
      this.spec = observedSpec;
      JsonNode st = object.path("status");
      this.replicas = st.path("replicas").asInt(0);
      this.ready = st.path("readyReplicas").asInt(0);
      this.available = st.path("availableReplicas").asInt(0);
    }

    /** Whether the rollout changed this ReplicaSet's size. */
    boolean scaled() {
      return spec != observedSpec;
    }

    Integer annotation(String name) {
      String v = Json.text(object.path("metadata").path("annotations").path(name));
      try {
        return v.isEmpty() ? null : Integer.valueOf(v);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /** The revision annotation of an object, 0 when absent. */
  public static long revisionOf(JsonNode obj) {
    String v = Json.text(obj.path("metadata").path("annotations").path(REVISION));
    try {
      return v.isEmpty() ? 0 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The Deployment's parameters the arithmetic needs. */
  public record Params(int replicas, boolean rolling, int maxSurge, int maxUnavailable) {
    /** Reads replicas and strategy, resolving maxSurge (rounded up) and maxUnavailable (rounded down). */
    public static Params of(JsonNode deployment) {
      JsonNode spec = deployment.path("spec");
      int replicas = spec.path("replicas").asInt(1);
      boolean rolling = !"Recreate".equals(Json.text(spec.path("strategy").path("type")));
      if (!rolling) {
        return new Params(replicas, false, 0, 0);
      }
      JsonNode ru = spec.path("strategy").path("rollingUpdate");
      int surge = scaled(ru.get("maxSurge"), replicas, true, 1);
      int unavailable = scaled(ru.get("maxUnavailable"), replicas, false, 1);
      if (surge == 0 && unavailable == 0) {
        unavailable = 1; // ResolveFenceposts: otherwise nothing could ever move
      }
      return new Params(replicas, true, surge, unavailable);
    }

    /** maxUnavailable as the Available condition uses it: 0 for Recreate or no replicas, at most replicas. */
    public int maxUnavailableForAvailability() {
      if (!rolling || replicas == 0) {
        return 0;
      }
      return Math.min(maxUnavailable, replicas);
    }
  }

  /** An int-or-percent of {@code total}: percentages rounded up or down; absent gives {@code absent}. */
  static int scaled(JsonNode v, int total, boolean roundUp, int absent) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return absent;
    }
    if (v.isTextual() && v.asText().endsWith("%")) {
      long pct = Long.parseLong(v.asText().substring(0, v.asText().length() - 1));
      long num = pct * total;
      return (int) (roundUp ? (num + 99) / 100 : num / 100);
    }
    if (v.isTextual()) {
      return Integer.parseInt(v.asText());
    }
    return v.asInt();
  }

  static int sumSpec(List<Rs> rss) {
    return rss.stream().mapToInt(r -> r.spec).sum();
  }

  static int sumAvailable(List<Rs> rss) {
    return rss.stream().mapToInt(r -> r.available).sum();
  }

  static List<Rs> all(Rs newRs, List<Rs> old) {
    List<Rs> all = new ArrayList<>(old);
    if (newRs != null) {
      all.add(newRs);
    }
    return all;
  }

  /** The size a new ReplicaSet should have now (NewRSNewReplicas). */
  static int newRsReplicas(Params d, List<Rs> all, Rs newRs) {
    int current = newRs == null ? 0 : newRs.spec;
    if (!d.rolling()) {
      return d.replicas();
    }
    int maxTotal = d.replicas() + d.maxSurge();
    // Kubernetes sums spec.replicas only; a ReplicaSet just scaled down still has its pods until its own loop
    // deletes them, so counting the larger of spec and the pods it reports keeps the pods, not only the sizes,
    // within maxSurge (a rollout step waits for the old pods to go).
    int total = all.stream().mapToInt(r -> r == newRs ? r.spec : Math.max(r.spec, r.replicas)).sum();
    if (total >= maxTotal) {
      return current;
    }
    int scaleUp = Math.min(maxTotal - total, d.replicas() - current);
    return current + Math.max(0, scaleUp);
  }

  /** Scales the new ReplicaSet toward replicas within maxSurge (reconcileNewReplicaSet); true when it changed. */
  static boolean reconcileNew(Params d, Rs newRs, List<Rs> old) {
    if (newRs.spec == d.replicas()) {
      return false;
    }
    if (newRs.spec > d.replicas()) {
      newRs.spec = d.replicas();
      return true;
    }
    int target = newRsReplicas(d, all(newRs, old), newRs);
    boolean changed = target != newRs.spec;
    newRs.spec = target;
    return changed;
  }

  /**
   * Scales old ReplicaSets down as far as maxUnavailable allows (reconcileOldReplicaSets): first their unhealthy
   * replicas, then available ones, oldest ReplicaSet first; true when any changed.
   */
  static boolean reconcileOld(Params d, Rs newRs, List<Rs> old) {
    if (sumSpec(old) == 0) {
      return false;
    }
    List<Rs> all = all(newRs, old);
    int minAvailable = d.replicas() - d.maxUnavailable();
    int newUnavailable = newRs == null ? 0 : newRs.spec - newRs.available;
    int maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return false;
    }
    List<Rs> oldest = new ArrayList<>(old);
    oldest.sort(BY_CREATION);
    boolean changed = false;
    int cleaned = 0;
    for (Rs rs : oldest) {
      if (cleaned >= maxScaledDown) {
        break;
      }
      if (rs.spec == 0) {
        continue;
      }
      int unhealthy = rs.spec - rs.available;
      if (unhealthy <= 0) {
        continue;
      }
      int down = Math.min(maxScaledDown - cleaned, unhealthy);
      rs.spec -= down;
      cleaned += down;
      changed = true;
    }
    // Available replicas as observed; a ReplicaSet scaled below what it has available counts only its new size.
    int available = all.stream().mapToInt(r -> Math.min(r.available, r.spec)).sum();
    if (available > minAvailable) {
      int total = available - minAvailable;
      int done = 0;
      for (Rs rs : oldest) {
        if (done >= total) {
          break;
        }
        if (rs.spec == 0) {
          continue;
        }
        int down = Math.min(rs.spec, total - done);
        rs.spec -= down;
        done += down;
        changed = true;
      }
    }
    return changed;
  }

  /** Recreate: every old ReplicaSet to 0; true when any changed. */
  static boolean scaleDownOldForRecreate(List<Rs> old) {
    boolean changed = false;
    for (Rs rs : old) {
      if (rs.spec != 0) {
        rs.spec = 0;
        changed = true;
      }
    }
    return changed;
  }

  /** Whether replicas changed since the active ReplicaSets were last sized (isScalingEvent). */
  static boolean isScalingEvent(Params d, Rs newRs, List<Rs> old) {
    for (Rs rs : all(newRs, old)) {
      if (rs.spec > 0) {
        Integer desired = rs.annotation(DESIRED_REPLICAS);
        if (desired != null && desired != d.replicas()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Sizes the ReplicaSets to a new replicas count (sync.go scale): the only active one takes it all; a saturated
   * new one leaves the old at 0; during a rolling update the difference is spread in proportion to each
   * ReplicaSet's size against its max-replicas annotation, leftovers to the largest.
   */
  static void scale(Params d, Rs newRs, List<Rs> old, int statusReplicas) {
    List<Rs> all = all(newRs, old);
    List<Rs> active = all.stream().filter(r -> r.spec > 0).toList();
    Rs only = null;
    if (active.size() == 1) {
      only = active.get(0);
    } else if (active.isEmpty()) {
      only = newRs != null ? newRs : old.stream().max(BY_CREATION).orElse(null);
    }
    if (only != null || active.size() <= 1) {
      if (only != null) {
        only.spec = d.replicas();
      }
      return;
    }
    if (newRs != null && newRs.spec == d.replicas() && Integer.valueOf(d.replicas()).equals(
        newRs.annotation(DESIRED_REPLICAS)) && newRs.available == d.replicas()) {
      old.forEach(r -> r.spec = 0);
      return;
    }
    if (!d.rolling()) {
      return;
    }
    int allowed = d.replicas() > 0 ? d.replicas() + d.maxSurge() : 0;
    int toAdd = allowed - sumSpec(active);
    List<Rs> sorted = new ArrayList<>(active);
    Comparator<Rs> bySize = Comparator.comparingInt((Rs r) -> r.spec).reversed();
    sorted.sort(toAdd > 0 ? bySize.thenComparing(BY_CREATION.reversed()) : bySize.thenComparing(BY_CREATION));
    Map<Rs, Integer> sizes = new HashMap<>();
    int added = 0;
    for (Rs rs : sorted) {
      int proportion = proportion(rs, d, toAdd, added, statusReplicas);
      sizes.put(rs, rs.spec + proportion);
      added += proportion;
    }
    if (toAdd != 0 && !sorted.isEmpty()) {
      Rs first = sorted.get(0);
      sizes.put(first, Math.max(0, sizes.get(first) + toAdd - added));
    }
    sizes.forEach((rs, n) -> rs.spec = Math.max(0, n));
  }

  private static int proportion(Rs rs, Params d, int toAdd, int added, int statusReplicas) {
    if (rs.spec == 0 || toAdd == 0 || toAdd == added) {
      return 0;
    }
    int fraction;
    if (d.replicas() == 0) {
      fraction = -rs.spec;
    } else {
      int deploymentReplicas = d.replicas() + d.maxSurge();
      Integer annotated = rs.annotation(MAX_REPLICAS);
      int base = annotated != null && annotated > 0 ? annotated : Math.max(1, statusReplicas);
      fraction = (int) Math.round((double) rs.spec * deploymentReplicas / base) - rs.spec;
    }
    int allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  /** Oldest first, by creation then name. */
  static final Comparator<Rs> BY_CREATION = Comparator.comparing((Rs r) -> r.created).thenComparing(r -> r.name);
}

package io.tugboat.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * An amount of node resources as the scheduler counts them: cpu in millicores, memory and ephemeral storage in
 * bytes, a pod count, and extended resources (e.g. nvidia.com/gpu) by name. Sums saturate at Long.MAX_VALUE, so
 * an absurd request is simply "more than any node has" instead of an overflow.
 */
public record Resources(long milliCpu, long memory, long ephemeralStorage, long pods, Map<String, Long> scalars) {

  /** Nothing at all. */
  public static final Resources ZERO = new Resources(0, 0, 0, 0, Map.of());

  /** The canonical resource names the scheduler counts by field. */
  public static final String CPU = "cpu";
  public static final String MEMORY = "memory";
  public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  public static final String PODS = "pods";

  /** A copy with an immutable, sorted scalar map. */
  public Resources {
    scalars = scalars.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(scalars));
  }

  /**
   * Reads a resource list ({@code {cpu: 500m, memory: 1Gi, ...}}); malformed quantities count as nothing
   * (admission rejects them; a bad node status must not stop the scheduler).
   */
  public static Resources of(JsonNode list) {
    if (list == null || !list.isObject()) {
      return ZERO;
    }
    long cpu = 0;
    long memory = 0;
    long storage = 0;
    long pods = 0;
    Map<String, Long> scalars = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : list.properties()) {
      BigDecimal q = Quantity.tryParse(e.getValue()).orElse(BigDecimal.ZERO);
      if (q.signum() < 0) {
        continue;
      }
      switch (e.getKey()) {
        case CPU -> cpu = toLong(q.movePointRight(3));
        case MEMORY -> memory = toLong(q);
        case EPHEMERAL_STORAGE -> storage = toLong(q);
        case PODS -> pods = toLong(q);
        default -> {
          if (isScalar(e.getKey())) {
            scalars.put(e.getKey(), toLong(q));
          }
        }
      }
    }
    return new Resources(cpu, memory, storage, pods, scalars);
  }

  /** Whether a resource name is an extended (or hugepages) resource the scheduler counts. */
  static boolean isScalar(String name) {
    return name.contains("/") || name.startsWith("hugepages-");
  }

  /** The sum of two amounts. */
  public Resources plus(Resources other) {
    Map<String, Long> s = new TreeMap<>(scalars);
    other.scalars.forEach((k, v) -> s.merge(k, v, Resources::add));
    return new Resources(add(milliCpu, other.milliCpu), add(memory, other.memory),
        add(ephemeralStorage, other.ephemeralStorage), add(pods, other.pods), s);
  }

  /** This amount less another (never below zero per resource). */
  public Resources minus(Resources other) {
    Map<String, Long> s = new TreeMap<>(scalars);
    other.scalars.forEach((k, v) -> s.put(k, sub(s.getOrDefault(k, 0L), v)));
    return new Resources(sub(milliCpu, other.milliCpu), sub(memory, other.memory),
        sub(ephemeralStorage, other.ephemeralStorage), sub(pods, other.pods), s);
  }

  /** The per-resource maximum of two amounts (an init container against the app containers). */
  public Resources max(Resources other) {
    Map<String, Long> s = new TreeMap<>(scalars);
    other.scalars.forEach((k, v) -> s.merge(k, v, Math::max));
    return new Resources(Math.max(milliCpu, other.milliCpu), Math.max(memory, other.memory),
        Math.max(ephemeralStorage, other.ephemeralStorage), Math.max(pods, other.pods), s);
  }

  /** This amount with the pod count set. */
  public Resources withPods(long count) {
    return new Resources(milliCpu, memory, ephemeralStorage, count, scalars);
  }

  /** An extended resource's amount, 0 when absent. */
  public long scalar(String name) {
    return scalars.getOrDefault(name, 0L);
  }

  static long add(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  private static long sub(long a, long b) {
    if (a == Long.MAX_VALUE) {
      return a;
    }
    return Math.max(0, a - b);
  }

  private static long toLong(BigDecimal q) {
    BigDecimal up = q.setScale(0, RoundingMode.CEILING);
    return up.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : up.longValueExact();
  }
}

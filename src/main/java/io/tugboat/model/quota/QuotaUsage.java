package io.tugboat.model.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.kinds.PodRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one object charges to a ResourceQuota, as Kubernetes' quota evaluators count it: every object its
 * {@code count/<resource>[.<group>]}; pods (unless terminal) {@code pods} and their summed requests and limits;
 * services their type's counts; claims their storage; and which objects a scoped quota covers.
 */
public final class QuotaUsage {

  /** The resource names a quota check insists each container declares, as Kubernetes' pod evaluator does. */
  static final Set<String> MUST_DECLARE = Set.of("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
      "limits.memory");

  private static final String STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/";

  private QuotaUsage() {}

  /** Everything this object charges, by quota resource name. */
  public static Map<String, Amount> of(ResourceType type, JsonNode obj, Instant now) {
    Map<String, Amount> usage = new HashMap<>();
    usage.put(countName(type), Amount.of(1));
    switch (type.storageKey()) {
      case "core/pods" -> {
        if (chargesCompute(obj, now)) {
          usage.putAll(podCompute(obj.path("spec")));
        }
      }
      case "core/services" -> {
        usage.put("services", Amount.of(1));
        String svcType = obj.path("spec").path("type").asText("ClusterIP");
        if (svcType.equals("LoadBalancer")) {
          usage.put("services.loadbalancers", Amount.of(1));
        }
        if (svcType.equals("NodePort") || (svcType.equals("LoadBalancer")
            && obj.path("spec").path("allocateLoadBalancerNodePorts").asBoolean(true))) {
          usage.put("services.nodeports", Amount.of(obj.path("spec").path("ports").size()));
        }
      }
      case "core/persistentvolumeclaims" -> {
        usage.put("persistentvolumeclaims", Amount.of(1));
        String storageClass = obj.path("spec").path("storageClassName").asText("");
        if (!storageClass.isEmpty()) {
          usage.put(storageClass + STORAGE_CLASS_SUFFIX + "persistentvolumeclaims", Amount.of(1));
        }
        Amount.parse(obj.path("spec").path("resources").path("requests").path("storage")).ifPresent(s -> {
          usage.put("requests.storage", s);
          if (!storageClass.isEmpty()) {
            usage.put(storageClass + STORAGE_CLASS_SUFFIX + "requests.storage", s);
          }
        });
      }
      case "core/configmaps" -> usage.put("configmaps", Amount.of(1));
      case "core/secrets" -> usage.put("secrets", Amount.of(1));
      case "core/replicationcontrollers" -> usage.put("replicationcontrollers", Amount.of(1));
      case "core/resourcequotas" -> usage.put("resourcequotas", Amount.of(1));
      default -> { }
    }
    return usage;
  }

  /** The resource as Kubernetes names it in a Forbidden message: "pods", "deployments.apps". */
  public static String resourceName(ResourceType type) {
    return type.plural() + (type.group().isEmpty() ? "" : "." + type.group());
  }

  /** {@code count/pods} for core kinds, {@code count/deployments.apps} for the others. */
  public static String countName(ResourceType type) {
    return "count/" + type.plural() + (type.group().isEmpty() ? "" : "." + type.group());
  }

  /**
   * Whether a pod's requests and limits still count: not once it has Succeeded or Failed, nor once its deletion
   * grace period has run out.
   */
  static boolean chargesCompute(JsonNode pod, Instant now) {
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return false;
    }
    JsonNode meta = pod.path("metadata");
    if (meta.hasNonNull("deletionTimestamp") && meta.hasNonNull("deletionGracePeriodSeconds")) {
      Instant deadline = Instant.parse(meta.path("deletionTimestamp").asText())
          .plusSeconds(meta.path("deletionGracePeriodSeconds").asLong());
      return !now.isAfter(deadline);
    }
    return true;
  }

  /** A pod spec's compute charge: pods 1 and the requests and limits summed over containers. */
  static Map<String, Amount> podCompute(JsonNode spec) {
    Map<String, Amount> requests = LimitRanger.podTotal(spec, "requests");
    Map<String, Amount> limits = LimitRanger.podTotal(spec, "limits");
    for (Map.Entry<String, Amount> o : LimitRanger.resources(spec.path("overhead")).entrySet()) {
      requests.merge(o.getKey(), o.getValue(), Amount::plus);
      limits.merge(o.getKey(), o.getValue(), Amount::plus);
    }
    return computeNames(requests, limits);
  }

  /** Requests and limits under their quota names (Kubernetes' podComputeUsageHelper). */
  static Map<String, Amount> computeNames(Map<String, Amount> requests, Map<String, Amount> limits) {
    Map<String, Amount> out = new HashMap<>();
    out.put("pods", Amount.of(1));
    for (String r : List.of("cpu", "memory", "ephemeral-storage")) {
      if (requests.containsKey(r)) {
        out.put(r, requests.get(r));
        out.put("requests." + r, requests.get(r));
      }
      if (limits.containsKey(r)) {
        out.put("limits." + r, limits.get(r));
      }
    }
    requests.forEach((r, v) -> {
      if (r.startsWith("hugepages-")) {
        out.put(r, v);
        out.put("requests." + r, v);
      } else if (isExtended(r)) {
        out.put("requests." + r, v);
      }
    });
    return out;
  }

  private static boolean isExtended(String name) {
    return name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests.");
  }

  /**
   * Whether a quota covers this object: an unscoped quota covers everything in its namespace; scopes and a
   * scopeSelector only ever cover pods, each scope having to hold.
   */
  public static boolean covers(JsonNode quota, ResourceType type, JsonNode obj) {
    List<JsonNode> selectors = scopeSelectors(quota);
    if (selectors.isEmpty()) {
      return true;
    }
    if (!type.storageKey().equals("core/pods")) {
      return false;
    }
    for (JsonNode s : selectors) {
      if (!podMatches(s, obj.path("spec"))) {
        return false;
      }
    }
    return true;
  }

  /** The quota's scopes as selector requirements: each entry of spec.scopes is scopeName with operator Exists. */
  static List<JsonNode> scopeSelectors(JsonNode quota) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode scope : quota.path("spec").path("scopes")) {
      out.add(io.tugboat.model.Json.object().put("scopeName", scope.asText()).put("operator", "Exists"));
    }
    quota.path("spec").path("scopeSelector").path("matchExpressions").forEach(out::add);
    return out;
  }

  private static boolean podMatches(JsonNode requirement, JsonNode spec) {
    String scope = requirement.path("scopeName").asText();
    boolean hit = switch (scope) {
      case "Terminating" -> spec.hasNonNull("activeDeadlineSeconds") && spec.path("activeDeadlineSeconds").asLong() >= 0;
      case "NotTerminating" -> !(spec.hasNonNull("activeDeadlineSeconds")
          && spec.path("activeDeadlineSeconds").asLong() >= 0);
      case "BestEffort" -> PodRules.qosClass(spec).equals("BestEffort");
      case "NotBestEffort" -> !PodRules.qosClass(spec).equals("BestEffort");
      case "PriorityClass" -> priorityMatches(requirement, spec.path("priorityClassName").asText(""));
      default -> false;
    };
    return hit;
  }

  private static boolean priorityMatches(JsonNode requirement, String priorityClass) {
    Set<String> values = new LinkedHashSet<>();
    requirement.path("values").forEach(v -> values.add(v.asText()));
    return switch (requirement.path("operator").asText()) {
      case "In" -> values.contains(priorityClass);
      case "NotIn" -> !values.contains(priorityClass);
      case "Exists" -> !priorityClass.isEmpty();
      case "DoesNotExist" -> priorityClass.isEmpty();
      default -> false;
    };
  }

  /**
   * The stored resource whose objects a quota resource name counts, or empty for a name no object uses.
   */
  public static Optional<String> storageKeyOf(String resourceName) {
    if (resourceName.startsWith("count/")) {
      String rest = resourceName.substring("count/".length());
      int dot = rest.indexOf('.');
      String plural = dot < 0 ? rest : rest.substring(0, dot);
      String group = dot < 0 ? "" : rest.substring(dot + 1);
      return ResourceRegistry.all().stream().filter(t -> t.plural().equals(plural) && t.group().equals(group))
          .map(ResourceType::storageKey).findFirst();
    }
    if (resourceName.contains(STORAGE_CLASS_SUFFIX) || resourceName.equals("persistentvolumeclaims")
        || resourceName.equals("requests.storage")) {
      return Optional.of("core/persistentvolumeclaims");
    }
    return switch (resourceName) {
      case "services", "services.nodeports", "services.loadbalancers" -> Optional.of("core/services");
      case "configmaps" -> Optional.of("core/configmaps");
      case "secrets" -> Optional.of("core/secrets");
      case "replicationcontrollers" -> Optional.of("core/replicationcontrollers");
      case "resourcequotas" -> Optional.of("core/resourcequotas");
      default -> isPodResource(resourceName) ? Optional.of("core/pods") : Optional.empty();
    };
  }

  private static boolean isPodResource(String name) {
    return name.equals("pods") || name.equals("cpu") || name.equals("memory") || name.equals("ephemeral-storage")
        || name.startsWith("requests.") || name.startsWith("limits.") || name.startsWith("hugepages-");
  }
}

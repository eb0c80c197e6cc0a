package io.tugboat.model;

import io.tugboat.model.kinds.AppsRules;
import io.tugboat.model.kinds.AutoscalingRules;
import io.tugboat.model.kinds.BatchRules;
import io.tugboat.model.kinds.ConfigRules;
import io.tugboat.model.kinds.CoordinationRules;
import io.tugboat.model.kinds.CoreRules;
import io.tugboat.model.kinds.NetworkingRules;
import io.tugboat.model.kinds.PodRules;
import io.tugboat.model.kinds.PolicyRules;
import io.tugboat.model.kinds.QuotaRules;
import io.tugboat.model.kinds.RbacRules;
import io.tugboat.model.kinds.SchedulingRules;
import io.tugboat.model.kinds.ServiceRules;
import io.tugboat.model.kinds.StorageRules;
import io.tugboat.model.quota.LimitRanger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The admission strategy of each served kind; kinds without special rules get one that does nothing. */
public final class Admission {

  private static final KindRules NONE = new KindRules() {};

  // Keyed by group/kind: the rules follow the object's shape, which is the same in every served version but HPA's.
  private static final Map<String, KindRules> RULES = Map.ofEntries(
      Map.entry("/Pod", new PodRules()),
      Map.entry("/Service", new ServiceRules()),
      Map.entry("/ReplicationController", AppsRules.REPLICATION_CONTROLLER),
      Map.entry("/Namespace", CoreRules.NAMESPACE),
      Map.entry("/Node", CoreRules.NODE),
      Map.entry("/Endpoints", CoreRules.ENDPOINTS),
      Map.entry("/ConfigMap", ConfigRules.CONFIG_MAP),
      Map.entry("/Secret", ConfigRules.SECRET),
      Map.entry("/PersistentVolume", CoreRules.PERSISTENT_VOLUME),
      Map.entry("/PersistentVolumeClaim", CoreRules.PERSISTENT_VOLUME_CLAIM),
      Map.entry("/ResourceQuota", QuotaRules.RESOURCE_QUOTA),
      Map.entry("/LimitRange", QuotaRules.LIMIT_RANGE),
      Map.entry("apps/Deployment", AppsRules.DEPLOYMENT),
      Map.entry("apps/ReplicaSet", AppsRules.REPLICA_SET),
      Map.entry("apps/DaemonSet", AppsRules.DAEMON_SET),
      Map.entry("apps/StatefulSet", AppsRules.STATEFUL_SET),
      Map.entry("batch/Job", BatchRules.JOB),
      Map.entry("batch/CronJob", BatchRules.CRON_JOB),
      Map.entry("networking.k8s.io/Ingress", NetworkingRules.INGRESS),
      Map.entry("coordination.k8s.io/Lease", new CoordinationRules()),
      Map.entry("rbac.authorization.k8s.io/Role", RbacRules.ROLE),
      Map.entry("rbac.authorization.k8s.io/ClusterRole", RbacRules.CLUSTER_ROLE),
      Map.entry("rbac.authorization.k8s.io/RoleBinding", RbacRules.ROLE_BINDING),
      Map.entry("rbac.authorization.k8s.io/ClusterRoleBinding", RbacRules.CLUSTER_ROLE_BINDING),
      Map.entry("storage.k8s.io/StorageClass", new StorageRules()),
      Map.entry("policy/PodDisruptionBudget", new PolicyRules()),
      Map.entry("scheduling.k8s.io/PriorityClass", SchedulingRules.PRIORITY_CLASS));

  /** Read access to stored objects, for the admission rules that depend on other objects. */
  public interface Lookup {
    /** The stored objects of a resource (cluster-scoped, or in every namespace). */
    List<JsonNode> list(ResourceType type);

    /** One stored object. */
    Optional<JsonNode> get(ResourceType type, String namespace, String name);
  }

  private Admission() {}

  /**
   * The admission plugins that read other objects, on create (Kubernetes' LimitRanger and Priority plugins): the
   * namespace's LimitRanges default and bound pods and claims; a pod's priorityClassName becomes its priority, and
   * only one PriorityClass may be the global default. (ResourceQuota admission follows, in store.QuotaGate, on the
   * defaulted object.)
   *
   * @throws ApiException 403 Forbidden when the object names what does not exist or breaks a rule across objects
   */
  public static void admitCreate(ResourceType type, ObjectNode obj, Lookup lookup) {
    if (type.group().isEmpty() && (type.kind().equals("Pod") || type.kind().equals("PersistentVolumeClaim"))) {
      limitRanges(type, obj, lookup);
    }
    if (!type.group().isEmpty() && !type.group().equals("scheduling.k8s.io")) {
      return;
    }
    if (type.group().isEmpty() && !type.kind().equals("Pod")) {
      return;
    }
    ResourceType classes = ResourceRegistry.byPath("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
    Optional<JsonNode> globalDefault = lookup.list(classes).stream()
        .filter(pc -> pc.path("globalDefault").asBoolean(false)).findFirst();
    if (type.kind().equals("Pod")) {
      SchedulingRules.resolvePodPriority(obj, name -> lookup.get(classes, "", name), globalDefault);
    } else if (type.kind().equals("PriorityClass")) {
      SchedulingRules.checkSingleDefault(obj, globalDefault);
    }
  }

  /**
   * Kubernetes' LimitRanger plugin: the namespace's LimitRanges fill a pod's default requests and limits and
   * bound pods' and claims' resources.
   *
   * @throws ApiException 403 Forbidden with Kubernetes' wording of the first bound broken
   */
  private static void limitRanges(ResourceType type, ObjectNode obj, Lookup lookup) {
    String namespace = Json.metaText(obj, "namespace");
    ResourceType rangesType = ResourceRegistry.byPath("", "v1", "limitranges").orElseThrow();
    List<JsonNode> ranges = lookup.list(rangesType).stream()
        .filter(r -> Json.metaText(r, "namespace").equals(namespace))
        .sorted(java.util.Comparator.comparing(r -> Json.metaText(r, "name"))).toList();
    if (ranges.isEmpty()) {
      return;
    }
    Optional<String> refused = type.kind().equals("Pod") ? LimitRanger.admitPod(obj, ranges)
        : LimitRanger.admitClaim(obj, ranges);
    refused.ifPresent(reason -> {
      throw new ApiException(ApiError.forbidden(type.plural(), Json.metaText(obj, "name"), reason));
    });
  }

  /** The rules for objects of this served type (autoscaling/v1 and v2 HPAs differ in shape, so in rules). */
  public static KindRules rulesFor(ResourceType type) {
    if (type.group().equals("autoscaling") && type.kind().equals("HorizontalPodAutoscaler")) {
      return type.version().equals("v1") ? AutoscalingRules.HPA_V1 : AutoscalingRules.HPA_V2;
    }
    return RULES.getOrDefault(type.group() + "/" + type.kind(), NONE);
  }
}

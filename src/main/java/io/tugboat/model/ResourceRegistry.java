package io.tugboat.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every resource Tugboat serves, in discovery order (which decides `kubectl get all`). */
public final class ResourceRegistry {

  private static final List<ResourceType> ALL = List.of(
      core("Pod", "pods", true, List.of("po"), List.of("all"), true, false, io.fabric8.kubernetes.api.model.Pod.class),
      core("Service", "services", true, List.of("svc"), List.of("all"), true, false, io.fabric8.kubernetes.api.model.Service.class),
      core("ReplicationController", "replicationcontrollers", true, List.of("rc"), List.of("all"), true, true,
          io.fabric8.kubernetes.api.model.ReplicationController.class),
      core("Namespace", "namespaces", false, List.of("ns"), List.of(), true, false, io.fabric8.kubernetes.api.model.Namespace.class),
      core("Endpoints", "endpoints", true, List.of("ep"), List.of(), false, false, io.fabric8.kubernetes.api.model.Endpoints.class),
      core("ConfigMap", "configmaps", true, List.of("cm"), List.of(), false, false, io.fabric8.kubernetes.api.model.ConfigMap.class),
      core("Secret", "secrets", true, List.of(), List.of(), false, false, io.fabric8.kubernetes.api.model.Secret.class),
      core("Node", "nodes", false, List.of("no"), List.of(), true, false, io.fabric8.kubernetes.api.model.Node.class),
      core("Event", "events", true, List.of("ev"), List.of(), false, false, io.fabric8.kubernetes.api.model.Event.class),
      core("ServiceAccount", "serviceaccounts", true, List.of("sa"), List.of(), false, false,
          io.fabric8.kubernetes.api.model.ServiceAccount.class),
      core("PersistentVolume", "persistentvolumes", false, List.of("pv"), List.of(), true, false,
          io.fabric8.kubernetes.api.model.PersistentVolume.class),
      core("PersistentVolumeClaim", "persistentvolumeclaims", true, List.of("pvc"), List.of(), true, false,
          io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class),
      core("ResourceQuota", "resourcequotas", true, List.of("quota"), List.of(), true, false,
          io.fabric8.kubernetes.api.model.ResourceQuota.class),
      core("LimitRange", "limitranges", true, List.of("limits"), List.of(), false, false,
          io.fabric8.kubernetes.api.model.LimitRange.class),
      of("apps", "v1", "Deployment", "deployments", true, List.of("deploy"), List.of("all"), true, true,
          io.fabric8.kubernetes.api.model.apps.Deployment.class),
      of("apps", "v1", "ReplicaSet", "replicasets", true, List.of("rs"), List.of("all"), true, true,
          io.fabric8.kubernetes.api.model.apps.ReplicaSet.class),
      of("apps", "v1", "DaemonSet", "daemonsets", true, List.of("ds"), List.of("all"), true, false,
          io.fabric8.kubernetes.api.model.apps.DaemonSet.class),
      of("apps", "v1", "StatefulSet", "statefulsets", true, List.of("sts"), List.of("all"), true, true,
          io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
      of("apps", "v1", "ControllerRevision", "controllerrevisions", true, List.of(), List.of(), false, false,
          io.fabric8.kubernetes.api.model.apps.ControllerRevision.class),
      of("batch", "v1", "Job", "jobs", true, List.of(), List.of("all"), true, false,
          io.fabric8.kubernetes.api.model.batch.v1.Job.class),
      of("batch", "v1", "CronJob", "cronjobs", true, List.of("cj"), List.of("all"), true, false,
          io.fabric8.kubernetes.api.model.batch.v1.CronJob.class),
      // v2 first: it is the preferred (and stored) version; v1 is served by conversion.
      of("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, List.of("hpa"), List.of("all"),
          true, false, io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
      of("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, List.of("hpa"), List.of("all"),
          true, false, io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class),
      of("networking.k8s.io", "v1", "Ingress", "ingresses", true, List.of("ing"), List.of(), true, false,
          io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
      of("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, List.of("netpol"), List.of(), false, false,
          io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
      of("coordination.k8s.io", "v1", "Lease", "leases", true, List.of(), List.of(), false, false,
          io.fabric8.kubernetes.api.model.coordination.v1.Lease.class),
      of("rbac.authorization.k8s.io", "v1", "Role", "roles", true, List.of(), List.of(), false, false,
          io.fabric8.kubernetes.api.model.rbac.Role.class),
      of("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, List.of(), List.of(), false, false,
          io.fabric8.kubernetes.api.model.rbac.ClusterRole.class),
      of("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, List.of(), List.of(), false, false,
          io.fabric8.kubernetes.api.model.rbac.RoleBinding.class),
      of("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, List.of(), List.of(),
          false, false, io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class),
      of("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, List.of("sc"), List.of(), false, false,
          io.fabric8.kubernetes.api.model.storage.StorageClass.class),
      // The same objects as core v1 Events, in the newer shape (regarding, note, reportingController).
      new ResourceType("events.k8s.io", "v1", "Event", "events", "event", true, List.of("ev"), List.of(), false,
          false, io.fabric8.kubernetes.api.model.events.v1.Event.class, "core/events"),
      of("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, List.of("pdb"), List.of(), true, false,
          io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
      of("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, List.of("pc"), List.of(), false, false,
          io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass.class));

  private static final Map<String, ResourceType> BY_PATH = new LinkedHashMap<>();
  private static final Map<String, ResourceType> BY_KIND = new LinkedHashMap<>();
  private static final Map<String, ResourceType> BY_STORAGE = new LinkedHashMap<>();

  static {
    for (ResourceType t : ALL) {
      BY_PATH.put(t.group() + "/" + t.version() + "/" + t.plural(), t);
      BY_KIND.put(t.apiVersion() + "/" + t.kind(), t);
      BY_STORAGE.putIfAbsent(t.storageKey(), t);
    }
  }

  private ResourceRegistry() {}

  /** All served resources, in discovery order. */
  public static List<ResourceType> all() {
    return ALL;
  }

  /** The resource served at group/version/plural ("" for the core group). */
  public static Optional<ResourceType> byPath(String group, String version, String plural) {
    return Optional.ofNullable(BY_PATH.get(group + "/" + version + "/" + plural));
  }

  /** The resource for an object's apiVersion and kind. */
  public static Optional<ResourceType> byKind(String apiVersion, String kind) {
    return Optional.ofNullable(BY_KIND.get(apiVersion + "/" + kind));
  }

  /** The preferred (storage) version of a stored resource. */
  public static Optional<ResourceType> byStorageKey(String storageKey) {
    return Optional.ofNullable(BY_STORAGE.get(storageKey));
  }

  /** The groups other than core, each with its versions in preference order. */
  public static Map<String, List<String>> groups() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ResourceType t : ALL) {
      if (!t.group().isEmpty()) {
        List<String> versions = groups.computeIfAbsent(t.group(), g -> new ArrayList<>());
        if (!versions.contains(t.version())) {
          versions.add(t.version());
        }
      }
    }
    return groups;
  }

  private static ResourceType core(String kind, String plural, boolean namespaced, List<String> shortNames,
      List<String> categories, boolean status, boolean scale, Class<?> model) {
    return of("", "v1", kind, plural, namespaced, shortNames, categories, status, scale, model);
  }

  private static ResourceType of(String group, String version, String kind, String plural, boolean namespaced,
      List<String> shortNames, List<String> categories, boolean status, boolean scale, Class<?> model) {
    return new ResourceType(group, version, kind, plural, kind.toLowerCase(java.util.Locale.ROOT), namespaced,
        shortNames, categories, status, scale, model, null);
  }
}

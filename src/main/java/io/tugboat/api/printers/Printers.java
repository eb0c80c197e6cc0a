package io.tugboat.api.printers;

import java.util.Map;

/**
 * The printer of each kind Tugboat serves, as Kubernetes registers them in printers.go; kinds Kubernetes has no
 * printer for (Role, ClusterRole, LimitRange, and any other) get the default Name and Created At.
 */
public final class Printers {

  private static final Map<String, Printer> BY_KIND = Map.ofEntries(
      Map.entry("Pod", PodPrinter.printer()),
      Map.entry("Service", NetworkingPrinters.service()),
      Map.entry("ReplicationController", WorkloadPrinters.replicationController()),
      Map.entry("Namespace", CorePrinters.namespace()),
      Map.entry("Endpoints", NetworkingPrinters.endpoints()),
      Map.entry("ConfigMap", CorePrinters.configMap()),
      Map.entry("Secret", CorePrinters.secret()),
      Map.entry("Node", ClusterPrinters.node()),
      Map.entry("Event", CorePrinters.event()),
      Map.entry("ServiceAccount", CorePrinters.serviceAccount()),
      Map.entry("PersistentVolume", StoragePrinters.persistentVolume()),
      Map.entry("PersistentVolumeClaim", StoragePrinters.persistentVolumeClaim()),
      Map.entry("ResourceQuota", CorePrinters.resourceQuota()),
      Map.entry("Deployment", WorkloadPrinters.deployment()),
      Map.entry("ReplicaSet", WorkloadPrinters.replicaSet()),
      Map.entry("DaemonSet", WorkloadPrinters.daemonSet()),
      Map.entry("StatefulSet", WorkloadPrinters.statefulSet()),
      Map.entry("ControllerRevision", WorkloadPrinters.controllerRevision()),
      Map.entry("Job", WorkloadPrinters.job()),
      Map.entry("CronJob", WorkloadPrinters.cronJob()),
      Map.entry("HorizontalPodAutoscaler", WorkloadPrinters.horizontalPodAutoscaler()),
      Map.entry("Ingress", NetworkingPrinters.ingress()),
      Map.entry("NetworkPolicy", NetworkingPrinters.networkPolicy()),
      Map.entry("Lease", ClusterPrinters.lease()),
      Map.entry("RoleBinding", ClusterPrinters.roleBinding()),
      Map.entry("ClusterRoleBinding", ClusterPrinters.clusterRoleBinding()),
      Map.entry("StorageClass", StoragePrinters.storageClass()),
      Map.entry("PodDisruptionBudget", PolicyPrinters.podDisruptionBudget()),
      Map.entry("PriorityClass", ClusterPrinters.priorityClass()));

  private static final Printer DEFAULT = ClusterPrinters.createdAt();

  private Printers() {}

  /** The printer for a kind; Name and Created At for kinds without their own. */
  public static Printer forKind(String kind) {
    return BY_KIND.getOrDefault(kind, DEFAULT);
  }

  /** Whether Kubernetes has a dedicated printer for this kind. */
  public static boolean hasPrinter(String kind) {
    return BY_KIND.containsKey(kind);
  }
}

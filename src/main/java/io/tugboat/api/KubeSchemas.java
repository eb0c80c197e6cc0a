package io.tugboat.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the fabric8 model cannot tell by reflection: Kubernetes' schema names, descriptions,
 * required fields and strategic-merge-patch directives, as tables.
 */
final class KubeSchemas {

  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  static final String TIME = META + "Time";
  static final String MICRO_TIME = META + "MicroTime";
  static final String RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension";

  private static final String FABRIC8 = "io.fabric8.kubernetes.api.model";
  private static final String CONVENTIONS =
      "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md";

  /** fabric8 keeps apimachinery's meta/v1 types in its core package; these are they. */
  private static final Set<String> META_TYPES = Set.of(
      "APIGroup", "APIGroupList", "APIResource", "APIResourceList", "APIVersions", "Condition", "CreateOptions",
      "DeleteOptions", "Duration", "FieldSelectorRequirement", "FieldsV1", "GetOptions", "GroupVersionForDiscovery",
      "LabelSelector", "LabelSelectorRequirement", "ListMeta", "ListOptions", "ManagedFieldsEntry", "MicroTime",
      "ObjectMeta", "OwnerReference", "Patch", "PatchOptions", "Preconditions", "RootPaths",
      "ServerAddressByClientCIDR", "Status", "StatusCause", "StatusDetails", "TypeMeta", "UpdateOptions",
      "WatchEvent");

  /** fabric8 sub-packages whose Kubernetes package differs by more than a ".v1" suffix. */
  private static final Map<String, String> PACKAGES = Map.of(
      "runtime", "io.k8s.apimachinery.pkg.runtime",
      "version", "io.k8s.apimachinery.pkg.version");

  /** Kubernetes' own descriptions of the served kinds (first paragraph). */
  private static final Map<String, String> KIND_DESCRIPTIONS = Map.ofEntries(
      Map.entry("Pod", "Pod is a collection of containers that can run on a host. This resource is created by "
          + "clients and scheduled onto hosts."),
      Map.entry("Service", "Service is a named abstraction of software service (for example, mysql) consisting of "
          + "local port (for example 3306) that the proxy listens on, and the selector that determines which pods "
          + "will answer requests sent through the proxy."),
      Map.entry("ReplicationController", "ReplicationController represents the configuration of a replication "
          + "controller."),
      Map.entry("Namespace", "Namespace provides a scope for Names. Use of multiple namespaces is optional."),
      Map.entry("Endpoints", "Endpoints is a collection of endpoints that implement the actual service."),
      Map.entry("ConfigMap", "ConfigMap holds configuration data for pods to consume."),
      Map.entry("Secret", "Secret holds secret data of a certain type. The total bytes of the values in the Data "
          + "field must be less than MaxSecretSize bytes."),
      Map.entry("Node", "Node is a worker node in Kubernetes. Each node will have a unique identifier in the "
          + "cache (i.e. in etcd)."),
      Map.entry("Event", "Event is a report of an event somewhere in the cluster. Events have a limited retention "
          + "time and triggers and messages may evolve with time."),
      Map.entry("ServiceAccount", "ServiceAccount binds together: * a name, understood by users, and perhaps by "
          + "peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of "
          + "secrets"),
      Map.entry("PersistentVolume", "PersistentVolume (PV) is a storage resource provisioned by an administrator. "
          + "It is analogous to a node. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes"),
      Map.entry("PersistentVolumeClaim", "PersistentVolumeClaim is a user's request for and claim to a persistent "
          + "volume"),
      Map.entry("ResourceQuota", "ResourceQuota sets aggregate quota restrictions enforced per namespace"),
      Map.entry("LimitRange", "LimitRange sets resource usage limits for each kind of resource in a Namespace."),
      Map.entry("Deployment", "Deployment enables declarative updates for Pods and ReplicaSets."),
      Map.entry("ReplicaSet", "ReplicaSet ensures that a specified number of pod replicas are running at any "
          + "given time."),
      Map.entry("DaemonSet", "DaemonSet represents the configuration of a daemon set."),
      Map.entry("StatefulSet", "StatefulSet represents a set of pods with consistent identities. Identities are "
          + "defined as:\n  - Network: A single stable DNS and hostname.\n  - Storage: As many VolumeClaims as "
          + "requested.\n\nThe StatefulSet guarantees that a given network identity will always map to the same "
          + "storage identity."),
      Map.entry("ControllerRevision", "ControllerRevision implements an immutable snapshot of state data. Clients "
          + "are responsible for serializing and deserializing the objects that contain their internal state."),
      Map.entry("Job", "Job represents the configuration of a single job."),
      Map.entry("CronJob", "CronJob represents the configuration of a single cron job."),
      Map.entry("HorizontalPodAutoscaler", "HorizontalPodAutoscaler is the configuration for a horizontal pod "
          + "autoscaler, which automatically manages the replica count of any resource implementing the scale "
          + "subresource based on the metrics specified."),
      Map.entry("Ingress", "Ingress is a collection of rules that allow inbound connections to reach the endpoints "
          + "defined by a backend. An Ingress can be configured to give services externally-reachable urls, load "
          + "balance traffic, terminate SSL, offer name based virtual hosting etc."),
      Map.entry("NetworkPolicy", "NetworkPolicy describes what network traffic is allowed for a set of Pods"),
      Map.entry("Lease", "Lease defines a lease concept."),
      Map.entry("Role", "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by "
          + "a RoleBinding."),
      Map.entry("ClusterRole", "ClusterRole is a cluster level, logical grouping of PolicyRules that can be "
          + "referenced as a unit by a RoleBinding or ClusterRoleBinding."),
      Map.entry("RoleBinding", "RoleBinding references a role, but does not contain it.  It can reference a Role "
          + "in the same namespace or a ClusterRole in the global namespace. It adds who information via Subjects "
          + "and namespace information by which namespace it exists in."),
      Map.entry("ClusterRoleBinding", "ClusterRoleBinding references a ClusterRole, but not contain it.  It can "
          + "reference a ClusterRole in the global namespace, and adds who information via Subject."),
      Map.entry("StorageClass", "StorageClass describes the parameters for a class of storage for which "
          + "PersistentVolumes can be dynamically provisioned."),
      Map.entry("PodDisruptionBudget", "PodDisruptionBudget is an object to define the max disruption that can be "
          + "caused to a collection of pods"),
      Map.entry("PriorityClass", "PriorityClass defines mapping from a priority class name to the priority "
          + "integer value. The value can be any valid integer."),
      Map.entry("Scale", "Scale represents a scaling request for a resource."),
      Map.entry("ObjectMeta", "ObjectMeta is metadata that all persisted resources must have, which includes all "
          + "objects users must create."),
      Map.entry("ListMeta", "ListMeta describes metadata that synthetic resources must have, including lists and "
          + "various status objects."),
      Map.entry("Status", "Status is a return value for calls that don't return other objects."),
      Map.entry("FieldsV1", "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format."),
      Map.entry("Patch", "Patch is provided to give a concrete name and type to the Kubernetes PATCH request "
          + "body."),
      Map.entry("DeleteOptions", "DeleteOptions may be provided when deleting an API object."),
      Map.entry("IntOrString", "IntOrString is a type that can hold an int32 or a string.  When used in JSON or "
          + "YAML marshalling and unmarshalling, it produces or consumes the inner type."),
      Map.entry("Quantity", "Quantity is a fixed-point representation of a number, serialized as a string such "
          + "as \"500m\", \"1Gi\" or \"2\"."),
      Map.entry("Time", "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON, "
          + "serialized as an RFC 3339 string."),
      Map.entry("MicroTime", "MicroTime is version of Time with microsecond level precision."),
      Map.entry("RawExtension", "RawExtension is used to hold extensions in external versions: any JSON object."));

  /** Fields Kubernetes marks required (apiVersion and kind never are). Keyed by fabric8 simple class name. */
  private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
      Map.entry("Container", List.of("name")),
      Map.entry("EphemeralContainer", List.of("name")),
      Map.entry("PodSpec", List.of("containers")),
      Map.entry("ContainerPort", List.of("containerPort")),
      Map.entry("EnvVar", List.of("name")),
      Map.entry("Volume", List.of("name")),
      Map.entry("VolumeMount", List.of("mountPath", "name")),
      Map.entry("KeyToPath", List.of("key", "path")),
      Map.entry("ConfigMapKeySelector", List.of("key")),
      Map.entry("SecretKeySelector", List.of("key")),
      Map.entry("ObjectFieldSelector", List.of("fieldPath")),
      Map.entry("ResourceFieldSelector", List.of("resource")),
      Map.entry("HTTPGetAction", List.of("port")),
      Map.entry("TCPSocketAction", List.of("port")),
      Map.entry("Taint", List.of("effect", "key")),
      Map.entry("NodeSelector", List.of("nodeSelectorTerms")),
      Map.entry("ServicePort", List.of("port")),
      Map.entry("OwnerReference", List.of("apiVersion", "kind", "name", "uid")),
      Map.entry("LabelSelectorRequirement", List.of("key", "operator")),
      Map.entry("DeploymentSpec", List.of("selector", "template")),
      Map.entry("ReplicaSetSpec", List.of("selector")),
      Map.entry("DaemonSetSpec", List.of("selector", "template")),
      Map.entry("StatefulSetSpec", List.of("selector", "template")),
      Map.entry("JobSpec", List.of("template")),
      Map.entry("CronJobSpec", List.of("jobTemplate", "schedule")),
      Map.entry("HorizontalPodAutoscalerSpec", List.of("maxReplicas", "scaleTargetRef")),
      Map.entry("CrossVersionObjectReference", List.of("kind", "name")),
      Map.entry("RoleRef", List.of("apiGroup", "kind", "name")),
      Map.entry("Subject", List.of("kind", "name")),
      Map.entry("PolicyRule", List.of("verbs")),
      Map.entry("RoleBinding", List.of("roleRef")),
      Map.entry("ClusterRoleBinding", List.of("roleRef")),
      Map.entry("StorageClass", List.of("provisioner")),
      Map.entry("PriorityClass", List.of("value")),
      Map.entry("Event", List.of("involvedObject", "metadata")),
      Map.entry("Condition", List.of("lastTransitionTime", "message", "reason", "status", "type")));

  /** Strategic-merge-patch directives: {strategy, merge key or null}. Keyed by "SimpleClass.field". */
  private static final Map<String, String[]> PATCH = Map.ofEntries(
      Map.entry("PodSpec.containers", new String[] {"merge", "name"}),
      Map.entry("PodSpec.initContainers", new String[] {"merge", "name"}),
      Map.entry("PodSpec.ephemeralContainers", new String[] {"merge", "name"}),
      Map.entry("PodSpec.imagePullSecrets", new String[] {"merge", "name"}),
      Map.entry("PodSpec.volumes", new String[] {"merge,retainKeys", "name"}),
      Map.entry("Container.env", new String[] {"merge", "name"}),
      Map.entry("Container.ports", new String[] {"merge", "containerPort"}),
      Map.entry("Container.volumeMounts", new String[] {"merge", "mountPath"}),
      Map.entry("Container.volumeDevices", new String[] {"merge", "devicePath"}),
      Map.entry("EphemeralContainer.env", new String[] {"merge", "name"}),
      Map.entry("EphemeralContainer.ports", new String[] {"merge", "containerPort"}),
      Map.entry("EphemeralContainer.volumeMounts", new String[] {"merge", "mountPath"}),
      Map.entry("ServiceSpec.ports", new String[] {"merge", "port"}),
      Map.entry("ObjectMeta.finalizers", new String[] {"merge", null}),
      Map.entry("ObjectMeta.ownerReferences", new String[] {"merge", "uid"}),
      Map.entry("DeploymentSpec.strategy", new String[] {"retainKeys", null}));

  private KubeSchemas() {}

  /** Kubernetes' definition name for a fabric8 model class, e.g. io.k8s.api.apps.v1.Deployment. */
  static String schemaName(Class<?> type) {
    String simple = type.getSimpleName();
    String pkg = type.getPackageName();
    if (simple.equals("IntOrString")) {
      return INT_OR_STRING;
    }
    if (simple.equals("Quantity")) {
      return QUANTITY;
    }
    if (pkg.equals(FABRIC8)) {
      return (META_TYPES.contains(simple) ? META : "io.k8s.api.core.v1.") + simple;
    }
    if (!pkg.startsWith(FABRIC8 + ".")) {
      return type.getName();
    }
    String rest = pkg.substring(FABRIC8.length() + 1);
    if (PACKAGES.containsKey(rest)) {
      return PACKAGES.get(rest) + "." + simple;
    }
    // fabric8 drops the version from packages that only ever had v1: apps, rbac, storage.
    boolean versioned = rest.matches(".*\\.v\\d+((alpha|beta)\\d+)?");
    return "io.k8s.api." + rest + (versioned ? "" : ".v1") + "." + simple;
  }

  /** The description of a schema, by its simple name, or null. */
  static String description(String simpleName) {
    String own = KIND_DESCRIPTIONS.get(simpleName);
    if (own == null && simpleName.endsWith("List") && KIND_DESCRIPTIONS.containsKey(stripList(simpleName))) {
      return simpleName + " is a list of " + stripList(simpleName) + " objects.";
    }
    return own;
  }

  /** The description of a standard top-level field (apiVersion, kind, metadata, spec, status, items), or null. */
  static String fieldDescription(String owner, String field) {
    return switch (field) {
      case "apiVersion" -> "APIVersion defines the versioned schema of this representation of an object. Servers "
          + "should convert recognized schemas to the latest internal value, and may reject unrecognized values. "
          + "More info: " + CONVENTIONS + "#resources";
      case "kind" -> "Kind is a string value representing the REST resource this object represents. Servers may "
          + "infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More "
          + "info: " + CONVENTIONS + "#types-kinds";
      case "metadata" -> owner.endsWith("List")
          ? "Standard list metadata. More info: " + CONVENTIONS + "#types-kinds"
          : "Standard object's metadata. More info: " + CONVENTIONS + "#metadata";
      case "spec" -> "Specification of the desired behavior of the " + owner + ". More info: " + CONVENTIONS
          + "#spec-and-status";
      case "status" -> "Most recently observed status of the " + owner + ". This data may not be up to date. "
          + "Populated by the system. Read-only. More info: " + CONVENTIONS + "#spec-and-status";
      case "items" -> owner.endsWith("List") ? "List of " + stripList(owner) + " objects." : null;
      default -> null;
    };
  }

  /** Required fields of classes whose simple name another kind shares (events.k8s.io Event vs core Event). */
  private static final Map<String, List<String>> REQUIRED_BY_CLASS = Map.of(
      "io.fabric8.kubernetes.api.model.events.v1.Event", List.of("eventTime", "metadata"));

  /** Required fields of a class, by its simple name. */
  static List<String> required(String simpleName) {
    return REQUIRED.getOrDefault(simpleName, List.of());
  }

  /** Required fields of a class. */
  static List<String> required(Class<?> type) {
    return REQUIRED_BY_CLASS.getOrDefault(type.getName(), required(type.getSimpleName()));
  }

  /** {strategy, merge key or null} for a list field, or null when it is replaced wholesale. */
  static String[] patchDirective(String simpleName, String field) {
    String[] own = PATCH.get(simpleName + "." + field);
    if (own == null && field.equals("conditions") && simpleName.endsWith("Status")) {
      return new String[] {"merge", "type"};
    }
    return own;
  }

  /** Whether a string field of this name holds a metav1.Time (fabric8 models those as plain strings). */
  static boolean isTimeField(String field) {
    return field.endsWith("Time") || field.endsWith("Timestamp") || field.equals("time")
        || field.equals("startedAt") || field.equals("finishedAt");
  }

  private static String stripList(String name) {
    return name.substring(0, name.length() - "List".length());
  }
}

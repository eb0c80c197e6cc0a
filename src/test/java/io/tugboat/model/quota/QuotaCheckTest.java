package io.tugboat.model.quota;

import static io.tugboat.model.TestObjects.type;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuotaCheckTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final ResourceType POD = type("v1", "Pod");

  /** The namespace's objects, by stored resource. */
  private final Map<String, List<JsonNode>> objects = new HashMap<>();

  private QuotaCheck.Objects namespace() {
    return key -> objects.getOrDefault(key, List.of());
  }

  private void store(ResourceType t, JsonNode obj) {
    objects.computeIfAbsent(t.storageKey(), k -> new ArrayList<>()).add(obj);
  }

  private static ObjectNode quota(String name, String specYaml) {
    return yaml("{metadata: {name: " + name + ", namespace: d}, spec: " + specYaml + "}");
  }

  private static ObjectNode pod(String name, String resourcesYaml) {
    return yaml("{metadata: {name: " + name + ", namespace: d}, spec: {containers: [{name: c, resources: "
        + resourcesYaml + "}]}, status: {phase: Running}}");
  }

  private Optional<String> admit(ResourceType t, JsonNode obj, JsonNode... quotas) {
    return QuotaCheck.admit(t, obj, List.of(quotas), namespace(), NOW);
  }

  @Test
  void countsPodsUntilTheHardLimitAndNamesTheQuota() {
    ObjectNode q = quota("pod-demo", "{hard: {pods: '2'}}");
    store(POD, pod("a", "{}"));
    assertTrue(admit(POD, pod("b", "{}"), q).isEmpty());
    store(POD, pod("b", "{}"));
    assertEquals(Optional.of("exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2"),
        admit(POD, pod("c", "{}"), q));
  }

  @Test
  void terminalPodsDoNotCountButStillCountAsObjects() {
    ObjectNode q = quota("q", "{hard: {pods: '1', count/pods: '2'}}");
    ObjectNode done = pod("done", "{}");
    done.with("status").put("phase", "Succeeded");
    store(POD, done);
    assertEquals(Map.of("pods", "0", "count/pods", "1"), QuotaCheck.canonical(QuotaCheck.used(q, namespace(), NOW)));
    assertTrue(admit(POD, pod("b", "{}"), q).isEmpty());
  }

  @Test
  void computeQuotaSumsRequestsAndLimitsAsTheDocsWalkthroughShows() {
    ObjectNode q = quota("mem-cpu-demo", "{hard: {requests.cpu: '1', requests.memory: 1Gi, limits.cpu: '2',"
        + " limits.memory: 2Gi}}");
    store(POD, pod("quota-mem-cpu-demo", "{limits: {memory: 800Mi, cpu: 800m}, requests: {memory: 600Mi, cpu: 400m}}"));
    assertEquals(Map.of("requests.cpu", "400m", "requests.memory", "600Mi", "limits.cpu", "800m",
        "limits.memory", "800Mi"), QuotaCheck.canonical(QuotaCheck.used(q, namespace(), NOW)));
    assertEquals(Optional.of("exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used:"
            + " requests.memory=600Mi, limited: requests.memory=1Gi"),
        admit(POD, pod("quota-mem-cpu-demo-2", "{limits: {memory: 1Gi, cpu: 800m}, requests: {memory: 700Mi,"
            + " cpu: 400m}}"), q));
  }

  @Test
  void everyExceededResourceIsListed() {
    ObjectNode q = quota("compute-quota", "{hard: {requests.cpu: '2', cpu: '2', pods: '10'}}");
    store(POD, pod("a", "{requests: {cpu: '1'}}"));
    assertEquals(Optional.of("exceeded quota: compute-quota, requested: cpu=2,requests.cpu=2, used:"
            + " cpu=1,requests.cpu=1, limited: cpu=2,requests.cpu=2"),
        admit(POD, pod("b", "{requests: {cpu: '2'}}"), q));
  }

  @Test
  void aCpuQuotaRequiresEveryContainerToDeclareIt() {
    ObjectNode q = quota("q", "{hard: {requests.cpu: '1', limits.cpu: '2'}}");
    ObjectNode p = yaml("{metadata: {name: p}, spec: {containers: [{name: c}, {name: d, resources: {requests:"
        + " {cpu: 100m}}}]}}");
    assertEquals(Optional.of("failed quota: q: must specify limits.cpu for: c,d; requests.cpu for: c"),
        admit(POD, p, q));
  }

  @Test
  void ephemeralStorageAndExtendedResourcesAreCounted() {
    ObjectNode q = quota("q", "{hard: {requests.ephemeral-storage: 1Gi, limits.ephemeral-storage: 2Gi,"
        + " requests.example.com/gpu: '1'}}");
    store(POD, pod("a", "{requests: {ephemeral-storage: 512Mi, example.com/gpu: '1'}, limits: {ephemeral-storage:"
        + " 1Gi, example.com/gpu: '1'}}"));
    assertEquals(Map.of("requests.ephemeral-storage", "512Mi", "limits.ephemeral-storage", "1Gi",
        "requests.example.com/gpu", "1"), QuotaCheck.canonical(QuotaCheck.used(q, namespace(), NOW)));
    assertTrue(admit(POD, pod("b", "{requests: {example.com/gpu: '1'}, limits: {example.com/gpu: '1'}}"), q)
        .orElseThrow().startsWith("exceeded quota: q, requested: requests.example.com/gpu=1"));
  }

  @Test
  void countQuotasCoverEachKind() {
    ResourceType svc = type("v1", "Service");
    ResourceType cm = type("v1", "ConfigMap");
    ResourceType secret = type("v1", "Secret");
    ResourceType pvc = type("v1", "PersistentVolumeClaim");
    ResourceType rc = type("v1", "ReplicationController");
    ResourceType rq = type("v1", "ResourceQuota");
    ResourceType deploy = type("apps/v1", "Deployment");
    ResourceType job = type("batch/v1", "Job");
    ObjectNode q = quota("counts", "{hard: {services: '1', services.nodeports: '2', services.loadbalancers: '0',"
        + " configmaps: '0', secrets: '0', persistentvolumeclaims: '0', replicationcontrollers: '0',"
        + " resourcequotas: '0', count/deployments.apps: '0', count/jobs.batch: '0', requests.storage: 1Gi}}");
    JsonNode any = yaml("{metadata: {name: x}}");
    assertEquals(refusal("configmaps"), admit(cm, any, q));
    assertEquals(refusal("secrets"), admit(secret, any, q));
    assertEquals(refusal("replicationcontrollers"), admit(rc, any, q));
    assertEquals(refusal("resourcequotas"), admit(rq, any, q));
    assertEquals(refusal("count/deployments.apps"), admit(deploy, any, q));
    assertEquals(refusal("count/jobs.batch"), admit(job, any, q));
    assertEquals(Optional.of("exceeded quota: counts, requested: persistentvolumeclaims=1,requests.storage=2Gi, used:"
        + " persistentvolumeclaims=0,requests.storage=0, limited: persistentvolumeclaims=0,requests.storage=1Gi"),
        admit(pvc, yaml("{metadata: {name: c}, spec: {resources: {requests: {storage: 2Gi}}}}"), q));
    assertEquals(Optional.of("exceeded quota: counts, requested: services.loadbalancers=1, used:"
        + " services.loadbalancers=0, limited: services.loadbalancers=0"),
        admit(svc, yaml("{metadata: {name: s}, spec: {type: LoadBalancer, ports: [{port: 80}]}}"), q));
    assertEquals(Optional.of("exceeded quota: counts, requested: services.nodeports=3, used:"
        + " services.nodeports=0, limited: services.nodeports=2"),
        admit(svc, yaml("{metadata: {name: s}, spec: {type: NodePort, ports: [{port: 80}, {port: 81}, {port: 82}]}}"),
            q));
    store(svc, yaml("{metadata: {name: s}, spec: {type: ClusterIP}}"));
    assertEquals(refusal("services", 1, 1), admit(svc, yaml("{metadata: {name: t}, spec: {}}"), q));
  }

  @Test
  void storageRequestsAreCountedPerClaimAndPerStorageClass() {
    ResourceType pvc = type("v1", "PersistentVolumeClaim");
    ObjectNode q = quota("storage", "{hard: {requests.storage: 3Gi, gold.storageclass.storage.k8s.io/requests.storage:"
        + " 1Gi}}");
    store(pvc, yaml("{metadata: {name: a}, spec: {storageClassName: gold, resources: {requests: {storage: 1Gi}}}}"));
    assertEquals(Map.of("requests.storage", "1Gi", "gold.storageclass.storage.k8s.io/requests.storage", "1Gi"),
        QuotaCheck.canonical(QuotaCheck.used(q, namespace(), NOW)));
    assertTrue(admit(pvc, yaml("{metadata: {name: b}, spec: {resources: {requests: {storage: 2Gi}}}}"), q)
        .isEmpty());
    assertEquals(Optional.of("exceeded quota: storage, requested: gold.storageclass.storage.k8s.io/requests.storage=1Gi,"
            + " used: gold.storageclass.storage.k8s.io/requests.storage=1Gi, limited:"
            + " gold.storageclass.storage.k8s.io/requests.storage=1Gi"),
        admit(pvc, yaml("{metadata: {name: b}, spec: {storageClassName: gold, resources: {requests: {storage: 1Gi}}}}"),
            q));
  }

  @Test
  void scopesSelectWhichPodsAQuotaCovers() {
    ObjectNode bestEffort = quota("be", "{hard: {pods: '0'}, scopes: [BestEffort]}");
    ObjectNode notBestEffort = quota("nbe", "{hard: {pods: '0'}, scopes: [NotBestEffort]}");
    ObjectNode terminating = quota("term", "{hard: {pods: '0'}, scopes: [Terminating]}");
    ObjectNode notTerminating = quota("nterm", "{hard: {pods: '0'}, scopes: [NotTerminating]}");
    ObjectNode plain = pod("p", "{}");
    ObjectNode burstable = pod("p", "{requests: {cpu: 100m}}");
    ObjectNode deadline = pod("p", "{}");
    deadline.with("spec").put("activeDeadlineSeconds", 30);
    assertTrue(admit(POD, plain, bestEffort).isPresent());
    assertTrue(admit(POD, burstable, bestEffort).isEmpty());
    assertTrue(admit(POD, burstable, notBestEffort).isPresent());
    assertTrue(admit(POD, plain, notBestEffort).isEmpty());
    assertTrue(admit(POD, deadline, terminating).isPresent());
    assertTrue(admit(POD, plain, terminating).isEmpty());
    assertTrue(admit(POD, plain, notTerminating).isPresent());
    assertTrue(admit(POD, deadline, notTerminating).isEmpty());
    // A scoped quota never covers anything but pods.
    assertTrue(admit(type("v1", "ConfigMap"), yaml("{metadata: {name: c}}"),
        quota("be", "{hard: {pods: '0'}, scopes: [BestEffort]}")).isEmpty());
  }

  @Test
  void priorityClassScopeSelectorMatchesThePodsClass() {
    ObjectNode high = quota("high", "{hard: {pods: '0'}, scopeSelector: {matchExpressions: [{scopeName: PriorityClass,"
        + " operator: In, values: [high]}]}}");
    ObjectNode p = pod("p", "{}");
    assertTrue(admit(POD, p, high).isEmpty());
    p.with("spec").put("priorityClassName", "high");
    assertEquals(Optional.of("exceeded quota: high, requested: pods=1, used: pods=0, limited: pods=0"),
        admit(POD, p, high));
  }

  @Test
  void theFirstQuotaByNameThatIsExceededIsReported() {
    ObjectNode b = quota("b", "{hard: {pods: '0'}}");
    ObjectNode a = quota("a", "{hard: {pods: '0'}}");
    assertTrue(admit(POD, pod("p", "{}"), b, a).orElseThrow().startsWith("exceeded quota: a,"));
  }

  @Test
  void aQuotaOnOtherResourcesDoesNotGetInTheWay() {
    ObjectNode q = quota("q", "{hard: {configmaps: '0'}}");
    assertTrue(admit(POD, pod("p", "{}"), q).isEmpty());
  }

  private static Optional<String> refusal(String resource) {
    return refusal(resource, 0, 0);
  }

  private static Optional<String> refusal(String resource, int used, int hard) {
    return Optional.of("exceeded quota: counts, requested: " + resource + "=1, used: " + resource + "=" + used
        + ", limited: " + resource + "=" + hard);
  }
}

package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.fields;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoreRulesTest {

  @Test
  void defaultsANamespace() {
    ObjectNode ns = yaml("metadata: {name: team-a}");
    CoreRules.NAMESPACE.applyDefaults(ns);
    assertEquals(yaml("""
        metadata: {name: team-a, labels: {kubernetes.io/metadata.name: team-a}}
        spec: {finalizers: [kubernetes]}
        status: {phase: Active}
        """), ns);
  }

  @Test
  void defaultsClaimsAndVolumes() {
    ObjectNode pvc = yaml("spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}");
    CoreRules.PERSISTENT_VOLUME_CLAIM.applyDefaults(pvc);
    assertEquals("Filesystem", pvc.at("/spec/volumeMode").asText());
    assertEquals("Pending", pvc.at("/status/phase").asText());
    assertEquals(List.of(), CoreRules.PERSISTENT_VOLUME_CLAIM.validate(pvc));
    ObjectNode pv = yaml("spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /d}}");
    CoreRules.PERSISTENT_VOLUME.applyDefaults(pv);
    assertEquals("Retain", pv.at("/spec/persistentVolumeReclaimPolicy").asText());
    assertEquals("Filesystem", pv.at("/spec/volumeMode").asText());
    assertEquals("Pending", pv.at("/status/phase").asText());
    assertEquals(List.of(), CoreRules.PERSISTENT_VOLUME.validate(pv));
  }

  @Test
  void claimsNeedAccessModesAndStorage() {
    assertEquals(List.of("spec.accessModes: Required value: at least 1 access mode is required",
        "spec.resources[storage]: Required value"), described(CoreRules.PERSISTENT_VOLUME_CLAIM.validate(yaml("spec: {}"))));
  }

  @Test
  void claimSpecIsImmutableExceptRequests() {
    ObjectNode old = yaml("spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}");
    ObjectNode bigger = yaml("spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}");
    assertEquals(List.of(), CoreRules.PERSISTENT_VOLUME_CLAIM.validateUpdate(bigger, old));
    ObjectNode bound = yaml("spec: {accessModes: [ReadWriteOnce], volumeName: pv-1, resources: {requests: {storage: 1Gi}}}");
    assertEquals(List.of(), CoreRules.PERSISTENT_VOLUME_CLAIM.validateUpdate(bound, old));
    ObjectNode changed = yaml("spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}");
    assertEquals(List.of("spec"), fields(CoreRules.PERSISTENT_VOLUME_CLAIM.validateUpdate(changed, old)));
  }

  @Test
  void aClaimWithoutClassMayGetOneOnceAndKeepsIt() {
    ObjectNode old = yaml("spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}");
    ObjectNode classed = yaml("spec: {accessModes: [ReadWriteOnce], storageClassName: standard,"
        + " resources: {requests: {storage: 1Gi}}}");
    assertEquals(List.of(), CoreRules.PERSISTENT_VOLUME_CLAIM.validateUpdate(classed, old));
    ObjectNode other = yaml("spec: {accessModes: [ReadWriteOnce], storageClassName: fast,"
        + " resources: {requests: {storage: 1Gi}}}");
    assertEquals(List.of("spec"), fields(CoreRules.PERSISTENT_VOLUME_CLAIM.validateUpdate(other, classed)));
  }

  @Test
  void nodeTaintsNeedKeyAndKnownEffect() {
    assertEquals(List.of("spec.taints[0].key: Required value",
        "spec.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\","
            + " \"PreferNoSchedule\", \"NoExecute\""),
        described(CoreRules.NODE.validate(yaml("spec: {taints: [{effect: Sometimes}]}"))));
  }

  @Test
  void nodeAllocatableDefaultsToCapacity() {
    ObjectNode node = yaml("status: {capacity: {cpu: '4', memory: 8Gi}}");
    CoreRules.NODE.applyDefaults(node);
    assertEquals(node.at("/status/capacity"), node.at("/status/allocatable"));
  }

  @Test
  void endpointsNeedIpsAndPorts() {
    ObjectNode ep = yaml("subsets: [{addresses: [{}], ports: [{port: 0}]}]");
    CoreRules.ENDPOINTS.applyDefaults(ep);
    assertEquals("TCP", ep.at("/subsets/0/ports/0/protocol").asText());
    assertEquals(List.of("subsets[0].addresses[0].ip", "subsets[0].ports[0].port"),
        fields(CoreRules.ENDPOINTS.validate(ep)));
  }
}

package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Node and Lease a node agent writes. */
class NodeObjectsTest {

  static final NodeProfile PROFILE = new NodeProfile("n1", NodeSettings.labels("n1", "amd64"),
      Map.of("cpu", "4", "memory", "16Gi", "pods", "110", "ephemeral-storage", "100Gi"),
      Map.of("cpu", "4", "memory", "16284Mi", "pods", "110", "ephemeral-storage", "90Gi"), "10.0.0.5", 10250,
      new NodeProfile.NodeInfo("v1.31.0", "Debian GNU/Linux 12 (bookworm)", "6.1.0", "tugboat://0.1", "amd64", "linux",
          "m", "s", "b"),
      new NodeProfile.Thresholds(100L << 20, 10, 5), "kubelet is posting ready status");
  static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");
  static final long GI = 1L << 30;

  @Test
  void nodeCarriesTheKubeletLabels() {
    ObjectNode node = NodeObjects.node(PROFILE);
    assertEquals("n1", Json.metaText(node, "name"));
    JsonNode labels = node.path("metadata").path("labels");
    assertEquals("n1", labels.path("kubernetes.io/hostname").asText());
    assertEquals("linux", labels.path("kubernetes.io/os").asText());
    assertEquals("amd64", labels.path("kubernetes.io/arch").asText());
    assertFalse(labels.fieldNames().next().startsWith("node-role"), "no node-role labels");
  }

  @Test
  void statusReportsCapacityInfoAddressesAndHealthyConditions() {
    ObjectNode s = NodeObjects.status(PROFILE, HostReadings.idle(16 * GI, 100 * GI), null, T0);
    assertEquals("4", s.path("capacity").path("cpu").asText());
    assertEquals("16284Mi", s.path("allocatable").path("memory").asText());
    assertEquals("v1.31.0", s.path("nodeInfo").path("kubeletVersion").asText());
    assertEquals("tugboat://0.1", s.path("nodeInfo").path("containerRuntimeVersion").asText());
    assertEquals("Debian GNU/Linux 12 (bookworm)", s.path("nodeInfo").path("osImage").asText());
    assertEquals("10.0.0.5", s.path("addresses").get(0).path("address").asText());
    assertEquals("InternalIP", s.path("addresses").get(0).path("type").asText());
    assertEquals("Hostname", s.path("addresses").get(1).path("type").asText());
    assertEquals(10250, s.path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt());
    JsonNode ready = NodeObjects.condition(s, "Ready");
    assertEquals("True", ready.path("status").asText());
    assertEquals("KubeletReady", ready.path("reason").asText());
    assertEquals("2026-01-02T03:04:05Z", ready.path("lastHeartbeatTime").asText());
    for (String type : new String[] {"MemoryPressure", "DiskPressure", "PIDPressure"}) {
      assertEquals("False", NodeObjects.condition(s, type).path("status").asText(), type);
    }
  }

  @Test
  void pressureFollowsTheThresholds() {
    HostReadings low = new HostReadings(16 * GI, 50L << 20, 100 * GI, 5 * GI, 1000, 990);
    ObjectNode s = NodeObjects.status(PROFILE, low, null, T0);
    assertEquals("True", NodeObjects.condition(s, "MemoryPressure").path("status").asText());
    assertEquals("KubeletHasInsufficientMemory", NodeObjects.condition(s, "MemoryPressure").path("reason").asText());
    assertEquals("True", NodeObjects.condition(s, "DiskPressure").path("status").asText());
    assertEquals("True", NodeObjects.condition(s, "PIDPressure").path("status").asText());
    HostReadings unknown = new HostReadings(-1, -1, -1, -1, -1, -1);
    ObjectNode u = NodeObjects.status(PROFILE, unknown, null, T0);
    assertEquals("False", NodeObjects.condition(u, "MemoryPressure").path("status").asText(),
        "no reading, no pressure");
  }

  @Test
  void transitionTimesStayUntilTheStatusChangesAndHeartbeatsAloneAreNoChange() {
    HostReadings ok = HostReadings.idle(16 * GI, 100 * GI);
    ObjectNode first = NodeObjects.status(PROFILE, ok, null, T0);
    ObjectNode later = NodeObjects.status(PROFILE, ok, first, T0.plusSeconds(60));
    assertEquals("2026-01-02T03:04:05Z", NodeObjects.condition(later, "Ready").path("lastTransitionTime").asText());
    assertEquals("2026-01-02T03:05:05Z", NodeObjects.condition(later, "Ready").path("lastHeartbeatTime").asText());
    assertTrue(NodeObjects.sameIgnoringHeartbeats(first, later));

    HostReadings tight = new HostReadings(16 * GI, 1L << 20, 100 * GI, 100 * GI, 1000, 1);
    ObjectNode pressed = NodeObjects.status(PROFILE, tight, later, T0.plusSeconds(70));
    assertFalse(NodeObjects.sameIgnoringHeartbeats(later, pressed));
    assertEquals("2026-01-02T03:05:15Z",
        NodeObjects.condition(pressed, "MemoryPressure").path("lastTransitionTime").asText());
  }

  @Test
  void leaseIsHeldByTheNodeOwnedByItAndRenewedInMicroTime() {
    ObjectNode lease = NodeObjects.lease("n1", "uid-1", 40, T0);
    assertEquals("kube-node-lease", Json.metaText(lease, "namespace"));
    assertEquals("n1", lease.path("spec").path("holderIdentity").asText());
    assertEquals(40, lease.path("spec").path("leaseDurationSeconds").asInt());
    assertEquals("2026-01-02T03:04:05.123456Z", lease.path("spec").path("renewTime").asText());
    JsonNode owner = lease.path("metadata").path("ownerReferences").get(0);
    assertEquals("Node", owner.path("kind").asText());
    assertEquals("uid-1", owner.path("uid").asText());
  }

  @Test
  void missingLabelsKeepOthersLabels() {
    ObjectNode node = NodeObjects.node(PROFILE);
    ((ObjectNode) node.path("metadata").path("labels")).put("team", "a").put("kubernetes.io/arch", "arm64");
    ObjectNode missing = NodeObjects.missingLabels(node, PROFILE.labels());
    assertEquals(1, missing.size());
    assertEquals("amd64", missing.path("kubernetes.io/arch").asText());
  }

  @Test
  void hollowProfilesHaveTheirOwnNamesRangesAndFixedCapacity() {
    assertEquals("hollow-00001", NodeSettings.hollowName(1));
    assertEquals("10.128.1.0/24", NodeSettings.hollowPodCidr(1));
    assertEquals("10.147.136.0/24", NodeSettings.hollowPodCidr(5000));
  }
}

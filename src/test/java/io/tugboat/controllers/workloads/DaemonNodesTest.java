package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.workloads.World.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which nodes a daemon pod belongs on, the pod it makes, and the ControllerRevision history, as pure functions. */
class DaemonNodesTest {

  static ObjectNode node(String name, String labels, String taints) {
    return json("{'apiVersion':'v1','kind':'Node','metadata':{'name':'" + name + "','labels':" + labels
        + "},'spec':{'taints':" + taints + "}}");
  }

  static final ObjectNode PLAIN = json("{'containers':[{'name':'c','image':'fluentd'}]}");

  @Test
  void aPlainNodeRunsTheDaemonPod() {
    assertEquals(new DaemonNodes.Fit(true, true), DaemonNodes.fit(node("n1", "{}", "[]"), PLAIN));
  }

  @Test
  void nodeSelectorMustMatchTheNodeLabels() {
    ObjectNode spec = PLAIN.deepCopy();
    spec.putObject("nodeSelector").put("disk", "ssd");
    assertEquals(new DaemonNodes.Fit(true, true), DaemonNodes.fit(node("n1", "{'disk':'ssd'}", "[]"), spec));
    assertEquals(new DaemonNodes.Fit(false, false), DaemonNodes.fit(node("n1", "{'disk':'hdd'}", "[]"), spec));
    assertEquals(new DaemonNodes.Fit(false, false), DaemonNodes.fit(node("n1", "{}", "[]"), spec));
  }

  @Test
  void requiredNodeAffinityMustMatch() {
    ObjectNode spec = PLAIN.deepCopy();
    spec.set("affinity", json("{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':"
        + "[{'matchExpressions':[{'key':'zone','operator':'In','values':['a','b']}]}]}}}"));
    assertTrue(DaemonNodes.fit(node("n1", "{'zone':'b'}", "[]"), spec).run());
    assertFalse(DaemonNodes.fit(node("n1", "{'zone':'c'}", "[]"), spec).keep());
    ObjectNode byName = PLAIN.deepCopy();
    byName.set("affinity", json("{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{"
        + "'nodeSelectorTerms':"
        + "[{'matchFields':[{'key':'metadata.name','operator':'NotIn','values':['n2']}]}]}}}"));
    assertTrue(DaemonNodes.fit(node("n1", "{}", "[]"), byName).run());
    assertFalse(DaemonNodes.fit(node("n2", "{}", "[]"), byName).run());
  }

  @Test
  void untoleratedNoScheduleTaintStopsNewPodsButKeepsOldOnesAndNoExecuteEvictsThem() {
    String noSchedule = "[{'key':'dedicated','value':'db','effect':'NoSchedule'}]";
    String noExecute = "[{'key':'dedicated','value':'db','effect':'NoExecute'}]";
    assertEquals(new DaemonNodes.Fit(false, true), DaemonNodes.fit(node("n1", "{}", noSchedule), PLAIN));
    assertEquals(new DaemonNodes.Fit(false, false), DaemonNodes.fit(node("n1", "{}", noExecute), PLAIN));
    assertEquals(new DaemonNodes.Fit(true, true),
        DaemonNodes.fit(node("n1", "{}", "[{'key':'x','effect':'PreferNoSchedule'}]"), PLAIN));
    ObjectNode tolerating = PLAIN.deepCopy();
    tolerating.set("tolerations", json("{'t':[{'key':'dedicated','operator':'Equal','value':'db'}]}").get("t"));
    assertEquals(new DaemonNodes.Fit(true, true), DaemonNodes.fit(node("n1", "{}", noExecute), tolerating));
  }

  @Test
  void theAutomaticTolerationsKeepPodsOnLostCordonedAndPressuredNodes() {
    for (String taint : List.of("{'key':'node.kubernetes.io/not-ready','effect':'NoExecute'}",
        "{'key':'node.kubernetes.io/unreachable','effect':'NoExecute'}",
        "{'key':'node.kubernetes.io/unschedulable','effect':'NoSchedule'}",
        "{'key':'node.kubernetes.io/disk-pressure','effect':'NoSchedule'}",
        "{'key':'node.kubernetes.io/memory-pressure','effect':'NoSchedule'}",
        "{'key':'node.kubernetes.io/pid-pressure','effect':'NoSchedule'}")) {
      assertEquals(new DaemonNodes.Fit(true, true), DaemonNodes.fit(node("n1", "{}", "[" + taint + "]"), PLAIN),
          taint);
    }
    String network = "[{'key':'node.kubernetes.io/network-unavailable','effect':'NoSchedule'}]";
    assertFalse(DaemonNodes.fit(node("n1", "{}", network), PLAIN).run());
    ObjectNode hostNetwork = PLAIN.deepCopy();
    hostNetwork.put("hostNetwork", true);
    assertTrue(DaemonNodes.fit(node("n1", "{}", network), hostNetwork).run());
  }

  @Test
  void daemonPodIsPinnedToItsNodeByMatchFieldsAndToleratesWhatKubernetesAdds() {
    ObjectNode ds = DaemonSetSyncTest.daemonSet("fluentd:1", DaemonSetSyncTest.ROLLING_1);
    Json.meta(ds).put("uid", "u1");
    ds.with("spec").with("template").with("spec").set("affinity", json("{'nodeAffinity':{"
        + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':"
        + "[{'key':'zone','operator':'In','values':['a']}]}]}}}"));
    ObjectNode pod = DaemonNodes.pod(ds, "n7", "abc");
    assertEquals("abc", pod.path("metadata").path("labels").path("controller-revision-hash").asText());
    assertEquals("n7", DaemonNodes.targetNode(pod));
    JsonNode terms = pod.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
        + "/nodeSelectorTerms");
    assertEquals(json("{'t':[{'matchFields':[{'key':'metadata.name','operator':'In','values':['n7']}]}]}").get("t"),
        terms);
    List<String> tolerated = new ArrayList<>();
    pod.path("spec").path("tolerations").forEach(t -> tolerated.add(t.path("key").asText() + ":"
        + t.path("effect").asText()));
    assertEquals(List.of("node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute",
        "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule",
        "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"), tolerated);
    assertEquals("u1", Owners.controllerUid(pod));
    assertEquals("fluentd-", pod.path("metadata").path("generateName").asText());
  }

  @Test
  void revisionHashIsStableAndMovesWithTheTemplateAndTheCollisionCount() {
    ObjectNode a = DaemonSetSyncTest.daemonSet("fluentd:1", "{'type':'OnDelete'}");
    ObjectNode b = DaemonSetSyncTest.daemonSet("fluentd:1", "{'type':'OnDelete'}");
    assertEquals(DaemonHistory.hash(a), DaemonHistory.hash(b));
    ObjectNode other = DaemonSetSyncTest.daemonSet("fluentd:2", "{'type':'OnDelete'}");
    assertNotEquals(DaemonHistory.hash(a), DaemonHistory.hash(other));
    b.with("status").put("collisionCount", 1);
    assertNotEquals(DaemonHistory.hash(a), DaemonHistory.hash(b));
  }

  @Test
  void revisionDataIsThePatchKubectlUndoSendsAndMatchesTheTemplate() {
    ObjectNode ds = DaemonSetSyncTest.daemonSet("fluentd:1", "{'type':'OnDelete'}");
    Json.meta(ds).put("uid", "u1");
    Json.meta(ds).putObject("annotations").put("kubernetes.io/change-cause", "kubectl create");
    ObjectNode cr = DaemonHistory.snapshot(ds, "h1", 4);
    assertEquals("fluentd-h1", cr.path("metadata").path("name").asText());
    assertEquals("replace", cr.at("/data/spec/template/$patch").asText());
    assertEquals("fluentd:1", cr.at("/data/spec/template/spec/containers/0/image").asText());
    assertEquals("kubectl create", cr.at("/metadata/annotations/kubernetes.io~1change-cause").asText());
    assertEquals("h1", cr.at("/metadata/labels/controller-revision-hash").asText());
    assertEquals("fluentd-elasticsearch", cr.at("/metadata/labels/name").asText());
    assertEquals(4, DaemonHistory.revision(cr));
    assertTrue(DaemonHistory.matches(ds, cr));
    assertFalse(DaemonHistory.matches(DaemonSetSyncTest.daemonSet("fluentd:2", "{'type':'OnDelete'}"), cr));
  }

  @Test
  void historyCleanupDeletesTheOldestRevisionsNoPodUses() {
    ObjectNode ds = DaemonSetSyncTest.daemonSet("fluentd:1", "{'type':'OnDelete'}");
    ds.with("spec").put("revisionHistoryLimit", 2);
    List<JsonNode> old = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      old.add(DaemonHistory.snapshot(ds, "h" + i, i));
    }
    List<String> gone = DaemonHistory.toDelete(ds, old, Set.of("h1")).stream()
        .map(r -> Json.metaText(r, "name")).toList();
    assertEquals(List.of("fluentd-h2", "fluentd-h3", "fluentd-h4"), gone);
    ds.with("spec").put("revisionHistoryLimit", 10);
    assertTrue(DaemonHistory.toDelete(ds, old, Set.of()).isEmpty());
  }

  private static String rolling(String maxUnavailable, String maxSurge) {
    return "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':" + maxUnavailable + ",'maxSurge':" + maxSurge
        + "}}";
  }

  @Test
  void rollingLimitsScalePercentagesUpAndNeverAllowZeroAndZero() {
    ObjectNode ds = DaemonSetSyncTest.daemonSet("f", rolling("'10%'", "0"));
    assertEquals(new DaemonRollout.Limits(2, 0), DaemonRollout.Limits.of(ds, 11));
    ds = DaemonSetSyncTest.daemonSet("f", rolling("0", "'25%'"));
    assertEquals(new DaemonRollout.Limits(0, 3), DaemonRollout.Limits.of(ds, 10));
    assertTrue(DaemonRollout.surges(ds));
    ds = DaemonSetSyncTest.daemonSet("f", rolling("'0%'", "0"));
    assertEquals(new DaemonRollout.Limits(1, 0), DaemonRollout.Limits.of(ds, 10));
    assertFalse(DaemonRollout.surges(ds));
  }
}

package io.tugboat.controllers.workloads;

import static io.tugboat.controllers.StoreNode.await;
import static io.tugboat.controllers.StoreNode.json;
import static io.tugboat.controllers.StoreNode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.controllers.StoreNode;
import io.tugboat.model.Json;
import io.tugboat.model.PatchType;
import io.tugboat.model.PodBinding;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StatefulSet controller over a real in-process store: sharded loops, the dispatcher and the garbage
 * collector, with the test as the kubelet (it marks pods Running and Ready; no scheduler runs, so pods stay
 * unbound and go at once when deleted unless a finalizer holds them). Each test uses its own namespace; a
 * recorder checks after every single pod change that a pod appears only when every lower ordinal is Running
 * and Ready (OrderedReady) and that no name is ever held by two live pods.
 */
class StatefulSetControllersTest {

  static final ResourceType PODS = ReplicaSetSync.PODS;
  static final ResourceType STS = StatefulSetSync.STATEFUL_SETS;
  static final ResourceType CLAIMS = StatefulSetPods.CLAIMS;
  static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();

  @TempDir
  static Path dataDir;

  private static StoreNode node;
  private static ControllerNode controllers;

  @BeforeAll
  static void start() throws Exception {
    controllers = new ControllerNode("StatefulSetControllersTest", dataDir);
    node = controllers.node;
  }

  @AfterAll
  static void stop() {
    if (controllers != null) {
      controllers.close();
    }
  }

  /** What the recorder saw in one namespace: pods that appeared after it started, in order, and broken promises. */
  static final class Recorder implements AutoCloseable {
    final List<String> created = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private final Runnable cancel;

    Recorder(String ns) {
      list(PODS, ns).forEach(p -> seen.add(Json.metaText(p, "uid")));
      cancel = node.store.cache().onChanges(List.of(PODS.storageKey()), () -> {
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode p : list(PODS, ns)) {
          byName.put(Json.metaText(p, "name"), p);
        }
        synchronized (this) {
          for (JsonNode p : byName.values()) {
            if (seen.add(Json.metaText(p, "uid"))) {
              String name = Json.metaText(p, "name");
              created.add(name);
              int ordinal = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
              for (int lower = 0; lower < ordinal; lower++) {
                JsonNode l = byName.get("web-" + lower);
                if (l == null || !StatefulSetSync.healthy(l)) {
                  violations.add(name + " created while web-" + lower + " was not Running and Ready");
                }
              }
            }
          }
        }
      });
    }

    synchronized List<String> created() {
      return List.copyOf(created);
    }

    synchronized List<String> violations() {
      return List.copyOf(violations);
    }

    @Override
    public void close() {
      cancel.run();
    }
  }

  private static String namespace(String name) throws Exception {
    return controllers.namespace(name);
  }

  private static ObjectNode web(String ns, int replicas, String image) {
    ObjectNode set = StatefulSetSyncTest.web(replicas, "OrderedReady", image);
    Json.meta(set).put("namespace", ns);
    return set;
  }

  static List<JsonNode> list(ResourceType type, String ns) {
    return node.store.cache().list(type.storageKey(), ns, e -> true, null, 0).items().stream()
        .map(e -> (JsonNode) e.object()).toList();
  }

  private static List<String> podNames(String ns) {
    return list(PODS, ns).stream().map(p -> Json.metaText(p, "name")).sorted().toList();
  }

  private static JsonNode pod(String ns, String name) {
    return node.get(ObjectKey.of(PODS, ns, name)).orElse(null);
  }

  private static JsonNode status(String ns) {
    return node.get(ObjectKey.of(STS, ns, "web")).orElseThrow().path("status");
  }

  /** The kubelet's part: every pod not ready and not terminating becomes Running and Ready. */
  private static void kubelet(String ns) {
    for (JsonNode p : list(PODS, ns)) {
      if (!Pods.ready(p) && !Owners.deleting(p) && !"Unknown".equals(p.path("status").path("phase").asText())) {
        setReady(ns, p, true);
      }
    }
  }

  private static void setReady(String ns, JsonNode p, boolean ready) {
    ObjectNode copy = (ObjectNode) p.deepCopy();
    copy.with("status").put("phase", ready ? "Running" : "Unknown");
    PodBinding.setCondition(copy, "Ready", ready ? "True" : "False", null, null, Instant.now());
    node.store.update(ObjectKey.of(PODS, ns, Json.metaText(p, "name")), copy, Subresource.STATUS, request("update"));
  }

  private static void eventually(Runnable check) {
    controllers.eventually(check);
  }

  private static void readyWith(String ns, int replicas) {
    eventually(() -> {
      kubelet(ns);
      JsonNode s = status(ns);
      assertEquals(replicas, s.path("readyReplicas").asInt(), s.toString());
      assertEquals(replicas, s.path("replicas").asInt(), s.toString());
      assertEquals(s.path("updateRevision"), s.path("currentRevision"), s.toString());
    });
  }

  private static void patch(String ns, String patch) throws Exception {
    await(node.store.patch(ObjectKey.of(STS, ns, "web"), PatchType.STRATEGIC, json(patch), Subresource.MAIN,
        request("patch")));
  }

  private static List<String> events(String ns, String reason) {
    return list(EVENTS, ns).stream().filter(e -> e.path("reason").asText().equals(reason))
        .map(e -> e.path("message").asText()).toList();
  }

  @Test
  void podsAppearOneByOneAndADeletedPodComesBackWithItsNameAndClaim() throws Exception {
    String ns = namespace("ordered");
    try (Recorder recorder = new Recorder(ns)) {
      node.create(STS, web(ns, 3, "nginx:1"));
      readyWith(ns, 3);
      assertEquals(List.of("web-0", "web-1", "web-2"), recorder.created());
      assertEquals(List.of(), recorder.violations());
      assertEquals(List.of("www-web-0", "www-web-1", "www-web-2"),
          list(CLAIMS, ns).stream().map(c -> Json.metaText(c, "name")).sorted().toList());
      String claimUid = Json.metaText(node.get(ObjectKey.of(CLAIMS, ns, "www-web-1")).orElseThrow(), "uid");
      String podUid = Json.metaText(pod(ns, "web-1"), "uid");
      await(node.store.delete(ObjectKey.of(PODS, ns, "web-1"), null, null, null, null, request("delete")));
      eventually(() -> {
        kubelet(ns);
        JsonNode back = pod(ns, "web-1");
        assertTrue(back != null && !Json.metaText(back, "uid").equals(podUid));
        assertEquals("www-web-1", back.path("spec").path("volumes").get(0).path("persistentVolumeClaim")
            .path("claimName").asText());
      });
      assertEquals(claimUid, Json.metaText(node.get(ObjectKey.of(CLAIMS, ns, "www-web-1")).orElseThrow(), "uid"));
      readyWith(ns, 3);
      assertEquals(List.of(), recorder.violations());
    }
    eventually(() -> assertTrue(events(ns, "SuccessfulCreate")
        .contains("create Claim www-web-0 Pod web-0 in StatefulSet web success")));
    assertTrue(events(ns, "SuccessfulCreate").contains("create Pod web-2 in StatefulSet web successful"));
  }

  @Test
  void scaleDownRemovesTheHighestOrdinalFirstAndKeepsItsClaim() throws Exception {
    String ns = namespace("scaledown");
    node.create(STS, web(ns, 3, "nginx:1"));
    readyWith(ns, 3);
    List<String> gone = new ArrayList<>();
    Runnable cancel = node.store.cache().onChanges(List.of(PODS.storageKey()), () -> {
      synchronized (gone) {
        for (String name : List.of("web-2", "web-1")) {
          if (!gone.contains(name) && list(PODS, ns).stream().noneMatch(p -> Json.metaText(p, "name").equals(name))) {
            gone.add(name);
          }
        }
      }
    });
    try {
      patch(ns, "{'spec':{'replicas':1}}");
      eventually(() -> assertEquals(List.of("web-0"), podNames(ns)));
    } finally {
      cancel.run();
    }
    synchronized (gone) {
      assertEquals(List.of("web-2", "web-1"), gone);
    }
    assertEquals(3, list(CLAIMS, ns).size(), "claims outlive their pods");
    eventually(() -> assertEquals(1, status(ns).path("replicas").asInt()));
  }

  @Test
  void whenScaledDeleteTakesTheClaimsOfRemovedOrdinalsAndWhenDeletedTheRest() throws Exception {
    String ns = namespace("retention");
    ObjectNode set = web(ns, 3, "nginx:1");
    ((ObjectNode) set.path("spec")).putObject("persistentVolumeClaimRetentionPolicy")
        .put("whenDeleted", "Delete").put("whenScaled", "Delete");
    node.create(STS, set);
    readyWith(ns, 3);
    patch(ns, "{'spec':{'replicas':1}}");
    eventually(() -> {
      assertEquals(List.of("web-0"), podNames(ns));
      assertEquals(List.of("www-web-0"), list(CLAIMS, ns).stream().map(c -> Json.metaText(c, "name")).toList());
    });
    await(node.store.delete(ObjectKey.of(STS, ns, "web"), null, null, null, "Background", request("delete")));
    eventually(() -> {
      assertEquals(List.of(), podNames(ns));
      assertEquals(List.of(), list(CLAIMS, ns));
    });
  }

  @Test
  void rollingUpdateReplacesPodsInReverseOrdinalOrder() throws Exception {
    String ns = namespace("rolling");
    node.create(STS, web(ns, 3, "nginx:1"));
    readyWith(ns, 3);
    String oldRevision = status(ns).path("currentRevision").asText();
    try (Recorder recorder = new Recorder(ns)) {
      patch(ns, "{'spec':{'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:2'}]}}}}");
      eventually(() -> {
        kubelet(ns);
        JsonNode s = status(ns);
        assertEquals(2, s.path("observedGeneration").asInt(), s.toString());
        assertNotEquals(oldRevision, s.path("currentRevision").asText(), s.toString());
        assertEquals(3, s.path("updatedReplicas").asInt(), s.toString());
        assertEquals(3, s.path("readyReplicas").asInt(), s.toString());
        assertEquals(s.path("updateRevision"), s.path("currentRevision"), s.toString());
      });
      assertEquals(List.of("web-2", "web-1", "web-0"), recorder.created());
      assertEquals(List.of(), recorder.violations());
    }
    assertNotEquals(oldRevision, status(ns).path("currentRevision").asText());
    for (JsonNode p : list(PODS, ns)) {
      assertEquals("nginx:2", p.path("spec").path("containers").get(0).path("image").asText());
    }
    assertEquals(2, list(StatefulSetRevisions.REVISIONS, ns).size());
  }

  @Test
  void controllerRestartMidUpdateContinuesFromTheCache() throws Exception {
    String ns = namespace("restart");
    node.create(STS, web(ns, 3, "nginx:1"));
    readyWith(ns, 3);
    try (Recorder recorder = new Recorder(ns)) {
      patch(ns, "{'spec':{'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:2'}]}}}}");
      // Mid-update: web-2 came back from the new revision and nobody made it ready.
      eventually(() -> {
        JsonNode p = pod(ns, "web-2");
        assertTrue(p != null && "nginx:2".equals(p.path("spec").path("containers").get(0).path("image").asText()));
      });
      controllers.stopDispatcher();
      ClusterSharding.get(node.testKit.system()).entityRefFor(OwnerController.typeKey(STS),
          ObjectKey.of(STS, ns, "web").entityId()).tell(OwnerController.Stop.INSTANCE);
      controllers.startDispatcher();
      eventually(() -> {
        kubelet(ns);
        JsonNode s = status(ns);
        assertEquals(3, s.path("updatedReplicas").asInt(), s.toString());
        assertEquals(s.path("updateRevision"), s.path("currentRevision"), s.toString());
      });
      assertEquals(List.of("web-2", "web-1", "web-0"), recorder.created());
    }
    assertEquals(List.of("web-0", "web-1", "web-2"), podNames(ns));
  }

  @Test
  void aPodOnALostNodeStaysUntilDeletedAndIsNeverDuplicated() throws Exception {
    String ns = namespace("nodeloss");
    node.create(STS, web(ns, 3, "nginx:1"));
    readyWith(ns, 3);
    String uid = Json.metaText(pod(ns, "web-1"), "uid");
    // The node of web-1 is lost: the node lifecycle marks its pods not ready; a finalizer stands in for the
    // kubelet that would confirm the deletion and never will.
    ObjectNode held = (ObjectNode) pod(ns, "web-1").deepCopy();
    Json.meta(held).putArray("finalizers").add("example.com/node-lost");
    await(node.store.update(ObjectKey.of(PODS, ns, "web-1"), held, Subresource.MAIN, request("update")));
    setReady(ns, pod(ns, "web-1"), false);
    eventually(() -> assertEquals(2, status(ns).path("readyReplicas").asInt(), status(ns).toString()));
    assertEquals(uid, Json.metaText(pod(ns, "web-1"), "uid"), "a pod that is not ready is left alone");
    await(node.store.delete(ObjectKey.of(PODS, ns, "web-1"), null, null, null, null, request("delete")));
    eventually(() -> assertTrue(Owners.deleting(pod(ns, "web-1"))));
    // The set has seen the terminating pod (it is counted in status) and does not make another web-1.
    eventually(() -> assertEquals(2, status(ns).path("currentReplicas").asInt(), status(ns).toString()));
    assertEquals(uid, Json.metaText(pod(ns, "web-1"), "uid"));
    ObjectNode released = (ObjectNode) pod(ns, "web-1").deepCopy();
    Json.meta(released).remove("finalizers");
    await(node.store.update(ObjectKey.of(PODS, ns, "web-1"), released, Subresource.MAIN, request("update")));
    eventually(() -> {
      kubelet(ns);
      JsonNode back = pod(ns, "web-1");
      assertTrue(back != null && !Json.metaText(back, "uid").equals(uid) && StatefulSetSync.healthy(back));
    });
    readyWith(ns, 3);
    assertEquals(List.of(), events(ns, "FailedCreate"), "never an attempt at a second web-1");
  }
}

package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.RequestInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static pod source against a real store: passes are sent by the test, the timer never fires. */
class StaticPodSourceTest {

  private static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();
  private static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();
  private static final ObjectKey MIRROR = ObjectKey.of(PODS, "default", "web-n1");

  @TempDir
  Path data;
  private NodeTestCluster cluster;
  private ActorRef<StaticPodSource.Tick> source;
  private Path manifests;

  @BeforeEach
  void start() throws Exception {
    cluster = new NodeTestCluster("StaticPodSourceTest", data);
    ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
    node.putObject("metadata").put("name", "n1");
    NodeTestCluster.await(cluster.store.create(NODES, node, RequestInfo.system("test", "create")));
    manifests = Files.createDirectories(data.resolve("manifests"));
    source = cluster.testKit.spawn(StaticPodSource.create(cluster.store, "n1", manifests, Duration.ofHours(1)));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private String awaitMirror(Predicate<Optional<ObjectNode>> wanted, String what) {
    var probe = cluster.testKit.createTestProbe();
    String[] hash = {""};
    probe.awaitAssert(NodeTestCluster.WAIT, () -> {
      source.tell(StaticPodSource.Tick.PASS);
      Optional<ObjectNode> pod = cluster.store.cache().get(MIRROR).map(e -> e.object());
      if (!wanted.test(pod)) {
        throw new AssertionError(what + ": " + pod);
      }
      hash[0] = pod.map(p -> p.path("metadata").path("annotations").path(StaticPods.MIRROR).asText()).orElse("");
      return null;
    });
    return hash[0];
  }

  private static String manifest(String image) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: web, image: " + image
        + "}\n";
  }

  @Test
  void mirrorPodsFollowTheManifestsAndComeBackWhenDeleted() throws Exception {
    Files.writeString(manifests.resolve("web.yaml"), manifest("nginx"));
    String first = awaitMirror(Optional::isPresent, "the mirror pod");
    assertEquals("n1", cluster.store.cache().get(MIRROR).orElseThrow().object().path("spec").path("nodeName")
        .asText());

    NodeTestCluster.await(cluster.store.delete(MIRROR, null, null, 0L, null, RequestInfo.system("test", "delete")));
    awaitMirror(Optional::isPresent, "the mirror pod back after its deletion through the API");

    Files.writeString(manifests.resolve("web.yaml"), manifest("busybox"));
    String second = awaitMirror(p -> p.isPresent() && p.get().path("spec").path("containers").get(0).path("image")
        .asText().equals("busybox"), "the mirror pod of the changed manifest");
    assertNotEquals(first, second);

    Files.delete(manifests.resolve("web.yaml"));
    awaitMirror(Optional::isEmpty, "no mirror pod once its manifest is gone");
  }
}

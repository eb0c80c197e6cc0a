package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticPodsTest {

  @TempDir
  Path dir;

  private static final String WEB = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        labels: {tier: static}
      spec:
        containers:
        - name: web
          image: nginx
      """;

  @Test
  void aManifestBecomesAMirrorPodOfTheNode() throws Exception {
    Files.writeString(dir.resolve("web.yaml"), WEB);
    StaticPods.Desired d = StaticPods.read(dir, "n1", "uid-1");
    assertEquals(List.of(), d.errors());
    ObjectNode pod = d.pods().get("default/web-n1");
    assertEquals("n1", pod.path("spec").path("nodeName").asText());
    assertEquals("static", pod.path("metadata").path("labels").path("tier").asText());
    assertEquals("file", pod.path("metadata").path("annotations").path(StaticPods.SOURCE).asText());
    String hash = pod.path("metadata").path("annotations").path(StaticPods.MIRROR).asText();
    assertEquals(32, hash.length());
    assertEquals(hash, pod.path("metadata").path("annotations").path(StaticPods.HASH).asText());
    ObjectNode owner = (ObjectNode) pod.path("metadata").path("ownerReferences").get(0);
    assertEquals("Node", owner.path("kind").asText());
    assertEquals("uid-1", owner.path("uid").asText());
  }

  @Test
  void manifestsThatAreNotPodsAreReportedAndSkipped() throws Exception {
    Files.writeString(dir.resolve("web.yaml"), WEB);
    Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    Files.writeString(dir.resolve("broken.json"), "{not json");
    Files.writeString(dir.resolve("notes.txt"), "ignored: not a manifest name");
    StaticPods.Desired d = StaticPods.read(dir, "n1", "uid-1");
    assertEquals(1, d.pods().size());
    assertEquals(2, d.errors().size(), d.errors().toString());
    assertTrue(d.errors().stream().anyMatch(e -> e.contains("cm.yaml") && e.contains("not a v1 Pod")));
  }

  @Test
  void aMissingDirectoryAsksForNothing() {
    StaticPods.Desired d = StaticPods.read(dir.resolve("absent"), "n1", "uid-1");
    assertTrue(d.pods().isEmpty() && d.errors().isEmpty());
  }

  @Test
  void planCreatesMissingDeletesRemovedAndReplacesChanged() throws Exception {
    Files.writeString(dir.resolve("web.yaml"), WEB);
    Map<String, ObjectNode> desired = StaticPods.read(dir, "n1", "u").pods();
    String hash = desired.get("default/web-n1").path("metadata").path("annotations").path(StaticPods.MIRROR)
        .asText();

    StaticPods.Plan missing = StaticPods.plan(desired, Map.of());
    assertEquals(1, missing.create().size());
    assertEquals(List.of(), missing.delete());

    StaticPods.Plan same = StaticPods.plan(desired, Map.of("default/web-n1", hash));
    assertTrue(same.create().isEmpty() && same.delete().isEmpty());

    StaticPods.Plan changed = StaticPods.plan(desired, Map.of("default/web-n1", "older"));
    assertEquals(List.of("default/web-n1"), changed.delete());
    assertTrue(changed.create().isEmpty(), "recreated once the old one is gone");

    StaticPods.Plan removed = StaticPods.plan(Map.of(), Map.of("default/web-n1", hash));
    assertEquals(List.of("default/web-n1"), removed.delete());
  }

  @Test
  void theNamespaceOfTheManifestIsKept() throws Exception {
    ObjectNode manifest = (ObjectNode) Json.YAML.readTree(WEB);
    ((ObjectNode) manifest.get("metadata")).put("namespace", "kube-system");
    Files.writeString(dir.resolve("sys.json"), Json.MAPPER.writeValueAsString(manifest));
    assertTrue(StaticPods.read(dir, "n1", "u").pods().containsKey("kube-system/web-n1"));
  }
}

package io.tugboat.controllers.volumes;

import static io.tugboat.controllers.StoreNode.await;
import static io.tugboat.controllers.StoreNode.json;
import static io.tugboat.controllers.StoreNode.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.tugboat.controllers.StoreNode;
import io.tugboat.model.Json;
import io.tugboat.store.ObjectKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binder singleton over a real in-process store: the default StorageClass bootstrap creates, a claim bound to
 * a provisioned hostPath volume, and the volume and its directory gone after the claim (reclaim policy Delete).
 */
class VolumeBinderTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path dataDir;
  @TempDir
  static Path volumesDir;
  private static StoreNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new StoreNode("VolumeBinderTest", dataDir);
    node.testKit.spawn(VolumeBinder.create(node.store, volumesDir, Clock.systemUTC()));
    Volumes.defaultStorageClass(node.store, ConfigFactory.parseMap(Map.of("tugboat.volumes.default-class",
        "standard", "tugboat.volumes.enabled", true))).get();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static void eventually(Runnable check) {
    TestProbe<Void> probe = node.testKit.createTestProbe();
    probe.awaitAssert(WAIT, Duration.ofMillis(100), () -> {
      check.run();
      return null;
    });
  }

  @Test
  void aClaimIsProvisionedAndBoundAndItsVolumeGoesWithIt() throws Exception {
    JsonNode sc = node.get(ObjectKey.of(VolumeBinding.CLASSES, "", "standard")).orElseThrow();
    assertEquals("true", sc.path("metadata").path("annotations").path(VolumeBinding.DEFAULT_CLASS).asText());
    JsonNode claim = node.create(VolumeBinding.CLAIMS, json("{'metadata':{'name':'www-web-0','namespace':'default'},"
        + "'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}}}"));
    String pvName = "pvc-" + Json.metaText(claim, "uid");
    ObjectKey claimKey = ObjectKey.of(VolumeBinding.CLAIMS, "default", "www-web-0");
    eventually(() -> {
      JsonNode c = node.get(claimKey).orElseThrow();
      assertEquals("Bound", c.path("status").path("phase").asText(), c.toString());
      assertEquals(pvName, c.path("spec").path("volumeName").asText());
      assertEquals("standard", c.path("spec").path("storageClassName").asText());
      JsonNode pv = node.get(ObjectKey.of(VolumeBinding.VOLUMES, "", pvName)).orElseThrow();
      assertEquals("Bound", pv.path("status").path("phase").asText());
    });
    // The node agent would make the directory (DirectoryOrCreate) when a pod mounts it.
    Path dir = volumesDir.resolve(pvName);
    Files.createDirectories(dir.resolve("html"));
    Files.writeString(dir.resolve("html/index.html"), "web-0");
    await(node.store.delete(claimKey, null, null, null, null, request("delete")));
    eventually(() -> {
      assertTrue(node.get(ObjectKey.of(VolumeBinding.VOLUMES, "", pvName)).isEmpty());
      assertFalse(Files.exists(dir), "the provisioned directory is removed");
    });
    assertTrue(Files.isDirectory(volumesDir));
  }
}

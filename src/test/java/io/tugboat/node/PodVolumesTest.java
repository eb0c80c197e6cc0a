package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.runtime.ContainerRuntime.Mount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volume payloads, the atomic writer, and the volumes of a pod on disk. */
class PodVolumesTest {

  static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir
  Path tmp;

  final Map<String, Map<String, String>> configMaps = new HashMap<>();
  final Map<String, Map<String, String>> secrets = new HashMap<>();
  final Map<String, ObjectNode> claims = new HashMap<>();
  final Map<String, ObjectNode> pvs = new HashMap<>();

  PodSources sources() {
    PodSources maps = EnvResolverTest.sources(configMaps, secrets);
    return new PodSources() {
      @Override
      public Optional<Map<String, byte[]>> configMap(String namespace, String name) {
        return maps.configMap(namespace, name);
      }

      @Override
      public Optional<Map<String, byte[]>> secret(String namespace, String name) {
        return maps.secret(namespace, name);
      }

      @Override
      public Optional<com.fasterxml.jackson.databind.JsonNode> claim(String namespace, String name) {
        return Optional.ofNullable(claims.get(namespace + "/" + name));
      }

      @Override
      public Optional<com.fasterxml.jackson.databind.JsonNode> persistentVolume(String name) {
        return Optional.ofNullable(pvs.get(name));
      }
    };
  }

  static String read(Path p) throws Exception {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  @Test
  void atomicWriterSwapsDataLinkAndKeepsKeysAsLinksIntoIt() throws Exception {
    NodeTestCluster.ManualClock clock = new NodeTestCluster.ManualClock(T0);
    AtomicWriter w = new AtomicWriter(clock);
    Path dir = tmp.resolve("vol");
    var v1 = Map.of("a", new VolumePayloads.FileContent("1".getBytes(), 0644),
        "sub/b", new VolumePayloads.FileContent("2".getBytes(), 0400));
    assertTrue(w.write(dir, v1));
    assertEquals("..2026_01_02_03_04_05.000000000", Files.readSymbolicLink(dir.resolve("..data")).toString());
    assertEquals(Path.of("..data/a"), Files.readSymbolicLink(dir.resolve("a")));
    assertEquals("1", read(dir.resolve("a")));
    assertEquals("2", read(dir.resolve("sub/b")));
    assertEquals(0400, AtomicWriter.mode(dir.resolve("..data/sub/b")));
    assertFalse(w.write(dir, v1), "an unchanged payload writes nothing");

    clock.advance(java.time.Duration.ofSeconds(1));
    assertTrue(w.write(dir, Map.of("a", new VolumePayloads.FileContent("one".getBytes(), 0644))));
    assertEquals("one", read(dir.resolve("a")));
    assertFalse(Files.exists(dir.resolve("sub"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "a removed key goes");
    assertFalse(Files.exists(dir.resolve("..2026_01_02_03_04_05.000000000")), "the old data dir goes");
    try (var list = Files.list(dir)) {
      assertEquals(3, list.count(), "..data, the new dir, a");
    }
  }

  @Test
  void configMapAndSecretPayloadsHonourItemsModesAndOptional() throws Exception {
    configMaps.put("d/cm", Map.of("k1", "v1", "k2", "v2"));
    secrets.put("d/s", Map.of("pw", "secret"));
    ObjectNode pod = PodStatusesTest.pod("metadata: {name: p, namespace: d, uid: u, labels: {a: b}}");
    var all = VolumePayloads.payload(pod, PodStatusesTest.pod("configMap: {name: cm}"), sources(), null);
    assertEquals(2, all.size());
    assertEquals(0644, all.get("k1").mode());
    var items = VolumePayloads.payload(pod, PodStatusesTest.pod(
        "configMap: {name: cm, defaultMode: 0400, items: [{key: k2, path: conf/two}, {key: k1, path: one, mode: 0600}]}"),
        sources(), null);
    assertEquals("v2", new String(items.get("conf/two").data()));
    assertEquals(0400, items.get("conf/two").mode());
    assertEquals(0600, items.get("one").mode());
    assertEquals(List.of("pw"), List.copyOf(VolumePayloads.payload(pod, PodStatusesTest.pod(
        "secret: {secretName: s}"), sources(), null).keySet()));
    ConfigError missingKey = assertThrows(ConfigError.class, () -> VolumePayloads.payload(pod,
        PodStatusesTest.pod("configMap: {name: cm, items: [{key: nope, path: x}]}"), sources(), null));
    assertEquals("configmap references non-existent config key: nope", missingKey.getMessage());
    assertEquals(0, VolumePayloads.payload(pod, PodStatusesTest.pod("secret: {secretName: gone, optional: true}"),
        sources(), null).size());
    assertThrows(ConfigError.class, () -> VolumePayloads.payload(pod,
        PodStatusesTest.pod("configMap: {name: cm, items: [{key: k1, path: ../escape}]}"), sources(), null));
  }

  @Test
  void downwardApiAndProjectedVolumesCombineSources() throws Exception {
    configMaps.put("d/cm", Map.of("k1", "v1"));
    ObjectNode pod = PodStatusesTest.pod("""
        metadata: {name: p, namespace: d, uid: u, labels: {b: "2", a: "1"}}
        spec: {containers: [{name: app, resources: {limits: {memory: 32Mi}}}]}
        """);
    var ctx = new EnvResolver.PodContext("10.1.1.1", "10.0.0.1", Map.of());
    var files = VolumePayloads.payload(pod, PodStatusesTest.pod("""
        projected:
          sources:
          - configMap: {name: cm}
          - downwardAPI:
              items:
              - {path: labels, fieldRef: {fieldPath: metadata.labels}}
              - {path: name, fieldRef: {fieldPath: metadata.name}}
              - {path: mem, resourceFieldRef: {containerName: app, resource: limits.memory, divisor: 1Mi}}
        """), sources(), ctx);
    assertEquals("a=\"1\"\nb=\"2\"", new String(files.get("labels").data()));
    assertEquals("p", new String(files.get("name").data()));
    assertEquals("32", new String(files.get("mem").data()));
    assertEquals("v1", new String(files.get("k1").data()));
  }

  @Test
  void podVolumesAreLaidOutLikeTheKubeletsAndRemovedWithThePod() throws Exception {
    configMaps.put("d/cm", Map.of("app.conf", "x=1"));
    Path host = Files.createDirectories(tmp.resolve("host/logs"));
    ObjectNode pod = PodStatusesTest.pod("""
        metadata: {name: p, namespace: d, uid: u-1}
        spec:
          volumes:
          - {name: scratch, emptyDir: {}}
          - {name: conf, configMap: {name: cm}}
          - {name: logs, hostPath: {path: %s, type: Directory}}
          - {name: made, hostPath: {path: %s, type: DirectoryOrCreate}}
          containers:
          - name: app
            volumeMounts:
            - {name: scratch, mountPath: /scratch}
            - {name: scratch, mountPath: /cache, subPath: cache}
            - {name: conf, mountPath: /etc/app}
            - {name: logs, mountPath: /var/log, readOnly: true}
        """.formatted(host, tmp.resolve("host/made")));
    PodVolumes volumes = new PodVolumes(tmp.resolve("pods"), List.of(tmp.resolve("host").toString()), sources(),
        Clock.fixed(T0, ZoneOffset.UTC), false);
    Map<String, Path> paths = volumes.setUp(pod, new EnvResolver.PodContext(null, "h", Map.of()));
    Path podDir = tmp.resolve("pods/u-1/volumes");
    assertEquals(podDir.resolve("kubernetes.io~empty-dir/scratch"), paths.get("scratch"));
    assertEquals("x=1", read(podDir.resolve("kubernetes.io~configmap/conf/app.conf")));
    assertTrue(Files.isDirectory(tmp.resolve("host/made")));
    List<Mount> mounts = PodVolumes.mounts(pod.path("spec").path("containers").get(0), paths);
    assertEquals(new Mount("/cache", podDir.resolve("kubernetes.io~empty-dir/scratch/cache").toString(), false),
        mounts.get(1));
    assertTrue(Files.isDirectory(podDir.resolve("kubernetes.io~empty-dir/scratch/cache")), "subPath made");
    assertTrue(mounts.get(2).readOnly(), "configMap volumes are read-only");
    assertEquals(new Mount("/var/log", host.toString(), true), mounts.get(3));

    volumes.tearDown("u-1");
    assertFalse(Files.exists(tmp.resolve("pods/u-1")));
    assertTrue(Files.isDirectory(host), "host paths stay");
  }

  @Test
  void hostPathsOutsideTheAllowedOnesAndFailedTypeChecksAreRefusedWithTheReason() throws Exception {
    PodVolumes volumes = new PodVolumes(tmp.resolve("pods"), List.of(tmp.resolve("allowed").toString()), sources(),
        Clock.systemUTC(), false);
    var ctx = new EnvResolver.PodContext(null, "h", Map.of());
    ConfigError outside = assertThrows(ConfigError.class, () -> volumes.setUp(PodStatusesTest.pod("""
        metadata: {name: p, namespace: d, uid: u}
        spec: {volumes: [{name: etc, hostPath: {path: /etc}}]}
        """), ctx));
    assertEquals("FailedMount", outside.reason());
    assertTrue(outside.getMessage().contains("volume \"etc\"") && outside.getMessage().contains("outside"),
        outside.getMessage());
    Files.createDirectories(tmp.resolve("allowed"));
    ConfigError notFile = assertThrows(ConfigError.class, () -> volumes.setUp(PodStatusesTest.pod("""
        metadata: {name: p, namespace: d, uid: u}
        spec: {volumes: [{name: f, hostPath: {path: %s, type: File}}]}
        """.formatted(tmp.resolve("allowed"))), ctx));
    assertTrue(notFile.getMessage().endsWith("is not a file"), notFile.getMessage());
  }

  @Test
  void aClaimMountsItsBoundVolumesHostPathAndAnUnboundOneWaits() throws Exception {
    PodVolumes volumes = new PodVolumes(tmp.resolve("pods"), List.of("/"), sources(), Clock.systemUTC(), false);
    var ctx = new EnvResolver.PodContext(null, "h", Map.of());
    ObjectNode pod = PodStatusesTest.pod("""
        metadata: {name: p, namespace: d, uid: u}
        spec: {volumes: [{name: data, persistentVolumeClaim: {claimName: claim}}]}
        """);
    claims.put("d/claim", PodStatusesTest.pod("{spec: {}, status: {phase: Pending}}"));
    ConfigError unbound = assertThrows(ConfigError.class, () -> volumes.setUp(pod, ctx));
    assertTrue(unbound.getMessage().contains("persistentvolumeclaim \"claim\" is not bound"), unbound.getMessage());
    claims.put("d/claim", PodStatusesTest.pod("{spec: {volumeName: pv1}, status: {phase: Bound}}"));
    pvs.put("pv1", PodStatusesTest.pod("spec: {hostPath: {path: %s, type: DirectoryOrCreate}}"
        .formatted(tmp.resolve("pv1"))));
    assertEquals(tmp.resolve("pv1"), volumes.setUp(pod, ctx).get("data"));
  }

  @Test
  void aMemoryEmptyDirIsATmpfsWhenRootAndIsUnmountedWithThePod() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(PodVolumes.runningAsRoot(),
        "not root: a Memory emptyDir is a plain directory, no tmpfs to test");
    PodVolumes volumes = new PodVolumes(tmp.resolve("pods"), List.of("/"), sources(), Clock.systemUTC(), true);
    ObjectNode pod = PodStatusesTest.pod("""
        metadata: {name: p, namespace: d, uid: u-mem}
        spec: {volumes: [{name: cache, emptyDir: {medium: Memory, sizeLimit: 8Mi}}]}
        """);
    Path dir = volumes.setUp(pod, new EnvResolver.PodContext(null, "h", Map.of())).get("cache");
    try {
      String mounts = Files.readString(Path.of("/proc/self/mounts"));
      org.junit.jupiter.api.Assumptions.assumeTrue(mounts.contains(" " + dir + " tmpfs "),
          "tmpfs could not be mounted here (no CAP_SYS_ADMIN?): " + dir);
      assertTrue(mounts.contains(" " + dir + " tmpfs ") && mounts.contains("size=8192k"), mounts);
    } finally {
      volumes.tearDown("u-mem");
    }
    assertFalse(Files.readString(Path.of("/proc/self/mounts")).contains(" " + dir + " "), "unmounted");
    assertFalse(Files.exists(tmp.resolve("pods/u-mem")));
  }

  @Test
  void unpreparedVolumesMountNothingButPreparedOnesMustNameAVolume() throws Exception {
    ObjectNode container = (ObjectNode) io.tugboat.model.Json.MAPPER.readTree(
        "{\"name\":\"c\",\"volumeMounts\":[{\"name\":\"varlog\",\"mountPath\":\"/var/log\"}]}");
    // Hollow nodes prepare no volumes (null): the fake runtime starts the container without mounts.
    assertTrue(PodVolumes.mounts(container, null).isEmpty());
    ConfigError e = assertThrows(ConfigError.class, () -> PodVolumes.mounts(container, Map.of()));
    assertEquals("volumeMount \"varlog\" names no volume of the pod", e.getMessage());
  }
}

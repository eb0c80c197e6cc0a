package io.tugboat.runtime.image;

import static io.tugboat.runtime.image.TestArchives.image;
import static io.tugboat.runtime.image.TestArchives.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.runtime.image.ImageStore.Image;
import io.tugboat.runtime.image.TestArchives.Img;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading OCI layouts and docker saves into the local store: layers, whiteouts, links, names, sharing. */
class LocalImageStoreTest {
  @TempDir
  Path tmp;

  private static final Map<String, Object> CONFIG = Map.of("Entrypoint", List.of("/bin/sh", "-c"),
      "Cmd", List.of("echo hi"), "Env", List.of("PATH=/bin"), "WorkingDir", "/work", "User", "1000",
      "Labels", Map.of("purpose", "test"));

  /** Two layers exercising every kind of entry: the second overwrites, whites out, empties and links. */
  private static Img twoLayerImage(List<String> names) {
    return image(names, CONFIG,
        layer(l -> l.dir("etc", 0755).file("etc/a", "one").file("etc/b", "gone soon")
            .dir("d", 0755).file("d/x", "x").dir("d/sub", 0700).file("d/sub/y", "y")
            .dir("bin", 0755).file("bin/busybox", "#!binary", 04755).symlink("bin/sh", "busybox")
            .dir("tmp", 01777)),
        layer(l -> l.whiteout("etc", "b").file("etc/a", "two").hardlink("etc/c", "etc/a")
            .dir("d", 0750).opaque("d").file("d/z", "z").device("dev/null")));
  }

  private LocalImageStore store() {
    return new LocalImageStore(tmp.resolve("store"));
  }

  @Test
  void appliesLayersInOrderFromAnOciTarWithGzipLayers() throws Exception {
    Path archive = TestArchives.oci(tmp.resolve("img.tar"), true, twoLayerImage(List.of("example.com/app:1")));
    List<Image> loaded = store().load(archive);

    assertEquals(1, loaded.size());
    Image image = loaded.get(0);
    assertEquals(List.of("example.com/app:1"), image.names());
    assertEquals(List.of("/bin/sh", "-c"), image.entrypoint());
    assertEquals(List.of("echo hi"), image.cmd());
    assertEquals(List.of("PATH=/bin"), image.env());
    assertEquals("/work", image.workingDir());
    assertEquals("1000", image.user());
    assertEquals(Map.of("purpose", "test"), image.labels());
    assertTrue(image.id().matches("sha256:[0-9a-f]{64}"), image.id());
    assertEquals("example.com/app@" + image.id(), image.digestRef());

    Path root = image.rootfs();
    assertEquals("two", Files.readString(root.resolve("etc/a")));
    assertFalse(Files.exists(root.resolve("etc/b"), LinkOption.NOFOLLOW_LINKS), "whited out");
    assertEquals(List.of("z"), children(root.resolve("d")), "opaque dir keeps only the upper layer's entries");
    assertEquals(Files.getAttribute(root.resolve("etc/a"), "unix:ino"),
        Files.getAttribute(root.resolve("etc/c"), "unix:ino"), "hard link shares the inode");
    assertTrue(Files.isSymbolicLink(root.resolve("bin/sh")));
    assertEquals(Path.of("busybox"), Files.readSymbolicLink(root.resolve("bin/sh")));
    assertEquals(04755, mode(root.resolve("bin/busybox")), "setuid and mode kept");
    assertEquals(01777, mode(root.resolve("tmp")), "sticky dir kept");
    assertEquals(0750, mode(root.resolve("d")), "the upper layer's dir mode wins");
    assertFalse(Files.exists(root.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS), "device nodes skipped");
    assertEquals("two".length() + "z".length() + "#!binary".length(), image.size(), "hard link counted once");
  }

  @Test
  void loadsDockerSaveTarballsWithPlainAndGzipLayers() throws Exception {
    LocalImageStore store = store();
    store.load(TestArchives.dockerSave(tmp.resolve("plain.tar"), false, twoLayerImage(List.of("app:1"))));
    Image gz = store.load(TestArchives.dockerSave(tmp.resolve("gz.tar.gz"), true,
        twoLayerImage(List.of("other/app:2")))).get(0);

    assertEquals(1, store.list().size(), "same config: the same image under both names");
    assertEquals(List.of("docker.io/library/app:1", "docker.io/other/app:2"), gz.names());
    assertEquals("two", Files.readString(store.resolve("app:1").orElseThrow().rootfs().resolve("etc/a")));
    assertEquals(gz.id(), store.resolve("docker.io/other/app:2").orElseThrow().id());
  }

  @Test
  void loadsAnOciLayoutDirectoryWithPlainLayersAndSeveralTags() throws Exception {
    Path dir = TestArchives.oci(tmp.resolve("layout"), false,
        twoLayerImage(List.of("busybox:latest", "docker.io/library/busybox:1.36")));
    Image image = store().load(dir).get(0);
    assertEquals(List.of("docker.io/library/busybox:1.36", "docker.io/library/busybox:latest"), image.names());
    assertEquals(image.id(), store().resolve("busybox").orElseThrow().id());
  }

  @Test
  void rejectsEntriesThatClimbOutOfTheRoot() throws Exception {
    Path archive = TestArchives.oci(tmp.resolve("evil.tar"), true, image(List.of("evil:1"), Map.of(),
        layer(l -> l.dir("etc", 0755).file("etc/../../../escaped", "pwned"))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store().load(archive));
    assertTrue(e.getMessage().contains("'..'"), e.getMessage());
    assertLoadLeftNothing();
  }

  @Test
  void rejectsAbsoluteEntryNames() throws Exception {
    Path archive = TestArchives.dockerSave(tmp.resolve("abs.tar"), false, image(List.of("evil:1"), Map.of(),
        layer(l -> l.file("/etc/passwd", "root::0:0::/:/bin/sh"))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store().load(archive));
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    assertLoadLeftNothing();
  }

  @Test
  void rejectsHardLinksThatClimbOutOfTheRoot() throws Exception {
    Path archive = TestArchives.oci(tmp.resolve("link.tar"), false, image(List.of("evil:1"), Map.of(),
        layer(l -> l.hardlink("shadow", "../../../../etc/shadow"))));
    assertThrows(IllegalArgumentException.class, () -> store().load(archive));
    assertLoadLeftNothing();
  }

  @Test
  void rejectsArchivePathsThatLeaveTheArchive() throws Exception {
    Path archive = TestArchives.dockerSave(tmp.resolve("save"), false, twoLayerImage(List.of("app:1")));
    Path manifest = archive.resolve("manifest.json");
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replaceFirst("\"Layers\":\\[\"", "\"Layers\":[\"../../"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store().load(archive));
    assertTrue(e.getMessage().contains("'..'"), e.getMessage());
    assertLoadLeftNothing();
  }

  @Test
  void followsLinksBetweenLayersInsideADockerSaveTar() throws Exception {
    Img img = twoLayerImage(List.of("linked:1"));
    byte[] config = TestArchives.configOf(img);
    Path archive = tmp.resolve("linked.tar");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
      String manifest = "[{\"Config\":\"c.json\",\"RepoTags\":[\"linked:1\"],"
          + "\"Layers\":[\"one/layer.tar\",\"two/layer.tar\"]}]";
      putFile(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
      putFile(tar, "c.json", config);
      putFile(tar, "one/layer.tar", img.layers().get(0));
      putFile(tar, "stored/layer.tar", img.layers().get(1));
      TarArchiveEntry link = new TarArchiveEntry("two/layer.tar", TarConstants.LF_SYMLINK);
      link.setLinkName("../stored/layer.tar");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    Image image = store().load(archive).get(0);
    assertEquals("two", Files.readString(image.rootfs().resolve("etc/a")));
  }

  @Test
  void refusesLayoutFilesLinkedOutOfTheLayout() throws Exception {
    Path layout = TestArchives.dockerSave(tmp.resolve("save"), false, twoLayerImage(List.of("app:1")));
    Img img = twoLayerImage(List.of("app:1"));
    Path layer = layout.resolve(TestArchives.sha(img.layers().get(0)) + "/layer.tar");
    Path outside = Files.write(tmp.resolve("outside.tar"), Files.readAllBytes(layer));
    Files.delete(layer);
    Files.createSymbolicLink(layer, outside);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store().load(layout));
    assertTrue(e.getMessage().contains("outside the layout"), e.getMessage());
  }

  private static void putFile(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(bytes.length);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  @Test
  void writesThroughSymlinkedDirectoriesStayInsideTheRoot() throws Exception {
    Path outside = tmp.resolve("outside");
    Files.createDirectories(outside);
    Path archive = TestArchives.oci(tmp.resolve("links.tar"), true, image(List.of("links:1"), Map.of(),
        layer(l -> l.symlink("up", "../../../../../../" + outside).symlink("abs", outside.toString())),
        layer(l -> l.file("up/one", "1").file("abs/two", "2"))));
    Image image = store().load(archive).get(0);

    assertEquals(List.of(), children(outside), "nothing written outside the rootfs");
    Path inside = image.rootfs().resolve(outside.toString().substring(1));
    assertEquals("1", Files.readString(inside.resolve("one")));
    assertEquals("2", Files.readString(inside.resolve("two")));
    assertTrue(Files.isSymbolicLink(image.rootfs().resolve("up")), "the links themselves are kept");
  }

  @Test
  void picksThisHostsPlatformFromAMultiPlatformIndex() throws Exception {
    String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
    Path layout = TestArchives.oci(tmp.resolve("multi"), true,
        image(List.of("mine"), Map.of(), layer(l -> l.file("arch", arch))),
        image(List.of("other"), Map.of(), layer(l -> l.file("arch", "s390x"))));
    ObjectMapper json = new ObjectMapper();
    ArrayNode flat = (ArrayNode) json.readTree(layout.resolve("index.json").toFile()).path("manifests");
    ObjectNode nested = json.createObjectNode();
    nested.put("schemaVersion", 2);
    nested.put("mediaType", "application/vnd.oci.image.index.v1+json");
    ArrayNode platforms = nested.putArray("manifests");
    ObjectNode foreign = ((ObjectNode) flat.get(1).deepCopy()).without("annotations");
    foreign.putObject("platform").put("os", "linux").put("architecture", "s390x");
    ObjectNode native_ = ((ObjectNode) flat.get(0).deepCopy()).without("annotations");
    native_.putObject("platform").put("os", "linux").put("architecture", arch);
    platforms.add(foreign).add(native_);
    byte[] nestedBytes = json.writeValueAsBytes(nested);
    Files.write(layout.resolve("blobs/sha256/" + TestArchives.sha(nestedBytes)), nestedBytes);
    ObjectNode index = json.createObjectNode();
    index.put("schemaVersion", 2);
    ObjectNode entry = index.putArray("manifests").addObject();
    entry.put("mediaType", "application/vnd.oci.image.index.v1+json");
    entry.put("digest", "sha256:" + TestArchives.sha(nestedBytes));
    entry.put("size", nestedBytes.length);
    entry.putObject("annotations").put(ArchiveImages.REF_NAME, "multi:1");
    Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));

    List<Image> loaded = store().load(layout);
    assertEquals(1, loaded.size());
    assertEquals(List.of("docker.io/library/multi:1"), loaded.get(0).names());
    assertEquals(arch, Files.readString(loaded.get(0).rootfs().resolve("arch")));
  }

  @Test
  void removingANameKeepsTheImageUntilItsLastNameGoes() throws Exception {
    LocalImageStore store = store();
    Image image = store.load(TestArchives.oci(tmp.resolve("a.tar"), true,
        twoLayerImage(List.of("app:1", "app:2")))).get(0);

    assertTrue(store.remove("app:1"));
    assertTrue(store.resolve("app:1").isEmpty());
    assertEquals(List.of("docker.io/library/app:2"), store.resolve("app:2").orElseThrow().names());
    assertTrue(Files.isDirectory(image.rootfs()));

    assertTrue(store.remove("docker.io/library/app:2"));
    assertEquals(List.of(), store.list());
    assertFalse(Files.exists(image.rootfs()), "the image goes with its last name");
    assertFalse(store.remove("app:2"), "no image has that name any more");
  }

  @Test
  void removesAnImageByIdPrefixWithAllItsNames() throws Exception {
    LocalImageStore store = store();
    Image image = store.load(TestArchives.oci(tmp.resolve("a.tar"), true,
        twoLayerImage(List.of("app:1", "app:2")))).get(0);
    assertTrue(store.remove(image.id().substring(7, 19)));
    assertEquals(List.of(), store.list());
  }

  @Test
  void resolvesByIdAndByDigestReference() throws Exception {
    LocalImageStore store = store();
    Image image = store.load(TestArchives.oci(tmp.resolve("a.tar"), true, twoLayerImage(List.of("app:1")))).get(0);
    assertEquals(image, store.resolve(image.id()).orElseThrow());
    assertEquals(image, store.resolve(image.digestRef()).orElseThrow());
    assertEquals(image, store.resolve("app@" + image.id()).orElseThrow());
    assertTrue(store.resolve("elsewhere/app@" + image.id()).isEmpty(), "a digest in another repository");
  }

  @Test
  void seesImagesLoadedAndRemovedByAnotherInstanceOnTheSameDirectory() throws Exception {
    LocalImageStore agent = store();
    LocalImageStore cli = store();
    assertTrue(agent.resolve("app:1").isEmpty());

    cli.load(TestArchives.dockerSave(tmp.resolve("a.tar"), true, twoLayerImage(List.of("app:1"))));
    assertEquals("two", Files.readString(agent.resolve("app:1").orElseThrow().rootfs().resolve("etc/a")));
    assertEquals(1, agent.list().size());

    cli.remove("app:1");
    assertTrue(agent.resolve("app:1").isEmpty());
    assertEquals(List.of(), agent.list());
  }

  @Test
  void concurrentLoadsThroughTwoInstancesKeepEveryName() throws Exception {
    int count = 6;
    List<Path> archives = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      archives.add(TestArchives.oci(tmp.resolve("a" + i + ".tar"), true,
          image(List.of("app:" + i), Map.of(), layer(l -> l.file("n", Integer.toString(n))))));
    }
    LocalImageStore one = store();
    LocalImageStore two = store();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<List<Image>>> loads = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Path archive = archives.get(i);
        LocalImageStore store = i % 2 == 0 ? one : two;
        loads.add(pool.submit(() -> store.load(archive)));
      }
      for (Future<List<Image>> load : loads) {
        load.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < count; i++) {
      assertEquals(Integer.toString(i), Files.readString(one.resolve("app:" + i).orElseThrow().rootfs().resolve("n")));
    }
    assertEquals(count, two.list().size());
  }

  @Test
  void aLoadClearsWhatAnInterruptedOneLeftInTmp() throws Exception {
    LocalImageStore store = store();
    Path leftover = Files.createDirectories(store.root().resolve("tmp/abc-half-unpacked/rootfs/etc"));
    Files.writeString(leftover.resolve("passwd"), "x");
    store.load(TestArchives.oci(tmp.resolve("a.tar"), true, twoLayerImage(List.of("app:1"))));
    assertEquals(List.of(), children(store.root().resolve("tmp")));
  }

  @Test
  void sharedBottomLayersAreLinkedNotUnpackedAgain() throws Exception {
    TestArchives.Layer base = layer(l -> l.dir("bin", 0755).file("bin/tool", "tool", 0755));
    TestArchives.Layer top = layer(l -> l.whiteout("bin", "gone").file("bin/extra", "extra"));
    LocalImageStore store = store();
    Image lower = store.load(TestArchives.oci(tmp.resolve("base.tar"), true,
        image(List.of("base:1"), Map.of(), base))).get(0);
    Image upper = store.load(TestArchives.oci(tmp.resolve("upper.tar"), true,
        image(List.of("upper:1"), Map.of(), base, top))).get(0);

    assertEquals(Files.getAttribute(lower.rootfs().resolve("bin/tool"), "unix:ino"),
        Files.getAttribute(upper.rootfs().resolve("bin/tool"), "unix:ino"));
    assertEquals(List.of("tool"), children(lower.rootfs().resolve("bin")), "the lower image is untouched");
    assertEquals(List.of("extra", "tool"), children(upper.rootfs().resolve("bin")));

    store.remove("base:1");
    assertEquals("tool", Files.readString(upper.rootfs().resolve("bin/tool")), "survives the base's removal");
  }

  @Test
  void loadingTheSameImageAgainOnlyAddsNames() throws Exception {
    LocalImageStore store = store();
    Image first = store.load(TestArchives.oci(tmp.resolve("a.tar"), true, twoLayerImage(List.of("app:1")))).get(0);
    Object inode = Files.getAttribute(first.rootfs().resolve("etc/a"), "unix:ino");
    Image again = store.load(TestArchives.oci(tmp.resolve("b.tar"), true, twoLayerImage(List.of("app:2")))).get(0);
    assertEquals(first.id(), again.id());
    assertEquals(inode, Files.getAttribute(again.rootfs().resolve("etc/a"), "unix:ino"), "not unpacked again");
    assertEquals(List.of("docker.io/library/app:1", "docker.io/library/app:2"), again.names());
  }

  @Test
  void aNameLoadedForAnotherImageMovesAndLeavesTheOldOneUntagged() throws Exception {
    LocalImageStore store = store();
    Image old = store.load(TestArchives.oci(tmp.resolve("a.tar"), true, twoLayerImage(List.of("app:1")))).get(0);
    Image fresh = store.load(TestArchives.oci(tmp.resolve("b.tar"), true,
        image(List.of("app:1"), Map.of(), layer(l -> l.file("new", "new"))))).get(0);
    assertEquals(fresh.id(), store.resolve("app:1").orElseThrow().id());
    Image untagged = store.resolve(old.id()).orElseThrow();
    assertEquals(List.of(), untagged.names());
    assertEquals(2, store.list().size());
  }

  @Test
  void rejectsArchivesThatAreNeitherFormat() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store().load(dir));
    assertTrue(e.getMessage().contains("neither an OCI image layout"), e.getMessage());
    Path text = Files.writeString(tmp.resolve("notes.txt"), "hello");
    assertThrows(IllegalArgumentException.class, () -> store().load(text));
    assertThrows(IllegalArgumentException.class, () -> store().load(tmp.resolve("missing.tar")));
  }

  @Test
  void rejectsALayerWhoseContentDoesNotMatchTheConfig() throws Exception {
    Img real = twoLayerImage(List.of("app:1"));
    Img forged = new Img(List.of(real.layers().get(0), layer(l -> l.file("etc/a", "forged")).tar()),
        real.names(), real.config());
    // An unpacked docker save whose config promises the real layers while its second layer is another.
    Path archive = TestArchives.dockerSave(tmp.resolve("forged"), false, forged);
    Files.write(archive.resolve(TestArchives.sha(TestArchives.configOf(forged)) + ".json"),
        TestArchives.configOf(real));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store().load(archive));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    assertLoadLeftNothing();
  }

  private void assertLoadLeftNothing() throws IOException {
    LocalImageStore store = store();
    assertEquals(List.of(), store.list());
    assertEquals(List.of(), children(store.root().resolve("images")));
    assertEquals(List.of(), children(store.root().resolve("tmp")));
    assertFalse(Files.exists(tmp.resolve("escaped")));
  }

  private static List<String> children(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}

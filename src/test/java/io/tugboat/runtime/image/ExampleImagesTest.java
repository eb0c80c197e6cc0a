package io.tugboat.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tugboat.runtime.image.ImageStore.Image;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The images scripts/build-images makes, loaded into a store (skipped where busybox-static cannot be had). */
class ExampleImagesTest {
  @TempDir
  Path tmp;

  @Test
  void busyboxHasAShellAndItsAppletsInsideItsRootfs() throws Exception {
    LocalImageStore store = new LocalImageStore(tmp.resolve("images"));
    TestImages.ensure(store);
    Image busybox = store.resolve("busybox").orElseThrow();
    assertEquals(List.of("docker.io/library/busybox:1.36", "docker.io/library/busybox:latest"), busybox.names());
    assertEquals(List.of("sh"), busybox.cmd());

    Path root = busybox.rootfs();
    Path sh = root.resolve("bin/sh");
    assertTrue(Files.isSymbolicLink(sh), "applets are links to busybox");
    Path resolved = root.resolve("bin").resolve(Files.readSymbolicLink(sh)).normalize();
    assertEquals(root.resolve("bin/busybox"), resolved, "relative links stay inside the rootfs");
    assertTrue(Files.isExecutable(resolved));
    Path env = root.resolve("usr/bin/env");
    assertEquals(root.resolve("bin/busybox"), env.getParent().resolve(Files.readSymbolicLink(env)).normalize());
    assertTrue(Files.readString(root.resolve("etc/passwd")).startsWith("root:x:0:0:"));
    assertTrue(Files.readString(root.resolve("etc/group")).contains("nobody:x:65534:"));
    assertEquals(01777, (Integer) Files.getAttribute(root.resolve("tmp"), "unix:mode") & 07777);
    for (String dir : List.of("proc", "sys", "dev", "root")) {
      assertTrue(Files.isDirectory(root.resolve(dir), LinkOption.NOFOLLOW_LINKS), dir);
    }
  }

  @Test
  void nginxStandInServesTheDefaultPageWithBusyboxHttpd() throws Exception {
    LocalImageStore store = new LocalImageStore(tmp.resolve("images"));
    TestImages.ensure(store);
    Image nginx = store.resolve("nginx:1.14-alpine").orElseThrow();
    assertEquals(6, nginx.names().size(), nginx.names().toString());
    assertEquals(List.of("httpd", "-f", "-v", "-p", "80", "-h", "/usr/share/nginx/html"), nginx.cmd());
    assertTrue(nginx.labels().get("io.tugboat.image.stand-in").startsWith("not nginx"), nginx.labels().toString());
    assertTrue(Files.readString(nginx.rootfs().resolve("usr/share/nginx/html/index.html"))
        .contains("<title>Welcome to nginx!</title>"));
    Image busybox = store.resolve("busybox").orElseThrow();
    assertEquals(Files.getAttribute(busybox.rootfs().resolve("bin/busybox"), "unix:ino"),
        Files.getAttribute(nginx.rootfs().resolve("bin/busybox"), "unix:ino"), "the busybox layer is shared");
  }

  @Test
  void rebuildingGivesTheSameImageIds() throws Exception {
    Path first = TestImages.archives();
    LocalImageStore store = new LocalImageStore(tmp.resolve("a"));
    String id = store.load(first.resolve("busybox.tar")).get(0).id();
    Path again = tmp.resolve("again");
    Process p = new ProcessBuilder(first.getParent().getParent().resolve("scripts/build-images").toString(),
        again.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
    assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "build-images finished");
    assertEquals(0, p.exitValue(), () -> readQuietly(tmp.resolve("log")));
    assertEquals(id, new LocalImageStore(tmp.resolve("b")).load(again.resolve("busybox.tar")).get(0).id());
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}

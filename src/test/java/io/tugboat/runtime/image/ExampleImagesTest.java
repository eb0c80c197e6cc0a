package io.tugboat.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tugboat.runtime.image.ImageStore.Image;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    assertEquals(TestImages.NGINX.size(), nginx.names().size(), nginx.names().toString());
    assertEquals(List.of("httpd", "-f", "-v", "-p", "80", "-h", "/usr/share/nginx/html"), nginx.cmd());
    assertTrue(nginx.labels().get("io.tugboat.image.stand-in").startsWith("not nginx"), nginx.labels().toString());
    assertTrue(Files.readString(nginx.rootfs().resolve("usr/share/nginx/html/index.html"))
        .contains("<title>Welcome to nginx!</title>"));
    Image busybox = store.resolve("busybox").orElseThrow();
    assertEquals(Files.getAttribute(busybox.rootfs().resolve("bin/busybox"), "unix:ino"),
        Files.getAttribute(nginx.rootfs().resolve("bin/busybox"), "unix:ino"), "the busybox layer is shared");
  }

  @Test
  void busyboxRunsAShellChrootedIntoItsRootfs() throws Exception {
    assumeChroot();
    LocalImageStore store = new LocalImageStore(tmp.resolve("images"));
    TestImages.ensure(store);
    Path root = store.resolve("busybox:1.36").orElseThrow().rootfs();
    Process p = new ProcessBuilder("chroot", root.toString(), "/bin/sh", "-c", "echo $(id -un) in $(pwd); ls /etc")
        .redirectErrorStream(true).start();
    try {
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the shell finished");
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), out);
      assertEquals("root in /\ngroup\npasswd\n", out);
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void nginxStandInAnswersWithTheDefaultPage() throws Exception {
    assumeChroot();
    LocalImageStore store = new LocalImageStore(tmp.resolve("images"));
    TestImages.ensure(store);
    ImageStore.Image nginx = store.resolve("nginx").orElseThrow();
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    // The image's own command, on a free loopback port instead of 80 (the host's network, no namespace here).
    List<String> command = new ArrayList<>(List.of("chroot", nginx.rootfs().toString()));
    command.addAll(nginx.cmd());
    command.set(command.indexOf("80"), "127.0.0.1:" + port);
    Process httpd = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("httpd.log").toFile()).start();
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();
      Instant deadline = Instant.now().plusSeconds(20);
      HttpResponse<String> response = null;
      while (response == null) {
        try {
          response = client.send(get, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
          assertTrue(httpd.isAlive(), () -> "httpd exited: " + readQuietly(tmp.resolve("httpd.log")));
          assertTrue(Instant.now().isBefore(deadline), "httpd listening within 20 s");
          Thread.sleep(100); // polling a process we started, bounded by the deadline
        }
      }
      assertEquals(200, response.statusCode());
      assertTrue(response.body().contains("<h1>Welcome to nginx!</h1>"), response.body());
    } finally {
      httpd.destroy();
      if (!httpd.waitFor(10, TimeUnit.SECONDS)) {
        httpd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** chroot needs root and the chroot command; other hosts skip the tests that run the images. */
  private void assumeChroot() throws Exception {
    Object uid = Files.getAttribute(Files.createTempFile(tmp, "whoami", ""), "unix:uid");
    assumeTrue(Integer.valueOf(0).equals(uid), "running an image's command with chroot needs root (files this "
        + "test creates are owned by uid " + uid + ")");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/chroot")) || Files.isExecutable(Path.of("/usr/bin/chroot")),
        "no chroot command (coreutils) on this host");
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

package io.tugboat.runtime.process;

import static io.tugboat.runtime.process.RuntimeTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import akka.actor.typed.ActorSystem;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ContainerRuntime.EventType;
import io.tugboat.runtime.ContainerRuntime.Resources;
import io.tugboat.runtime.LogOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lower isolation levels, forced by settings: unshare + chroot (root, no runc needed) and plain host
 * processes (what a host without root gets). Each test checks that nothing was left behind.
 */
class FallbackRuntimeTest {
  private static HostCapabilities caps;
  private static BusyboxImages images;
  private static ActorSystem<Void> system;
  @TempDir
  static Path shared;
  @TempDir
  Path dir;

  @BeforeAll
  static void buildImage() throws Exception {
    caps = HostCapabilities.detect("auto");
    images = BusyboxImages.buildOrSkip(shared);
    system = RuntimeTestSupport.actorSystem();
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.terminate();
    }
  }

  @Test
  void unshareRunsInTheImagesRootWithItsOwnPidsHostnameAndNetwork() throws Exception {
    assumeTrue(caps.level("unshare") == HostCapabilities.Level.UNSHARE,
        "skipped: unshare isolation needs root, unshare, nsenter and iproute2: " + caps.explain(caps.level("unshare")));
    try (RuntimeTestSupport t = new RuntimeTestSupport(dir, images, "unshare", system)) {
      assertEquals("unshare", t.runtime.isolation().level());
      String sb = t.sandbox("chrooted");
      String c = t.run(sb, "echo", "sh", "-c", "echo $$ $(hostname) $GREETING; ls /bin/busybox; cat /etc/hostname");
      ContainerStatus exited = t.awaitEvent(EventType.STOPPED, c);
      assertEquals("Completed", exited.reason(), () -> logOf(t, c));
      assertEquals("1 chrooted hi\n/bin/busybox\nchrooted\n",
          t.text(t.runtime.containerLogs(c, LogOptions.defaults())));

      String sleeper = t.run(sb, "sleeper", "sh", "-c", "trap 'exit 5' TERM; while true; do usleep 20000; done");
      t.awaitEvent(EventType.STARTED, sleeper);
      String[] ip = t.exec(sleeper, false, "sh", "-c", "cat /etc/hostname; ip -o -4 addr show eth0");
      assertTrue(ip[0].startsWith("chrooted\n"), ip[0]);
      assertTrue(ip[0].contains(await(t.runtime.podSandboxStatus(sb)).ip() + "/24"), ip[0]);
      await(t.runtime.stopContainer(sleeper, Duration.ofSeconds(30)));
      assertEquals(5, await(t.runtime.containerStatus(sleeper)).exitCode());
    }
  }

  private static String logOf(RuntimeTestSupport t, String container) {
    try {
      return t.text(t.runtime.containerLogs(container, LogOptions.defaults()));
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void unshareAppliesTheMemoryLimitThroughCgroups() throws Exception {
    assumeTrue(caps.level("unshare") == HostCapabilities.Level.UNSHARE
        && caps.cgroups() != HostCapabilities.CgroupMode.NONE,
        "skipped: needs root, unshare and cgroups: " + caps.explain(caps.level("unshare")));
    try (RuntimeTestSupport t = new RuntimeTestSupport(dir, images, "unshare", system)) {
      String sb = t.sandbox("limited");
      String c = t.container(sb, "hog", 0, new Resources(0, 0, 16L << 20, 0), false, "sh", "-c",
          "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived");
      await(t.runtime.startContainer(c));
      ContainerStatus exited = t.awaitEvent(EventType.STOPPED, c);
      assertEquals("OOMKilled", exited.reason());
      assertFalse(t.text(t.runtime.containerLogs(c, LogOptions.defaults())).contains("survived"));
    }
  }

  @Test
  void hostProcessesRunWithoutIsolationAndSaySo() throws Exception {
    try (RuntimeTestSupport t = new RuntimeTestSupport(dir, images, "host", system)) {
      assertEquals("host", t.runtime.isolation().level());
      assertFalse(t.runtime.isolation().isolated());
      assertTrue(t.runtime.isolation().message().contains("plain host processes"), t.runtime.isolation().message());
      String sb = t.sandbox("plain");
      assertEquals("127.0.0.1", await(t.runtime.podSandboxStatus(sb)).ip());
      String c = t.run(sb, "echo", "sh", "-c", "echo hello $GREETING");
      assertEquals("Completed", t.awaitEvent(EventType.STOPPED, c).reason());
      assertEquals("hello hi\n", t.text(t.runtime.containerLogs(c, LogOptions.defaults())));
      String stubborn = t.run(sb, "stubborn", "sh", "-c", "trap '' TERM; while true; do sleep 1; done");
      t.awaitEvent(EventType.STARTED, stubborn);
      assertEquals("x\n", t.exec(stubborn, false, "echo", "x")[0]);
      await(t.runtime.stopContainer(stubborn, Duration.ofMillis(200)));
      assertEquals(137, await(t.runtime.containerStatus(stubborn)).exitCode());
    }
  }
}

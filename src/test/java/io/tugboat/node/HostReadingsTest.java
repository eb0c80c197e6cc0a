package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing what Linux says about the host: /proc/meminfo, /proc/loadavg, /etc/os-release, os.arch. */
class HostReadingsTest {

  private static final String MEMINFO = """
      MemTotal:        8131288 kB
      MemFree:          243164 kB
      MemAvailable:    5120000 kB
      Buffers:          190372 kB
      HugePages_Total:       0
      Hugepagesize:       2048 kB
      """;

  @Test
  void meminfoValuesAreBytes() {
    Map<String, Long> m = HostReadings.parseMeminfo(MEMINFO);
    assertEquals(8131288L * 1024, m.get("MemTotal"));
    assertEquals(5120000L * 1024, m.get("MemAvailable"));
    assertEquals(0L, m.get("HugePages_Total"), "a count without unit stays a count");
  }

  @Test
  void meminfoSkipsLinesItCannotRead() {
    Map<String, Long> m = HostReadings.parseMeminfo("garbage\nMemTotal: lots kB\n:\nMemAvailable: 12 kB");
    assertFalse(m.containsKey("MemTotal"));
    assertEquals(12L * 1024, m.get("MemAvailable"));
    assertTrue(HostReadings.parseMeminfo("").isEmpty());
  }

  @Test
  void loadavgGivesTheNumberOfThreads() {
    assertEquals(OptionalLong.of(80), HostReadings.parseLoadavgThreads("0.20 0.18 0.12 1/80 11206\n"));
    assertEquals(OptionalLong.empty(), HostReadings.parseLoadavgThreads(""));
    assertEquals(OptionalLong.empty(), HostReadings.parseLoadavgThreads("0.20 0.18 0.12"));
  }

  @Test
  void osReleasePrettyNameIsUnquoted() {
    assertEquals("Debian GNU/Linux 12 (bookworm)", HostReadings.prettyName(
        "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"));
    assertEquals("Alpine", HostReadings.prettyName("PRETTY_NAME=Alpine\n"));
    assertEquals("Linux", HostReadings.prettyName("ID=mystery\n"));
  }

  @Test
  void architecturesUseKubernetesNames() {
    assertEquals("amd64", HostReadings.architecture("amd64"));
    assertEquals("amd64", HostReadings.architecture("x86_64"));
    assertEquals("arm64", HostReadings.architecture("aarch64"));
    assertEquals("ppc64le", HostReadings.architecture("ppc64le"));
  }

  @Test
  void liveReadingsOfThisHostAreSane(@TempDir Path dir) {
    HostReadings r = HostReadings.live(dir.resolve("not-yet-created")).read();
    assertTrue(r.memoryTotal() > 0, r::toString);
    assertTrue(r.memoryAvailable() > 0 && r.memoryAvailable() <= r.memoryTotal(), r::toString);
    assertTrue(r.diskTotal() > 0 && r.diskAvailable() <= r.diskTotal(), r::toString);
    if (java.nio.file.Files.exists(Path.of("/proc/sys/kernel/pid_max"))) {
      assertTrue(r.pidMax() >= 300, () -> "pid_max is never below 300: " + r);
      assertTrue(r.pidsInUse() > 0 && r.pidsInUse() < r.pidMax(), r::toString);
    }
  }
}

package io.tugboat.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tugboat.runtime.ContainerRuntime;
import io.tugboat.runtime.ContainerRuntimes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRuntimeSettingsTest {

  @Test
  void defaultsLiveUnderTheDataDir() {
    Config config = ConfigFactory.parseString("tugboat.data-dir = \"/srv/tugboat\"").withFallback(ConfigFactory.load());
    ProcessRuntimeSettings s = ProcessRuntimeSettings.create(config, "10.244.3.0/24", "192.0.2.7");
    assertEquals(Path.of("/srv/tugboat/runtime"), s.dataDir());
    assertEquals(Path.of("/srv/tugboat/logs"), s.logRoot());
    assertEquals("tugboat0", s.bridge());
    assertEquals("10.244.3.0/24", s.podCidr());
    assertEquals("auto", s.runc());
    assertEquals("auto", s.isolation());
    assertEquals(10L << 20, s.logMaxBytes());
    assertEquals(5, s.logMaxFiles());
    assertEquals("192.0.2.7", s.hostIp());
    assertEquals(Duration.ofMillis(100), s.logPollInterval());
  }

  @Test
  void theProcessRuntimeIsChosenByName(@TempDir Path dir) {
    Config config = ConfigFactory.parseString("tugboat.data-dir = \"" + dir + "\"\n"
        + "tugboat.node.process-runtime.isolation = host").withFallback(ConfigFactory.load());
    try (ContainerRuntime runtime = ContainerRuntimes.create("process", "n1", Clock.systemUTC(), Duration.ZERO,
        (d, a) -> a.run(), "10.244.0.0/24", ProcessRuntimeSettings.create(config, "10.244.0.0/24", "127.0.0.1"),
        ContainerRuntimes::noImages)) {
      assertEquals("host", runtime.isolation().level());
    }
  }
}

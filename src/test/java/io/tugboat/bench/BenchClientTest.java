package io.tugboat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchClientTest {
  @TempDir Path dir;

  @Test
  void readsABareToken() throws Exception {
    Path f = Files.writeString(dir.resolve("token"), "abc123\n");
    assertEquals("abc123", BenchClient.readToken(f));
  }

  @Test
  void takesTheAdminLineOfAStaticTokenFile() throws Exception {
    Path f = Files.writeString(dir.resolve("tokens.csv"),
        "t-view,viewer,viewer,\"system:authenticated\"\nt-admin,admin,admin,\"system:masters\"\n");
    assertEquals("t-admin", BenchClient.readToken(f));
  }
}

package io.tugboat.runtime.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerCommandTest {
  private static final List<String> EP = List.of("/entry");
  private static final List<String> CMD = List.of("default-arg");

  @Test
  void neitherCommandNorArgsRunsTheImagesEntrypointAndCmd() {
    assertEquals(List.of("/entry", "default-arg"), ContainerCommand.argv(EP, CMD, List.of(), List.of()));
  }

  @Test
  void commandReplacesEntrypointAndDropsTheImagesCmd() {
    assertEquals(List.of("sh", "-c"), ContainerCommand.argv(EP, CMD, List.of("sh", "-c"), null));
    assertEquals(List.of("sh", "-c", "echo"), ContainerCommand.argv(EP, CMD, List.of("sh", "-c"), List.of("echo")));
  }

  @Test
  void argsAloneReplaceTheImagesCmdAfterItsEntrypoint() {
    assertEquals(List.of("/entry", "x"), ContainerCommand.argv(EP, CMD, null, List.of("x")));
    assertEquals(List.of("x"), ContainerCommand.argv(null, CMD, null, List.of("x")));
  }

  @Test
  void nothingToRunIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> ContainerCommand.argv(null, null, null, null));
  }

  @Test
  void containerEnvOverridesTheImagesAndPathDefaults() {
    Map<String, String> env = ContainerCommand.env(List.of("A=image", "B=image=x"), Map.of("A", "spec"), "pod-1");
    assertEquals("spec", env.get("A"));
    assertEquals("image=x", env.get("B"));
    assertEquals("pod-1", env.get("HOSTNAME"));
    assertEquals(ContainerCommand.DEFAULT_PATH, env.get("PATH"));
    assertEquals("/bin", ContainerCommand.env(List.of("PATH=/bin"), Map.of(), "h").get("PATH"));
  }

  @Test
  void workingDirComesFromSpecThenImageThenRoot() {
    assertEquals("/w", ContainerCommand.workingDir("/w", "/i"));
    assertEquals("/i", ContainerCommand.workingDir("", "/i"));
    assertEquals("/", ContainerCommand.workingDir(null, null));
  }

  @Test
  void usersResolveByNumberOrThroughTheImagesPasswd() {
    String passwd = "root:x:0:0::/root:/bin/sh\nnginx:x:101:102::/:/bin/false\n";
    assertArrayEquals(new int[] {0, 0}, ContainerCommand.user("", passwd));
    assertArrayEquals(new int[] {101, 102}, ContainerCommand.user("nginx", passwd));
    assertArrayEquals(new int[] {101, 5}, ContainerCommand.user("nginx:5", passwd));
    assertArrayEquals(new int[] {1000, 0}, ContainerCommand.user("1000", passwd));
    assertArrayEquals(new int[] {101, 102}, ContainerCommand.user("101", passwd));
    assertArrayEquals(new int[] {7, 8}, ContainerCommand.user("7:8", ""));
    assertThrows(IllegalArgumentException.class, () -> ContainerCommand.user("ghost", passwd));
  }
}

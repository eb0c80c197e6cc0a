package io.tugboat.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;

/** Small file helpers of the process runtime: reading what may be missing, deleting trees. */
final class HostFiles {
  private HostFiles() {}

  /** The file's text, or "" when it cannot be read. */
  static String readOrEmpty(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Deletes a directory tree (not following links); what cannot be deleted stays, for the leak checks to see. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a file still in use
        }
      });
    } catch (IOException e) {
      // gone meanwhile
    }
  }
}

package io.tugboat.runtime.process;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sandboxes saved as {@code <root>/<id>/sandbox.json}, so a runtime started later finds them and their IPs. */
final class SandboxStore {
  private static final Logger log = LoggerFactory.getLogger(SandboxStore.class);
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path root;

  SandboxStore(Path root) {
    this.root = root;
  }

  void save(PodSandbox s) {
    try {
      Path tmp = s.path().resolve("sandbox.json.tmp");
      Files.write(tmp, JSON.writeValueAsBytes(s));
      Files.move(tmp, s.path().resolve("sandbox.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot save sandbox " + s.id() + ": " + e.getMessage(), e);
    }
  }

  List<PodSandbox> loadAll() {
    List<PodSandbox> all = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return all;
    }
    try (var dirs = Files.list(root)) {
      for (Path dir : dirs.toList()) {
        Path file = dir.resolve("sandbox.json");
        if (!Files.exists(file)) {
          HostFiles.deleteTree(dir); // a sandbox whose creation never finished
          continue;
        }
        try {
          all.add(JSON.readValue(file.toFile(), PodSandbox.class));
        } catch (IOException e) {
          log.warn("process runtime: ignoring unreadable {}: {}", file, e.getMessage());
        }
      }
    } catch (IOException e) {
      log.warn("process runtime: cannot list {}: {}", root, e.getMessage());
    }
    return all;
  }
}

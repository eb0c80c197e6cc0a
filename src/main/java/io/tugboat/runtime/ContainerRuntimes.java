package io.tugboat.runtime;

import io.tugboat.runtime.image.ImageStore;
import io.tugboat.runtime.process.ProcessRuntime;
import io.tugboat.runtime.process.ProcessRuntimeSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Picks a node's runtime by its configured name ({@code tugboat.node.runtime}). */
public final class ContainerRuntimes {
  private ContainerRuntimes() {}

  /**
   * The runtime named {@code kind} for one node: "fake" (simulated containers that start after
   * {@code startDelay}) or "process" (real processes from the images of {@code images}, isolated as far as the
   * host allows, set up by {@code processSettings}).
   *
   * @throws IllegalArgumentException for a name no runtime has
   */
  public static ContainerRuntime create(String kind, String nodeName, Clock clock, Duration startDelay,
      FakeRuntime.Delayer delayer, String podCidr, ProcessRuntimeSettings processSettings,
      Supplier<ImageStore> images) {
    return switch (kind) {
      case "fake" -> new FakeRuntime(nodeName, clock, startDelay, delayer, podCidr);
      case "process" -> new ProcessRuntime(processSettings, images.get(), clock);
      default -> throw new IllegalArgumentException("tugboat.node.runtime = \"" + kind
          + "\" names no container runtime; the ones there are: fake, process");
    };
  }

  /** An image store without images (until a node has a real one): every image is reported as not present. */
  public static ImageStore noImages() {
    return new ImageStore() {
      @Override
      public Optional<Image> resolve(String reference) {
        return Optional.empty();
      }

      @Override
      public List<Image> list() {
        return List.of();
      }

      @Override
      public List<Image> load(Path archive) {
        throw new IllegalArgumentException("this node has no image store to load " + archive + " into");
      }

      @Override
      public boolean remove(String reference) {
        return false;
      }
    };
  }
}

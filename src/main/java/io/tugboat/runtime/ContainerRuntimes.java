package io.tugboat.runtime;

import java.time.Clock;
import java.time.Duration;

/** Picks a node's runtime by its configured name ({@code tugboat.node.runtime}). */
public final class ContainerRuntimes {
  private ContainerRuntimes() {}

  /**
   * The runtime named {@code kind} for one node: "fake" (simulated containers that start after
   * {@code startDelay}). The process runtime of issue 5 plugs in here.
   *
   * @throws IllegalArgumentException for a name no runtime has
   */
  public static ContainerRuntime create(String kind, String nodeName, Clock clock, Duration startDelay,
      FakeRuntime.Delayer delayer, String podCidr) {
    return switch (kind) {
      case "fake" -> new FakeRuntime(nodeName, clock, startDelay, delayer, podCidr);
      default -> throw new IllegalArgumentException("tugboat.node.runtime = \"" + kind
          + "\" names no container runtime; the one there is: fake");
    };
  }
}

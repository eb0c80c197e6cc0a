package io.tugboat.runtime;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The usage tests set for {@link FakeRuntime}'s containers, in place of its constant simulation: directly, or
 * across JVMs through an exec of {@code tugboat-usage CPU MEMORY} (such as {@code tugboat-usage 300m 64Mi}), the
 * load the horizontal pod autoscaler reacts to.
 */
final class FakeUsage {

  /** The exec command that sets a container's simulated usage. */
  static final String COMMAND = "tugboat-usage";

  private final Map<String, long[]> usage = new ConcurrentHashMap<>();

  /** The container reports this usage from now on (CPU in nanocores, memory working set in bytes). */
  void set(String containerId, long cpuNanoCores, long memoryBytes) {
    usage.put(containerId, new long[] {cpuNanoCores, memoryBytes});
  }

  /** {CPU nanocores, memory bytes} set for the container, or null for the simulated constant. */
  long[] of(String containerId) {
    return usage.get(containerId);
  }

  /** Forgets a removed container. */
  void remove(String containerId) {
    usage.remove(containerId);
  }

  /** Runs {@code tugboat-usage CPU MEMORY} in a container: exit 0, or 2 with the usage on stdout. */
  ExecSession exec(String containerId, List<String> command) {
    int code = 0;
    String output = "";
    try {
      if (command.size() != 3) {
        throw new IllegalArgumentException("usage: tugboat-usage CPU MEMORY (such as 300m 64Mi)");
      }
      set(containerId, cpuNanoCores(command.get(1)), bytes(command.get(2)));
    } catch (IllegalArgumentException e) {
      code = 2;
      output = e.getMessage() + "\n";
    }
    return new ExecSession(akka.stream.javadsl.Source.single(akka.util.ByteString.fromString(output)),
        akka.stream.javadsl.Source.empty(), akka.stream.javadsl.Sink.ignore(), akka.stream.javadsl.Sink.ignore(),
        CompletableFuture.completedFuture(code));
  }

  /** CPU "300m", "2" or "1.5" (cores) in nanocores. */
  static long cpuNanoCores(String cpu) {
    try {
      BigDecimal cores = cpu.endsWith("m") ? new BigDecimal(cpu.substring(0, cpu.length() - 1)).movePointLeft(3)
          : new BigDecimal(cpu);
      return cores.movePointRight(9).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("invalid CPU quantity: " + cpu);
    }
  }

  /** Memory "64Mi", "1Gi", "512Ki", "100M", "4096" in bytes. */
  static long bytes(String memory) {
    String[] suffixes = {"Ki", "Mi", "Gi", "k", "M", "G"};
    long[] factors = {1L << 10, 1L << 20, 1L << 30, 1_000, 1_000_000, 1_000_000_000};
    try {
      for (int i = 0; i < suffixes.length; i++) {
        if (memory.endsWith(suffixes[i])) {
          return Math.multiplyExact(Long.parseLong(memory.substring(0, memory.length() - suffixes[i].length())),
              factors[i]);
        }
      }
      return Long.parseLong(memory);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("invalid memory quantity: " + memory);
    }
  }
}

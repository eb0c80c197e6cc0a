package io.tugboat.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resource requests against what the node has left: allocatable minus the requests of the pods assigned to
 * it, per resource (cpu, memory, ephemeral-storage, extended resources) and in pod count. Only resources the
 * pod requests are checked, as Kubernetes does.
 */
public final class NodeResourcesFit implements Filter {

  /** Kubernetes' reason when the node's pod count is reached. */
  public static final String TOO_MANY_PODS = "Too many pods";

  @Override
  public Check prepare(PodInfo pod, Snapshot snapshot) {
    Resources want = pod.requests();
    return node -> {
      List<String> reasons = new ArrayList<>(1);
      Resources have = node.allocatable();
      Resources used = node.requested();
      if (used.pods() + 1 > have.pods()) {
        reasons.add(TOO_MANY_PODS);
      }
      check(reasons, Resources.CPU, want.milliCpu(), used.milliCpu(), have.milliCpu());
      check(reasons, Resources.MEMORY, want.memory(), used.memory(), have.memory());
      check(reasons, Resources.EPHEMERAL_STORAGE, want.ephemeralStorage(), used.ephemeralStorage(),
          have.ephemeralStorage());
      for (Map.Entry<String, Long> s : want.scalars().entrySet()) {
        check(reasons, s.getKey(), s.getValue(), used.scalar(s.getKey()), have.scalar(s.getKey()));
      }
      return reasons.isEmpty() ? Result.FITS : Result.unschedulable(reasons);
    };
  }

  private static void check(List<String> reasons, String resource, long want, long used, long have) {
    if (want > 0 && (want > have || Resources.add(want, used) > have)) {
      reasons.add("Insufficient " + resource);
    }
  }
}

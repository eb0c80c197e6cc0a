package io.tugboat.scheduler;

import java.util.List;
import java.util.Map;

/** What a scheduling decision reads: the nodes with their pods, nominated pods, and namespace labels. */
public interface Snapshot {

  /** Every node name known, in a stable order (the order sampling rotates through). */
  List<String> nodeNames();

  /** The node's info, null when unknown. */
  NodeInfo node(String name);

  /** Pods waiting for the given node to be freed by preemption (status.nominatedNodeName), unbound. */
  List<PodInfo> nominatedPods(String node);

  /** A namespace's labels (for namespaceSelector in affinity terms); empty when unknown. */
  Map<String, String> namespaceLabels(String namespace);

  /** Whether some assigned pod has an inter-pod affinity or anti-affinity term (else those checks are cheap). */
  boolean anyPodWithAffinity();
}

package io.tugboat.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One scheduling decision, as kube-scheduler's schedulePod: run the filters over the nodes, starting at a
 * rotating index and stopping once enough feasible nodes are found (percentageOfNodesToScore: every node
 * below 100, adaptively fewer above, at least 100), score the feasible ones, and pick the best, breaking ties
 * with a seeded random. Not thread-safe: one instance belongs to one scheduler.
 */
public final class SchedulingAlgorithm {

  /** What was decided for a pod. */
  public sealed interface Decision permits Scheduled, Unschedulable {}

  /** The pod goes to {@code node}; {@code evaluated} nodes were filtered, {@code feasible} passed. */
  public record Scheduled(String node, int evaluated, int feasible) implements Decision {}

  /**
   * No node fits. {@code failures} holds each evaluated node's verdict (what preemption starts from);
   * {@code message} counts the reasons as Kubernetes' FitError does.
   */
  public record Unschedulable(String message, int totalNodes, Map<String, Filter.Result> failures)
      implements Decision {}

  private static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
  private static final int MIN_FEASIBLE_NODES_PERCENTAGE = 5;

  private final List<Filter> filters;
  private final List<Scorer> scorers;
  private final int percentageOfNodesToScore;
  private final Random random;
  private int nextStartIndex;

  /**
   * An algorithm over these plugins.
   *
   * @param percentageOfNodesToScore 1..100, or 0 for kube-scheduler's adaptive default
   * @param seed the seed of tie-breaking among equally scored nodes
   */
  public SchedulingAlgorithm(List<Filter> filters, List<Scorer> scorers, int percentageOfNodesToScore, long seed) {
    this.filters = List.copyOf(filters);
    this.scorers = List.copyOf(scorers);
    this.percentageOfNodesToScore = percentageOfNodesToScore;
    this.random = new Random(seed);
  }

  /** The default plugins in kube-scheduler's order, with its default score weights. */
  public static SchedulingAlgorithm defaults(int percentageOfNodesToScore, long seed) {
    return new SchedulingAlgorithm(defaultFilters(), List.of(new LeastAllocated(1), new BalancedAllocation(1),
        new NodeAffinity(2), new InterPodAffinity(2), new TaintToleration(3), new OwnerSpread(2)),
        percentageOfNodesToScore, seed);
  }

  /** The default filters, cheapest and most decisive first, as kube-scheduler orders them. */
  public static List<Filter> defaultFilters() {
    return List.of(new NodeUnschedulable(), new TaintToleration(3), new NodeAffinity(2), new NodePorts(),
        new NodeResourcesFit(), new InterPodAffinity(2));
  }

  /** The filters this algorithm runs (preemption re-runs them). */
  public List<Filter> filters() {
    return filters;
  }

  /** Decides where the pod goes in the snapshot. */
  public Decision schedule(PodInfo pod, Snapshot snapshot) {
    List<String> names = snapshot.nodeNames();
    int all = names.size();
    if (all == 0) {
      return new Unschedulable("0/0 nodes are available: no nodes available to schedule pods.", 0, Map.of());
    }
    List<Filter.Check> checks = prepare(pod, snapshot);
    int wanted = feasibleNodesToFind(all);
    List<NodeInfo> feasible = new ArrayList<>();
    Map<String, Filter.Result> failures = new LinkedHashMap<>();
    int processed = 0;
    int start = nextStartIndex % all;
    for (int i = 0; i < all && feasible.size() < wanted; i++) {
      String name = names.get((start + i) % all);
      processed++;
      NodeInfo node = withNominated(snapshot.node(name), pod, snapshot);
      Filter.Result result = run(checks, node);
      if (result.fits()) {
        feasible.add(node);
      } else {
        failures.put(name, result);
      }
    }
    nextStartIndex = (start + processed) % all;
    if (feasible.isEmpty()) {
      return new Unschedulable(fitMessage(all, failures), all, failures);
    }
    if (feasible.size() == 1) {
      return new Scheduled(feasible.get(0).name(), processed, 1);
    }
    return new Scheduled(select(pod, feasible, snapshot), processed, feasible.size());
  }

  /** Each filter's check for this pod. */
  List<Filter.Check> prepare(PodInfo pod, Snapshot snapshot) {
    List<Filter.Check> checks = new ArrayList<>(filters.size());
    for (Filter f : filters) {
      checks.add(f.prepare(pod, snapshot));
    }
    return checks;
  }

  /** The first failing filter's verdict, or FITS. */
  static Filter.Result run(List<Filter.Check> checks, NodeInfo node) {
    for (Filter.Check c : checks) {
      Filter.Result r = c.check(node);
      if (!r.fits()) {
        return r;
      }
    }
    return Filter.Result.FITS;
  }

  /**
   * The node as the pod must see it: with the pods nominated to it (waiting for their victims to go) whose
   * priority is not lower, so a lower-priority pod does not take the room preemption freed.
   */
  static NodeInfo withNominated(NodeInfo node, PodInfo pod, Snapshot snapshot) {
    NodeInfo out = node;
    for (PodInfo nominated : snapshot.nominatedPods(node.name())) {
      if (!nominated.uid().equals(pod.uid()) && nominated.priority() >= pod.priority()) {
        out = out.withPod(nominated);
      }
    }
    return out;
  }

  private String select(PodInfo pod, List<NodeInfo> feasible, Snapshot snapshot) {
    long[] total = new long[feasible.size()];
    for (Scorer s : scorers) {
      long[] scores = s.score(pod, feasible, snapshot);
      for (int i = 0; i < total.length; i++) {
        total[i] += scores[i] * s.weight();
      }
    }
    int best = 0;
    int ties = 1;
    for (int i = 1; i < total.length; i++) {
      if (total[i] > total[best]) {
        best = i;
        ties = 1;
      } else if (total[i] == total[best] && random.nextInt(++ties) == 0) {
        best = i; // reservoir sampling: each tied node equally likely
      }
    }
    return feasible.get(best).name();
  }

  /** How many feasible nodes to look for among {@code all}: kube-scheduler's numFeasibleNodesToFind. */
  int feasibleNodesToFind(int all) {
    if (all < MIN_FEASIBLE_NODES_TO_FIND) {
      return all;
    }
    int percentage = percentageOfNodesToScore > 0 ? percentageOfNodesToScore
        : Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - all / 125);
    if (percentage >= 100) {
      return all;
    }
    return Math.max(MIN_FEASIBLE_NODES_TO_FIND, all * percentage / 100);
  }

  /** "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu." */
  static String fitMessage(int all, Map<String, Filter.Result> failures) {
    Map<String, Integer> histogram = new TreeMap<>();
    for (Filter.Result r : failures.values()) {
      for (String reason : r.reasons()) {
        histogram.merge(reason, 1, Integer::sum);
      }
    }
    return "0/" + all + " nodes are available: " + histogram(histogram) + ".";
  }

  /** "count reason" pairs sorted as strings and joined, as Kubernetes prints reason histograms. */
  static String histogram(Map<String, Integer> counts) {
    List<String> parts = new ArrayList<>();
    counts.forEach((reason, n) -> parts.add(n + " " + reason));
    parts.sort(null);
    return String.join(", ", parts);
  }
}

package io.tugboat.controllers.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Events;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One reconcile step of a DaemonSet, as a pure function from the DaemonSet, the nodes, and the pods and
 * ControllerRevisions of its namespace to writes (Kubernetes' syncDaemonSet). Each step makes one kind of progress
 * and the next starts from what it wrote, in this order:
 *
 * <ol>
 *   <li>claim pods and ControllerRevisions (adopt matching orphans, release those that stopped matching);</li>
 *   <li>history: the revision of the current template exists (created as {@code <ds>-<hash>}, collisionCount
 *       moved on when that name holds another template) and has the highest revision number;</li>
 *   <li>manage: a pod created on every node that should run one and has none; on nodes where one may stay, failed
 *       pods deleted (FailedDaemonPod; a node's next failed pod waits out a backoff of 1 s doubling to 15 min) and
 *       extra pods deleted; pods on nodes where none may stay, or on nodes that no longer exist, deleted;</li>
 *   <li>the RollingUpdate ({@link DaemonRollout}); OnDelete replaces nothing;</li>
 *   <li>old revisions beyond revisionHistoryLimit deleted;</li>
 * </ol>
 * and every step writes the status observed when it changed.
 */
public final class DaemonSetSync {

  static final ResourceType DAEMON_SETS = ResourceRegistry.byPath("apps", "v1", "daemonsets").orElseThrow();
  static final ResourceType NODES = ResourceRegistry.byPath("", "v1", "nodes").orElseThrow();
  static final ResourceType EVENTS = ResourceRegistry.byPath("", "v1", "events").orElseThrow();
  static final String COMPONENT = "daemonset-controller";

  private DaemonSetSync() {}

  /** The failed-pod backoff of one node (flowcontrol.Backoff with 1 s initial and 15 min maximum). */
  public record Backoff(Duration delay, Instant updated) {
    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofMinutes(15);

    /** When the next failed pod may be killed. */
    public Instant until() {
      return updated.plus(delay);
    }

    /** The backoff after killing a failed pod now: doubled, or back to 1 s when it had long expired. */
    static Backoff next(Backoff previous, Instant now) {
      if (previous == null || now.isAfter(previous.updated().plus(MAX.multipliedBy(2)))) {
        return new Backoff(INITIAL, now);
      }
      Duration doubled = previous.delay().multipliedBy(2);
      return new Backoff(doubled.compareTo(MAX) > 0 ? MAX : doubled, now);
    }
  }

  /** The writes of a step and the backoff per node the loop keeps for the next one. */
  public record Step(Plan plan, Map<String, Backoff> backoff) {}

  /** The writes of the next step for {@code ds}; {@code backoff} is what the previous step returned. */
  public static Step plan(JsonNode ds, List<? extends JsonNode> nodes, List<? extends JsonNode> podsInNamespace,
      List<? extends JsonNode> revisionsInNamespace, Map<String, Backoff> backoff, Instant now, int burst) {
    if (Owners.deleting(ds)) {
      return new Step(Plan.none(), backoff);
    }
    JsonNode selector = ds.path("spec").path("selector");
    Owners.Claim pods = Owners.claim(ds, selector, podsInNamespace);
    Owners.Claim revisions = Owners.claim(ds, selector, revisionsInNamespace);
    List<Plan.Action> claims = new ArrayList<>();
    for (ObjectNode p : concat(pods.adopt(), pods.release())) {
      claims.add(new Plan.Update(key(ReplicaSetSync.PODS, p), p, Subresource.MAIN, null));
    }
    for (ObjectNode r : concat(revisions.adopt(), revisions.release())) {
      claims.add(new Plan.Update(key(DaemonHistory.REVISIONS, r), r, Subresource.MAIN, null));
    }
    if (!claims.isEmpty()) {
      return new Step(new Plan(claims, Optional.empty()), backoff);
    }

    // History: the current revision first, since its hash labels every pod made from now on.
    JsonNode current = null;
    List<JsonNode> old = new ArrayList<>();
    for (JsonNode r : revisions.owned()) {
      boolean newer = current == null || DaemonHistory.revision(r) > DaemonHistory.revision(current);
      if (DaemonHistory.matches(ds, r) && newer) {
        if (current != null) {
          old.add(current);
        }
        current = r;
      } else {
        old.add(r);
      }
    }
    long nextRevision = old.stream().mapToLong(DaemonHistory::revision).max().orElse(0) + 1;
    if (current == null) {
      String hash = DaemonHistory.hash(ds);
      String name = Json.metaText(ds, "name") + "-" + hash;
      JsonNode clash = revisionsInNamespace.stream().filter(r -> Json.metaText(r, "name").equals(name))
          .findFirst().orElse(null);
      if (clash == null) {
        return new Step(new Plan(List.of(new Plan.Create(DaemonHistory.REVISIONS,
            DaemonHistory.snapshot(ds, hash, nextRevision), null, null)), Optional.empty()), backoff);
      }
      if (!DaemonHistory.matches(ds, clash)) {
        ObjectNode bumped = (ObjectNode) ds.deepCopy();
        bumped.with("status").put("collisionCount", ds.path("status").path("collisionCount").asInt(0) + 1);
        return new Step(new Plan(List.of(new Plan.Update(key(DAEMON_SETS, ds), bumped, Subresource.STATUS, null)),
            Optional.empty()), backoff);
      }
      return new Step(Plan.none(), backoff); // someone else's revision with our template: nothing safe to do
    }
    if (DaemonHistory.revision(current) < nextRevision
        || !current.path("metadata").path("labels").has(DaemonNodes.HASH_LABEL)) {
      ObjectNode fixed = (ObjectNode) current.deepCopy();
      fixed.put("revision", Math.max(nextRevision, DaemonHistory.revision(current)));
      Json.meta(fixed).with("labels").put(DaemonNodes.HASH_LABEL, DaemonHistory.hashOf(ds, current));
      return new Step(new Plan(List.of(new Plan.Update(key(DaemonHistory.REVISIONS, fixed), fixed,
          Subresource.MAIN, null)), Optional.empty()), backoff);
    }
    String hash = DaemonHistory.hashOf(ds, current);

    // Where pods are and should be.
    Map<String, JsonNode> nodeByName = new TreeMap<>();
    nodes.forEach(n -> nodeByName.put(Json.metaText(n, "name"), n));
    Map<String, List<JsonNode>> nodeToPods = new TreeMap<>();
    for (JsonNode p : pods.owned()) {
      String target = DaemonNodes.targetNode(p);
      boolean terminalAndDeleting = Owners.deleting(p) && isTerminal(p);
      if (!target.isEmpty() && !terminalAndDeleting) {
        nodeToPods.computeIfAbsent(target, n -> new ArrayList<>()).add(p);
      }
    }
    JsonNode podSpec = ds.path("spec").path("template").path("spec");
    Map<String, DaemonNodes.Fit> fits = new HashMap<>();
    nodeByName.forEach((name, node) -> fits.put(name, DaemonNodes.fit(node, podSpec)));

    Manage manage = manage(ds, nodeByName, fits, nodeToPods, hash, backoff, now, burst);
    ObjectNode status = status(ds, nodeByName, fits, nodeToPods, hash, now);
    List<Plan.Action> actions = new ArrayList<>(manage.actions);
    boolean rollingUpdate = "RollingUpdate".equals(Json.text(ds.path("spec").path("updateStrategy").path("type")));
    if (actions.isEmpty() && rollingUpdate) {
      Set<String> shouldRun = new HashSet<>();
      Map<String, List<JsonNode>> rollNodes = new TreeMap<>(nodeToPods);
      fits.forEach((name, fit) -> {
        if (fit.run()) {
          shouldRun.add(name);
          rollNodes.putIfAbsent(name, List.of());
        }
      });
      DaemonRollout.Step roll = DaemonRollout.step(ds, rollNodes, shouldRun, hash, now);
      roll.delete().stream().limit(burst).forEach(p -> actions.add(delete(p)));
      roll.createOn().stream().limit(burst).forEach(n -> actions.add(create(ds, n, hash)));
    }
    if (actions.isEmpty()) {
      Set<String> live = new HashSet<>();
      for (JsonNode p : pods.owned()) {
        live.add(Json.text(p.path("metadata").path("labels").path(DaemonNodes.HASH_LABEL)));
      }
      for (JsonNode r : DaemonHistory.toDelete(ds, old, live)) {
        actions.add(new Plan.Delete(key(DaemonHistory.REVISIONS, r), Json.metaText(r, "uid"), null, null));
      }
    }
    if (!ObjectLifecycle.same(status, ds.path("status"))) {
      ObjectNode updated = (ObjectNode) ds.deepCopy();
      updated.set("status", status);
      actions.add(new Plan.Update(key(DAEMON_SETS, ds), updated, Subresource.STATUS, null));
    }
    Optional<Instant> wake = manage.wake;
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    for (List<JsonNode> onNode : nodeToPods.values()) {
      for (JsonNode p : onNode) {
        wake = earliest(wake, Pods.availableAt(p, minReady, now));
      }
    }
    return new Step(new Plan(actions, wake), manage.backoff);
  }

  private record Manage(List<Plan.Action> actions, Map<String, Backoff> backoff, Optional<Instant> wake) {}

  /** The manage step (manage + podsShouldBeOnNode): pods created where missing, failed and extra ones deleted. */
  private static Manage manage(JsonNode ds, Map<String, JsonNode> nodeByName, Map<String, DaemonNodes.Fit> fits,
      Map<String, List<JsonNode>> nodeToPods, String hash, Map<String, Backoff> backoff, Instant now, int burst) {
    List<String> createOn = new ArrayList<>();
    List<JsonNode> delete = new ArrayList<>();
    List<Plan.Action> failedEvents = new ArrayList<>();
    Map<String, Backoff> nextBackoff = new TreeMap<>();
    Optional<Instant> wake = Optional.empty();
    boolean surge = DaemonRollout.surges(ds);
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    for (Map.Entry<String, JsonNode> e : nodeByName.entrySet()) {
      String node = e.getKey();
      DaemonNodes.Fit fit = fits.get(node);
      List<JsonNode> onNode = nodeToPods.getOrDefault(node, List.of());
      Backoff b = backoff.get(node);
      if (b != null && !now.isAfter(b.updated().plus(Backoff.MAX.multipliedBy(2)))) {
        nextBackoff.put(node, b); // forgotten once long expired, as flowcontrol.Backoff's GC does
      }
      if (fit.run() && onNode.isEmpty()) {
        createOn.add(node);
      } else if (fit.keep()) {
        List<JsonNode> running = new ArrayList<>();
        for (JsonNode p : onNode) {
          if (Owners.deleting(p)) {
            continue;
          }
          String phase = Json.text(p.path("status").path("phase"));
          if (phase.equals("Failed")) {
            if (b != null && now.isBefore(b.until())) {
              wake = earliest(wake, Optional.of(b.until()));
              continue;
            }
            b = Backoff.next(b, now);
            nextBackoff.put(node, b);
            String msg = "Found failed daemon pod " + Json.metaText(p, "namespace") + "/" + Json.metaText(p, "name")
                + " on node " + node + ", will try to kill it";
            failedEvents.add(new Plan.Create(EVENTS, Events.about(ds, COMPONENT, "Warning", "FailedDaemonPod", msg,
                null, now), null, null));
            delete.add(p);
          } else if (phase.equals("Succeeded")) {
            delete.add(p);
          } else {
            running.add(p);
          }
        }
        running.sort(OLDEST_FIRST);
        if (!surge) {
          delete.addAll(running.subList(Math.min(1, running.size()), running.size()));
        } else if (running.isEmpty()) {
          if (fit.run() && delete.stream().noneMatch(onNode::contains)) {
            createOn.add(node);
          }
        } else if (running.size() > 1) {
          delete.addAll(surgeExtras(running, hash, minReady, now));
        }
      } else {
        onNode.stream().filter(p -> !Owners.deleting(p)).forEach(delete::add);
      }
    }
    // Pods meant for nodes that are gone: unbound ones deleted, bound ones force-deleted (no kubelet will confirm
    // them), which Kubernetes leaves to its pod garbage collector and Tugboat does not have.
    List<JsonNode> orphaned = new ArrayList<>();
    nodeToPods.forEach((node, onNode) -> {
      if (!nodeByName.containsKey(node)) {
        onNode.stream().filter(p -> !Owners.deleting(p) || bound(p)).forEach(orphaned::add);
      }
    });
    List<Plan.Action> actions = new ArrayList<>(failedEvents);
    createOn.stream().limit(burst).forEach(n -> actions.add(create(ds, n, hash)));
    delete.stream().limit(burst).forEach(p -> actions.add(delete(p)));
    orphaned.stream().limit(burst).forEach(p -> actions.add(bound(p)
        ? new Plan.Delete(key(ReplicaSetSync.PODS, p), Json.metaText(p, "uid"), null,
            Plan.Note.normal("SuccessfulDelete", "Deleted pod: %s"), 0L)
        : delete(p)));
    return new Manage(actions, nextBackoff, wake);
  }

  /**
   * With surge, two pods may share a node only while the oldest new one is not available and the oldest old one
   * is ready; every other pod goes.
   */
  private static List<JsonNode> surgeExtras(List<JsonNode> running, String hash, long minReady, Instant now) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode oldestNew = null;
    JsonNode oldestOld = null;
    for (JsonNode p : running) {
      if (DaemonRollout.updated(p, hash)) {
        if (oldestNew == null) {
          oldestNew = p;
          continue;
        }
      } else if (oldestOld == null) {
        oldestOld = p;
        continue;
      }
      out.add(p);
    }
    if (oldestNew != null && oldestOld != null
        && (!Pods.ready(oldestOld) || Pods.available(oldestNew, minReady, now))) {
      out.add(oldestOld);
    }
    return out;
  }

  /** The status observed (updateDaemonSetStatus): per node that should run a pod, its oldest pod counts. */
  public static ObjectNode status(JsonNode ds, Map<String, JsonNode> nodeByName, Map<String, DaemonNodes.Fit> fits,
      Map<String, List<JsonNode>> nodeToPods, String hash, Instant now) {
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    int desired = 0;
    int current = 0;
    int misscheduled = 0;
    int ready = 0;
    int available = 0;
    int updated = 0;
    for (String node : nodeByName.keySet()) {
      List<JsonNode> onNode = new ArrayList<>(nodeToPods.getOrDefault(node, List.of()));
      if (fits.get(node).run()) {
        desired++;
        if (onNode.isEmpty()) {
          continue;
        }
        current++;
        onNode.sort(OLDEST_FIRST);
        JsonNode pod = onNode.get(0);
        if (Pods.ready(pod)) {
          ready++;
          if (Pods.available(pod, minReady, now)) {
            available++;
          }
        }
        if (DaemonRollout.updated(pod, hash)) {
          updated++;
        }
      } else if (!onNode.isEmpty()) {
        misscheduled++;
      }
    }
    ObjectNode status = Json.object();
    status.put("currentNumberScheduled", current);
    status.put("numberMisscheduled", misscheduled);
    status.put("desiredNumberScheduled", desired);
    status.put("numberReady", ready);
    status.put("observedGeneration", ds.path("metadata").path("generation").asLong(1));
    if (updated > 0) {
      status.put("updatedNumberScheduled", updated);
    }
    if (available > 0) {
      status.put("numberAvailable", available);
    }
    if (desired - available > 0) {
      status.put("numberUnavailable", desired - available);
    }
    JsonNode collisions = ds.path("status").path("collisionCount");
    if (collisions.isNumber()) {
      status.put("collisionCount", collisions.asInt());
    }
    JsonNode conditions = ds.path("status").path("conditions");
    if (conditions.isArray() && !conditions.isEmpty()) {
      status.set("conditions", conditions.deepCopy());
    }
    return status;
  }

  /** podByCreationTimestampAndPhase: bound before unbound, then oldest first; the name breaks ties. */
  static final Comparator<JsonNode> OLDEST_FIRST = Comparator
      .comparing((JsonNode p) -> Json.text(p.path("spec").path("nodeName")).isEmpty())
      .thenComparing(p -> Json.metaText(p, "creationTimestamp"))
      .thenComparing(p -> Json.metaText(p, "name"));

  private static boolean bound(JsonNode pod) {
    return !Json.text(pod.path("spec").path("nodeName")).isEmpty();
  }

  private static boolean isTerminal(JsonNode pod) {
    String phase = Json.text(pod.path("status").path("phase"));
    return phase.equals("Failed") || phase.equals("Succeeded");
  }

  private static Plan.Create create(JsonNode ds, String node, String hash) {
    return new Plan.Create(ReplicaSetSync.PODS, DaemonNodes.pod(ds, node, hash),
        Plan.Note.normal("SuccessfulCreate", "Created pod: %s"),
        Plan.Note.warning("FailedCreate", "Error creating: %s"));
  }

  private static Plan.Delete delete(JsonNode pod) {
    return new Plan.Delete(key(ReplicaSetSync.PODS, pod), Json.metaText(pod, "uid"), null,
        Plan.Note.normal("SuccessfulDelete", "Deleted pod: %s"));
  }

  private static ObjectKey key(ResourceType type, JsonNode obj) {
    return ObjectKey.of(type, Json.metaText(obj, "namespace"), Json.metaText(obj, "name"));
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isPresent() && b.get().isBefore(a.get()) ? b : a;
  }

  private static List<ObjectNode> concat(List<ObjectNode> a, List<ObjectNode> b) {
    List<ObjectNode> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}

package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.PodBinding;
import io.tugboat.runtime.ContainerRuntime.ContainerState;
import io.tugboat.runtime.ContainerRuntime.ContainerStatus;
import io.tugboat.runtime.ImageNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod's status from what its node observed, as a pure function: the kubelet's phase rules (getPhase), container
 * statuses (waiting, running, terminated), and the conditions PodReadyToStartContainers, Initialized,
 * ContainersReady, Ready (PodScheduled is kept as the binding set it).
 */
public final class PodStatuses {
  private PodStatuses() {}

  /**
   * What the node knows of a pod: its sandbox's IP (null until the sandbox exists) and the runtime's newest
   * container of each name.
   */
  public record Observed(String podIp, Map<String, ContainerStatus> containers, Map<String, ContainerTrack> tracks) {

    /** Containers never restarted, without probes' verdicts. */
    public Observed(String podIp, Map<String, ContainerStatus> containers) {
      this(podIp, containers, Map.of());
    }

    ContainerTrack track(String name) {
      return tracks.getOrDefault(name, null);
    }
  }

  /**
   * The status to report. {@code terminal}: the pod was stopped for good (being deleted), so it ends Succeeded or
   * Failed; {@code runtimeScheme} prefixes container ids ("tugboat" makes "tugboat://abc").
   */
  public static ObjectNode build(JsonNode pod, Observed observed, String hostIp, String runtimeScheme,
      Instant startTime, boolean terminal, Instant now) {
    JsonNode spec = pod.path("spec");
    ObjectNode base = Json.object();
    JsonNode oldStatus = pod.path("status");
    if (oldStatus.isObject()) {
      base.set("conditions", oldStatus.path("conditions").isArray() ? oldStatus.get("conditions").deepCopy()
          : Json.object().arrayNode());
    }
    ObjectNode holder = Json.object();
    holder.set("status", base);

    List<JsonNode> initSpecs = list(spec.path("initContainers"));
    List<JsonNode> specs = list(spec.path("containers"));
    List<String> unfinishedInit = new ArrayList<>();
    boolean initFailed = false;
    ArrayNode initStatuses = Json.object().arrayNode();
    for (JsonNode c : initSpecs) {
      ContainerStatus s = observed.containers().get(c.path("name").asText());
      ContainerTrack t = observed.track(c.path("name").asText());
      initStatuses.add(containerStatus(pod, c, s, t, "PodInitializing", runtimeScheme, true, now));
      if (s == null || s.state() != ContainerState.EXITED || s.exitCode() != 0) {
        unfinishedInit.add(c.path("name").asText());
        initFailed |= s != null && s.state() == ContainerState.EXITED && s.exitCode() != 0;
      }
    }
    boolean initialized = unfinishedInit.isEmpty();
    ArrayNode statuses = Json.object().arrayNode();
    List<String> unready = new ArrayList<>();
    int waiting = 0;
    int running = 0;
    int stopped = 0;
    int succeeded = 0;
    for (JsonNode c : specs) {
      ContainerStatus s = observed.containers().get(c.path("name").asText());
      ContainerTrack t = observed.track(c.path("name").asText());
      ObjectNode cs = containerStatus(pod, c, s, t, initialized ? "ContainerCreating" : "PodInitializing",
          runtimeScheme, false, now);
      statuses.add(cs);
      if (s == null || s.state() == ContainerState.CREATED || s.state() == ContainerState.UNKNOWN) {
        if (t != null && t.last() != null) { // restarting: the kubelet counts the run that ended
          stopped++;
          succeeded += t.last().exitCode() == 0 ? 1 : 0;
        } else {
          waiting++;
        }
      } else if (s.state() == ContainerState.RUNNING) {
        running++;
      } else {
        stopped++;
        succeeded += s.exitCode() == 0 ? 1 : 0;
      }
      if (!cs.path("ready").asBoolean()) {
        unready.add(c.path("name").asText());
      }
    }
    String restartPolicy = spec.path("restartPolicy").asText("Always");
    String phase = phase(restartPolicy, initialized, initFailed, waiting, running, stopped, succeeded, terminal);

    ObjectNode status = holder.with("status");
    status.put("phase", phase);
    boolean scheduled = false;
    for (JsonNode c : status.path("conditions")) {
      scheduled |= c.path("type").asText().equals("PodScheduled");
    }
    if (!scheduled) { // created with spec.nodeName, never bound: the kubelet reports it scheduled all the same
      PodBinding.setCondition(holder, "PodScheduled", "True", null, null, now);
    }
    boolean sandbox = observed.podIp() != null;
    PodBinding.setCondition(holder, "PodReadyToStartContainers", sandbox && !terminal ? "True" : "False", null, null,
        now);
    if (initialized) {
      PodBinding.setCondition(holder, "Initialized", "True", null, null, now);
    } else {
      PodBinding.setCondition(holder, "Initialized", "False", "ContainersNotInitialized",
          "containers with incomplete status: " + unfinishedInit, now);
    }
    boolean completed = phase.equals("Succeeded") || phase.equals("Failed");
    String readyReason = completed ? "PodCompleted" : "ContainersNotReady";
    String readyMessage = completed ? null : "containers with unready status: " + unready;
    boolean ready = unready.isEmpty() && !completed;
    PodBinding.setCondition(holder, "ContainersReady", ready ? "True" : "False", ready ? null : readyReason,
        ready ? null : readyMessage, now);
    PodBinding.setCondition(holder, "Ready", ready ? "True" : "False", ready ? null : readyReason,
        ready ? null : readyMessage, now);
    orderConditions(status);
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    String podIp = spec.path("hostNetwork").asBoolean(false) ? hostIp : observed.podIp();
    if (podIp != null) {
      status.put("podIP", podIp);
      status.putArray("podIPs").addObject().put("ip", podIp);
    }
    status.put("startTime", ObjectLifecycle.timestamp(startTime));
    if (!initSpecs.isEmpty()) {
      status.set("initContainerStatuses", initStatuses);
    }
    status.set("containerStatuses", statuses);
    return status;
  }

  /**
   * The kubelet's getPhase: a container waiting to be restarted counts as stopped, with the exit of its last run.
   */
  static String phase(String restartPolicy, boolean initialized, boolean initFailed, int waiting, int running,
      int stopped, int succeeded, boolean terminal) {
    if (!initialized) {
      return initFailed && restartPolicy.equals("Never") ? "Failed" : terminal ? "Failed" : "Pending";
    }
    if (waiting > 0) {
      return terminal ? "Failed" : "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped > 0) {
      if (terminal) {
        return stopped == succeeded ? "Succeeded" : "Failed";
      }
      if (restartPolicy.equals("Always")) {
        return "Running";
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      return restartPolicy.equals("Never") ? "Failed" : "Running";
    }
    return "Pending";
  }

  private static ObjectNode containerStatus(JsonNode pod, JsonNode spec, ContainerStatus s, ContainerTrack t,
      String waitingReason, String scheme, boolean init, Instant now) {
    ObjectNode out = Json.object();
    String name = spec.path("name").asText();
    out.put("name", name);
    ObjectNode state = out.putObject("state");
    ObjectNode lastState = out.putObject("lastState");
    boolean running = s != null && s.state() == ContainerState.RUNNING;
    if (s == null || s.state() == ContainerState.CREATED || s.state() == ContainerState.UNKNOWN) {
      ObjectNode waiting = state.putObject("waiting");
      if (t != null && t.waitingReason() != null) {
        waiting.put("reason", t.waitingReason());
        if (t.waitingMessage() != null) {
          waiting.put("message", t.waitingMessage());
        }
      } else if (t != null && t.last() != null && t.notBefore() != null && now.isBefore(t.notBefore())) {
        Instant from = t.last().finishedAt() != null ? t.last().finishedAt() : now;
        long seconds = Math.max(0, java.time.Duration.between(from, t.notBefore()).toSeconds());
        waiting.put("reason", "CrashLoopBackOff");
        waiting.put("message", "back-off " + HumanDurations.go(seconds) + " restarting failed container=" + name
            + " pod=" + Json.metaText(pod, "name") + "_" + Json.metaText(pod, "namespace") + "("
            + Json.metaText(pod, "uid") + ")");
      } else {
        waiting.put("reason", waitingReason);
      }
    } else if (running) {
      state.putObject("running").put("startedAt", ObjectLifecycle.timestamp(s.startedAt()));
    } else {
      terminated(state, s, scheme);
    }
    if (t != null && t.last() != null) {
      terminated(lastState, t.last(), scheme);
    }
    boolean started = running && (t == null || !spec.path("startupProbe").isObject() || t.started());
    boolean ready = started && !init && (t == null || !spec.path("readinessProbe").isObject() || t.ready());
    out.put("ready", ready);
    // As the kubelet: the restart count of the newest instance (a container backing off shows its last run's).
    out.put("restartCount", s != null ? s.attempt() : t != null && t.last() != null ? t.last().attempt() : 0);
    out.put("image", s != null ? s.image() : ImageNames.normalize(spec.path("image").asText()));
    out.put("imageID", s != null && s.imageRef() != null ? s.imageRef() : "");
    if (s != null) {
      out.put("containerID", scheme + "://" + s.id());
    }
    out.put("started", started);
    return out;
  }

  private static void terminated(ObjectNode state, ContainerStatus s, String scheme) {
    ObjectNode t = state.putObject("terminated");
    t.put("exitCode", s.exitCode());
    if (s.reason() != null) {
      t.put("reason", s.reason());
    }
    if (s.message() != null) {
      t.put("message", s.message());
    }
    if (s.startedAt() != null) {
      t.put("startedAt", ObjectLifecycle.timestamp(s.startedAt()));
    }
    t.put("finishedAt", ObjectLifecycle.timestamp(s.finishedAt() != null ? s.finishedAt() : s.createdAt()));
    t.put("containerID", scheme + "://" + s.id());
  }

  // Kubernetes lists pod conditions in this order; kubectl describe shows them so.
  private static final List<String> ORDER = List.of("PodReadyToStartContainers", "Initialized", "Ready",
      "ContainersReady", "PodScheduled");

  private static void orderConditions(ObjectNode status) {
    List<JsonNode> all = list(status.path("conditions"));
    all.sort(java.util.Comparator.comparingInt(c -> {
      int i = ORDER.indexOf(c.path("type").asText());
      return i < 0 ? ORDER.size() : i;
    }));
    ArrayNode sorted = status.putArray("conditions");
    all.forEach(sorted::add);
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}

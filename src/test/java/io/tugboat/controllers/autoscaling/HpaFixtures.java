package io.tugboat.controllers.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.node.NodeUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Pods, targets, HPAs and usage for the autoscaler's tests. */
final class HpaFixtures {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));
  static final Duration WINDOW = Duration.ofSeconds(10);
  static final ReplicaCalculator.Params PARAMS = new ReplicaCalculator.Params(0.1, Duration.ofMinutes(5),
      Duration.ofSeconds(30));

  private HpaFixtures() {}

  static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  /** A running pod of app=web on node n1, ready since long ago, requesting {@code cpu} and {@code memory}. */
  static ObjectNode pod(String name, String cpu, String memory) {
    return json("{'metadata':{'name':'" + name + "','namespace':'ns','uid':'uid-" + name + "','labels':{'app':'web'}},"
        + "'spec':{'nodeName':'n1','containers':[{'name':'c','resources':{'requests':{'cpu':'" + cpu + "','memory':'"
        + memory + "'}}}]},'status':{'phase':'Running','startTime':'" + ts(LONG_AGO) + "','conditions':[{'type':"
        + "'Ready','status':'True','lastTransitionTime':'" + ts(LONG_AGO) + "'}]}}");
  }

  static ObjectNode pod(String name, String cpu) {
    return pod(name, cpu, "100Mi");
  }

  static ObjectNode withPhase(ObjectNode pod, String phase) {
    pod.with("status").put("phase", phase);
    return pod;
  }

  /** The pod started at {@code start} and its Ready condition last changed to {@code ready} at {@code since}. */
  static ObjectNode withReadiness(ObjectNode pod, Instant start, String ready, Instant since) {
    ObjectNode status = pod.with("status");
    status.put("startTime", ts(start));
    ObjectNode c = (ObjectNode) status.get("conditions").get(0);
    c.put("status", ready).put("lastTransitionTime", ts(since));
    return pod;
  }

  static String ts(Instant t) {
    return ObjectLifecycle.timestamp(t);
  }

  /** A sample of {@code milli} measured at {@code NOW} over the default window. */
  static ReplicaCalculator.PodMetric sample(long milli) {
    return new ReplicaCalculator.PodMetric(milli, NOW, WINDOW);
  }

  static Map<String, ReplicaCalculator.PodMetric> samples(Object... nameAndMilli) {
    Map<String, ReplicaCalculator.PodMetric> m = new HashMap<>();
    for (int i = 0; i < nameAndMilli.length; i += 2) {
      m.put((String) nameAndMilli[i], sample(((Number) nameAndMilli[i + 1]).longValue()));
    }
    return m;
  }

  /** Node n1's measurement at {@code at}: these pods (of namespace ns, uid "uid-NAME") using these millicores. */
  static Map<String, NodeUsage> usage(Instant at, Map<String, Long> cpuMilliByPod) {
    Map<String, NodeUsage.PodUsage> pods = new HashMap<>();
    cpuMilliByPod.forEach((name, milli) -> pods.put("ns/" + name, new NodeUsage.PodUsage("ns", name, "uid-" + name,
        List.of(new NodeUsage.ContainerUsage("c", new NodeUsage.Usage(milli * 1_000_000, 50L << 20))))));
    return Map.of("n1", new NodeUsage("n1", at, WINDOW, NodeUsage.Usage.ZERO, pods));
  }

  static JsonNode array(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  static ObjectNode deployment(int replicas) {
    return json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'ns','uid':'d1',"
        + "'resourceVersion':'7'},'spec':{'replicas':" + replicas + ",'selector':{'matchLabels':{'app':'web'}}}}");
  }

  /** An HPA of Deployment web, 1 to {@code max} replicas, 50% CPU. */
  static ObjectNode hpa(int min, int max) {
    return json("{'apiVersion':'autoscaling/v2','kind':'HorizontalPodAutoscaler','metadata':{'name':'web',"
        + "'namespace':'ns','uid':'h1','generation':1},'spec':{'scaleTargetRef':{'apiVersion':'apps/v1',"
        + "'kind':'Deployment','name':'web'},'minReplicas':" + min + ",'maxReplicas':" + max + ",'metrics':[{'type':"
        + "'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':50}}}]}}");
  }

  static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return null;
  }
}

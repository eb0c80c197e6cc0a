package io.tugboat.controllers.quota;

import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotaStatusControllerTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static final Map<String, Map<String, List<JsonNode>>> OBJECTS = Map.of(
      "a", Map.of("core/pods", List.of(
          yaml("{metadata: {name: p1, namespace: a}, spec: {containers: [{name: c, resources: {requests: {cpu: 250m,"
              + " memory: 64Mi}}}]}, status: {phase: Running}}"),
          yaml("{metadata: {name: p2, namespace: a}, spec: {containers: [{name: c, resources: {requests: {cpu: 250m,"
              + " memory: 64Mi}}}]}, status: {phase: Running}}"),
          yaml("{metadata: {name: done, namespace: a}, spec: {containers: [{name: c, resources: {requests: {cpu: '1'}}}]},"
              + " status: {phase: Failed}}"))),
      "b", Map.of());

  private static List<QuotaStatusController.StatusUpdate> run(List<JsonNode> quotas) {
    return QuotaStatusController.plan(quotas,
        ns -> key -> OBJECTS.getOrDefault(ns, Map.of()).getOrDefault(key, List.of()), NOW);
  }

  @Test
  void writesHardAndUsedOfEachQuotaFromItsNamespace() {
    ObjectNode q = yaml("{metadata: {name: compute, namespace: a}, spec: {hard: {pods: '10', requests.cpu: 2000m,"
        + " requests.memory: 1Gi}}}");
    ObjectNode other = yaml("{metadata: {name: compute, namespace: b}, spec: {hard: {pods: '10'}}}");
    var plan = run(List.of(q, other));
    assertEquals(2, plan.size());
    assertEquals(yaml("{hard: {pods: '10', requests.cpu: '2', requests.memory: 1Gi},"
        + " used: {pods: '2', requests.cpu: 500m, requests.memory: 128Mi}}"), plan.get(0).quota().get("status"));
    assertEquals("a", plan.get(0).key().namespace());
    assertEquals(yaml("{hard: {pods: '10'}, used: {pods: '0'}}"), plan.get(1).quota().get("status"));
  }

  @Test
  void aQuotaWhoseStatusIsCurrentIsNotWritten() {
    ObjectNode q = yaml("{metadata: {name: compute, namespace: a}, spec: {hard: {pods: '10'}},"
        + " status: {hard: {pods: '10'}, used: {pods: '2'}}}");
    assertTrue(run(List.of(q)).isEmpty());
    ObjectNode stale = yaml("{metadata: {name: compute, namespace: a}, spec: {hard: {pods: '10'}},"
        + " status: {hard: {pods: '10'}, used: {pods: '3'}}}");
    assertEquals(1, run(List.of(stale)).size());
  }
}

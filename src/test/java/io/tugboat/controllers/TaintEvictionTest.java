package io.tugboat.controllers;

import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which pods are evicted when, given a node's NoExecute taints and the pods' tolerations. */
class TaintEvictionTest {

  private static final JsonNode UNREACHABLE = yaml(
      "{key: node.kubernetes.io/unreachable, effect: NoExecute, timeAdded: '2026-11-22T10:00:00Z'}");
  private static final JsonNode DEDICATED = yaml("{key: dedicated, value: gpu, effect: NoExecute}");

  static JsonNode pod(String tolerations) {
    return yaml("metadata: {name: p, namespace: default}\nspec: {nodeName: n1, tolerations: " + tolerations + "}");
  }

  @Test
  void tolerationsMatchByKeyEffectAndOperator() {
    assertTrue(TaintEviction.tolerates(yaml("{key: node.kubernetes.io/unreachable, operator: Exists}"), UNREACHABLE));
    assertTrue(TaintEviction.tolerates(yaml("{operator: Exists}"), UNREACHABLE));
    assertFalse(TaintEviction.tolerates(yaml("{operator: Exists, effect: NoSchedule}"), UNREACHABLE));
    assertTrue(TaintEviction.tolerates(yaml("{key: dedicated, operator: Equal, value: gpu}"), DEDICATED));
    assertTrue(TaintEviction.tolerates(yaml("{key: dedicated, value: gpu}"), DEDICATED));
    assertFalse(TaintEviction.tolerates(yaml("{key: dedicated, value: cpu}"), DEDICATED));
  }

  @Test
  void aPodIsEvictedTolerationSecondsAfterTheTaintWasAdded() {
    JsonNode pod = pod("[{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, "
        + "tolerationSeconds: 300}]");
    assertEquals(Optional.of(Instant.parse("2026-11-22T10:05:00Z")),
        TaintEviction.evictionTime(pod, List.of(UNREACHABLE)));
  }

  @Test
  void aPodWithoutTolerationGoesAtOnceAndOneToleratingForeverStays() {
    assertEquals(Optional.of(Instant.EPOCH), TaintEviction.evictionTime(pod("[]"), List.of(UNREACHABLE)));
    assertEquals(Optional.empty(), TaintEviction.evictionTime(pod("[{operator: Exists}]"), List.of(UNREACHABLE)));
    assertEquals(Optional.empty(), TaintEviction.evictionTime(pod("[]"), List.of()));
  }

  @Test
  void theShortestBoundedTolerationWinsAndEveryTaintMustBeTolerated() {
    JsonNode pod = pod("[{operator: Exists}, {key: node.kubernetes.io/unreachable, operator: Exists, "
        + "tolerationSeconds: 60}, {key: node.kubernetes.io/unreachable, operator: Exists, tolerationSeconds: 0}]");
    assertEquals(Optional.of(Instant.parse("2026-11-22T10:00:00Z")),
        TaintEviction.evictionTime(pod, List.of(UNREACHABLE)));
    JsonNode onlyUnreachable = pod("[{key: node.kubernetes.io/unreachable, operator: Exists, tolerationSeconds: 60}]");
    assertEquals(Optional.of(Instant.EPOCH), TaintEviction.evictionTime(onlyUnreachable, List.of(UNREACHABLE, DEDICATED)));
  }
}

package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchedulingRulesTest {

  private static final Map<String, JsonNode> CLASSES = Map.of(
      "high", yaml("{metadata: {name: high}, value: 1000, preemptionPolicy: PreemptLowerPriority}"),
      "polite", yaml("{metadata: {name: polite}, value: 500, preemptionPolicy: Never}"));

  private static ObjectNode admit(String pod, Optional<JsonNode> globalDefault) {
    ObjectNode p = yaml(pod);
    SchedulingRules.resolvePodPriority(p, name -> Optional.ofNullable(CLASSES.get(name)), globalDefault);
    return p;
  }

  private static ApiError rejected(String pod) {
    return assertThrows(ApiException.class, () -> admit(pod, Optional.empty())).error();
  }

  @Test
  void resolvesTheClassIntoPriorityAndPreemptionPolicy() {
    JsonNode spec = admit("{metadata: {name: p}, spec: {priorityClassName: polite}}", Optional.empty()).path("spec");
    assertEquals(500, spec.path("priority").asInt());
    assertEquals("Never", spec.path("preemptionPolicy").asText());
  }

  @Test
  void podsWithoutAClassGetTheGlobalDefaultOrZero() {
    assertEquals(0, admit("{metadata: {name: p}, spec: {}}", Optional.empty()).path("spec").path("priority").asInt());
    JsonNode spec = admit("{metadata: {name: p}, spec: {}}", Optional.of(CLASSES.get("high"))).path("spec");
    assertEquals(1000, spec.path("priority").asInt());
    assertEquals("high", spec.path("priorityClassName").asText());
  }

  @Test
  void systemClassesNeedNoObject() {
    assertEquals(2_000_001_000, admit("{metadata: {name: p}, spec: {priorityClassName: system-node-critical}}",
        Optional.empty()).path("spec").path("priority").asInt());
  }

  @Test
  void rejectsUnknownClassesAndContradictingValues() {
    ApiError unknown = rejected("{metadata: {name: p}, spec: {priorityClassName: gold}}");
    assertEquals(403, unknown.code());
    assertEquals("pods \"p\" is forbidden: no PriorityClass with name gold was found", unknown.message());
    assertEquals("pods \"p\" is forbidden: the integer value of priority (7) must not be provided in pod spec; "
        + "priority admission controller computed 1000 from the given PriorityClass name",
        rejected("{metadata: {name: p}, spec: {priorityClassName: high, priority: 7}}").message());
    assertEquals(403, rejected("{metadata: {name: p}, spec: {priorityClassName: polite, preemptionPolicy: "
        + "PreemptLowerPriority}}").code());
  }

  @Test
  void validatesPriorityClasses() {
    assertEquals(List.of("value: Required value"), described(SchedulingRules.PRIORITY_CLASS.validate(
        yaml("{metadata: {name: a}}"))));
    assertEquals(List.of("value: Forbidden: maximum allowed value of a user defined priority is 1000000000"),
        described(SchedulingRules.PRIORITY_CLASS.validate(yaml("{metadata: {name: a}, value: 1000000001}"))));
    assertEquals(List.of("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for "
        + "system use only"), described(SchedulingRules.PRIORITY_CLASS.validate(
            yaml("{metadata: {name: system-mine}, value: 1}"))));
    assertEquals(List.of("value: Invalid value: \"2\": field is immutable"), described(SchedulingRules.PRIORITY_CLASS
        .validateUpdate(yaml("{metadata: {name: a}, value: 2}"), yaml("{metadata: {name: a}, value: 1}"))));
  }

  @Test
  void onlyOneClassMayBeTheGlobalDefault() {
    ApiError e = assertThrows(ApiException.class, () -> SchedulingRules.checkSingleDefault(
        yaml("{metadata: {name: b}, value: 1, globalDefault: true}"), Optional.of(CLASSES.get("high")))).error();
    assertEquals("priorityclasses \"b\" is forbidden: PriorityClass high is already marked as default. Only one "
        + "default can exist", e.message());
  }
}

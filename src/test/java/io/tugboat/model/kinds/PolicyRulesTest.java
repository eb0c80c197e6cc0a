package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyRulesTest {

  private final PolicyRules rules = new PolicyRules();

  @Test
  void acceptsASelectorWithMinAvailableOrMaxUnavailable() {
    assertEquals(List.of(), rules.validate(yaml("spec: {selector: {matchLabels: {app: web}}, minAvailable: 2}")));
    assertEquals(List.of(), rules.validate(yaml("spec: {selector: {matchLabels: {app: web}}, maxUnavailable: '30%'}")));
  }

  @Test
  void needsASelectorAndExactlyOneBound() {
    assertEquals(List.of("spec.selector: Required value",
        "spec.minAvailable: Required value: one of minAvailable or maxUnavailable is required"),
        described(rules.validate(yaml("spec: {}"))));
    assertEquals(List.of("spec: Invalid value: {\"selector\":{},\"minAvailable\":1,\"maxUnavailable\":1}: "
        + "minAvailable and maxUnavailable cannot be both set"),
        described(rules.validate(yaml("spec: {selector: {}, minAvailable: 1, maxUnavailable: 1}"))));
  }

  @Test
  void boundsAreNonNegativeIntegersOrPercentsUpTo100() {
    assertEquals(List.of("spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"),
        described(rules.validate(yaml("spec: {selector: {}, minAvailable: -1}"))));
    assertEquals(List.of("spec.maxUnavailable: Invalid value: 120%: must not be greater than 100%"),
        described(rules.validate(yaml("spec: {selector: {}, maxUnavailable: '120%'}"))));
    assertEquals(1, rules.validate(yaml("spec: {selector: {}, maxUnavailable: 'half'}")).size());
  }
}

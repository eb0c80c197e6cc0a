package io.tugboat.model.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AmountTest {

  private static String canonical(String q) {
    return Amount.parse(q).orElseThrow().toString();
  }

  @Test
  void printsTheCanonicalFormKubernetesPrints() {
    assertEquals("1", canonical("1000m"));
    assertEquals("500m", canonical("0.5"));
    assertEquals("1500m", canonical("1.5"));
    assertEquals("2k", canonical("2000"));
    assertEquals("1Gi", canonical("1024Mi"));
    assertEquals("1536Mi", canonical("1.5Gi"));
    assertEquals("0", canonical("0Mi"));
    assertEquals("128M", canonical("128M"));
    assertEquals("5", canonical("5"));
  }

  @Test
  void aSumKeepsTheFirstOperandsFormat() {
    Amount mem = Amount.parse("600Mi").orElseThrow().plus(Amount.parse("424Mi").orElseThrow());
    assertEquals("1Gi", mem.toString());
    Amount cpu = Amount.parse("400m").orElseThrow().plus(Amount.parse("1").orElseThrow());
    assertEquals("1400m", cpu.toString());
  }

  @Test
  void malformedQuantitiesDoNotParse() {
    assertTrue(Amount.parse("lots").isEmpty());
  }
}

package io.tugboat.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class QuantityTest {

  private static void assertValue(String expected, String quantity) {
    assertEquals(0, new BigDecimal(expected).compareTo(Quantity.parse(quantity)), quantity);
  }

  @Test
  void parsesPlainAndDecimalNumbers() {
    assertValue("1", "1");
    assertValue("0.5", "0.5");
    assertValue("0.5", ".5");
    assertValue("2", "2.");
    assertValue("-3", "-3");
    assertValue("3", "+3");
  }

  @Test
  void parsesDecimalSuffixes() {
    assertValue("0.5", "500m");
    assertValue("0.000001", "1u");
    assertValue("0.000000001", "1n");
    assertValue("1000", "1k");
    assertValue("1000000", "1M");
    assertValue("1500000000", "1.5G");
    assertValue("1000000000000000000", "1E");
  }

  @Test
  void parsesBinarySuffixes() {
    assertValue("1024", "1Ki");
    assertValue("134217728", "128Mi");
    assertValue("1073741824", "1Gi");
    assertValue("1610612736", "1.5Gi");
  }

  @Test
  void parsesExponents() {
    assertValue("1000", "1e3");
    assertValue("1000", "1E3");
    assertValue("0.012", "12e-3");
  }

  @Test
  void rejectsMalformedQuantities() {
    for (String bad : new String[] {"", " 1", "1 ", "abc", "1Kb", "1KiB", "1.2.3", "--1", "1e", "Gi", "1mi", "1K"}) {
      assertTrue(Quantity.tryParse(bad).isEmpty(), bad);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parse("1Kb"));
    assertEquals(Quantity.FORMAT_ERROR, e.getMessage());
  }

  @Test
  void acceptsJsonNumbersAndStrings() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    assertEquals(0, new BigDecimal("2").compareTo(Quantity.tryParse(f.numberNode(2)).orElseThrow()));
    assertEquals(0, new BigDecimal("0.25").compareTo(Quantity.tryParse(f.numberNode(0.25)).orElseThrow()));
    assertEquals(0, new BigDecimal("0.1").compareTo(Quantity.tryParse(f.textNode("100m")).orElseThrow()));
    assertTrue(Quantity.tryParse(f.booleanNode(true)).isEmpty());
  }
}

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

  @Test
  void formatsNanocoresInTheLargestWholeDecimalUnit() {
    assertEquals("12m", Quantity.formatNanos(12_000_000));
    assertEquals("250n", Quantity.formatNanos(250));
    assertEquals("2", Quantity.formatNanos(2_000_000_000));
    assertEquals("1500u", Quantity.formatNanos(1_500_000));
    assertEquals("3k", Quantity.formatNanos(3_000_000_000_000L));
    assertEquals("0", Quantity.formatNanos(0));
    assertValue("0.012", Quantity.formatNanos(12_000_000));
  }

  @Test
  void formatsBytesInTheLargestWholeBinaryUnit() {
    assertEquals("12Ki", Quantity.formatBytes(12 * 1024));
    assertEquals("3Mi", Quantity.formatBytes(3L << 20));
    assertEquals("1536Ki", Quantity.formatBytes(3L << 19));
    assertEquals("2Gi", Quantity.formatBytes(2L << 30));
    assertEquals("1000", Quantity.formatBytes(1000));
    assertEquals("0", Quantity.formatBytes(0));
    assertValue("4194304", Quantity.formatBytes(4L << 20));
  }

  @Test
  void milliValuesAreWrittenAsKubernetesWritesADecimalMilliQuantity() {
    assertEquals("250m", Quantity.formatMilli(250));
    assertEquals("2", Quantity.formatMilli(2000));
    assertEquals("4194304", Quantity.formatMilli(4_194_304_000L));
    assertEquals("5M", Quantity.formatMilli(5_000_000_000L));
    assertEquals("0", Quantity.formatMilli(0));
  }
}

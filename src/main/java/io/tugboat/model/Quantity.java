package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parser for Kubernetes resource quantities ("500m", "1.5Gi", "1e3"), exact as BigDecimal. */
public final class Quantity {

  /** The message Kubernetes gives for a malformed quantity. */
  public static final String FORMAT_ERROR =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

  // <signedNumber><suffix>; the suffix is binary SI, decimal SI, or a decimal exponent.
  private static final Pattern GRAMMAR = Pattern.compile(
      "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?");

  private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
      Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
      Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
      Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
      Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
      Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
      Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
      Map.entry("n", BigDecimal.ONE.scaleByPowerOfTen(-9)),
      Map.entry("u", BigDecimal.ONE.scaleByPowerOfTen(-6)),
      Map.entry("m", BigDecimal.ONE.scaleByPowerOfTen(-3)),
      Map.entry("k", BigDecimal.ONE.scaleByPowerOfTen(3)),
      Map.entry("M", BigDecimal.ONE.scaleByPowerOfTen(6)),
      Map.entry("G", BigDecimal.ONE.scaleByPowerOfTen(9)),
      Map.entry("T", BigDecimal.ONE.scaleByPowerOfTen(12)),
      Map.entry("P", BigDecimal.ONE.scaleByPowerOfTen(15)),
      Map.entry("E", BigDecimal.ONE.scaleByPowerOfTen(18)));

  private Quantity() {}

  /** The value of a quantity string; throws IllegalArgumentException with {@link #FORMAT_ERROR} if malformed. */
  public static BigDecimal parse(String text) {
    return tryParse(text).orElseThrow(() -> new IllegalArgumentException(FORMAT_ERROR));
  }

  /** The value of a quantity string, or empty if malformed. */
  public static Optional<BigDecimal> tryParse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = GRAMMAR.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    BigDecimal number = new BigDecimal(m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1));
    String suffix = m.group(2);
    if (suffix == null) {
      return Optional.of(number);
    }
    if (suffix.length() > 1 && (suffix.startsWith("e") || suffix.startsWith("E"))) {
      int exponent;
      try {
        exponent = Integer.parseInt(suffix.substring(1));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (Math.abs(exponent) > 1000) {
        return Optional.empty();
      }
      return Optional.of(number.scaleByPowerOfTen(exponent));
    }
    return Optional.of(number.multiply(SUFFIXES.get(suffix)));
  }

  /** The value of a quantity given in JSON as a string or a number, or empty if it is neither or malformed. */
  public static Optional<BigDecimal> tryParse(JsonNode node) {
    if (node == null) {
      return Optional.empty();
    }
    if (node.isNumber()) {
      return Optional.of(node.decimalValue());
    }
    return node.isTextual() ? tryParse(node.asText()) : Optional.empty();
  }

  private static final String[] DECIMAL_FROM_NANO = {"n", "u", "m", "", "k", "M", "G"};
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  /**
   * A count of billionths (CPU nanocores) in canonical decimal form, as Kubernetes writes it: the largest suffix
   * that keeps the number whole. 12000000 is "12m", 250 is "250n", 1500000 is "1500u", 2000000000 is "2".
   */
  public static String formatNanos(long nanos) {
    if (nanos == 0) {
      return "0";
    }
    long n = nanos;
    int i = 0;
    while (i < DECIMAL_FROM_NANO.length - 1 && n % 1000 == 0) {
      n /= 1000;
      i++;
    }
    return n + DECIMAL_FROM_NANO[i];
  }

  /**
   * Bytes in canonical binary form, as Kubernetes writes a BinarySI quantity: the largest power of 1024 that
   * divides it ("12Ki", "3Mi"); a count that no power divides stays plain ("1000").
   */
  public static String formatBytes(long bytes) {
    if (bytes == 0) {
      return "0";
    }
    long n = bytes;
    int i = 0;
    while (i < BINARY.length - 1 && n % 1024 == 0) {
      n /= 1024;
      i++;
    }
    return n + BINARY[i];
  }

  private static final String[] DECIMAL_FROM_MILLI = {"m", "", "k", "M", "G", "T", "P", "E"};

  /**
   * A count of thousandths in canonical decimal form, as Kubernetes writes {@code NewMilliQuantity(v, DecimalSI)}:
   * the largest suffix that keeps the number whole. 250 is "250m", 2000 is "2", 4194304000 is "4194304",
   * 5000000000 is "5M".
   */
  public static String formatMilli(long milli) {
    if (milli == 0) {
      return "0";
    }
    long n = milli;
    int i = 0;
    while (i < DECIMAL_FROM_MILLI.length - 1 && n % 1000 == 0) {
      n /= 1000;
      i++;
    }
    return n + DECIMAL_FROM_MILLI[i];
  }
}

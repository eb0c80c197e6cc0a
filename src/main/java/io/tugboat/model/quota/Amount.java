package io.tugboat.model.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A quantity with the format Kubernetes keeps beside its value (binary "Mi" or decimal "m"), so that sums print
 * as Kubernetes prints them: the first operand's format wins, and {@link #toString()} is the canonical form
 * ("1000m" is "1", "1536Mi" stays "1536Mi", "0.5" is "500m").
 */
public record Amount(BigDecimal value, boolean binary) implements Comparable<Amount> {

  private static final Pattern BINARY_SUFFIX = Pattern.compile(".*[KMGTPE]i$");
  private static final String[] DECIMAL = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigDecimal K1024 = BigDecimal.valueOf(1024);

  /** Zero in decimal format. */
  public static final Amount ZERO = new Amount(BigDecimal.ZERO, false);

  /** A whole count, such as an object count. */
  public static Amount of(long n) {
    return new Amount(BigDecimal.valueOf(n), false);
  }

  /** The amount a quantity string names, or empty if malformed. */
  public static Optional<Amount> parse(String text) {
    return Quantity.tryParse(text).map(v -> new Amount(v, BINARY_SUFFIX.matcher(text).matches()));
  }

  /** The amount a JSON quantity (string or number) names, or empty if malformed. */
  public static Optional<Amount> parse(JsonNode node) {
    if (node != null && node.isNumber()) {
      return Optional.of(new Amount(node.decimalValue(), false));
    }
    return node != null && node.isTextual() ? parse(node.asText()) : Optional.empty();
  }

  /** This plus other, in this amount's format. */
  public Amount plus(Amount other) {
    return new Amount(value.add(other.value), binary);
  }

  /** This minus other, in this amount's format. */
  public Amount minus(Amount other) {
    return new Amount(value.subtract(other.value), binary);
  }

  @Override
  public int compareTo(Amount o) {
    return value.compareTo(o.value);
  }

  /** Kubernetes' canonical text of this amount (rounded up to whole nanos, as Kubernetes rounds). */
  @Override
  public String toString() {
    BigDecimal v = value.setScale(9, java.math.RoundingMode.CEILING).stripTrailingZeros();
    if (v.signum() == 0) {
      return "0";
    }
    if (binary && v.abs().compareTo(K1024) >= 0 && v.scale() <= 0) {
      BigInteger n = v.toBigIntegerExact();
      int i = 0;
      BigInteger k = BigInteger.valueOf(1024);
      while (i < BINARY.length - 1 && n.mod(k).signum() == 0) {
        n = n.divide(k);
        i++;
      }
      return n + BINARY[i];
    }
    // Decimal: the largest power of 1000 that keeps the mantissa whole.
    int exponent = -v.scale(); // v = unscaled * 10^exponent
    int e3 = Math.floorDiv(exponent, 3) * 3;
    e3 = Math.max(-9, Math.min(18, e3));
    BigDecimal mantissa = v.scaleByPowerOfTen(-e3);
    return mantissa.toBigInteger().toString() + DECIMAL[e3 / 3 + 3];
  }
}

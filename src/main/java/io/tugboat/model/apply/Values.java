package io.tugboat.model.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/** JSON value equality as ownership needs it: numbers by value, so an int read from the journal equals a long. */
final class Values {
  private Values() {}

  private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
    if (x.isNumber() && y.isNumber()) {
      return x.decimalValue().compareTo(y.decimalValue());
    }
    return x.equals(y) ? 0 : 1;
  };

  /** Whether two values are equal; null (absent) equals only null. */
  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals(NUMBERS_BY_VALUE, b);
  }
}

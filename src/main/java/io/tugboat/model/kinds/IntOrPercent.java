package io.tugboat.model.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.FieldError;
import java.util.List;

/** Checks on int-or-percent fields such as maxSurge and maxUnavailable. */
final class IntOrPercent {

  private static final String PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending"
      + " '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

  private IntOrPercent() {}

  /** A non-negative integer or a valid percent string (ValidatePositiveIntOrPercent). */
  static void validatePositive(List<FieldError> errs, JsonNode v, String path) {
    if (v == null || v.isNull()) {
      return;
    }
    if (v.isTextual()) {
      if (!v.asText().matches("[0-9]+%")) {
        errs.add(FieldError.invalid(path, Fields.raw(v.asText()), PERCENT_MSG));
      }
    } else if (v.asLong() < 0) {
      errs.add(FieldError.invalid(path, v.asLong(), Fields.NON_NEGATIVE));
    }
  }

  /** "must not be greater than 100%" for percent strings. */
  static void notMoreThan100(List<FieldError> errs, JsonNode v, String path) {
    if (v != null && v.isTextual() && v.asText().matches("[0-9]+%")
        && Long.parseLong(v.asText().substring(0, v.asText().length() - 1)) > 100) {
      errs.add(FieldError.invalid(path, Fields.raw(v.asText()), "must not be greater than 100%"));
    }
  }

  /** True for 0, "0%" or an absent value. */
  static boolean isZero(JsonNode v) {
    if (v == null || v.isNull()) {
      return true;
    }
    if (v.isTextual()) {
      return v.asText().matches("0+%");
    }
    return v.asLong() == 0;
  }

  static Object show(JsonNode v) {
    return Fields.raw(v == null || v.isNull() ? "0" : v.asText());
  }
}

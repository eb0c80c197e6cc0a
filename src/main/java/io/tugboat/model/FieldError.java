package io.tugboat.model;

/**
 * One invalid field, as a Kubernetes {@code StatusCause}: reason (FieldValueInvalid, FieldValueRequired,
 * FieldValueNotSupported, FieldValueDuplicate, FieldValueTooLong, FieldValueForbidden), message and field path.
 */
public record FieldError(String reason, String message, String field) {

  /** A value that breaks a rule. */
  public static FieldError invalid(String field, Object value, String detail) {
    return new FieldError("FieldValueInvalid", "Invalid value: " + quote(value) + ": " + detail, field);
  }

  /** A field that must be set. */
  public static FieldError required(String field) {
    return new FieldError("FieldValueRequired", "Required value", field);
  }

  /** A field that must be set, with the reason why. */
  public static FieldError required(String field, String detail) {
    return new FieldError("FieldValueRequired", "Required value: " + detail, field);
  }

  /** A value outside an enumeration. */
  public static FieldError notSupported(String field, Object value, java.util.Collection<String> allowed) {
    StringBuilder sb = new StringBuilder("Unsupported value: ").append(quote(value)).append(": supported values: ");
    int i = 0;
    for (String a : allowed) {
      sb.append(i++ > 0 ? ", " : "").append('"').append(a).append('"');
    }
    return new FieldError("FieldValueNotSupported", sb.toString(), field);
  }

  /** A value that repeats one already given. */
  public static FieldError duplicate(String field, Object value) {
    return new FieldError("FieldValueDuplicate", "Duplicate value: " + quote(value), field);
  }

  /** A value that may not be set or changed. */
  public static FieldError forbidden(String field, String detail) {
    return new FieldError("FieldValueForbidden", "Forbidden: " + detail, field);
  }

  /** A value longer than allowed. */
  public static FieldError tooLong(String field, Object value, int max) {
    return new FieldError("FieldValueTooLong", "Too long: may not be more than " + max + " bytes", field);
  }

  /** The message Kubernetes prints for this cause: "field: message". */
  public String describe() {
    return field + ": " + message;
  }

  private static String quote(Object value) {
    if (value instanceof String s) {
      return "\"" + s.replace("\"", "\\\"") + "\"";
    }
    return String.valueOf(value);
  }
}

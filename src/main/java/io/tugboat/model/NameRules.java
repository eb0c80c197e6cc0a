package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Kubernetes' name and key syntax (apimachinery's util/validation), with its exact messages. */
public final class NameRules {

  /** Largest total size of annotation keys and values, in bytes. */
  public static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

  private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric"
      + " characters or '-', and must start and end with an alphanumeric character";
  private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
  private static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case"
      + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric"
      + " characters or '-', start with an alphabetic character, and end with an alphanumeric character";
  private static final String QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start"
      + " and end with an alphanumeric character";
  private static final String LABEL_VALUE_FMT = "(" + QNAME_FMT + ")?";
  private static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric"
      + " characters, '-', '_' or '.', and must start and end with an alphanumeric character";

  private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
  private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);
  private static final Pattern QNAME = Pattern.compile(QNAME_FMT);
  private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);

  private NameRules() {}

  /** Problems with a DNS-1123 subdomain (most object names): at most 253 characters, dots allowed. */
  public static List<String> dns1123Subdomain(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 253) {
      errs.add(maxLen(253));
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      errs.add(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
    }
    return errs;
  }

  /** Problems with a DNS-1123 label (namespace, service and container names): at most 63 characters, no dots. */
  public static List<String> dns1123Label(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 63) {
      errs.add(maxLen(63));
    }
    if (!DNS1123_LABEL.matcher(value).matches()) {
      if (DNS1123_SUBDOMAIN.matcher(value).matches()) {
        errs.add("must not contain dots");
      } else {
        errs.add(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"));
      }
    }
    return errs;
  }

  /** Problems with a DNS-1035 label (Service names): like a DNS-1123 label but starting with a letter. */
  public static List<String> dns1035Label(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 63) {
      errs.add(maxLen(63));
    }
    if (!DNS1035_LABEL.matcher(value).matches()) {
      errs.add(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"));
    }
    return errs;
  }

  /** Problems with a name used as one URL path segment (RBAC objects): not "." or "..", no "/" or "%". */
  public static List<String> pathSegmentName(String value) {
    if (value.equals(".") || value.equals("..")) {
      return List.of("may not be '" + value + "'");
    }
    List<String> errs = new ArrayList<>();
    for (String bad : List.of("/", "%")) {
      if (value.contains(bad)) {
        errs.add("may not contain '" + bad + "'");
      }
    }
    return errs;
  }

  /** Problems with a qualified name (label and annotation keys, finalizers): [subdomain "/"] name. */
  public static List<String> qualifiedName(String value) {
    List<String> errs = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    switch (parts.length) {
      case 1 -> name = parts[0];
      case 2 -> {
        String prefix = parts[0];
        name = parts[1];
        if (prefix.isEmpty()) {
          errs.add("prefix part must be non-empty");
        } else {
          for (String msg : dns1123Subdomain(prefix)) {
            errs.add("prefix part " + msg);
          }
        }
      }
      default -> {
        errs.add("a qualified name " + regexError(QNAME_MSG, QNAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        return errs;
      }
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errs.add("name part " + maxLen(63));
    }
    if (!QNAME.matcher(name).matches()) {
      errs.add("name part " + regexError(QNAME_MSG, QNAME_FMT, "MyName", "my.name", "123-abc"));
    }
    return errs;
  }

  /** Problems with a label value: empty, or a qualified name part of at most 63 characters. */
  public static List<String> labelValue(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 63) {
      errs.add(maxLen(63));
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errs.add(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
    }
    return errs;
  }

  /** Validates a label map: keys are qualified names, values label values; errors are reported on {@code path}. */
  public static List<FieldError> validateLabels(JsonNode labels, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (labels == null || labels.isNull() || labels.isMissingNode()) {
      return errs;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      for (String msg : qualifiedName(e.getKey())) {
        errs.add(FieldError.invalid(path, e.getKey(), msg));
      }
      String value = e.getValue().isNull() ? "" : e.getValue().asText();
      for (String msg : labelValue(value)) {
        errs.add(FieldError.invalid(path, value, msg));
      }
    }
    return errs;
  }

  /** Validates an annotation map: keys are qualified names in any case, and the whole map is at most 256 KiB. */
  public static List<FieldError> validateAnnotations(JsonNode annotations, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (annotations == null || annotations.isNull() || annotations.isMissingNode()) {
      return errs;
    }
    long size = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      // Kubernetes checks annotation keys case-insensitively: the rule is a qualified name in lower case.
      for (String msg : qualifiedName(e.getKey().toLowerCase(Locale.ROOT))) {
        errs.add(FieldError.invalid(path, e.getKey(), msg));
      }
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length;
      size += (e.getValue().isNull() ? "" : e.getValue().asText()).getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
      errs.add(new FieldError("FieldValueTooLong",
          "Too long: must have at most " + TOTAL_ANNOTATION_SIZE_LIMIT + " bytes", path));
    }
    return errs;
  }

  /** Kubernetes' MaxLenError. */
  static String maxLen(int max) {
    return "must be no more than " + max + " characters";
  }

  /** Kubernetes' RegexError, examples and all (its double space before "or" included). */
  static String regexError(String msg, String fmt, String... examples) {
    StringBuilder sb = new StringBuilder(msg);
    if (examples.length > 0) {
      sb.append(" (e.g. ");
      for (int i = 0; i < examples.length; i++) {
        if (i > 0) {
          sb.append(" or ");
        }
        sb.append('\'').append(examples[i]).append("', ");
      }
      sb.append("regex used for validation is '").append(fmt).append("')");
    } else {
      sb.append(" (regex used for validation is '").append(fmt).append("')");
    }
    return sb.toString();
  }
}

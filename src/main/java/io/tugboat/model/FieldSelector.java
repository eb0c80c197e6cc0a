package io.tugboat.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** A Kubernetes field selector ({@code ?fieldSelector=spec.nodeName=n1,status.phase!=Failed}): parsed and matched. */
public final class FieldSelector {

  /** One term: the field must (or, if {@code equals} is false, must not) have this value. */
  public record Requirement(String field, boolean equals, String value) {}

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  // Checked in this order so "a==b" is not read as field "a", value "=b".
  private static final String[] OPERATORS = {"!=", "==", "="};

  private final List<Requirement> requirements;

  private FieldSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  /**
   * Parses as Kubernetes' fields.ParseSelector: terms split on unescaped commas, each split at its first operator;
   * values may escape {@code \ , =} with a backslash. Null or empty selects everything. Terms come back sorted by
   * their text, as Kubernetes orders them.
   *
   * @throws IllegalArgumentException on a term without an operator or a bad escape
   */
  public static FieldSelector parse(String s) {
    if (s == null || s.isEmpty()) {
      return EVERYTHING;
    }
    List<String> terms = splitTerms(s);
    Collections.sort(terms);
    List<Requirement> reqs = new ArrayList<>();
    for (String term : terms) {
      if (term.isEmpty()) {
        continue;
      }
      reqs.add(parseTerm(s, term));
    }
    return reqs.isEmpty() ? EVERYTHING : new FieldSelector(reqs);
  }

  /** The terms, all of which must hold. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** True if every term holds; {@code fieldValue} gives "" for a field the object lacks. */
  public boolean matches(Function<String, String> fieldValue) {
    for (Requirement r : requirements) {
      String actual = fieldValue.apply(r.field());
      boolean same = r.value().equals(actual == null ? "" : actual);
      if (same != r.equals()) {
        return false;
      }
    }
    return true;
  }

  /** True if this selector places no restriction. */
  public boolean isEverything() {
    return requirements.isEmpty();
  }

  /** The selector as a client would send it, values escaped. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Requirement r : requirements) {
      parts.add(r.field() + (r.equals() ? "=" : "!=") + escape(r.value()));
    }
    return String.join(",", parts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSelector other && other.requirements.equals(requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
  }

  // Escaped commas stay in the term, backslash included; the value is unescaped later.
  private static List<String> splitTerms(String s) {
    List<String> terms = new ArrayList<>();
    int start = 0;
    boolean inSlash = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inSlash) {
        inSlash = false;
      } else if (c == '\\') {
        inSlash = true;
      } else if (c == ',') {
        terms.add(s.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(s.substring(start));
    return terms;
  }

  // The field name knows no escapes, so the first operator anywhere in the term splits it.
  private static Requirement parseTerm(String selector, String term) {
    for (int i = 0; i < term.length(); i++) {
      for (String op : OPERATORS) {
        if (term.startsWith(op, i)) {
          String value = unescape(term.substring(i + op.length()));
          return new Requirement(term.substring(0, i), !op.equals("!="), value);
        }
      }
    }
    throw new IllegalArgumentException("invalid selector: '" + selector + "'; can't understand '" + term + "'");
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean inSlash = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inSlash) {
        if (c != '\\' && c != ',' && c != '=') {
          throw new IllegalArgumentException("invalid field selector: invalid escape sequence: \\" + c);
        }
        sb.append(c);
        inSlash = false;
      } else if (c == '\\') {
        inSlash = true;
      } else if (c == ',' || c == '=') {
        throw new IllegalArgumentException(
            "invalid field selector: unescaped character in value: '" + c + "'; escape it as \\" + c);
      } else {
        sb.append(c);
      }
    }
    if (inSlash) {
      throw new IllegalArgumentException("invalid field selector: invalid escape sequence: \\");
    }
    return sb.toString();
  }
}

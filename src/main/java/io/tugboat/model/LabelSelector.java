package io.tugboat.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** A Kubernetes label selector: parsed from its string syntax or a metav1.LabelSelector, matched against labels. */
public final class LabelSelector {

  private enum Op {
    IN(" in "), NOT_IN(" notin "), EQUALS("="), DOUBLE_EQUALS("=="), NOT_EQUALS("!="), GREATER_THAN(">"),
    LESS_THAN("<"), EXISTS(""), DOES_NOT_EXIST("");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }
  }

  private record Requirement(String key, Op op, List<String> values) {

    boolean matches(Map<String, String> labels) {
      String actual = labels.get(key);
      return switch (op) {
        case IN, EQUALS, DOUBLE_EQUALS -> actual != null && values.contains(actual);
        // Kubernetes: an object without the key is "not equal" to every value.
        case NOT_IN, NOT_EQUALS -> actual == null || !values.contains(actual);
        case EXISTS -> actual != null;
        case DOES_NOT_EXIST -> actual == null;
        case GREATER_THAN, LESS_THAN -> compareAsIntegers(actual);
      };
    }

    private boolean compareAsIntegers(String actual) {
      if (actual == null) {
        return false;
      }
      try {
        long have = Long.parseLong(actual);
        long want = Long.parseLong(values.get(0));
        return op == Op.GREATER_THAN ? have > want : have < want;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      String prefix = op == Op.DOES_NOT_EXIST ? "!" : "";
      if (op == Op.EXISTS || op == Op.DOES_NOT_EXIST) {
        return prefix + key;
      }
      String joined = String.join(",", values.stream().sorted().toList());
      return op == Op.IN || op == Op.NOT_IN ? key + op.symbol + "(" + joined + ")" : key + op.symbol + joined;
    }
  }

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
  private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

  private final List<Requirement> requirements;
  private final boolean nothing;

  private LabelSelector(List<Requirement> requirements, boolean nothing) {
    // Sorted by key, stably, as Kubernetes does, so toString is canonical.
    List<Requirement> sorted = new ArrayList<>(requirements);
    sorted.sort(Comparator.comparing(Requirement::key));
    this.requirements = List.copyOf(sorted);
    this.nothing = nothing;
  }

  /** The selector that matches every object. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses the string syntax of {@code ?labelSelector=} and {@code kubectl -l}; null or blank selects everything.
   *
   * @throws IllegalArgumentException with Kubernetes' message on bad syntax or an invalid key or value
   */
  public static LabelSelector parse(String s) {
    if (s == null) {
      return EVERYTHING;
    }
    List<Requirement> reqs = new Parser(s).parse();
    return reqs.isEmpty() ? EVERYTHING : new LabelSelector(reqs, false);
  }

  /**
   * Converts a metav1.LabelSelector: a null or missing node selects nothing, an empty one everything.
   *
   * @throws IllegalArgumentException on an unknown operator or an invalid key or value
   */
  public static LabelSelector fromJson(JsonNode selector) {
    if (selector == null || selector.isNull() || selector.isMissingNode()) {
      return NOTHING;
    }
    if (!selector.isObject()) {
      throw new IllegalArgumentException("a label selector must be an object, not " + selector.getNodeType());
    }
    List<Requirement> reqs = new ArrayList<>();
    JsonNode matchLabels = selector.path("matchLabels");
    if (matchLabels.isObject()) {
      for (Map.Entry<String, JsonNode> e : matchLabels.properties()) {
        if (!e.getValue().isTextual()) {
          throw new IllegalArgumentException("matchLabels[" + e.getKey() + "] must be a string");
        }
        reqs.add(newRequirement(e.getKey(), Op.EQUALS, List.of(e.getValue().asText())));
      }
    }
    JsonNode expressions = selector.path("matchExpressions");
    if (!expressions.isMissingNode() && !expressions.isNull() && !expressions.isArray()) {
      throw new IllegalArgumentException("matchExpressions must be a list");
    }
    for (JsonNode expr : expressions) {
      String operator = expr.path("operator").asText();
      Op op = switch (operator) {
        case "In" -> Op.IN;
        case "NotIn" -> Op.NOT_IN;
        case "Exists" -> Op.EXISTS;
        case "DoesNotExist" -> Op.DOES_NOT_EXIST;
        default -> throw new IllegalArgumentException("\"" + operator + "\" is not a valid label selector operator");
      };
      JsonNode rawValues = expr.path("values");
      if (!rawValues.isMissingNode() && !rawValues.isNull() && !rawValues.isArray()) {
        throw new IllegalArgumentException("matchExpressions values must be a list");
      }
      List<String> values = new ArrayList<>();
      for (JsonNode v : rawValues) {
        values.add(v.asText());
      }
      reqs.add(newRequirement(expr.path("key").asText(), op, values));
    }
    return reqs.isEmpty() ? EVERYTHING : new LabelSelector(reqs, false);
  }

  /** True if every requirement holds for these labels. */
  public boolean matches(Map<String, String> labels) {
    if (nothing) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (Requirement r : requirements) {
      if (!r.matches(l)) {
        return false;
      }
    }
    return true;
  }

  /** Matches a {@code metadata.labels} object; null or missing means no labels. */
  public boolean matches(JsonNode labels) {
    Map<String, String> map = new HashMap<>();
    if (labels != null && labels.isObject()) {
      for (Map.Entry<String, JsonNode> e : labels.properties()) {
        if (!e.getValue().isNull()) {
          map.put(e.getKey(), e.getValue().asText());
        }
      }
    }
    return matches(map);
  }

  /** True if this selector places no restriction. */
  public boolean isEverything() {
    return !nothing && requirements.isEmpty();
  }

  /** True if this selector matches no object at all (a null metav1.LabelSelector). */
  public boolean isNothing() {
    return nothing;
  }

  /** Canonical string form, as Kubernetes prints it: requirements sorted by key, values sorted. */
  @Override
  public String toString() {
    return String.join(",", requirements.stream().map(Requirement::toString).toList());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector other && other.nothing == nothing && other.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode() * 31 + (nothing ? 1 : 0);
  }

  // ---- validation, worded as Kubernetes' labels.NewRequirement so clients see familiar errors ----

  private static final String KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern KEY_NAME = Pattern.compile(KEY_FMT);
  private static final Pattern LABEL_VALUE = Pattern.compile("(" + KEY_FMT + ")?");
  private static final String DNS1123_SUBDOMAIN_FMT =
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
  private static final String KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and "
      + "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '"
      + KEY_FMT + "')";
  private static final String VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric "
      + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
      + "'my_value',  or '12345', regex used for validation is '(" + KEY_FMT + ")?')";

  /** Problems with a label key, empty if it is a valid qualified name. */
  static List<String> keyErrors(String key) {
    List<String> errs = new ArrayList<>();
    String[] parts = key.split("/", -1);
    if (parts.length > 2) {
      errs.add("a valid label key " + KEY_MSG + " with an optional DNS subdomain prefix and '/' (e.g. "
          + "'example.com/MyName')");
      return errs;
    }
    String name = parts[parts.length - 1];
    if (parts.length == 2) {
      String prefix = parts[0];
      if (prefix.isEmpty()) {
        errs.add("prefix part must be non-empty");
      } else {
        if (prefix.length() > 253) {
          errs.add("prefix part must be no more than 253 bytes");
        }
        if (!DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
          errs.add("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
              + "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
              + "for validation is '" + DNS1123_SUBDOMAIN_FMT + "')");
        }
      }
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errs.add("name part must be no more than 63 bytes");
    }
    if (!KEY_NAME.matcher(name).matches()) {
      errs.add("name part " + KEY_MSG);
    }
    return errs;
  }

  /** Problems with a label value, empty if valid. */
  static List<String> valueErrors(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 63) {
      errs.add("must be no more than 63 bytes");
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errs.add(VALUE_MSG);
    }
    return errs;
  }

  /** Validates and builds a requirement; error paths ("key", "values[0][app]") are those Kubernetes reports. */
  private static Requirement newRequirement(String key, Op op, List<String> values) {
    List<String> errs = new ArrayList<>();
    List<String> keyProblems = keyErrors(key);
    if (!keyProblems.isEmpty()) {
      errs.add(FieldError.invalid("key", key, String.join("; ", keyProblems)).describe());
    }
    String badCount = switch (op) {
      case IN, NOT_IN -> values.isEmpty() ? "for 'in', 'notin' operators, values set can't be empty" : null;
      case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> values.size() != 1
          ? "exact-match compatibility requires one single value" : null;
      case EXISTS, DOES_NOT_EXIST -> !values.isEmpty()
          ? "values set must be empty for exists and does not exist" : null;
      case GREATER_THAN, LESS_THAN -> values.size() != 1
          ? "for 'Gt', 'Lt' operators, exactly one value is required" : null;
    };
    if (badCount != null) {
      // Go prints the rejected list as a []string literal, not a quoted string.
      errs.add("values: Invalid value: " + goStrings(values) + ": " + badCount);
    }
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if ((op == Op.GREATER_THAN || op == Op.LESS_THAN) && !isInteger(v)) {
        errs.add(FieldError.invalid("values[" + i + "]", v, "for 'Gt', 'Lt' operators, the value must be an integer")
            .describe());
      }
      List<String> valueProblems = valueErrors(v);
      if (!valueProblems.isEmpty()) {
        errs.add(FieldError.invalid("values[" + i + "][" + key + "]", v, String.join("; ", valueProblems))
            .describe());
      }
    }
    if (!errs.isEmpty()) {
      throw new IllegalArgumentException(errs.size() == 1 ? errs.get(0) : "[" + String.join(", ", errs) + "]");
    }
    return new Requirement(key, op, List.copyOf(values));
  }

  private static boolean isInteger(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String goStrings(List<String> values) {
    StringBuilder sb = new StringBuilder("[]string{");
    for (int i = 0; i < values.size(); i++) {
      sb.append(i > 0 ? ", " : "").append('"').append(values.get(i).replace("\"", "\\\"")).append('"');
    }
    return sb.append('}').toString();
  }

  // ---- the string syntax: a small lexer and recursive-descent parser with Kubernetes' grammar and messages ----

  private enum Tok { END, IDENT, IN, NOT_IN, OPEN, CLOSE, COMMA, BANG, EQ, EQEQ, NEQ, GT, LT }

  private record Token(Tok tok, String text) {}

  private static final class Parser {
    private static final Map<String, Tok> SYMBOLS = Map.of("(", Tok.OPEN, ")", Tok.CLOSE, ",", Tok.COMMA,
        "!", Tok.BANG, "=", Tok.EQ, "==", Tok.EQEQ, "!=", Tok.NEQ, ">", Tok.GT, "<", Tok.LT);
    private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

    private final List<Token> tokens = new ArrayList<>();
    private int pos;

    Parser(String s) {
      lex(s);
    }

    private static boolean special(char c) {
      return "=!(),<>".indexOf(c) >= 0;
    }

    private static boolean space(char c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private void lex(String s) {
      int i = 0;
      while (true) {
        while (i < s.length() && space(s.charAt(i))) {
          i++;
        }
        if (i >= s.length()) {
          tokens.add(new Token(Tok.END, ""));
          return;
        }
        int start = i;
        if (special(s.charAt(i))) {
          // Longest run of symbols that still forms an operator: "!=" rather than "!" then "=".
          Tok best = null;
          int bestEnd = i;
          while (i < s.length() && special(s.charAt(i))) {
            Tok t = SYMBOLS.get(s.substring(start, i + 1));
            if (t == null && best != null) {
              break;
            }
            if (t != null) {
              best = t;
              bestEnd = i + 1;
            }
            i++;
          }
          if (best == null) {
            throw new IllegalArgumentException("error expected: keyword found '" + s.substring(start, i) + "'");
          }
          i = bestEnd;
          tokens.add(new Token(best, s.substring(start, i)));
        } else {
          while (i < s.length() && !special(s.charAt(i)) && !space(s.charAt(i))) {
            i++;
          }
          String word = s.substring(start, i);
          Tok t = word.equals("in") ? Tok.IN : word.equals("notin") ? Tok.NOT_IN : Tok.IDENT;
          tokens.add(new Token(t, word));
        }
      }
    }

    // "in" and "notin" are keywords only where an operator is expected; elsewhere they are plain words.
    private Tok peek() {
      Tok t = tokens.get(pos).tok();
      return t == Tok.IN || t == Tok.NOT_IN ? Tok.IDENT : t;
    }

    private Token next() {
      Token t = tokens.get(pos++);
      return t.tok() == Tok.IN || t.tok() == Tok.NOT_IN ? new Token(Tok.IDENT, t.text()) : t;
    }

    List<Requirement> parse() {
      List<Requirement> reqs = new ArrayList<>();
      while (true) {
        Tok t = peek();
        if (t == Tok.END) {
          return reqs;
        }
        if (t != Tok.IDENT && t != Tok.BANG) {
          throw new IllegalArgumentException(
              "found '" + tokens.get(pos).text() + "', expected: !, identifier, or 'end of string'");
        }
        try {
          reqs.add(parseRequirement());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("unable to parse requirement: " + e.getMessage(), e);
        }
        Token after = next();
        if (after.tok() == Tok.END) {
          return reqs;
        }
        if (after.tok() != Tok.COMMA) {
          throw new IllegalArgumentException("found '" + after.text() + "', expected: ',' or 'end of string'");
        }
        if (peek() != Tok.IDENT && peek() != Tok.BANG) {
          throw new IllegalArgumentException(
              "found '" + tokens.get(pos).text() + "', expected: identifier after ','");
        }
      }
    }

    private Requirement parseRequirement() {
      boolean negated = false;
      Token keyTok = next();
      if (keyTok.tok() == Tok.BANG) {
        negated = true;
        keyTok = next();
      }
      if (keyTok.tok() != Tok.IDENT) {
        throw new IllegalArgumentException("found '" + keyTok.text() + "', expected: identifier");
      }
      String key = keyTok.text();
      List<String> keyProblems = keyErrors(key);
      if (!keyProblems.isEmpty()) {
        // Kubernetes names no field here, hence its "<nil>" path.
        throw new IllegalArgumentException(
            FieldError.invalid("<nil>", key, String.join("; ", keyProblems)).describe());
      }
      // Whatever follows "!key" is left for the caller, which rejects anything but ',' or the end.
      if (negated) {
        return newRequirement(key, Op.DOES_NOT_EXIST, List.of());
      }
      if (peek() == Tok.END || peek() == Tok.COMMA) {
        return newRequirement(key, Op.EXISTS, List.of());
      }
      Token opTok = tokens.get(pos++);
      Op op = switch (opTok.tok()) {
        case IN -> Op.IN;
        case NOT_IN -> Op.NOT_IN;
        case EQ -> Op.EQUALS;
        case EQEQ -> Op.DOUBLE_EQUALS;
        case NEQ -> Op.NOT_EQUALS;
        case GT -> Op.GREATER_THAN;
        case LT -> Op.LESS_THAN;
        default -> throw new IllegalArgumentException(
            "found '" + opTok.text() + "', expected: " + BINARY_OPERATORS);
      };
      List<String> values = op == Op.IN || op == Op.NOT_IN ? setValues() : List.of(exactValue());
      return newRequirement(key, op, values);
    }

    private List<String> setValues() {
      Token open = next();
      if (open.tok() != Tok.OPEN) {
        throw new IllegalArgumentException("found '" + open.text() + "' expected: '('");
      }
      TreeSet<String> values = new TreeSet<>();
      Tok t = peek();
      if (t == Tok.CLOSE) {
        // "()" is the set holding only the empty string, as in Kubernetes.
        next();
        return List.of("");
      }
      if (t != Tok.IDENT && t != Tok.COMMA) {
        throw new IllegalArgumentException(
            "found '" + tokens.get(pos).text() + "', expected: ',', ')' or identifier");
      }
      while (true) {
        Token v = next();
        if (v.tok() == Tok.IDENT) {
          values.add(v.text());
          if (peek() == Tok.CLOSE) {
            break;
          }
          if (peek() != Tok.COMMA) {
            throw new IllegalArgumentException("found '" + tokens.get(pos).text() + "', expected: ',' or ')'");
          }
        } else if (v.tok() == Tok.COMMA) {
          // An empty slot between commas or parentheses stands for the empty string.
          if (values.isEmpty() || peek() == Tok.CLOSE || peek() == Tok.COMMA) {
            values.add("");
          }
          if (peek() == Tok.CLOSE) {
            break;
          }
        } else {
          throw new IllegalArgumentException("found '" + v.text() + "', expected: ',', or identifier");
        }
      }
      next();
      return List.copyOf(values);
    }

    private String exactValue() {
      if (peek() == Tok.END || peek() == Tok.COMMA) {
        return "";
      }
      Token v = next();
      if (v.tok() != Tok.IDENT) {
        throw new IllegalArgumentException("found '" + v.text() + "', expected: identifier");
      }
      return v.text();
    }
  }
}

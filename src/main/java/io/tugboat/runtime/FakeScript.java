package io.tugboat.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few commands the fake runtime runs to an end, so a Job's pods finish on hollow nodes: a container whose
 * command (and args), or the script of {@code sh -c SCRIPT}, is made only of {@code echo TEXT} (a log line),
 * {@code sleep SECONDS}, {@code true}, {@code false} and {@code exit N}, separated by {@code ;}, {@code &&} or
 * newlines, and that ends with {@code sleep}, {@code true}, {@code false} or {@code exit}, runs those steps and
 * exits (0 unless {@code exit N} or {@code false} says otherwise). Anything else keeps running until stopped, as
 * before: {@code sh -c "echo $MODE"} or {@code nginx} stay up. The Kubernetes docs' pi Job, {@code perl
 * -Mbignum=bpi -wle 'print bpi(N)'}, prints pi to N digits and exits 0.
 */
public record FakeScript(List<Step> steps) {

  /** One step. */
  public sealed interface Step {}

  /** Writes a line to the container's log. */
  public record Echo(String text) implements Step {}

  /** Waits. */
  public record Sleep(Duration duration) implements Step {}

  /** Exits with a code. */
  public record Exit(int code) implements Step {}

  /** The script of a container's command and args, if it is one the fake runtime finishes. */
  public static Optional<FakeScript> parse(List<String> command, List<String> args) {
    List<String> argv = new ArrayList<>();
    if (command != null) {
      argv.addAll(command);
    }
    if (args != null) {
      argv.addAll(args);
    }
    if (argv.isEmpty()) {
      return Optional.empty();
    }
    String first = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
    if (first.equals("perl") && argv.size() == 4 && argv.get(1).equals("-Mbignum=bpi") && argv.get(2).equals("-wle")
        && argv.get(3).matches("print bpi\\(\\d{1,5}\\)")) {
      int digits = Integer.parseInt(argv.get(3).replaceAll("\\D", ""));
      return Optional.of(new FakeScript(List.of(new Echo(pi(digits)), new Exit(0))));
    }
    String script;
    if ((first.equals("sh") || first.equals("bash") || first.equals("ash")) && argv.size() >= 3
        && argv.get(1).equals("-c")) {
      script = argv.get(2);
    } else {
      script = String.join(" ", argv);
    }
    List<Step> steps = new ArrayList<>();
    for (String statement : script.split(";|&&|\n")) {
      String s = statement.trim();
      if (s.isEmpty()) {
        continue;
      }
      String[] words = s.split("\\s+", 2);
      String rest = words.length > 1 ? words[1].trim() : "";
      try {
        switch (words[0]) {
          case "echo" -> steps.add(new Echo(unquote(rest)));
          case "sleep" -> steps.add(new Sleep(Duration.ofMillis(Math.round(Double.parseDouble(rest) * 1000))));
          case "exit" -> steps.add(new Exit(rest.isEmpty() ? 0 : Integer.parseInt(rest)));
          case "true", ":" -> steps.add(new Sleep(Duration.ZERO));
          case "false" -> steps.add(new Exit(1));
          default -> {
            return Optional.empty();
          }
        }
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (steps.get(steps.size() - 1) instanceof Exit) {
        break; // nothing after an exit runs
      }
    }
    if (steps.isEmpty() || steps.get(steps.size() - 1) instanceof Echo) {
      return Optional.empty();
    }
    return Optional.of(new FakeScript(steps));
  }

  /**
   * Pi to {@code digits} significant digits, as perl's {@code bpi(digits)} prints it: Machin's formula in scaled
   * integers (only divisions by small numbers, so 2,000 digits take milliseconds), then rounded.
   */
  static String pi(int digits) {
    java.math.BigInteger unity = java.math.BigInteger.TEN.pow(digits + 10);
    java.math.BigInteger scaled = arctanInverse(5, unity).multiply(java.math.BigInteger.valueOf(16))
        .subtract(arctanInverse(239, unity).multiply(java.math.BigInteger.valueOf(4)));
    java.math.BigDecimal pi = new java.math.BigDecimal(scaled, digits + 10);
    return pi.round(new java.math.MathContext(digits)).toPlainString();
  }

  /** arctan(1/x) times {@code unity}. */
  private static java.math.BigInteger arctanInverse(int x, java.math.BigInteger unity) {
    java.math.BigInteger x2 = java.math.BigInteger.valueOf((long) x * x);
    java.math.BigInteger term = unity.divide(java.math.BigInteger.valueOf(x));
    java.math.BigInteger sum = term;
    for (int n = 1; term.signum() != 0; n++) {
      term = term.divide(x2);
      java.math.BigInteger t = term.divide(java.math.BigInteger.valueOf(2L * n + 1));
      sum = n % 2 == 1 ? sum.subtract(t) : sum.add(t);
    }
    return sum;
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }
}

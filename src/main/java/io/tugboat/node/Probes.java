package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/**
 * Liveness, readiness and startup probes as the kubelet's prober runs them, as pure functions: the spec's timing
 * fields with Kubernetes' defaults, and the verdict after each result (a result only flips after
 * successThreshold successes or failureThreshold failures in a row).
 */
public final class Probes {
  private Probes() {}

  /** Which probe. */
  public enum Kind {
    LIVENESS("Liveness"), READINESS("Readiness"), STARTUP("Startup");

    private final String title;

    Kind(String title) {
      this.title = title;
    }

    /** As events name it: "Liveness". */
    public String title() {
      return title;
    }

    /** The container spec's field. */
    public String field() {
      return name().toLowerCase(java.util.Locale.ROOT) + "Probe";
    }
  }

  /** A probe's spec: the handler (exec, httpGet, tcpSocket, grpc) and its timing, defaults applied. */
  public record Spec(Kind kind, JsonNode handler, Duration initialDelay, Duration period, Duration timeout,
      int successThreshold, int failureThreshold, Long terminationGracePeriodSeconds) {

    /** The spec of a probe field, or null when the container has none. */
    public static Spec of(Kind kind, JsonNode container) {
      JsonNode p = container.path(kind.field());
      if (!p.isObject()) {
        return null;
      }
      int success = Math.max(1, p.path("successThreshold").asInt(1));
      if (kind != Kind.READINESS) {
        success = 1; // the API requires 1 for liveness and startup
      }
      return new Spec(kind, p, Duration.ofSeconds(Math.max(0, p.path("initialDelaySeconds").asInt(0))),
          Duration.ofSeconds(Math.max(1, p.path("periodSeconds").asInt(10))),
          Duration.ofSeconds(Math.max(1, p.path("timeoutSeconds").asInt(1))), success,
          Math.max(1, p.path("failureThreshold").asInt(3)),
          p.hasNonNull("terminationGracePeriodSeconds") ? p.path("terminationGracePeriodSeconds").asLong() : null);
    }
  }

  /** One probe result: success or failure, and why (the message events carry). */
  public record Result(boolean success, String message) {}

  /**
   * A probe's state for one container instance: its verdict (null until the first verdict, then the last one),
   * the current run of equal results, and when it runs next.
   */
  public record State(Boolean verdict, int successes, int failures, Instant nextRun) {

    /** A probe of a container that started at {@code startedAt}: first run after the initial delay. */
    public static State initial(Spec spec, Instant startedAt) {
      return new State(null, 0, 0, startedAt.plus(spec.initialDelay()));
    }

    /** Whether the probe is due. */
    public boolean due(Instant now) {
      return !now.isBefore(nextRun);
    }

    /** The state after a result at {@code now}. */
    public State next(Spec spec, Result result, Instant now) {
      int s = result.success() ? successes + 1 : 0;
      int f = result.success() ? 0 : failures + 1;
      Boolean v = verdict;
      if (s >= spec.successThreshold()) {
        v = true;
      } else if (f >= spec.failureThreshold()) {
        v = false;
      }
      return new State(v, s, f, now.plus(spec.period()));
    }
  }

  /** What a new verdict asks of the agent. */
  public enum Action { NONE, KILL, READY, UNREADY, STARTED }

  /** The action when a probe's verdict goes from {@code before} to {@code after}. */
  public static Action action(Kind kind, Boolean before, Boolean after) {
    if (after == null || after.equals(before)) {
      return kind == Kind.LIVENESS && Boolean.FALSE.equals(after) ? Action.KILL : Action.NONE;
    }
    return switch (kind) {
      case LIVENESS -> after ? Action.NONE : Action.KILL;
      case STARTUP -> after ? Action.STARTED : Action.KILL;
      case READINESS -> after ? Action.READY : Action.UNREADY;
    };
  }

  /**
   * The handler with a named port (httpGet.port or tcpSocket.port "http") replaced by the container port of that
   * name, as the kubelet resolves it; unchanged when the port is a number or no port has that name.
   */
  public static JsonNode resolvePorts(JsonNode handler, JsonNode container) {
    for (String kind : new String[] {"httpGet", "tcpSocket"}) {
      JsonNode port = handler.path(kind).path("port");
      if (port.isTextual() && !port.asText().matches("\\d+")) {
        for (JsonNode p : container.path("ports")) {
          if (port.asText().equals(p.path("name").asText())) {
            com.fasterxml.jackson.databind.node.ObjectNode copy =
                (com.fasterxml.jackson.databind.node.ObjectNode) handler.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get(kind)).put("port", p.path("containerPort")
                .asInt());
            return copy;
          }
        }
      }
    }
    return handler;
  }
}

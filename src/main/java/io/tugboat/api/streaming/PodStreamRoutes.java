package io.tugboat.api.streaming;

import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Query;
import akka.http.javadsl.model.ws.WebSocketUpgrade;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.api.streaming.spdy.SpdyTunnel;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.FieldError;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.runtime.ExecSession;
import io.tugboat.runtime.LogOptions;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.WatchCache;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The streaming subresources of pods: {@code log} as a (chunked, when following) text body, and {@code exec},
 * {@code attach} and {@code portforward} over WebSocket here or over SPDY through {@link
 * io.tugboat.api.streaming.spdy.SpdyFront}. The pod, its phase and the container are checked here, as the API
 * server does before it asks the kubelet; the {@link ContainerStreams} backend does the rest.
 */
public final class PodStreamRoutes {

  /** The pod subresources served here. */
  public static final Set<String> SUBRESOURCES = Set.of("log", "exec", "attach", "portforward");

  private static final ResourceType PODS = ResourceRegistry.byPath("", "v1", "pods").orElseThrow();

  private final ObjectStore store;
  private final ContainerStreams streams;
  private final Materializer materializer;

  public PodStreamRoutes(ObjectStore store, ContainerStreams streams, Materializer materializer) {
    this.store = store;
    this.streams = streams;
    this.materializer = materializer;
  }

  /** The backend, for the SPDY transport. */
  public ContainerStreams streams() {
    return streams;
  }

  /** Whether a request to this resource's subresource is one of ours. */
  public static boolean serves(ResourceType type, String subresource) {
    return subresource != null && type.kind().equals("Pod") && type.group().isEmpty()
        && SUBRESOURCES.contains(subresource);
  }

  /** Serves GET log, and exec, attach and portforward upgraded to WebSocket. */
  public CompletionStage<HttpResponse> handle(HttpRequest request, String namespace, String name, String sub) {
    Query q = request.getUri().query();
    String method = request.method().value();
    if (sub.equals("log")) {
      if (!method.equals("GET")) {
        throw new ApiException(ApiError.methodNotAllowed("method " + method + " is not supported on pods/log"));
      }
      return logs(namespace, name, q);
    }
    Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
    if (upgrade.isEmpty()) {
      boolean spdy = request.getHeader("Upgrade").map(h -> h.value().toUpperCase().contains("SPDY")).orElse(false);
      throw new ApiException(ApiError.badRequest(spdy
          ? "SPDY/3.1 streaming is switched off on this server (tugboat.api.spdy = off): use kubectl 1.30 or "
              + "newer, which upgrades " + sub + " to WebSocket"
          : "Upgrade request required"));
    }
    WebSocketStreams ws = new WebSocketStreams(streams, materializer);
    if (sub.equals("portforward")) {
      boolean tunnel = false;
      for (HttpHeader h : request.getHeaders()) {
        tunnel |= h.is("sec-websocket-protocol") && List.of(h.value().split("\\s*,\\s*"))
            .contains(SpdyTunnel.PROTOCOL);
      }
      return CompletableFuture.completedFuture(ws.portForward(upgrade.get(), portForward(namespace, name, q),
          tunnel));
    }
    return ws.exec(upgrade.get(), exec(namespace, name, sub, q));
  }

  // ---- logs ----

  private CompletionStage<HttpResponse> logs(String namespace, String name, Query q) {
    JsonNode pod = pod(namespace, name);
    String container = container(pod, name, q.get("container").orElse(""));
    LogOptions options = logOptions(name, q);
    if (Json.text(pod.path("spec").path("nodeName")).isEmpty()) {
      // As Kubernetes: a pod that has no node yet has no log.
      return CompletableFuture.completedFuture(HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, ""));
    }
    String instance = instance(pod, container, options.previous()).orElse(null);
    return streams.logs(ref(pod), container, instance, options).thenApply(log -> HttpResponse.create().withEntity(
        HttpEntities.createChunked(ContentTypes.TEXT_PLAIN_UTF8, log.filter(b -> !b.isEmpty()))));
  }

  /**
   * The runtime id of the container instance whose log the kubelet would read, from the pod's status: with
   * {@code previous} its lastState's terminated container; else the running or terminated one, or while it waits
   * to restart its lastState's. Empty when the status names none (the node then picks).
   */
  static Optional<String> instance(JsonNode pod, String container, boolean previous) {
    JsonNode status = pod.path("status");
    for (String list : List.of("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")) {
      for (JsonNode s : status.path(list)) {
        if (!Json.text(s.path("name")).equals(container)) {
          continue;
        }
        String id = previous ? Json.text(s.at("/lastState/terminated/containerID"))
            : Json.text(s.at("/state/running").isMissingNode() ? s.at("/state/terminated/containerID")
                : s.path("containerID"));
        if (id.isEmpty() && !previous) {
          id = Json.text(s.at("/lastState/terminated/containerID"));
        }
        // "tugboat://ID", as Kubernetes writes "containerd://ID": the runtime knows the ID.
        int scheme = id.indexOf("://");
        return Optional.of(scheme < 0 ? id : id.substring(scheme + 3)).filter(x -> !x.isEmpty());
      }
    }
    return Optional.empty();
  }

  /** PodLogOptions from the query, rejected as Kubernetes validates them (422 naming the field). */
  static LogOptions logOptions(String pod, Query q) {
    Optional<Long> tail = number(q, "tailLines");
    Optional<Long> sinceSeconds = number(q, "sinceSeconds");
    Optional<Long> limitBytes = number(q, "limitBytes");
    Optional<Instant> sinceTime = q.get("sinceTime").filter(s -> !s.isEmpty()).map(PodStreamRoutes::time);
    List<FieldError> errors = new ArrayList<>();
    tail.filter(n -> n < 0).ifPresent(n -> errors.add(FieldError.invalid("tailLines", n,
        "must be greater than or equal to 0")));
    limitBytes.filter(n -> n < 1).ifPresent(n -> errors.add(FieldError.invalid("limitBytes", n,
        "must be greater than 0")));
    sinceSeconds.filter(n -> n < 1).ifPresent(n -> errors.add(FieldError.invalid("sinceSeconds", n,
        "must be greater than 0")));
    if (sinceSeconds.isPresent() && sinceTime.isPresent()) {
      errors.add(FieldError.forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(ApiError.invalid("PodLogOptions", pod, errors));
    }
    return new LogOptions(flag(q, "follow"), tail, sinceSeconds, sinceTime, flag(q, "timestamps"),
        flag(q, "previous"), limitBytes);
  }

  // ---- exec, attach, port-forward: shared by both transports ----

  /** What an exec or attach request asks for, after its pod and container were checked. */
  public record ExecTarget(PodRef pod, String container, boolean attach, List<String> command, boolean stdin,
      boolean stdout, boolean stderr, boolean tty) {}

  /** What a port-forward request asks for: the pod and (WebSocket only) the ports from the query. */
  public record PortForwardTarget(PodRef pod, List<Integer> ports) {}

  /** Checks an exec or attach request (404 for no pod, 400 for a finished pod or an unknown container). */
  public ExecTarget exec(String namespace, String name, String sub, Query q) {
    JsonNode pod = runnablePod(namespace, name, sub);
    String container = container(pod, name, q.get("container").orElse(""));
    boolean attach = sub.equals("attach");
    List<String> command = all(q, "command");
    if (!attach && command.isEmpty()) {
      throw new ApiException(ApiError.badRequest("you must specify at least one command for the container"));
    }
    boolean stdin = flag(q, "stdin");
    boolean stdout = flag(q, "stdout");
    boolean stderr = flag(q, "stderr");
    boolean tty = flag(q, "tty");
    if (!stdin && !stdout && !stderr) {
      throw new ApiException(ApiError.badRequest("you must specify at least 1 of stdin, stdout, stderr"));
    }
    return new ExecTarget(ref(pod), container, attach, command, stdin, stdout, tty ? false : stderr, tty);
  }

  /** Starts the process an exec target names, or attaches to the container. */
  public CompletionStage<ExecSession> open(ExecTarget t) {
    return t.attach() ? streams.attach(t.pod(), t.container(), t.stdin(), t.tty())
        : streams.exec(t.pod(), t.container(), t.command(), t.stdin(), t.tty());
  }

  /** Checks a port-forward request; {@code ports} from the query may be empty (SPDY names them per stream). */
  public PortForwardTarget portForward(String namespace, String name, Query q) {
    JsonNode pod = runnablePod(namespace, name, "portforward");
    List<Integer> ports = new ArrayList<>();
    for (String value : all(q, "ports")) {
      for (String p : value.split(",")) {
        ports.add(port(p.trim()));
      }
    }
    return new PortForwardTarget(ref(pod), ports);
  }

  /** A port number as a client names it, 1 to 65535 (400 otherwise). */
  public static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port > 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ApiException(ApiError.badRequest("invalid port \"" + text + "\": must be a number from 1 to 65535"));
  }

  // ---- pods and containers ----

  private JsonNode pod(String namespace, String name) {
    WatchCache.Entry e = store.get(ObjectKey.of(PODS, namespace, name))
        .orElseThrow(() -> new ApiException(ApiError.notFound("pods", name)));
    return e.object();
  }

  /** A pod that can run a process: on a node and not finished. */
  private JsonNode runnablePod(String namespace, String name, String sub) {
    JsonNode pod = pod(namespace, name);
    if (Json.text(pod.path("spec").path("nodeName")).isEmpty()) {
      throw new ApiException(ApiError.badRequest("pod " + name + " does not have a host assigned"));
    }
    String phase = Json.text(pod.path("status").path("phase"));
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      String verb = sub.equals("portforward") ? "forward ports to" : sub + " into a container in";
      throw new ApiException(ApiError.badRequest("cannot " + verb + " a completed pod; current phase is " + phase));
    }
    return pod;
  }

  /** The container a request names, or the pod's only one; 400 with the choices otherwise, as Kubernetes. */
  static String container(JsonNode pod, String podName, String requested) {
    List<String> containers = names(pod.path("spec").path("containers"));
    List<String> init = names(pod.path("spec").path("initContainers"));
    List<String> ephemeral = names(pod.path("spec").path("ephemeralContainers"));
    if (requested.isEmpty()) {
      if (containers.size() == 1) {
        return containers.get(0);
      }
      if (containers.isEmpty()) {
        throw new ApiException(ApiError.badRequest("a container name must be specified for pod " + podName));
      }
      String message = "a container name must be specified for pod " + podName + ", choose one of: ["
          + String.join(" ", containers) + "]";
      if (!init.isEmpty()) {
        message += " or one of the init containers: [" + String.join(" ", init) + "]";
      }
      throw new ApiException(ApiError.badRequest(message));
    }
    if (!containers.contains(requested) && !init.contains(requested) && !ephemeral.contains(requested)) {
      throw new ApiException(ApiError.badRequest("container " + requested + " is not valid for pod " + podName));
    }
    return requested;
  }

  private static List<String> names(JsonNode containers) {
    List<String> out = new ArrayList<>();
    containers.forEach(c -> out.add(Json.text(c.path("name"))));
    return out;
  }

  private static PodRef ref(JsonNode pod) {
    return new PodRef(Json.metaText(pod, "namespace"), Json.metaText(pod, "name"), Json.metaText(pod, "uid"),
        Json.text(pod.path("spec").path("nodeName")));
  }

  // ---- query values, parsed as Go's strconv does for Kubernetes ----

  /** Every value of a repeated parameter, in request order (Akka's getAll reverses it). */
  static List<String> all(Query q, String name) {
    return q.toList().stream().filter(p -> p.first().equals(name)).map(p -> p.second()).toList();
  }

  static boolean flag(Query q, String name) {
    String v = q.get(name).orElse("");
    return switch (v) {
      case "", "0", "f", "F", "false", "FALSE", "False" -> false;
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      default -> throw new ApiException(ApiError.badRequest("invalid value for " + name + ": \"" + v
          + "\": must be true or false"));
    };
  }

  private static Optional<Long> number(Query q, String name) {
    Optional<String> v = q.get(name).filter(s -> !s.isEmpty());
    try {
      return v.map(Long::parseLong);
    } catch (NumberFormatException e) {
      throw new ApiException(ApiError.badRequest("invalid value for " + name + ": \"" + v.get()
          + "\": must be an integer"));
    }
  }

  private static Instant time(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new ApiException(ApiError.badRequest("invalid value for sinceTime: \"" + text
          + "\": must be an RFC 3339 time such as 2024-01-02T15:04:05Z"));
    }
  }
}

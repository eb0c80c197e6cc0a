package io.tugboat.api;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.scaladsl.model.EntityStreamSizeException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import akka.stream.Materializer;
import io.tugboat.api.streaming.ContainerStreams;
import io.tugboat.api.streaming.ClusterContainerStreams;
import io.tugboat.api.streaming.PodStreamRoutes;
import io.tugboat.api.streaming.spdy.SpdyFront;
import io.tugboat.audit.AuditLog;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.node.ClusterUsage;
import io.tugboat.store.Futures;
import io.tugboat.store.ObjectStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API server: discovery, OpenAPI, version and health endpoints, and the resource REST API,
 * over HTTPS with bearer tokens (or plain HTTP when no keystore is configured).
 */
public final class ApiServer {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final ActorSystem<?> system;
  private final ObjectStore store;
  private final ApiSettings settings;
  private final Authenticator authenticator;
  private final ResourceHandler resources;
  private final WatchHandler watches;
  private final AuditLog audit;
  private final PodStreamRoutes podStreams;
  private final MetricsRoutes metrics;

  private ApiServer(ActorSystem<?> system, ObjectStore store, ApiSettings settings, Authenticator authenticator,
      ContainerStreams containers) {
    this.system = system;
    this.store = store;
    this.settings = settings;
    this.authenticator = authenticator;
    this.resources = new ResourceHandler(store, settings.protectedNamespaces());
    this.watches = new WatchHandler(system, store);
    this.audit = new AuditLog(system);
    this.podStreams = new PodStreamRoutes(store, containers, Materializer.matFromSystem(system));
    this.metrics = new MetricsRoutes(store.cache(), new ClusterUsage(system, settings.metricsTimeout()),
        java.time.Clock.systemUTC());
  }

  /** Binds the API server, serving pod streams from the node agents of the cluster ({@link ClusterContainerStreams}). */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, ObjectStore store, ApiSettings settings)
      throws Exception {
    return start(system, store, settings, new ClusterContainerStreams(system, settings.nodeTimeout()));
  }

  /** Binds the API server, serving pods' logs, exec, attach and port-forward from {@code containers}. */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, ObjectStore store, ApiSettings settings,
      ContainerStreams containers) throws Exception {
    ApiServer server = new ApiServer(system, store, settings, Authenticator.fromFile(settings.tokenFile()),
        containers);
    if (system.settings().config().getBoolean("tugboat.api.spdy")) {
      return server.startBehindSpdyFront();
    }
    ServerBuilder builder = Http.get(system).newServerAt(settings.host(), settings.port());
    if (!settings.tlsKeystore().isEmpty()) {
      builder = builder.enableHttps(ConnectionContext.httpsServer(sslContext(settings)));
    }
    return builder.bind(server::handle).thenApply(binding -> {
      log.info("API server listening on {}://{}:{}", settings.tlsKeystore().isEmpty() ? "http" : "https",
          binding.localAddress().getHostString(), binding.localAddress().getPort());
      return binding;
    });
  }

  /**
   * Akka HTTP on a loopback port behind {@link SpdyFront}, which owns the public port (and its TLS): Akka HTTP
   * upgrades only to WebSocket, and kubectl 1.27-1.29 need SPDY/3.1 for exec, attach and port-forward.
   */
  private CompletionStage<ServerBinding> startBehindSpdyFront() throws Exception {
    SSLContext tls = settings.tlsKeystore().isEmpty() ? null : sslContext(settings);
    return Http.get(system).newServerAt("127.0.0.1", 0).bind(this::handle).thenApply(binding -> {
      try {
        SpdyFront front = SpdyFront.start(settings.host(), settings.port(), tls, binding.localAddress().getPort(),
            podStreams, authenticator::authenticate, Materializer.matFromSystem(system));
        system.getWhenTerminated().thenRun(front::close);
        log.info("API server listening on {}://{}:{} (SPDY front, HTTP on loopback port {})",
            tls == null ? "http" : "https", settings.host(), front.localAddress().getPort(),
            binding.localAddress().getPort());
        return binding;
      } catch (java.io.IOException e) {
        binding.unbind();
        throw new CompletionException(e);
      }
    });
  }

  private static SSLContext sslContext(ApiSettings settings) throws Exception {
    char[] password = settings.tlsPasswordFile().isEmpty() ? new char[0]
        : Files.readString(Path.of(settings.tlsPasswordFile())).trim().toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(settings.tlsKeystore()))) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
    return ctx;
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    try {
      return route(request).exceptionally(ApiServer::failure);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(failure(e));
    }
  }

  private static HttpResponse failure(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ApiException ae) {
      return Responses.error(ae.error());
    }
    if (cause instanceof EntityStreamSizeException) {
      return Responses.error(new ApiError(413, "RequestEntityTooLarge", "the request body is too large", null, null,
          List.of()));
    }
    log.error("Request failed", cause);
    return Responses.error(ApiError.internal(String.valueOf(cause.getMessage())));
  }

  private CompletionStage<HttpResponse> route(HttpRequest request) {
    String path = request.getUri().path();
    Caller caller = authenticator.authenticate(request);
    String accept = request.getHeader("Accept").map(h -> h.value()).orElse("");
    boolean get = request.method().equals(HttpMethods.GET);
    switch (path) {
      case "/version", "/version/" -> {
        return done(Responses.json(200, version()));
      }
      case "/healthz", "/livez" -> {
        return done(Responses.text(200, "ok"));
      }
      case "/readyz" -> {
        return done(store.cache().ready().isDone() ? Responses.text(200, "ok")
            : Responses.text(503, "watch cache not ready"));
      }
      case "/api", "/api/" -> {
        return done(discovery(accept, true));
      }
      case "/apis", "/apis/" -> {
        return done(discovery(accept, false));
      }
      case "/openapi/v3", "/openapi/v3/" -> {
        return done(Responses.json(200, OpenApi.v3Root()));
      }
      case "/openapi/v2", "/swagger-2.0.0.pb-v1" -> {
        // kubectl 1.27/1.28 validate against the protobuf form; /swagger-2.0.0.pb-v1 is its older fallback.
        return done(path.startsWith("/swagger") || OpenApiV2Proto.accepts(accept) ? OpenApiV2Proto.response()
            : accept.contains("protobuf") && !accept.contains("json") ? Responses.error(notFound())
            : Responses.json(200, OpenApi.v2()));
      }
      case "/tugboat/audit" -> {
        Query q = new Query(request);
        return audit.render(q.get("object", ""), q.get("namespace", "default"), q.get("since", ""))
            .thenApply(text -> Responses.text(200, text));
      }
      default -> { }
    }
    if (path.startsWith("/openapi/v3/")) {
      return done(OpenApi.v3GroupVersion(path.substring("/openapi/v3/".length()))
          .map(doc -> Responses.json(200, doc)).orElseGet(() -> Responses.error(notFound())));
    }
    String[] seg = path.replaceAll("/+$", "").split("/");
    if (get && seg.length == 3 && seg[1].equals("api")) {
      return done(Discovery.apiResourceList("", seg[2]).map(d -> Responses.json(200, d))
          .orElseGet(() -> Responses.error(notFound())));
    }
    if (get && seg.length == 3 && seg[1].equals("apis")) {
      return done(Discovery.apiGroup(seg[2]).map(d -> Responses.json(200, d))
          .orElseGet(() -> Responses.error(notFound())));
    }
    if (get && seg.length == 4 && seg[1].equals("apis")) {
      return done(Discovery.apiResourceList(seg[2], seg[3]).map(d -> Responses.json(200, d))
          .orElseGet(() -> Responses.error(notFound())));
    }
    if (MetricsRoutes.serves(path)) {
      // metrics.k8s.io is computed from the node agents' usage, not stored: no body, no Target.
      request.discardEntityBytes(system);
      return metrics.handle(request.method().value(), path, new Query(request));
    }
    Target target = Target.parse(path).orElseThrow(ApiServer::notFoundException);
    if (target.isObject() && PodStreamRoutes.serves(target.type(), target.subresource())) {
      // Before reading a body: these keep the raw request (its WebSocket upgrade) and stream.
      request.discardEntityBytes(system);
      return podStreams.handle(request, target.namespace(), target.name(), target.subresource());
    }
    return readBody(request).thenCompose(body -> {
      Query q = new Query(request);
      String contentType = request.entity().getContentType().toString();
      boolean yaml = accept.startsWith("application/yaml");
      boolean table = accept.contains("as=Table");
      String method = request.method().value();
      String userAgent = request.getHeader("User-Agent").map(h -> h.value()).orElse("");
      ResourceHandler.Call call = new ResourceHandler.Call(target, method, q,
          decode(body, contentType, method, target), contentType, yaml, table, caller, userAgent,
          UUID.randomUUID().toString());
      if (method.equals("GET") && !target.isObject() && q.flag("watch")) {
        return watches.watch(call).thenApply(r -> request.getAttribute(AttributeKeys.webSocketUpgrade)
            .map(upgrade -> WatchHandler.overWebSocket(upgrade, r)).orElse(r));
      }
      return resources.handle(call);
    });
  }

  private CompletionStage<byte[]> readBody(HttpRequest request) {
    if (request.entity().getContentLengthOption().isPresent()
        && request.entity().getContentLengthOption().getAsLong() > settings.maxBodyBytes()) {
      ApiException tooLarge = new ApiException(new ApiError(413, "RequestEntityTooLarge",
          "the request body is larger than " + settings.maxBodyBytes() + " bytes", null, null, List.of()));
      // Read and drop the body first (up to the parser's own limit): a client still sending when the answer
      // comes and the connection closes sees a broken pipe instead of the 413.
      return Futures.on(request.entity().discardBytes(system).completionStage(), system.executionContext())
          .handle((done, error) -> {
            throw tooLarge;
          });
    }
    // A size limit, not toStrict's maxBytes: only the former fails with EntityStreamSizeException (413) when a
    // chunked body without Content-Length grows too large; the latter fails with a generic stream error (500).
    if (request.entity() instanceof HttpEntity.Strict strict) {
      return CompletableFuture.completedFuture(strict.getData().toArray());
    }
    return Futures.on(request.entity().withSizeLimit(settings.maxBodyBytes())
            .toStrict(settings.requestTimeout().toMillis(), system), system.executionContext())
        .thenApply(strict -> strict.getData().toArray());
  }

  /** Decodes a JSON, YAML or (for POST and PUT) Kubernetes protobuf body; null when empty. */
  private static JsonNode decode(byte[] body, String contentType, String method, Target target) {
    if (body.length == 0) {
      return null;
    }
    String media = contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (media.equals("application/yaml") || media.equals("application/apply-patch+yaml")
          || media.equals("text/yaml")) {
        return Json.YAML.readTree(body);
      }
      if (media.equals("application/json") || media.endsWith("+json") || media.isEmpty()
          || media.equals("application/octet-stream") || media.equals("none/none")) {
        return Json.MAPPER.readTree(body);
      }
      // kubectl >= 1.32 creates and replaces through typed clients in protobuf; its patches are always JSON.
      if (media.equals(ProtobufBodies.MEDIA_TYPE) && (method.equals("POST") || method.equals("PUT"))) {
        return ProtobufBodies.decode(body, target.type());
      }
    } catch (JsonProcessingException e) {
      throw new ApiException(ApiError.badRequest("the request body is not valid " + (media.contains("yaml") ? "YAML"
          : "JSON") + ": " + e.getOriginalMessage()));
    } catch (java.io.IOException e) {
      throw new ApiException(ApiError.badRequest(e.getMessage()));
    }
    throw new ApiException(ApiError.unsupportedMediaType(contentType));
  }

  private ObjectNode version() {
    String v = settings.kubernetesVersion();
    String[] parts = v.replaceFirst("^v", "").split("\\.");
    ObjectNode o = Json.object();
    o.put("major", parts[0]);
    o.put("minor", parts.length > 1 ? parts[1] : "0");
    o.put("gitVersion", v);
    o.put("gitCommit", "tugboat");
    o.put("gitTreeState", "clean");
    o.put("buildDate", "2026-11-22T00:00:00Z");
    o.put("goVersion", "java" + System.getProperty("java.version"));
    o.put("compiler", "javac");
    o.put("platform", "linux/amd64");
    return o;
  }

  /** Aggregated discovery (v2 or v2beta1, whichever the Accept header names first) or the legacy documents. */
  private static HttpResponse discovery(String accept, boolean core) {
    for (String entry : accept.split(",")) {
      String e = entry.replace(" ", "");
      if (e.contains("g=apidiscovery.k8s.io") && e.contains("as=APIGroupDiscoveryList")) {
        String v = e.contains("v=v2beta1") ? "v2beta1" : e.contains("v=v2") ? "v2" : null;
        if (v != null) {
          ContentType type = MediaTypes.customWithFixedCharset("application", "json", HttpCharsets.UTF_8,
              Map.of("g", "apidiscovery.k8s.io", "v", v, "as", "APIGroupDiscoveryList"), false).toContentType();
          return Responses.json(Discovery.aggregated(core, v), type);
        }
      } else if (e.startsWith("application/json") || e.startsWith("*/*") || e.isEmpty()) {
        break;
      }
    }
    return Responses.json(200, core ? Discovery.apiVersions() : Discovery.apiGroupList());
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static ApiError notFound() {
    return new ApiError(404, "NotFound", "the server could not find the requested resource", null, null, List.of());
  }

  private static ApiException notFoundException() {
    return new ApiException(notFound());
  }
}

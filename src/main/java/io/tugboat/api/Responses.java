package io.tugboat.api;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.headers.RawHeader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.FieldError;
import io.tugboat.model.Json;
import java.util.List;
import java.util.Map;

/** Builds HTTP responses: objects as JSON or YAML, failures as Kubernetes Status objects. */
final class Responses {
  static final ContentType YAML = MediaTypes.customWithFixedCharset("application", "yaml", HttpCharsets.UTF_8,
      Map.of(), false).toContentType();

  private Responses() {}

  /** A JSON (or YAML, when asked for) response. */
  static HttpResponse object(int code, JsonNode body, boolean yaml, List<String> warnings) {
    try {
      HttpResponse r = yaml
          ? HttpResponse.create().withStatus(code).withEntity(YAML, Json.YAML.writeValueAsBytes(body))
          : HttpResponse.create().withStatus(code).withEntity(ContentTypes.APPLICATION_JSON,
              Json.MAPPER.writeValueAsBytes(body));
      for (String w : warnings) {
        r = r.addHeader(RawHeader.create("Warning", "299 - \"" + w.replace("\"", "\\\"") + "\""));
      }
      return r;
    } catch (JsonProcessingException e) {
      return error(ApiError.internal(e.getMessage()));
    }
  }

  /** A JSON response. */
  static HttpResponse json(int code, JsonNode body) {
    return object(code, body, false, List.of());
  }

  /** A JSON body under a given content type (aggregated discovery). */
  static HttpResponse json(JsonNode body, ContentType type) {
    try {
      return HttpResponse.create().withStatus(200).withEntity(type, Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      return error(ApiError.internal(e.getMessage()));
    }
  }

  /** A JSON response from bytes already serialized. */
  static HttpResponse jsonBytes(int code, byte[] body) {
    return HttpResponse.create().withStatus(code).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  /**
   * A list (kind XList) written from the cached JSON of its items: no tree is walked, so a list of thousands
   * of objects costs little more than copying their bytes.
   */
  static HttpResponse jsonList(String listKind, String apiVersion, String resourceVersion, String continueToken,
      List<io.tugboat.store.WatchCache.Entry> items) {
    ObjectNode meta = Json.object().put("resourceVersion", resourceVersion);
    if (continueToken != null) {
      meta.put("continue", continueToken);
    }
    int size = 128;
    for (io.tugboat.store.WatchCache.Entry e : items) {
      size += e.jsonBytes().length + 1;
    }
    akka.util.ByteStringBuilder out = new akka.util.ByteStringBuilder();
    out.sizeHint(size);
    try {
      out.putBytes(("{\"kind\":" + Json.MAPPER.writeValueAsString(listKind) + ",\"apiVersion\":"
          + Json.MAPPER.writeValueAsString(apiVersion) + ",\"metadata\":" + Json.MAPPER.writeValueAsString(meta)
          + ",\"items\":[").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      return error(ApiError.internal(e.getMessage()));
    }
    boolean first = true;
    for (io.tugboat.store.WatchCache.Entry e : items) {
      if (!first) {
        out.putByte((byte) ',');
      }
      out.putBytes(e.jsonBytes());
      first = false;
    }
    out.putBytes("]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return HttpResponse.create().withStatus(200).withEntity(ContentTypes.APPLICATION_JSON, out.result());
  }

  /** A failure as a Status object. */
  static HttpResponse error(ApiError error) {
    return json(error.code(), status(error));
  }

  /** The Status object of a failure. */
  static ObjectNode status(ApiError error) {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", error.message());
    s.put("reason", error.reason());
    if (error.name() != null || error.kind() != null || !error.causes().isEmpty()) {
      ObjectNode d = s.putObject("details");
      if (error.name() != null) {
        d.put("name", error.name());
      }
      if (error.kind() != null) {
        d.put("kind", error.kind());
      }
      if (!error.causes().isEmpty()) {
        ArrayNode causes = d.putArray("causes");
        for (FieldError c : error.causes()) {
          causes.addObject().put("reason", c.reason()).put("message", c.message()).put("field", c.field());
        }
      }
    }
    s.put("code", error.code());
    return s;
  }

  /** A Success Status, as deletions of some kinds answer. */
  static ObjectNode success(String kind, String name, String uid) {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    ObjectNode d = s.putObject("details");
    d.put("name", name);
    d.put("kind", kind);
    d.put("uid", uid);
    return s;
  }

  /** A plain-text response. */
  static HttpResponse text(int code, String body) {
    return HttpResponse.create().withStatus(code).withEntity(ContentTypes.TEXT_PLAIN_UTF8, body);
  }
}

package io.tugboat.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OpenAPI documents of every served resource: the /openapi/v3 root and its per-group-version documents, and
 * one Swagger 2.0 document for /openapi/v2. Generated once from the registry and the fabric8 model, then cached;
 * every call returns a copy the caller may change.
 */
public final class OpenApi {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OpenApi() {}

  /** GET /openapi/v3: each group-version's document path ("api/v1", "apis/apps/v1") with its content hash. */
  public static ObjectNode v3Root() {
    return V3.ROOT.deepCopy();
  }

  /** GET /openapi/v3/{gvPath}: the OpenAPI 3.0 document of "api/v1" or "apis/{group}/{version}". */
  public static Optional<ObjectNode> v3GroupVersion(String gvPath) {
    return Optional.ofNullable(V3.DOCS.get(gvPath)).map(ObjectNode::deepCopy);
  }

  /** GET /openapi/v2 (as JSON): one Swagger 2.0 document covering every served kind. */
  public static ObjectNode v2() {
    return V2.DOC.deepCopy();
  }

  /** The path of a group-version under /openapi/v3: "api/v1" or "apis/apps/v1". */
  static String gvPath(ResourceType t) {
    return t.groupVersionPath().substring(1);
  }

  /** Uppercase hex SHA-512 of a document's JSON bytes, as Kubernetes puts in serverRelativeURL. */
  static String hash(ObjectNode doc) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-512").digest(MAPPER.writeValueAsBytes(doc));
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash an OpenAPI document", e);
    }
  }

  /** The v3 documents, built on first use (the holder idiom makes that thread-safe and lazy). */
  private static final class V3 {
    static final Map<String, ObjectNode> DOCS;
    static final ObjectNode ROOT;

    static {
      SchemaGenerator schemas = SchemaGenerator.openApiV3();
      OpenApiPaths builder = new OpenApiPaths(schemas, true);
      Map<String, List<ResourceType>> byGv = new LinkedHashMap<>();
      for (ResourceType t : ResourceRegistry.all()) {
        byGv.computeIfAbsent(gvPath(t), k -> new ArrayList<>()).add(t);
      }
      Map<String, ObjectNode> docs = new LinkedHashMap<>();
      ObjectNode root = JSON.objectNode();
      ObjectNode rootPaths = root.putObject("paths");
      byGv.forEach((gv, types) -> {
        ObjectNode doc = JSON.objectNode().put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "unversioned");
        ObjectNode paths = doc.putObject("paths");
        Set<String> roots = new TreeSet<>();
        types.forEach(t -> builder.addResource(paths, t, roots));
        doc.putObject("components").set("schemas", schemas.closure(roots));
        docs.put(gv, doc);
        rootPaths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + hash(doc));
      });
      DOCS = Collections.unmodifiableMap(docs);
      ROOT = root;
    }
  }

  /** The v2 document, built on first use. */
  private static final class V2 {
    static final ObjectNode DOC;

    static {
      SchemaGenerator schemas = SchemaGenerator.swaggerV2();
      OpenApiPaths builder = new OpenApiPaths(schemas, false);
      ObjectNode doc = JSON.objectNode().put("swagger", "2.0");
      doc.putObject("info").put("title", "Kubernetes").put("version", "unversioned");
      ObjectNode paths = doc.putObject("paths");
      Set<String> roots = new TreeSet<>();
      ResourceRegistry.all().forEach(t -> builder.addResource(paths, t, roots));
      doc.set("definitions", schemas.closure(roots));
      doc.putArray("security").addObject().putArray("BearerToken");
      doc.putObject("securityDefinitions").putObject("BearerToken")
          .put("description", "Bearer Token authentication").put("type", "apiKey").put("name", "authorization")
          .put("in", "header");
      DOC = doc;
    }
  }
}

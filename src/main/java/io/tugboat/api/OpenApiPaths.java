package io.tugboat.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ResourceType;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the REST paths and operations of served resources, in OpenAPI 3 or Swagger 2.0 form. kubectl finds a
 * kind's PATCH operation by its x-kubernetes-group-version-kind and requires a fieldValidation parameter on it
 * before it delegates validation to the server, so every write operation carries one.
 */
final class OpenApiPaths {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml",
      "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json");
  private static final String DELETE_OPTIONS = KubeSchemas.META + "DeleteOptions";
  private static final String STATUS = KubeSchemas.META + "Status";
  private static final String PATCH = KubeSchemas.META + "Patch";
  private static final String SCALE = "io.k8s.api.autoscaling.v1.Scale";

  private final SchemaGenerator schemas;
  private final boolean v3;

  OpenApiPaths(SchemaGenerator schemas, boolean v3) {
    this.schemas = schemas;
    this.v3 = v3;
  }

  /** Adds the paths of one resource to {@code paths}; records the schemas they refer to in {@code roots}. */
  void addResource(ObjectNode paths, ResourceType t, Set<String> roots) {
    String kind = schemas.define(t.modelClass());
    String list = schemas.define(listClass(t));
    roots.add(kind);
    roots.add(list);
    roots.add(schemas.define(io.fabric8.kubernetes.api.model.DeleteOptions.class));
    roots.add(schemas.define(io.fabric8.kubernetes.api.model.Status.class));
    roots.add(schemas.defineScalar(PATCH, "object"));
    ObjectNode gvk = gvk(t.group(), t.version(), t.kind());
    String id = operationPrefix(t);
    String scope = t.namespaced() ? "Namespaced" : "";
    String collection = t.groupVersionPath() + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.plural();

    ObjectNode coll = pathItem(paths, collection, t.namespaced(), false);
    coll.set("get", operation(t, "list", "list" + id + scope + t.kind(), "list or watch objects of kind " + t.kind(),
        gvk, listParameters(), null, list));
    coll.set("post", operation(t, "post", "create" + id + scope + t.kind(), "create " + article(t.kind()), gvk,
        writeParameters(false), body(List.of("*/*"), kind), kind));
    ArrayNode deleteAll = listParameters();
    deleteAll.addAll(deleteParameters());
    coll.set("delete", operation(t, "deletecollection", "deleteCollection" + id + scope + t.kind(),
        "delete collection of " + t.kind(), gvk, deleteAll, body(List.of("*/*"), DELETE_OPTIONS), STATUS));

    String item = collection + "/{name}";
    ObjectNode one = pathItem(paths, item, t.namespaced(), true);
    one.set("get", operation(t, "get", "read" + id + scope + t.kind(), "read the specified " + t.kind(), gvk,
        JSON.arrayNode(), null, kind));
    writeOperations(one, t, id + scope + t.kind(), "the specified " + t.kind(), gvk, kind);
    one.set("delete", operation(t, "delete", "delete" + id + scope + t.kind(), "delete " + article(t.kind()), gvk,
        deleteParameters(), body(List.of("*/*"), DELETE_OPTIONS), STATUS));

    if (t.hasStatus()) {
      ObjectNode status = pathItem(paths, item + "/status", t.namespaced(), true);
      status.set("get", operation(t, "get", "read" + id + scope + t.kind() + "Status",
          "read status of the specified " + t.kind(), gvk, JSON.arrayNode(), null, kind));
      writeOperations(status, t, id + scope + t.kind() + "Status", "status of the specified " + t.kind(), gvk, kind);
    }
    if (t.hasScale()) {
      String scale = schemas.define(io.fabric8.kubernetes.api.model.autoscaling.v1.Scale.class);
      roots.add(scale);
      ObjectNode scaleGvk = gvk("autoscaling", "v1", "Scale");
      ObjectNode item2 = pathItem(paths, item + "/scale", t.namespaced(), true);
      item2.set("get", operation(t, "get", "read" + id + scope + t.kind() + "Scale",
          "read scale of the specified " + t.kind(), scaleGvk, JSON.arrayNode(), null, scale));
      writeOperations(item2, t, id + scope + t.kind() + "Scale", "scale of the specified " + t.kind(), scaleGvk,
          scale);
    }
    if (t.namespaced()) {
      ObjectNode all = pathItem(paths, t.groupVersionPath() + "/" + t.plural(), false, false);
      all.set("get", operation(t, "list", "list" + id + t.kind() + "ForAllNamespaces",
          "list or watch objects of kind " + t.kind(), gvk, listParameters(), null, list));
    }
  }

  /** The x-kubernetes-group-version-kind value of an operation. */
  static ObjectNode gvk(String group, String version, String kind) {
    return JSON.objectNode().put("group", group).put("kind", kind).put("version", version);
  }

  /** "CoreV1", "AppsV1", "NetworkingV1" (for networking.k8s.io), "RbacAuthorizationV1": as Kubernetes' ids. */
  static String operationPrefix(ResourceType t) {
    String group = t.group().isEmpty() ? "core" : t.group().replace(".k8s.io", "");
    StringBuilder out = new StringBuilder();
    for (String part : group.split("\\.")) {
      out.append(capitalize(part));
    }
    return out.append(capitalize(t.version())).toString();
  }

  /** The OpenAPI tag of a group-version: core_v1, apps_v1, networking_v1, rbacAuthorization_v1. */
  static String tag(ResourceType t) {
    String id = operationPrefix(t);
    String group = id.substring(0, id.length() - t.version().length());
    return Character.toLowerCase(group.charAt(0)) + group.substring(1) + "_" + t.version();
  }

  private void writeOperations(ObjectNode path, ResourceType t, String idSuffix, String what, ObjectNode gvk,
      String schema) {
    path.set("put", operation(t, "put", "replace" + idSuffix, "replace " + what, gvk, writeParameters(false),
        body(List.of("*/*"), schema), schema));
    path.set("patch", operation(t, "patch", "patch" + idSuffix, "partially update " + what, gvk,
        writeParameters(true), body(PATCH_TYPES, PATCH), schema));
  }

  private ObjectNode pathItem(ObjectNode paths, String path, boolean namespaced, boolean named) {
    ObjectNode item = paths.putObject(path);
    ArrayNode parameters = item.putArray("parameters");
    if (named) {
      parameters.add(param("name", "path", "string", "name of the resource", true));
    }
    if (namespaced) {
      parameters.add(param("namespace", "path", "string",
          "object name and auth scope, such as for teams and projects", true));
    }
    parameters.add(param("pretty", "query", "string", "If 'true', then the output is pretty printed.", false));
    return item;
  }

  private ObjectNode operation(ResourceType t, String action, String operationId, String description,
      ObjectNode gvk, ArrayNode parameters, ObjectNode body, String response) {
    ObjectNode op = JSON.objectNode();
    op.putArray("tags").add(tag(t));
    op.put("description", description);
    if (!v3) {
      if (body != null) {
        op.set("consumes", body.remove("consumes"));
      }
      ArrayNode produces = op.putArray("produces").add("application/json").add("application/yaml");
      if (action.equals("list")) {
        produces.add("application/json;stream=watch");
      }
      op.putArray("schemes").add("https");
    }
    op.put("operationId", operationId);
    if (!v3 && body != null) {
      parameters.insert(0, body);
    }
    op.set("parameters", parameters);
    if (v3 && body != null) {
      op.set("requestBody", body);
    }
    ObjectNode responses = op.putObject("responses");
    responses.set("200", response("OK", response));
    if (action.equals("post") || action.equals("put")) {
      responses.set("201", response("Created", response));
    }
    if (action.equals("post") || action.startsWith("delete")) {
      responses.set("202", response("Accepted", response));
    }
    responses.putObject("401").put("description", "Unauthorized");
    op.put("x-kubernetes-action", action);
    op.set("x-kubernetes-group-version-kind", gvk.deepCopy());
    return op;
  }

  private ObjectNode response(String description, String schema) {
    ObjectNode response = JSON.objectNode().put("description", description);
    if (v3) {
      ObjectNode content = response.putObject("content");
      for (String type : List.of("application/json", "application/yaml")) {
        content.putObject(type).set("schema", schemas.ref(schema));
      }
    } else {
      response.set("schema", schemas.ref(schema));
    }
    return response;
  }

  /** A request body: requestBody in OpenAPI 3; in Swagger 2.0 a body parameter plus (transiently) consumes. */
  private ObjectNode body(List<String> contentTypes, String schema) {
    ObjectNode body = JSON.objectNode();
    if (v3) {
      ObjectNode content = body.putObject("content");
      contentTypes.forEach(type -> content.putObject(type).set("schema", schemas.ref(schema)));
      return body.put("required", true);
    }
    ArrayNode consumes = body.putArray("consumes");
    contentTypes.forEach(consumes::add);
    body.put("name", "body").put("in", "body").put("required", true);
    body.set("schema", schemas.ref(schema));
    return body;
  }

  private ArrayNode writeParameters(boolean patch) {
    ArrayNode params = JSON.arrayNode();
    params.add(param("dryRun", "query", "string", "When present, indicates that modifications should not be "
        + "persisted. An invalid or unrecognized dryRun directive will result in an error response and no further "
        + "processing of the request. Valid values are: - All: all dry run stages will be processed", false));
    params.add(param("fieldManager", "query", "string", "fieldManager is a name associated with the actor or "
        + "entity that is making these changes. The value must be less than or 128 characters long, and only "
        + "contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint."
        + (patch ? " This field is required for apply requests (application/apply-patch) but optional for non-apply "
        + "patch types (JsonPatch, MergePatch, StrategicMergePatch)." : ""), false));
    ObjectNode validation = param("fieldValidation", "query", "string", "fieldValidation instructs the server on "
        + "how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid "
        + "values are: - Ignore: ignores unknown and duplicate fields. - Warn: sends a warning for each unknown or "
        + "duplicate field, and the request succeeds. - Strict: fails the request on any unknown or duplicate "
        + "field.", false);
    ArrayNode values = (v3 ? (ObjectNode) validation.get("schema") : validation).putArray("enum");
    values.add("Strict").add("Warn").add("Ignore");
    params.add(validation);
    if (patch) {
      params.add(param("force", "query", "boolean", "Force is going to \"force\" Apply requests. It means user "
          + "will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch "
          + "requests.", false));
    }
    return params;
  }

  private ArrayNode listParameters() {
    ArrayNode params = JSON.arrayNode();
    params.add(param("allowWatchBookmarks", "query", "boolean", "allowWatchBookmarks requests watch events with "
        + "type \"BOOKMARK\". Servers that do not implement bookmarks may ignore this flag.", false));
    params.add(param("continue", "query", "string", "The continue option should be set when retrieving more "
        + "results from the server.", false));
    params.add(param("fieldSelector", "query", "string", "A selector to restrict the list of returned objects by "
        + "their fields. Defaults to everything.", false));
    params.add(param("labelSelector", "query", "string", "A selector to restrict the list of returned objects by "
        + "their labels. Defaults to everything.", false));
    params.add(param("limit", "query", "integer", "limit is a maximum number of responses to return for a list "
        + "call.", false));
    params.add(param("resourceVersion", "query", "string", "resourceVersion sets a constraint on what resource "
        + "versions a request may be served from.", false));
    params.add(param("resourceVersionMatch", "query", "string", "resourceVersionMatch determines how "
        + "resourceVersion is applied to list calls.", false));
    params.add(param("sendInitialEvents", "query", "boolean", "`sendInitialEvents=true` may be set together with "
        + "`watch=true`: the watch stream begins with synthetic events for all existing objects.", false));
    params.add(param("timeoutSeconds", "query", "integer", "Timeout for the list/watch call.", false));
    params.add(param("watch", "query", "boolean", "Watch for changes to the described resources and return them "
        + "as a stream of add, update, and remove notifications.", false));
    return params;
  }

  private ArrayNode deleteParameters() {
    ArrayNode params = JSON.arrayNode();
    params.add(param("dryRun", "query", "string", "When present, indicates that modifications should not be "
        + "persisted. Valid values are: - All: all dry run stages will be processed", false));
    params.add(param("gracePeriodSeconds", "query", "integer", "The duration in seconds before the object should "
        + "be deleted. Zero means delete immediately.", false));
    params.add(param("propagationPolicy", "query", "string", "Whether and how garbage collection will be "
        + "performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'.", false));
    return params;
  }

  private ObjectNode param(String name, String in, String type, String description, boolean required) {
    ObjectNode p = JSON.objectNode().put("name", name).put("in", in).put("description", description);
    if (required) {
      p.put("required", true);
    }
    ObjectNode typed = v3 ? p.putObject("schema") : p;
    typed.put("type", type).put("uniqueItems", true);
    return p;
  }

  private static Class<?> listClass(ResourceType t) {
    try {
      return Class.forName(t.modelClass().getName() + "List", false, t.modelClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("no list class next to " + t.modelClass().getName(), e);
    }
  }

  private static String article(String kind) {
    return ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}

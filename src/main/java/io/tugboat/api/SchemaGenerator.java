package io.tugboat.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.temporal.Temporal;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds OpenAPI schemas for fabric8 model classes by reflecting on their {@code @JsonProperty} fields, named and
 * annotated as Kubernetes publishes them. One instance per document dialect; not thread-safe, so callers build
 * everything they need up front and keep the result.
 */
final class SchemaGenerator {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String refPrefix;
  private final boolean v3;
  private final Map<Class<?>, String> names = new HashMap<>();
  private final Map<String, Class<?>> owners = new HashMap<>();
  private final Map<String, ObjectNode> schemas = new HashMap<>();
  private final Map<String, Set<String>> dependencies = new HashMap<>();

  private SchemaGenerator(String refPrefix, boolean v3) {
    this.refPrefix = refPrefix;
    this.v3 = v3;
  }

  /** For OpenAPI 3 documents: refs into components.schemas, wrapped in allOf when they carry a description. */
  static SchemaGenerator openApiV3() {
    return new SchemaGenerator("#/components/schemas/", true);
  }

  /** For Swagger 2.0 documents: refs into definitions. */
  static SchemaGenerator swaggerV2() {
    return new SchemaGenerator("#/definitions/", false);
  }

  /** A reference to a schema name, in this dialect. */
  ObjectNode ref(String name) {
    return JSON.objectNode().put("$ref", refPrefix + name);
  }

  /** Generates the schema of a model class and everything it refers to; returns its name. */
  String define(Class<?> type) {
    String known = names.get(type);
    if (known != null) {
      return known;
    }
    String name = KubeSchemas.schemaName(type);
    Class<?> other = owners.putIfAbsent(name, type);
    if (other != null) {
      throw new IllegalStateException(type.getName() + " and " + other.getName() + " both map to schema " + name
          + "; add one of them to KubeSchemas' name tables");
    }
    names.put(type, name); // before the body: model types can refer to themselves
    Set<String> deps = new TreeSet<>();
    dependencies.put(name, deps);
    schemas.put(name, objectSchema(type, deps));
    return name;
  }

  /** The named schemas reachable from the given roots, sorted by name (as Kubernetes serves them). */
  ObjectNode closure(Collection<String> roots) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (seen.add(name)) {
        todo.addAll(dependencies.getOrDefault(name, Set.of()));
      }
    }
    ObjectNode out = JSON.objectNode();
    new TreeSet<>(seen).forEach(n -> out.set(n, schemas.get(n).deepCopy()));
    return out;
  }

  private ObjectNode objectSchema(Class<?> type, Set<String> deps) {
    String simple = type.getSimpleName();
    ObjectNode schema = JSON.objectNode();
    String description = KubeSchemas.description(simple);
    if (description != null) {
      schema.put("description", description);
    }
    schema.put("type", "object");
    Map<String, Field> fields = new TreeMap<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        JsonProperty property = f.getAnnotation(JsonProperty.class);
        if (property != null && !Modifier.isStatic(f.getModifiers()) && !f.isAnnotationPresent(JsonIgnore.class)) {
          fields.putIfAbsent(property.value().isEmpty() ? f.getName() : property.value(), f);
        }
      }
    }
    boolean topLevel = type.isAnnotationPresent(Version.class) && fields.containsKey("kind");
    String owner = topLevel ? simple : null;
    if (!fields.isEmpty()) {
      ObjectNode properties = schema.putObject("properties");
      fields.forEach((json, f) -> properties.set(json, property(simple, owner, json, f.getGenericType(), deps)));
    }
    List<String> required = KubeSchemas.required(type);
    if (!required.isEmpty()) {
      ArrayNode array = schema.putArray("required");
      required.forEach(array::add);
    }
    if (topLevel) {
      Group group = type.getAnnotation(Group.class);
      schema.putArray("x-kubernetes-group-version-kind").addObject()
          .put("group", group == null ? "" : group.value())
          .put("kind", simple)
          .put("version", type.getAnnotation(Version.class).value());
    }
    return schema;
  }

  /** A property's schema; owner is the kind's name for top-level kinds (whose standard fields get descriptions). */
  private ObjectNode property(String simple, String owner, String json, Type type, Set<String> deps) {
    ObjectNode schema = typeSchema(type, json, deps);
    ObjectNode extras = JSON.objectNode();
    String description = owner == null ? null : KubeSchemas.fieldDescription(owner, json);
    // Status.status is a string, not an object status: only object-valued spec/status get the standard text.
    boolean standard = !(json.equals("spec") || json.equals("status")) || schema.has("$ref");
    if (description != null && standard) {
      extras.put("description", description);
    }
    String[] patch = KubeSchemas.patchDirective(simple, json);
    if (patch != null) {
      if (patch[1] != null) {
        extras.put("x-kubernetes-patch-merge-key", patch[1]);
      }
      extras.put("x-kubernetes-patch-strategy", patch[0]);
    }
    if (extras.isEmpty()) {
      return schema;
    }
    if (v3 && schema.has("$ref")) {
      // OpenAPI 3 ignores the siblings of a $ref, so Kubernetes moves the ref into allOf.
      ObjectNode wrapped = JSON.objectNode();
      wrapped.putArray("allOf").add(schema);
      schema = wrapped;
    }
    return schema.setAll(extras);
  }

  private ObjectNode typeSchema(Type type, String json, Set<String> deps) {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        ObjectNode array = JSON.objectNode().put("type", "array");
        array.set("items", typeSchema(args[0], json, deps));
        return array;
      }
      if (Map.class.isAssignableFrom(raw)) {
        ObjectNode map = JSON.objectNode().put("type", "object");
        map.set("additionalProperties", typeSchema(args[1], json, deps));
        return map;
      }
      return typeSchema(raw, json, deps);
    }
    if (!(type instanceof Class<?> c)) {
      return freeForm();
    }
    if (c == String.class) {
      return KubeSchemas.isTimeField(json) ? named(KubeSchemas.TIME, "string", "date-time", deps)
          : JSON.objectNode().put("type", "string");
    }
    if (c == Integer.class || c == int.class || c == Short.class || c == short.class) {
      return JSON.objectNode().put("type", "integer").put("format", "int32");
    }
    if (c == Long.class || c == long.class) {
      return JSON.objectNode().put("type", "integer").put("format", "int64");
    }
    if (c == Boolean.class || c == boolean.class) {
      return JSON.objectNode().put("type", "boolean");
    }
    if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
      return JSON.objectNode().put("type", "number").put("format", "double");
    }
    if (c == byte[].class) {
      return JSON.objectNode().put("type", "string").put("format", "byte");
    }
    if (c.isEnum()) {
      ObjectNode e = JSON.objectNode().put("type", "string");
      ArrayNode values = e.putArray("enum");
      for (Object constant : c.getEnumConstants()) {
        values.add(constant.toString());
      }
      return e;
    }
    if (Temporal.class.isAssignableFrom(c) || c.getSimpleName().equals("MicroTime")) {
      return named(KubeSchemas.MICRO_TIME, "string", "date-time", deps);
    }
    if (c.getSimpleName().equals("IntOrString")) {
      ObjectNode ref = named(KubeSchemas.INT_OR_STRING, "string", "int-or-string", deps);
      schemas.get(KubeSchemas.INT_OR_STRING).put("x-kubernetes-int-or-string", true);
      return ref;
    }
    if (c.getSimpleName().equals("Quantity")) {
      return named(KubeSchemas.QUANTITY, "string", null, deps);
    }
    if (c.getSimpleName().equals("Duration") || c == java.time.Duration.class) {
      return JSON.objectNode().put("type", "string");
    }
    if (c == Object.class || c.getSimpleName().equals("AnyType")) {
      ObjectNode ref = named(KubeSchemas.RAW_EXTENSION, "object", null, deps);
      schemas.get(KubeSchemas.RAW_EXTENSION).put("x-kubernetes-preserve-unknown-fields", true);
      return ref;
    }
    if (c.isInterface() || Modifier.isAbstract(c.getModifiers()) || c.getName().startsWith("java.")) {
      return freeForm();
    }
    String name = define(c);
    deps.add(name);
    return ref(name);
  }

  /** Defines a schema without properties under a Kubernetes name (such as meta/v1 Patch); returns the name. */
  String defineScalar(String name, String type) {
    named(name, type, null, new TreeSet<>());
    return name;
  }

  /** A reference to a scalar schema that Kubernetes publishes under its own name (Quantity, Time, ...). */
  private ObjectNode named(String name, String type, String format, Set<String> deps) {
    if (!schemas.containsKey(name)) {
      ObjectNode scalar = JSON.objectNode();
      String description = KubeSchemas.description(name.substring(name.lastIndexOf('.') + 1));
      if (description != null) {
        scalar.put("description", description);
      }
      scalar.put("type", type);
      if (format != null) {
        scalar.put("format", format);
      }
      schemas.put(name, scalar);
      dependencies.put(name, Set.of());
    }
    deps.add(name);
    return ref(name);
  }

  private static ObjectNode freeForm() {
    return JSON.objectNode().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
  }
}

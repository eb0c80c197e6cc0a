package io.tugboat.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' strict decoding: decodes an object into its typed model to find fields the kind does not have and
 * values of the wrong JSON type, reported in Kubernetes' words.
 */
public final class StrictDecoder {

  /** What strict decoding found: every unknown field, and the first type error (null if none). */
  public record Result(List<String> unknownFields, String typeError) {

    public Result {
      unknownFields = List.copyOf(unknownFields);
    }

    /** True when the object decoded cleanly. */
    public boolean ok() {
      return unknownFields.isEmpty() && typeError == null;
    }
  }

  private static final String ADDITIONAL_PROPERTIES = "additionalProperties";
  private static final ObjectMapper MAPPER = strictMapper();

  private StrictDecoder() {}

  /** Decodes {@code obj} as {@code type}'s model class and reports what a strict Kubernetes decoder would reject. */
  public static Result check(ResourceType type, JsonNode obj) {
    List<String> unknown = new ArrayList<>();
    try {
      MAPPER.reader()
          .withHandler(new UnknownFieldCollector(unknown))
          .forType(type.modelClass())
          .readValue(MAPPER.treeAsTokens(obj));
      return new Result(unknown, null);
    } catch (MismatchedInputException e) {
      return new Result(unknown, typeError(type, obj, e));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return new Result(unknown, "json: " + e.getOriginalMessage());
    } catch (IOException e) {
      return new Result(unknown, "json: " + e.getMessage());
    }
  }

  private static ObjectMapper strictMapper() {
    JsonMapper mapper = JsonMapper.builder()
        // fabric8 keeps unknown fields in additionalProperties; without any-setters they are unknown again.
        .annotationIntrospector(new JacksonAnnotationIntrospector() {
          @Override
          public Boolean hasAnySetter(Annotated a) {
            return Boolean.FALSE;
          }

          @Override
          public boolean hasAnySetterAnnotation(com.fasterxml.jackson.databind.introspect.AnnotatedMethod m) {
            return false;
          }

          @Override
          public Boolean hasAnyGetter(Annotated a) {
            return Boolean.FALSE;
          }

          // An ignored "additionalProperties" would be skipped silently; un-ignored, the modifier below drops it.
          @Override
          public boolean hasIgnoreMarker(com.fasterxml.jackson.databind.introspect.AnnotatedMember m) {
            return !m.getName().endsWith(ADDITIONAL_PROPERTIES.substring(1)) && super.hasIgnoreMarker(m);
          }
        })
        .addModule(new com.fasterxml.jackson.databind.module.SimpleModule().setDeserializerModifier(
            new com.fasterxml.jackson.databind.deser.BeanDeserializerModifier() {
              @Override
              public com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder updateBuilder(
                  com.fasterxml.jackson.databind.DeserializationConfig config,
                  com.fasterxml.jackson.databind.BeanDescription beanDesc,
                  com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder builder) {
                builder.removeProperty(com.fasterxml.jackson.databind.PropertyName.construct(ADDITIONAL_PROPERTIES));
                return builder;
              }
            }))
        // Lease times (acquireTime, renewTime) are java.time values in the fabric8 model.
        .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
    // Go's encoding/json never turns numbers or booleans into strings, or strings into numbers.
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
      mapper.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    return mapper;
  }

  /** Records each unknown property with its full path and skips its value, so decoding finds them all. */
  private static final class UnknownFieldCollector extends DeserializationProblemHandler {
    private final List<String> unknown;

    UnknownFieldCollector(List<String> unknown) {
      this.unknown = unknown;
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
        Object beanOrClass, String propertyName) throws IOException {
      unknown.add("unknown field \"" + path(p.getParsingContext()) + "\"");
      p.skipChildren();
      return true;
    }
  }

  // Kubernetes prints unknown fields as a.b[0].c.
  private static String path(JsonStreamContext ctx) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        parts.add(0, "." + c.getCurrentName());
      }
    }
    String joined = String.join("", parts);
    return joined.startsWith(".") ? joined.substring(1) : joined;
  }

  // Go: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32
  private static String typeError(ResourceType type, JsonNode obj, MismatchedInputException e) {
    StringBuilder field = new StringBuilder();
    String struct = type.kind();
    JsonNode value = obj;
    for (JsonMappingException.Reference ref : e.getPath()) {
      Object from = ref.getFrom();
      if (ref.getFieldName() != null) {
        value = value.path(ref.getFieldName());
        // Go names the struct that holds the field, and leaves map keys and list indices out of the path.
        if (from instanceof Map<?, ?>) {
          continue;
        }
        if (from != null && !(from instanceof Collection<?>)) {
          struct = (from instanceof Class<?> c ? c : from.getClass()).getSimpleName();
        }
        field.append(field.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        value = value.path(ref.getIndex());
      }
    }
    String kind = jsonKind(value);
    if (field.length() == 0) {
      return "json: cannot unmarshal " + kind + " into Go value of type " + goType(e.getTargetType());
    }
    return "json: cannot unmarshal " + kind + " into Go struct field " + struct + "." + field + " of type "
        + goType(e.getTargetType());
  }

  private static String jsonKind(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isNumber()) {
      return "number";
    }
    if (value.isBoolean()) {
      return "bool";
    }
    if (value.isArray()) {
      return "array";
    }
    return value.isObject() ? "object" : "value";
  }

  private static String goType(Class<?> target) {
    if (target == null) {
      return "interface {}";
    }
    if (target == Integer.class || target == int.class) {
      return "int32";
    }
    if (target == Long.class || target == long.class) {
      return "int64";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "bool";
    }
    if (target == String.class) {
      return "string";
    }
    if (target == Double.class || target == double.class || target == Float.class) {
      return "float64";
    }
    if (Map.class.isAssignableFrom(target)) {
      return "map[string]string";
    }
    if (Collection.class.isAssignableFrom(target)) {
      return "[]interface {}";
    }
    return target.getSimpleName().equals("IntOrString") ? "intstr.IntOrString" : "v1." + target.getSimpleName();
  }
}

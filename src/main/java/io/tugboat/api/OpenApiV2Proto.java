package io.tugboat.api;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Locale;
import java.util.Map;
import org.openapi_v2.Any;
import org.openapi_v2.Document;

/**
 * The Swagger 2.0 document of {@link OpenApi#v2()} as gnostic's {@code openapi_v2.Document} protobuf, which kubectl
 * 1.27 and 1.28 fetch to validate manifests and to look up patch strategies.
 *
 * <p>The conversion follows gnostic's compiler: JSON properties map onto the message field with the same JSON name
 * ({@code $ref} onto {@code _ref}); maps become lists of {@code Named*} pairs in document order; {@code x-*} keys
 * become {@code vendor_extension} entries, and free-form values ({@code default}, {@code enum}, {@code example},
 * extensions) become {@code Any} messages holding their YAML text, which is how kubectl reads
 * {@code x-kubernetes-group-version-kind} and the patch directives. The few oneof wrappers are resolved the way
 * gnostic resolves them (a parameter by its {@code in}, a security scheme by its {@code type} and {@code flow}).
 * A key the message has no field for is an error rather than silently dropped, so a change to the JSON document
 * that the protobuf cannot carry fails the tests instead of kubectl.
 */
public final class OpenApiV2Proto {

  /** The media type kubectl 1.27/1.28 ask for on /openapi/v2. */
  public static final String MEDIA_TYPE = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

  /**
   * The type of the reply, as kube-apiserver sends it: Go's mime parser (and so kubectl) rejects the '@' of the
   * requested type with "unexpected content after media subtype", so the server answers with its dotted spelling.
   */
  public static final String REPLY_MEDIA_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private static final ContentType CONTENT_TYPE = MediaTypes.customBinary("application",
      REPLY_MEDIA_TYPE.substring("application/".length()), false).toContentType();

  /** Quotes every string, so a value such as "true" or "1" keeps its type when kubectl parses the YAML back. */
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  private OpenApiV2Proto() {}

  /** True if an Accept header prefers the protobuf document (either spelling) to JSON. */
  public static boolean accepts(String accept) {
    int proto = accept.indexOf("com.github.proto-openapi.spec.v2");
    int json = accept.indexOf("json");
    return proto >= 0 && (json < 0 || proto < json);
  }

  /** The 200 reply carrying the encoded document; built once, immutable, shared by every request. */
  public static HttpResponse response() {
    return Cached.RESPONSE;
  }

  /** The encoded document (a fresh copy). */
  public static byte[] bytes() {
    return Cached.DOCUMENT.toByteArray();
  }

  /** Converts a Swagger 2.0 document in JSON form to the gnostic message. */
  public static Document convert(JsonNode swagger) {
    Document.Builder document = Document.newBuilder();
    fill(document, swagger, "#");
    return document.build();
  }

  /** Fills a message from the JSON object of the same shape. */
  private static void fill(Message.Builder builder, JsonNode json, String where) {
    Descriptor type = builder.getDescriptorForType();
    if (!json.isObject()) {
      throw error(where, "expected an object for " + type.getName() + ", found " + json.getNodeType());
    }
    switch (type.getName()) {
      case "Paths" -> namedEntries(builder, json, where, "path");
      case "Responses" -> namedEntries(builder, json, where, "response_code");
      default -> {
        FieldDescriptor pairs = type.findFieldByName("additional_properties");
        if (pairs != null && type.getFields().size() == 1) {
          namedEntries(builder, json, where, "additional_properties");
        } else {
          properties(builder, json, where);
        }
      }
    }
  }

  /** An ordinary message: each property onto the field of the same JSON name, extensions aside. */
  private static void properties(Message.Builder builder, JsonNode json, String where) {
    Descriptor type = builder.getDescriptorForType();
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      String key = e.getKey();
      String at = pointer(where, key);
      if (key.startsWith("x-")) {
        vendorExtension(builder, key, e.getValue(), at);
        continue;
      }
      FieldDescriptor field = key.equals("$ref") ? type.findFieldByName("_ref") : byJsonName(type, key);
      if (field == null) {
        throw error(at, type.getName() + " has no field for it");
      }
      set(builder, field, e.getValue(), at);
    }
  }

  /** A JSON map whose entries become {@code Named*} messages in one repeated field; x-* keys become extensions. */
  private static void namedEntries(Message.Builder builder, JsonNode json, String where, String fieldName) {
    FieldDescriptor field = builder.getDescriptorForType().findFieldByName(fieldName);
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      String at = pointer(where, e.getKey());
      if (e.getKey().startsWith("x-") && builder.getDescriptorForType().findFieldByName("vendor_extension") != null) {
        vendorExtension(builder, e.getKey(), e.getValue(), at);
        continue;
      }
      Message.Builder pair = builder.newBuilderForField(field);
      pair.setField(pair.getDescriptorForType().findFieldByName("name"), e.getKey());
      FieldDescriptor value = pair.getDescriptorForType().findFieldByName("value");
      pair.setField(value, value(pair, value, e.getValue(), at));
      builder.addRepeatedField(field, pair.build());
    }
  }

  private static void vendorExtension(Message.Builder builder, String key, JsonNode value, String where) {
    FieldDescriptor field = builder.getDescriptorForType().findFieldByName("vendor_extension");
    if (field == null) {
      throw error(where, builder.getDescriptorForType().getName() + " takes no extensions");
    }
    Message.Builder pair = builder.newBuilderForField(field);
    pair.setField(pair.getDescriptorForType().findFieldByName("name"), key);
    pair.setField(pair.getDescriptorForType().findFieldByName("value"), any(value, where));
    builder.addRepeatedField(field, pair.build());
  }

  /** Sets one field from a JSON value; a repeated field takes an array. */
  private static void set(Message.Builder builder, FieldDescriptor field, JsonNode json, String where) {
    if (!field.isRepeated()) {
      builder.setField(field, value(builder, field, json, where));
      return;
    }
    if (json.isArray()) {
      for (int i = 0; i < json.size(); i++) {
        builder.addRepeatedField(field, value(builder, field, json.get(i), where + "/" + i));
      }
    } else {
      throw error(where, "expected an array for " + field.getName());
    }
  }

  /** The protobuf value of one (non-repeated or element) field. */
  private static Object value(Message.Builder parent, FieldDescriptor field, JsonNode json, String where) {
    return switch (field.getJavaType()) {
      case STRING -> text(json, where);
      case BOOLEAN -> {
        requireType(json.isBoolean(), json, "a boolean", where);
        yield json.booleanValue();
      }
      case DOUBLE -> {
        requireType(json.isNumber(), json, "a number", where);
        yield json.doubleValue();
      }
      case LONG -> {
        requireType(json.canConvertToLong() && json.isIntegralNumber(), json, "an integer", where);
        yield json.longValue();
      }
      case MESSAGE -> message(parent.newBuilderForField(field), json, where);
      default -> throw error(where, "unsupported field type " + field.getType());
    };
  }

  /** A message value, resolving gnostic's wrapper and oneof messages by the JSON they stand for. */
  private static Message message(Message.Builder builder, JsonNode json, String where) {
    Descriptor type = builder.getDescriptorForType();
    switch (type.getName()) {
      case "Any" -> {
        return any(json, where);
      }
      // A type, and the items of an array, are most often one value in JSON but always a list in the message.
      case "TypeItem", "StringArray" -> set(builder, type.findFieldByName("value"), asArray(json), where);
      case "ItemsItem" -> set(builder, type.findFieldByName("schema"), asArray(json), where);
      case "AdditionalPropertiesItem" -> oneof(builder, json.isBoolean() ? "boolean" : "schema", json, where);
      case "SchemaItem" -> oneof(builder, "file".equals(json.path("type").asText()) ? "file_schema" : "schema",
          json, where);
      case "ParametersItem", "ResponseValue" -> oneof(builder, json.has("$ref") ? "json_reference"
          : type.getName().equals("ParametersItem") ? "parameter" : "response", json, where);
      case "Parameter" -> oneof(builder, "body".equals(json.path("in").asText()) ? "body_parameter"
          : "non_body_parameter", json, where);
      case "NonBodyParameter" -> oneof(builder, nonBodyParameter(json, where), json, where);
      case "SecurityDefinitionsItem" -> oneof(builder, securityScheme(json, where), json, where);
      default -> fill(builder, json, where);
    }
    return builder.build();
  }

  private static void oneof(Message.Builder builder, String fieldName, JsonNode json, String where) {
    FieldDescriptor field = builder.getDescriptorForType().findFieldByName(fieldName);
    builder.setField(field, value(builder, field, json, where));
  }

  private static String nonBodyParameter(JsonNode json, String where) {
    return switch (json.path("in").asText()) {
      case "header" -> "header_parameter_sub_schema";
      case "formData" -> "form_data_parameter_sub_schema";
      case "query" -> "query_parameter_sub_schema";
      case "path" -> "path_parameter_sub_schema";
      default -> throw error(where, "a parameter must be in header, formData, query, path or body");
    };
  }

  private static String securityScheme(JsonNode json, String where) {
    String type = json.path("type").asText();
    if (type.equals("basic")) {
      return "basic_authentication_security";
    }
    if (type.equals("apiKey")) {
      return "api_key_security";
    }
    return switch (type.equals("oauth2") ? json.path("flow").asText() : "") {
      case "implicit" -> "oauth2_implicit_security";
      case "password" -> "oauth2_password_security";
      case "application" -> "oauth2_application_security";
      case "accessCode" -> "oauth2_access_code_security";
      default -> throw error(where, "a security scheme must be basic, apiKey or oauth2 with a known flow");
    };
  }

  /** A free-form value as gnostic keeps it: its YAML text. */
  private static Any any(JsonNode json, String where) {
    try {
      return Any.newBuilder().setYaml(YAML.writeValueAsString(json)).build();
    } catch (JsonProcessingException e) {
      throw error(where, "cannot write as YAML: " + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode json, String where) {
    requireType(json.isTextual(), json, "a string", where);
    return json.textValue();
  }

  private static JsonNode asArray(JsonNode json) {
    return json.isArray() ? json : JsonNodeFactory.instance.arrayNode().add(json);
  }

  private static FieldDescriptor byJsonName(Descriptor type, String key) {
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJsonName().equals(key)) {
        return f;
      }
    }
    return null;
  }

  private static void requireType(boolean ok, JsonNode json, String expected, String where) {
    if (!ok) {
      throw error(where, "expected " + expected + ", found " + json.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
  }

  /** The JSON pointer of a property, for error messages. */
  private static String pointer(String where, String key) {
    return where + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  private static IllegalArgumentException error(String where, String why) {
    return new IllegalArgumentException("OpenAPI v2 to protobuf: " + where + ": " + why);
  }

  /** The encoded document and its reply, built on first use (the holder idiom makes that lazy and thread-safe). */
  private static final class Cached {
    static final Document DOCUMENT = convert(OpenApi.v2());
    static final HttpResponse RESPONSE =
        HttpResponse.create().withStatus(200).withEntity(HttpEntities.create(CONTENT_TYPE, DOCUMENT.toByteArray()));
  }
}

package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openapi_v2.Document;
import org.openapi_v2.NamedAny;
import org.openapi_v2.NamedPathItem;
import org.openapi_v2.NamedSchema;
import org.openapi_v2.Operation;
import org.openapi_v2.Parameter;
import org.openapi_v2.ParametersItem;
import org.openapi_v2.Schema;

/** The gnostic protobuf form of /openapi/v2, read back the way kubectl 1.27/1.28 read it. */
class OpenApiV2ProtoTest {

  private static final String DEPLOYMENT = "io.k8s.api.apps.v1.Deployment";

  private static Document served() throws InvalidProtocolBufferException {
    return Document.parseFrom(OpenApiV2Proto.bytes());
  }

  @Test
  void bytesParseBackToTheConvertedDocument() throws Exception {
    Document doc = served();
    assertEquals(OpenApiV2Proto.convert(OpenApi.v2()), doc);
    assertEquals("2.0", doc.getSwagger());
    assertEquals("Kubernetes", doc.getInfo().getTitle());
    assertEquals("unversioned", doc.getInfo().getVersion());
  }

  @Test
  void definitionsAreTheJsonDefinitionsInOrder() throws Exception {
    List<String> json = new ArrayList<>();
    OpenApi.v2().get("definitions").fieldNames().forEachRemaining(json::add);
    List<String> proto = served().getDefinitions().getAdditionalPropertiesList().stream()
        .map(NamedSchema::getName).toList();
    assertEquals(json, proto);
  }

  @Test
  void deploymentDefinitionCarriesTypePropertiesRefsAndItsGvkList() throws Exception {
    Schema deployment = definition(served(), DEPLOYMENT);
    assertEquals(List.of("object"), deployment.getType().getValueList());
    assertFalse(deployment.getDescription().isEmpty());
    Schema spec = property(deployment, "spec");
    assertEquals("#/definitions/io.k8s.api.apps.v1.DeploymentSpec", spec.getRef());
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        property(deployment, "metadata").getRef());
    JsonNode gvk = yaml(extension(deployment.getVendorExtensionList(), "x-kubernetes-group-version-kind"));
    assertEquals(Json.MAPPER.readTree("[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]"), gvk);
    JsonNode coreGvk = yaml(extension(definition(served(), "io.k8s.api.core.v1.ConfigMap").getVendorExtensionList(),
        "x-kubernetes-group-version-kind"));
    assertEquals("", coreGvk.get(0).get("group").textValue(), "the core group is an empty string, not null");
  }

  @Test
  void patchDirectivesAreExtensionsOfTheirProperties() throws Exception {
    Schema containers = property(definition(served(), "io.k8s.api.core.v1.PodSpec"), "containers");
    assertEquals(List.of("array"), containers.getType().getValueList());
    assertEquals(1, containers.getItems().getSchemaCount());
    assertEquals("#/definitions/io.k8s.api.core.v1.Container", containers.getItems().getSchema(0).getRef());
    assertEquals("name", yaml(extension(containers.getVendorExtensionList(), "x-kubernetes-patch-merge-key"))
        .textValue());
    assertEquals("merge", yaml(extension(containers.getVendorExtensionList(), "x-kubernetes-patch-strategy"))
        .textValue());
  }

  @Test
  void mapsAndScalarsKeepTheirShape() throws Exception {
    Schema labels = property(definition(served(), "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), "labels");
    assertEquals(List.of("object"), labels.getType().getValueList());
    assertEquals(List.of("string"), labels.getAdditionalProperties().getSchema().getType().getValueList());
    Schema replicas = property(definition(served(), "io.k8s.api.apps.v1.DeploymentSpec"), "replicas");
    assertEquals(List.of("integer"), replicas.getType().getValueList());
    assertEquals("int32", replicas.getFormat());
  }

  @Test
  void everyKindsPatchOperationOffersFieldValidationAsKubectlLooksForIt() throws Exception {
    Document doc = served();
    for (ResourceType t : ResourceRegistry.all()) {
      assertTrue(supportsFieldValidation(doc, t.group(), t.version(), t.kind()),
          t.kind() + ": kubectl 1.27 would fall back to client-side validation");
    }
    assertFalse(supportsFieldValidation(doc, "apps", "v1", "Widget"));
  }

  @Test
  void operationsKeepBodyParametersResponsesAndMediaTypes() throws Exception {
    Operation post = path(served(), "/apis/apps/v1/namespaces/{namespace}/deployments").getValue().getPost();
    assertEquals("createAppsV1NamespacedDeployment", post.getOperationId());
    Parameter body = post.getParameters(0).getParameter();
    assertEquals("body", body.getBodyParameter().getIn());
    assertTrue(body.getBodyParameter().getRequired());
    assertEquals("#/definitions/" + DEPLOYMENT, body.getBodyParameter().getSchema().getRef());
    assertEquals(List.of("*/*"), post.getConsumesList());
    assertTrue(post.getProducesList().contains("application/json"));
    List<String> codes = post.getResponses().getResponseCodeList().stream().map(r -> r.getName()).toList();
    assertEquals(List.of("200", "201", "202", "401"), codes);
    assertEquals("#/definitions/" + DEPLOYMENT,
        post.getResponses().getResponseCode(0).getValue().getResponse().getSchema().getSchema().getRef());
    assertEquals("post", yaml(extension(post.getVendorExtensionList(), "x-kubernetes-action")).textValue());

    ParametersItem name = path(served(), "/apis/apps/v1/namespaces/{namespace}/deployments/{name}").getValue()
        .getParameters(0);
    assertEquals("name", name.getParameter().getNonBodyParameter().getPathParameterSubSchema().getName());
    assertTrue(name.getParameter().getNonBodyParameter().getPathParameterSubSchema().getRequired());
  }

  @Test
  void securityIsTheBearerTokenApiKey() throws Exception {
    Document doc = served();
    assertEquals("BearerToken", doc.getSecurity(0).getAdditionalProperties(0).getName());
    var scheme = doc.getSecurityDefinitions().getAdditionalProperties(0);
    assertEquals("BearerToken", scheme.getName());
    assertEquals("authorization", scheme.getValue().getApiKeySecurity().getName());
    assertEquals("header", scheme.getValue().getApiKeySecurity().getIn());
  }

  @Test
  void enumValuesAreQuotedYamlSoTheyStayStrings() throws Exception {
    ObjectNode swagger = Json.object().put("swagger", "2.0");
    swagger.putObject("definitions").putObject("X").put("type", "string").putArray("enum").add("true").add("1");
    Schema x = OpenApiV2Proto.convert(swagger).getDefinitions().getAdditionalProperties(0).getValue();
    assertEquals("true", yaml(x.getEnum(0).getYaml()).textValue());
    assertTrue(yaml(x.getEnum(1).getYaml()).isTextual());
  }

  @Test
  void rejectsWhatTheMessageCannotCarryNamingWhere() {
    ObjectNode swagger = Json.object().put("swagger", "2.0");
    swagger.putObject("definitions").putObject("X").put("type", "object").put("colour", "red");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenApiV2Proto.convert(swagger));
    assertTrue(e.getMessage().contains("#/definitions/X/colour"), e.getMessage());
    ObjectNode wrongType = Json.object().put("swagger", 2);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OpenApiV2Proto.convert(wrongType)).getMessage()
        .contains("#/swagger: expected a string"));
  }

  @Test
  void acceptsOnlyTheGnosticMediaTypeWhenPreferredToJson() {
    assertTrue(OpenApiV2Proto.accepts(OpenApiV2Proto.MEDIA_TYPE));
    assertTrue(OpenApiV2Proto.accepts(OpenApiV2Proto.MEDIA_TYPE + ", application/json"));
    assertTrue(OpenApiV2Proto.accepts(OpenApiV2Proto.REPLY_MEDIA_TYPE));
    assertFalse(OpenApiV2Proto.accepts("application/json, " + OpenApiV2Proto.MEDIA_TYPE));
    assertFalse(OpenApiV2Proto.accepts("application/json"));
    assertFalse(OpenApiV2Proto.accepts("application/vnd.kubernetes.protobuf"));
    assertFalse(OpenApiV2Proto.accepts(""));
  }

  @Test
  void responseIsCachedAndTypedWithTheMediaTypeGoCanParse() {
    HttpResponse r = OpenApiV2Proto.response();
    assertEquals(200, r.status().intValue());
    assertEquals(OpenApiV2Proto.REPLY_MEDIA_TYPE, r.entity().getContentType().toString());
    assertArrayEquals(OpenApiV2Proto.bytes(), ((HttpEntity.Strict) r.entity()).getData().toArray());
    assertTrue(r == OpenApiV2Proto.response(), "built once");
  }

  @Test
  void serverAnswersBothPathsWithProtobufAndJsonOtherwise() throws Exception {
    try (TestServer server = TestServer.start()) {
      HttpClient http = HttpClient.newHttpClient();
      for (String p : List.of("/openapi/v2", "/swagger-2.0.0.pb-v1")) {
        var r = http.send(server.request(p).header("Accept", OpenApiV2Proto.MEDIA_TYPE).GET().build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), p);
        assertEquals(OpenApiV2Proto.REPLY_MEDIA_TYPE, r.headers().firstValue("Content-Type").orElse(""), p);
        assertEquals(served(), Document.parseFrom(r.body()), p);
      }
      TestServer.Reply json = server.get("/openapi/v2", "application/json");
      assertEquals(200, json.code(), json::toString);
      assertEquals("2.0", json.json().path("swagger").asText());
      StatusAssert.assertStatus(server.get("/openapi/v2", "application/vnd.kubernetes.protobuf"), 404, "NotFound");
    }
  }

  // ---- reading the document as kubectl does ----

  /** kubectl's supportsQueryParam: the first PATCH tagged with the kind decides; its query parameters must list it. */
  private static boolean supportsFieldValidation(Document doc, String group, String version, String kind)
      throws IOException {
    for (NamedPathItem path : doc.getPaths().getPathList()) {
      Operation op = path.getValue().hasPatch() ? path.getValue().getPatch() : null;
      if (op == null) {
        continue;
      }
      Optional<NamedAny> gvk = op.getVendorExtensionList().stream()
          .filter(e -> e.getName().equals("x-kubernetes-group-version-kind")).findFirst();
      if (gvk.isEmpty()) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, String> value = Json.YAML.readValue(gvk.get().getValue().getYaml(), Map.class);
      if (!value.equals(Map.of("group", group, "version", version, "kind", kind))) {
        continue;
      }
      return op.getParametersList().stream().anyMatch(p ->
          p.getParameter().getNonBodyParameter().getQueryParameterSubSchema().getName().equals("fieldValidation"));
    }
    return false;
  }

  private static Schema definition(Document doc, String name) {
    return doc.getDefinitions().getAdditionalPropertiesList().stream().filter(s -> s.getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no definition " + name)).getValue();
  }

  private static Schema property(Schema schema, String name) {
    return schema.getProperties().getAdditionalPropertiesList().stream().filter(s -> s.getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no property " + name)).getValue();
  }

  private static NamedPathItem path(Document doc, String name) {
    return doc.getPaths().getPathList().stream().filter(p -> p.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no path " + name));
  }

  private static String extension(List<NamedAny> extensions, String name) {
    NamedAny found = extensions.stream().filter(e -> e.getName().equals(name)).findFirst().orElse(null);
    assertNotNull(found, "no extension " + name);
    return found.getValue().getYaml();
  }

  private static JsonNode yaml(String text) throws IOException {
    return Json.YAML.readTree(text);
  }
}

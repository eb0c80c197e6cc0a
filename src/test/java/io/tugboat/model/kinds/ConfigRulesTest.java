package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigRulesTest {

  @Test
  void acceptsGoodConfigMapKeys() {
    assertEquals(List.of(), ConfigRules.CONFIG_MAP.validate(yaml("data: {app.properties: x, KEY_1: y, -a: z}")));
  }

  @Test
  void rejectsBadConfigMapKeysWithKubernetesMessage() {
    assertEquals(List.of("data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric"
        + " characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation"
        + " is '[-._a-zA-Z0-9]+')"), described(ConfigRules.CONFIG_MAP.validate(yaml("data: {a b: x}"))));
    assertEquals(List.of("data[..x]: Invalid value: \"..x\": must not start with '..'"),
        described(ConfigRules.CONFIG_MAP.validate(yaml("data: {..x: y}"))));
  }

  @Test
  void keysMustBeUniqueAcrossDataAndBinaryData() {
    assertEquals(List.of("data[k]: Invalid value: \"k\": duplicate of key present in binaryData",
        "binaryData[k]: Invalid value: \"k\": duplicate of key present in data"),
        described(ConfigRules.CONFIG_MAP.validate(yaml("{data: {k: v}, binaryData: {k: aGk=}}"))));
  }

  @Test
  void immutableConfigMapsKeepTheirData() {
    ObjectNode old = yaml("{immutable: true, data: {k: v}}");
    assertEquals(List.of(), ConfigRules.CONFIG_MAP.validateUpdate(old.deepCopy(), old));
    assertEquals(List.of("data: Forbidden: field is immutable when `immutable` is set"),
        described(ConfigRules.CONFIG_MAP.validateUpdate(yaml("{immutable: true, data: {k: w}}"), old)));
    assertEquals(List.of("immutable: Forbidden: field is immutable when `immutable` is set"),
        described(ConfigRules.CONFIG_MAP.validateUpdate(yaml("{immutable: false, data: {k: v}}"), old)));
  }

  @Test
  void secretsDefaultToOpaqueAndFoldStringData() {
    ObjectNode secret = yaml("{data: {a: YQ==}, stringData: {b: hello, a: over}}");
    ConfigRules.SECRET.applyDefaults(secret);
    assertEquals("Opaque", secret.get("type").asText());
    assertFalse(secret.has("stringData"));
    assertEquals(yaml("{a: b3Zlcg==, b: aGVsbG8=}"), secret.get("data"));
    assertEquals(List.of(), ConfigRules.SECRET.validate(secret));
  }

  @Test
  void secretDataMustBeBase64() {
    assertEquals(List.of("data[a]: Invalid value: \"<secret contents redacted>\": illegal base64 data at input byte 4"),
        described(ConfigRules.SECRET.validate(yaml("{type: Opaque, data: {a: 'aGVs!G8='}}"))));
    assertEquals(-1, ConfigRules.base64Problem("aGVsbG8="));
    assertEquals(-1, ConfigRules.base64Problem(""));
    assertEquals(4, ConfigRules.base64Problem("aGVsbG8"));
    assertEquals(1, ConfigRules.base64Problem("a==="));
  }

  @Test
  void typedSecretsNeedTheirKeys() {
    assertEquals(List.of("data[tls.crt]: Required value", "data[tls.key]: Required value"),
        described(ConfigRules.SECRET.validate(yaml("{type: kubernetes.io/tls, data: {}}"))));
  }

  @Test
  void secretTypeIsImmutable() {
    assertEquals(List.of("type: Invalid value: \"kubernetes.io/tls\": field is immutable"),
        described(ConfigRules.SECRET.validateUpdate(yaml("{type: kubernetes.io/tls}"), yaml("{type: Opaque}"))));
  }
}

package io.tugboat.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A container's environment as the kubelet makes it, and $(VAR) expansion. */
class EnvResolverTest {

  static final EnvResolver.PodContext CTX = new EnvResolver.PodContext("10.244.0.7", "10.0.0.5",
      Map.of("cpu", "4", "memory", "8Gi"));

  /** Sources from maps of ConfigMaps and Secrets (namespace/name → key → value). */
  static PodSources sources(Map<String, Map<String, String>> configMaps, Map<String, Map<String, String>> secrets) {
    return new PodSources() {
      @Override
      public Optional<Map<String, byte[]>> configMap(String namespace, String name) {
        return Optional.ofNullable(configMaps.get(namespace + "/" + name)).map(EnvResolverTest::bytes);
      }

      @Override
      public Optional<Map<String, byte[]>> secret(String namespace, String name) {
        return Optional.ofNullable(secrets.get(namespace + "/" + name)).map(EnvResolverTest::bytes);
      }
    };
  }

  static Map<String, byte[]> bytes(Map<String, String> m) {
    Map<String, byte[]> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  static final ObjectNode POD = PodStatusesTest.pod("""
      metadata:
        name: web
        namespace: shop
        uid: u-1
        labels: {app: web, tier: front}
        annotations: {note: "hi"}
      spec:
        nodeName: n1
        serviceAccountName: builder
        containers:
        - name: app
          image: busybox
          resources: {limits: {memory: 64Mi, cpu: 500m}, requests: {cpu: 250m}}
      """);

  static JsonNode container(String yaml) {
    return PodStatusesTest.pod(yaml);
  }

  @Test
  void valuesExpandEarlierVariablesAndKeepUndefinedOnes() throws Exception {
    JsonNode c = container("""
        name: app
        env:
        - {name: A, value: one}
        - {name: B, value: "$(A)-two"}
        - {name: C, value: "$(MISSING) $$(A) $A cost$"}
        - {name: D, value: "$(D_LATER)"}
        - {name: D_LATER, value: x}
        """);
    Map<String, String> env = EnvResolver.resolve(POD, c, sources(Map.of(), Map.of()), CTX);
    assertEquals("one", env.get("A"));
    assertEquals("one-two", env.get("B"));
    assertEquals("$(MISSING) $(A) $A cost$", env.get("C"));
    assertEquals("$(D_LATER)", env.get("D"));
  }

  @Test
  void commandAndArgsExpandWithTheEnvironment() {
    assertEquals(List.of("echo", "hello world", "$(NOPE)", "$(X)"),
        EnvResolver.expandAll(List.of("echo", "hello $(WHO)", "$(NOPE)", "$$(X)"), Map.of("WHO", "world")));
  }

  @Test
  void configMapAndSecretKeysAndEnvFromWithPrefix() throws Exception {
    JsonNode c = container("""
        name: app
        envFrom:
        - configMapRef: {name: settings}
        - prefix: DB_
          secretRef: {name: creds}
        env:
        - name: LEVEL
          valueFrom: {configMapKeyRef: {name: settings, key: level}}
        - name: PASS
          valueFrom: {secretKeyRef: {name: creds, key: password}}
        - name: APP_MODE
          value: overridden
        """);
    Map<String, String> env = EnvResolver.resolve(POD, c, sources(
        Map.of("shop/settings", Map.of("APP_MODE", "prod", "level", "debug", "bad key", "skipped")),
        Map.of("shop/creds", Map.of("user", "u", "password", "p"))), CTX);
    assertEquals("overridden", env.get("APP_MODE"));
    assertEquals("debug", env.get("LEVEL"));
    assertEquals("u", env.get("DB_user"));
    assertEquals("p", env.get("PASS"));
    assertFalse(env.containsKey("bad key"), "invalid names are skipped");
  }

  @Test
  void missingConfigMapOrKeyIsAConfigErrorWithKubernetesWordsUnlessOptional() throws Exception {
    PodSources none = sources(Map.of("shop/settings", Map.of("a", "1")), Map.of());
    ConfigError noMap = assertThrows(ConfigError.class, () -> EnvResolver.resolve(POD, container("""
        name: app
        env: [{name: X, valueFrom: {configMapKeyRef: {name: other, key: k}}}]
        """), none, CTX));
    assertEquals("configmap \"other\" not found", noMap.getMessage());
    assertEquals("CreateContainerConfigError", noMap.reason());
    ConfigError noKey = assertThrows(ConfigError.class, () -> EnvResolver.resolve(POD, container("""
        name: app
        env: [{name: X, valueFrom: {configMapKeyRef: {name: settings, key: k}}}]
        """), none, CTX));
    assertEquals("couldn't find key k in ConfigMap shop/settings", noKey.getMessage());
    ConfigError noSecret = assertThrows(ConfigError.class, () -> EnvResolver.resolve(POD, container("""
        name: app
        envFrom: [{secretRef: {name: creds}}]
        """), none, CTX));
    assertEquals("secret \"creds\" not found", noSecret.getMessage());
    Map<String, String> env = EnvResolver.resolve(POD, container("""
        name: app
        envFrom: [{secretRef: {name: creds, optional: true}}]
        env:
        - {name: X, valueFrom: {configMapKeyRef: {name: settings, key: k, optional: true}}}
        - {name: Y, valueFrom: {secretKeyRef: {name: nope, key: k, optional: true}}}
        """), none, CTX);
    assertEquals(Map.of(), env);
  }

  @Test
  void fieldRefsResolvePodFieldsAndTheNodesAddresses() throws Exception {
    JsonNode c = container("""
        name: app
        env:
        - {name: N, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
        - {name: UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}
        - {name: L, valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}}
        - {name: AN, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['note']"}}}
        - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        - {name: SA, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}
        - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
        - {name: HOST, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
        """);
    Map<String, String> env = EnvResolver.resolve(POD, c, sources(Map.of(), Map.of()), CTX);
    assertEquals(Map.of("N", "web", "NS", "shop", "UID", "u-1", "L", "front", "AN", "hi", "NODE", "n1", "SA",
        "builder", "IP", "10.244.0.7", "HOST", "10.0.0.5"), env);
  }

  @Test
  void resourceFieldRefsDivideAndRoundUpAndDefaultLimitsToTheNode() throws Exception {
    JsonNode app = POD.path("spec").path("containers").get(0);
    JsonNode c = container("""
        name: app
        resources: {limits: {memory: 64Mi, cpu: 500m}, requests: {cpu: 250m}}
        env:
        - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
        - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
        - {name: CPU_M, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
        - {name: OTHER_MEM, valueFrom: {resourceFieldRef: {containerName: app, resource: limits.memory}}}
        """);
    Map<String, String> env = EnvResolver.resolve(POD, c, sources(Map.of(), Map.of()), CTX);
    assertEquals("64", env.get("MEM"));
    assertEquals("1", env.get("CPU"), "500m rounds up to one core");
    assertEquals("250", env.get("CPU_M"));
    assertEquals(Long.toString(64L << 20), env.get("OTHER_MEM"));
    JsonNode unlimited = container("""
        name: app
        env: [{name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]
        """);
    assertEquals("4", EnvResolver.resolve(POD, unlimited, sources(Map.of(), Map.of()), CTX).get("CPU"));
    assertEquals("app", app.path("name").asText());
  }
}

package io.tugboat.model.kinds;

import static io.tugboat.model.TestObjects.described;
import static io.tugboat.model.TestObjects.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkingRulesTest {

  @Test
  void acceptsAnIngressWithAServiceBackend() {
    assertEquals(List.of(), NetworkingRules.INGRESS.validate(yaml("""
        spec:
          rules:
          - host: shop.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
        """)));
  }

  @Test
  void needsRulesOrADefaultBackend() {
    assertEquals(List.of("spec.rules: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or"
        + " `rules` must be specified"), described(NetworkingRules.INGRESS.validate(yaml("spec: {}"))));
  }

  @Test
  void pathsNeedATypeAndABackendPort() {
    assertEquals(List.of("spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
        "spec.rules[0].http.paths[0].backend: Required value: port name or number is required"),
        described(NetworkingRules.INGRESS.validate(yaml(
            "spec: {rules: [{http: {paths: [{path: /, backend: {service: {name: web}}}]}}]}"))));
  }
}

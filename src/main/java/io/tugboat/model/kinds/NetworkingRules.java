package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;
import static io.tugboat.model.kinds.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import io.tugboat.model.NameRules;
import java.util.ArrayList;
import java.util.List;

/** Admission of Ingresses: rules or a default backend, paths with a type, backends naming one service port. */
public final class NetworkingRules {

  /** Ingress rules. */
  public static final KindRules INGRESS = new Ingress();

  private static final List<String> PATH_TYPES = List.of("Exact", "ImplementationSpecific", "Prefix");

  private NetworkingRules() {}

  /** Ingress (networking.k8s.io/v1). */
  private static final class Ingress implements KindRules {
    @Override
    public List<FieldError> validate(ObjectNode ing) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode spec = ing.path("spec");
      if (spec.path("rules").size() == 0 && !has(spec, "defaultBackend")) {
        errs.add(FieldError.invalid("spec.rules", Fields.raw("[]networking.IngressRule(nil)"),
            "either `defaultBackend` or `rules` must be specified"));
      }
      if (has(spec, "defaultBackend")) {
        backend(errs, spec.get("defaultBackend"), "spec.defaultBackend");
      }
      int r = 0;
      for (JsonNode rule : spec.path("rules")) {
        String at = "spec.rules[" + r++ + "]";
        String host = text(rule, "host");
        if (!host.isEmpty()) {
          String checked = host.startsWith("*.") ? host.substring(2) : host;
          NameRules.dns1123Subdomain(checked).forEach(m -> errs.add(FieldError.invalid(at + ".host", host, m)));
        }
        if (!has(rule, "http")) {
          continue;
        }
        JsonNode paths = rule.path("http").path("paths");
        if (paths.size() == 0) {
          errs.add(FieldError.required(at + ".http.paths"));
        }
        for (int p = 0; p < paths.size(); p++) {
          JsonNode path = paths.get(p);
          String pp = at + ".http.paths[" + p + "]";
          String type = text(path, "pathType");
          if (type.isEmpty()) {
            errs.add(FieldError.required(pp + ".pathType", "pathType must be specified"));
          } else if (!PATH_TYPES.contains(type)) {
            errs.add(FieldError.notSupported(pp + ".pathType", type, PATH_TYPES));
          } else if (!type.equals("ImplementationSpecific") && !text(path, "path").startsWith("/")) {
            errs.add(FieldError.invalid(pp + ".path", text(path, "path"), "must be an absolute path"));
          }
          backend(errs, path.path("backend"), pp + ".backend");
        }
      }
      return errs;
    }

    private static void backend(List<FieldError> errs, JsonNode backend, String at) {
      boolean resource = has(backend, "resource");
      boolean service = has(backend, "service");
      if (resource && service) {
        errs.add(FieldError.invalid(at, "", "cannot set both resource and service backends"));
      } else if (service) {
        JsonNode svc = backend.get("service");
        String name = text(svc, "name");
        if (name.isEmpty()) {
          errs.add(FieldError.required(at + ".service.name"));
        } else {
          NameRules.dns1035Label(name).forEach(m -> errs.add(FieldError.invalid(at + ".service.name", name, m)));
        }
        JsonNode port = svc.path("port");
        boolean byName = !text(port, "name").isEmpty();
        boolean byNumber = port.path("number").asLong(0) != 0;
        if (byName && byNumber) {
          errs.add(FieldError.invalid(at, "", "cannot set both port name & port number"));
        } else if (byName) {
          Fields.portName(text(port, "name"))
              .forEach(m -> errs.add(FieldError.invalid(at + ".service.port.name", text(port, "name"), m)));
        } else if (byNumber) {
          Fields.portNumOrName(errs, port.get("number"), at + ".service.port.number");
        } else {
          errs.add(FieldError.required(at, "port name or number is required"));
        }
      } else if (!resource) {
        errs.add(FieldError.invalid(at, "", "resource or service backend is required"));
      }
    }
  }
}

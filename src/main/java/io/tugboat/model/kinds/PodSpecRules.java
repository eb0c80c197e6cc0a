package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;
import static io.tugboat.model.kinds.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.NameRules;
import io.tugboat.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Defaulting and validation of a PodSpec, shared by Pods and every pod template. */
public final class PodSpecRules {

  static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  private static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
  private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
  private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");
  private static final List<String> MODE_VOLUMES = List.of("configMap", "secret", "projected", "downwardAPI");

  private PodSpecRules() {}

  /** SetDefaults_PodSpec and the container defaults: what every pod template gets. */
  public static void applyDefaults(ObjectNode spec) {
    Fields.defaultText(spec, "dnsPolicy", "ClusterFirst");
    Fields.defaultText(spec, "restartPolicy", "Always");
    if (!has(spec, "securityContext")) {
      spec.putObject("securityContext");
    }
    Fields.defaultInt(spec, "terminationGracePeriodSeconds", 30);
    Fields.defaultText(spec, "schedulerName", "default-scheduler");
    boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
    for (String list : List.of("initContainers", "containers")) {
      for (ObjectNode c : Fields.objects(spec, list)) {
        defaultContainer(c, hostNetwork);
      }
    }
    for (ObjectNode volume : Fields.objects(spec, "volumes")) {
      defaultVolume(volume);
    }
  }

  /** imagePullPolicy as Kubernetes derives it: Always for ":latest" or no tag, IfNotPresent otherwise. */
  static String pullPolicyFor(String image) {
    String rest = image;
    boolean digest = false;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = true;
      rest = rest.substring(0, at);
    }
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    String tag = colon > slash ? rest.substring(colon + 1) : "";
    if (tag.isEmpty() && !digest) {
      tag = "latest";
    }
    return tag.equals("latest") ? "Always" : "IfNotPresent";
  }

  private static void defaultContainer(ObjectNode c, boolean hostNetwork) {
    Fields.defaultText(c, "terminationMessagePath", "/dev/termination-log");
    Fields.defaultText(c, "terminationMessagePolicy", "File");
    if (!has(c, "imagePullPolicy") || text(c, "imagePullPolicy").isEmpty()) {
      c.put("imagePullPolicy", pullPolicyFor(text(c, "image")));
    }
    if (!has(c, "resources")) {
      c.putObject("resources");
    }
    for (ObjectNode port : Fields.objects(c, "ports")) {
      Fields.defaultText(port, "protocol", "TCP");
      if (hostNetwork && has(port, "containerPort")) {
        Fields.defaultInt(port, "hostPort", port.get("containerPort").asLong());
      }
    }
    for (String probe : PROBES) {
      if (c.get(probe) instanceof ObjectNode p) {
        Fields.defaultInt(p, "timeoutSeconds", 1);
        Fields.defaultInt(p, "periodSeconds", 10);
        Fields.defaultInt(p, "successThreshold", 1);
        Fields.defaultInt(p, "failureThreshold", 3);
        if (p.get("httpGet") instanceof ObjectNode http) {
          Fields.defaultText(http, "path", "/");
          Fields.defaultText(http, "scheme", "HTTP");
        }
      }
    }
    for (ObjectNode env : Fields.objects(c, "env")) {
      if (env.path("valueFrom").get("fieldRef") instanceof ObjectNode ref) {
        Fields.defaultText(ref, "apiVersion", "v1");
      }
    }
  }

  private static void defaultVolume(ObjectNode volume) {
    for (String source : MODE_VOLUMES) {
      if (volume.get(source) instanceof ObjectNode s) {
        Fields.defaultInt(s, "defaultMode", 420);
      }
    }
  }

  /** Validates a PodSpec; {@code path} is where it sits ("spec" or "spec.template.spec"). */
  public static List<FieldError> validate(JsonNode spec, String path) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> volumes = new HashSet<>();
    int v = 0;
    for (JsonNode volume : spec.path("volumes")) {
      String at = path + ".volumes[" + v++ + "]";
      String name = text(volume, "name");
      if (name.isEmpty()) {
        errs.add(FieldError.required(at + ".name"));
      } else {
        NameRules.dns1123Label(name).forEach(m -> errs.add(FieldError.invalid(at + ".name", name, m)));
        if (!volumes.add(name)) {
          errs.add(FieldError.duplicate(at + ".name", name));
        }
      }
    }
    if (spec.path("containers").size() == 0) {
      errs.add(FieldError.required(path + ".containers"));
    }
    Set<String> names = new HashSet<>();
    for (String list : List.of("initContainers", "containers")) {
      int i = 0;
      for (JsonNode c : spec.path(list)) {
        validateContainer(errs, c, path + "." + list + "[" + i++ + "]", names, volumes);
      }
    }
    if (!has(spec, "restartPolicy")) {
      errs.add(FieldError.required(path + ".restartPolicy"));
    }
    Fields.oneOf(errs, spec, "restartPolicy", path + ".restartPolicy", RESTART_POLICIES);
    Fields.oneOf(errs, spec, "dnsPolicy", path + ".dnsPolicy", DNS_POLICIES);
    Fields.nonNegative(errs, spec, "terminationGracePeriodSeconds", path + ".terminationGracePeriodSeconds");
    AffinityRules.validate(errs, spec, path);
    if (has(spec, "activeDeadlineSeconds") && spec.get("activeDeadlineSeconds").asLong() <= 0) {
      errs.add(FieldError.invalid(path + ".activeDeadlineSeconds", spec.get("activeDeadlineSeconds").asLong(),
          "must be between 1 and 2147483647, inclusive"));
    }
    return errs;
  }

  private static void validateContainer(List<FieldError> errs, JsonNode c, String at, Set<String> names,
      Set<String> volumes) {
    String name = text(c, "name");
    if (name.isEmpty()) {
      errs.add(FieldError.required(at + ".name"));
    } else {
      NameRules.dns1123Label(name).forEach(m -> errs.add(FieldError.invalid(at + ".name", name, m)));
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(at + ".name", name));
      }
    }
    if (text(c, "image").isBlank()) {
      errs.add(FieldError.required(at + ".image"));
    }
    Fields.oneOf(errs, c, "imagePullPolicy", at + ".imagePullPolicy", PULL_POLICIES);
    Fields.oneOf(errs, c, "terminationMessagePolicy", at + ".terminationMessagePolicy", MESSAGE_POLICIES);
    Set<String> portNames = new HashSet<>();
    int p = 0;
    for (JsonNode port : c.path("ports")) {
      String pp = at + ".ports[" + p++ + "]";
      String portName = text(port, "name");
      if (!portName.isEmpty()) {
        Fields.portName(portName).forEach(m -> errs.add(FieldError.invalid(pp + ".name", portName, m)));
        if (!portNames.add(portName)) {
          errs.add(FieldError.duplicate(pp + ".name", portName));
        }
      }
      long containerPort = port.path("containerPort").asLong(0);
      if (containerPort == 0) {
        errs.add(FieldError.required(pp + ".containerPort"));
      } else if (containerPort < 1 || containerPort > 65535) {
        errs.add(FieldError.invalid(pp + ".containerPort", containerPort, Fields.PORT_RANGE));
      }
      long hostPort = port.path("hostPort").asLong(0);
      if (hostPort != 0 && (hostPort < 1 || hostPort > 65535)) {
        errs.add(FieldError.invalid(pp + ".hostPort", hostPort, Fields.PORT_RANGE));
      }
      Fields.oneOf(errs, port, "protocol", pp + ".protocol", PROTOCOLS);
    }
    int e = 0;
    for (JsonNode env : c.path("env")) {
      if (text(env, "name").isEmpty()) {
        errs.add(FieldError.required(at + ".env[" + e + "].name"));
      }
      e++;
    }
    int m = 0;
    for (JsonNode mount : c.path("volumeMounts")) {
      String mp = at + ".volumeMounts[" + m++ + "]";
      String volume = text(mount, "name");
      if (volume.isEmpty()) {
        errs.add(FieldError.required(mp + ".name"));
      } else if (!volumes.contains(volume)) {
        errs.add(new FieldError("FieldValueNotFound", "Not found: \"" + volume + "\"", mp + ".name"));
      }
      if (text(mount, "mountPath").isEmpty()) {
        errs.add(FieldError.required(mp + ".mountPath"));
      }
    }
    for (String probe : PROBES) {
      JsonNode pr = c.path(probe);
      for (String f : List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
          "failureThreshold")) {
        Fields.nonNegative(errs, pr, f, at + "." + probe + "." + f);
      }
      Fields.portNumOrName(errs, pr.path("httpGet").get("port"), at + "." + probe + ".httpGet.port");
      Fields.portNumOrName(errs, pr.path("tcpSocket").get("port"), at + "." + probe + ".tcpSocket.port");
    }
    validateResources(errs, c.path("resources"), at + ".resources");
  }

  private static void validateResources(List<FieldError> errs, JsonNode resources, String at) {
    for (String kind : List.of("limits", "requests")) {
      for (Map.Entry<String, JsonNode> q : Fields.entries(resources.path(kind))) {
        String qp = at + "." + kind + "[" + q.getKey() + "]";
        Optional<BigDecimal> value = Quantity.tryParse(q.getValue());
        if (value.isEmpty()) {
          errs.add(FieldError.invalid(qp, q.getValue().asText(), Quantity.FORMAT_ERROR));
        } else if (value.get().signum() < 0) {
          errs.add(FieldError.invalid(qp, q.getValue().asText(), Fields.NON_NEGATIVE));
        }
      }
    }
    for (Map.Entry<String, JsonNode> req : Fields.entries(resources.path("requests"))) {
      JsonNode limit = resources.path("limits").get(req.getKey());
      Optional<BigDecimal> r = Quantity.tryParse(req.getValue());
      Optional<BigDecimal> l = Quantity.tryParse(limit);
      if (r.isPresent() && l.isPresent() && r.get().compareTo(l.get()) > 0) {
        errs.add(FieldError.invalid(at + ".requests[" + req.getKey() + "]", req.getValue().asText(),
            "must be less than or equal to " + req.getKey() + " limit of " + limit.asText()));
      }
    }
  }
}

package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.has;
import static io.tugboat.model.kinds.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import io.tugboat.model.NameRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Admission of Services: type and port defaults, single-stack IPv4 families, port checks, a sticky clusterIP. */
public final class ServiceRules implements KindRules {

  private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  @Override
  public void prepareUpdate(ObjectNode svc, ObjectNode old) {
    keepAllocated(svc, old);
  }

  @Override
  public void applyDefaults(ObjectNode svc) {
    ObjectNode spec = Fields.object(svc, "spec");
    Fields.defaultText(spec, "type", "ClusterIP");
    Fields.defaultText(spec, "sessionAffinity", "None");
    if (text(spec, "sessionAffinity").equals("None")) {
      spec.remove("sessionAffinityConfig");
    } else if (text(spec, "sessionAffinity").equals("ClientIP")) {
      ObjectNode clientIp = Fields.object(Fields.object(spec, "sessionAffinityConfig"), "clientIP");
      Fields.defaultInt(clientIp, "timeoutSeconds", 10800);
    }
    for (ObjectNode port : Fields.objects(spec, "ports")) {
      Fields.defaultText(port, "protocol", "TCP");
      JsonNode target = port.get("targetPort");
      if (target == null || target.isNull() || (target.isNumber() && target.asLong() == 0)
          || (target.isTextual() && target.asText().isEmpty())) {
        port.set("targetPort", port.get("port") == null ? port.numberNode(0) : port.get("port").deepCopy());
      }
    }
    String type = text(spec, "type");
    boolean external = type.equals("LoadBalancer") || type.equals("NodePort")
        || (type.equals("ClusterIP") && spec.path("externalIPs").size() > 0);
    if (external) {
      Fields.defaultText(spec, "externalTrafficPolicy", "Cluster");
    }
    if (type.equals("ClusterIP") || type.equals("NodePort") || type.equals("LoadBalancer")) {
      Fields.defaultText(spec, "internalTrafficPolicy", "Cluster");
      // Tugboat is a single-stack IPv4 cluster; headless services without a selector ask for every family.
      boolean headlessNoSelector = text(spec, "clusterIP").equals("None") && spec.path("selector").size() == 0;
      Fields.defaultText(spec, "ipFamilyPolicy", headlessNoSelector ? "RequireDualStack" : "SingleStack");
      if (spec.path("ipFamilies").size() == 0) {
        spec.putArray("ipFamilies").add("IPv4");
      }
    }
    if (type.equals("LoadBalancer")) {
      Fields.defaultBool(spec, "allocateLoadBalancerNodePorts", true);
    }
  }

  @Override
  public List<FieldError> validate(ObjectNode svc) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode spec = svc.path("spec");
    String type = text(spec, "type");
    Fields.oneOf(errs, spec, "type", "spec.type", TYPES);
    boolean headless = text(spec, "clusterIP").equals("None");
    JsonNode ports = spec.path("ports");
    if (ports.size() == 0 && !headless && !type.equals("ExternalName")) {
      errs.add(FieldError.required("spec.ports"));
    }
    if (type.equals("ExternalName")) {
      String externalName = text(spec, "externalName");
      if (externalName.isEmpty()) {
        errs.add(FieldError.required("spec.externalName"));
      } else {
        String trimmed = externalName.endsWith(".") ? externalName.substring(0, externalName.length() - 1) : externalName;
        NameRules.dns1123Subdomain(trimmed).forEach(m -> errs.add(FieldError.invalid("spec.externalName", externalName, m)));
      }
    }
    String clusterIp = text(spec, "clusterIP");
    if (!clusterIp.isEmpty() && !headless && !isIp(clusterIp)) {
      errs.add(FieldError.invalid("spec.clusterIP", clusterIp,
          "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    }
    Set<String> names = new HashSet<>();
    Set<String> keys = new HashSet<>();
    boolean requireName = ports.size() > 1;
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      String at = "spec.ports[" + i + "]";
      String name = text(port, "name");
      if (requireName && name.isEmpty()) {
        errs.add(FieldError.required(at + ".name"));
      } else if (!name.isEmpty()) {
        NameRules.dns1123Label(name).forEach(m -> errs.add(FieldError.invalid(at + ".name", name, m)));
        if (!names.add(name)) {
          errs.add(FieldError.duplicate(at + ".name", name));
        }
      }
      long number = port.path("port").asLong(0);
      if (number < 1 || number > 65535) {
        errs.add(FieldError.invalid(at + ".port", number, Fields.PORT_RANGE));
      }
      if (text(port, "protocol").isEmpty()) {
        errs.add(FieldError.required(at + ".protocol"));
      } else {
        Fields.oneOf(errs, port, "protocol", at + ".protocol", PROTOCOLS);
      }
      Fields.portNumOrName(errs, port.get("targetPort"), at + ".targetPort");
      if (type.equals("ClusterIP") && port.path("nodePort").asLong(0) != 0) {
        errs.add(FieldError.forbidden(at + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
      }
      String key = text(port, "protocol") + "/" + number;
      if (!keys.add(key)) {
        errs.add(FieldError.duplicate(at, Fields.raw("core.ServicePort{Name:\"\", Protocol:\"" + text(port, "protocol")
            + "\", AppProtocol:(*string)(nil), Port:" + number
            + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")));
      }
    }
    Fields.oneOf(errs, spec, "sessionAffinity", "spec.sessionAffinity", List.of("ClientIP", "None"));
    Fields.oneOf(errs, spec, "externalTrafficPolicy", "spec.externalTrafficPolicy", List.of("Cluster", "Local"));
    Fields.oneOf(errs, spec, "internalTrafficPolicy", "spec.internalTrafficPolicy", List.of("Cluster", "Local"));
    errs.addAll(NameRules.validateLabels(spec.get("selector"), "spec.selector"));
    return errs;
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode svc, ObjectNode old) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode spec = svc.path("spec");
    JsonNode before = old.path("spec");
    if (!text(before, "type").equals("ExternalName") && !text(spec, "type").equals("ExternalName")
        && !text(before, "clusterIP").isEmpty() && !text(spec, "clusterIP").equals(text(before, "clusterIP"))) {
      errs.add(FieldError.invalid("spec.clusterIP", text(spec, "clusterIP"), "field is immutable"));
    }
    return errs;
  }

  /**
   * Copies the allocated clusterIP(s) and node ports of the stored service into an update that left them out, as
   * Kubernetes' service REST storage does before validating, so a PUT without them is not a change.
   */
  public static void keepAllocated(ObjectNode svc, ObjectNode old) {
    ObjectNode spec = Fields.object(svc, "spec");
    JsonNode before = old.path("spec");
    if (text(spec, "type").equals("ExternalName") || text(before, "type").equals("ExternalName")) {
      return;
    }
    if (text(spec, "clusterIP").isEmpty() && has(before, "clusterIP")) {
      spec.set("clusterIP", before.get("clusterIP").deepCopy());
      if (has(before, "clusterIPs") && spec.path("clusterIPs").size() == 0) {
        spec.set("clusterIPs", before.get("clusterIPs").deepCopy());
      }
    }
    if (text(spec, "type").equals("ClusterIP")) {
      return;
    }
    for (ObjectNode port : Fields.objects(spec, "ports")) {
      if (port.path("nodePort").asLong(0) == 0) {
        for (JsonNode oldPort : before.path("ports")) {
          if (oldPort.path("port").asLong() == port.path("port").asLong()
              && text(oldPort, "protocol").equals(text(port, "protocol")) && has(oldPort, "nodePort")) {
            port.set("nodePort", oldPort.get("nodePort").deepCopy());
          }
        }
      }
    }
  }

  private static boolean isIp(String s) {
    if (IPV4.matcher(s).matches()) {
      return true;
    }
    if (!s.contains(":") || !s.matches("[0-9a-fA-F:.]+")) {
      return false;
    }
    try {
      // A literal with ':' is parsed, never looked up.
      java.net.InetAddress.getByName(s);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}

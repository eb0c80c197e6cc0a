package io.tugboat.api.printers;

import static io.tugboat.api.printers.SwaggerDocs.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.util.ArrayList;
import java.util.List;

/** Columns of the kinds that route traffic: Service, Endpoints, Ingress, NetworkPolicy. */
final class NetworkingPrinters {

  /** Endpoints and Ingress hosts list at most this many entries, then "+ N more...". */
  private static final int MAX_LISTED = 3;

  private NetworkingPrinters() {}

  static Printer service() {
    return Printer.named()
        .string("Type", SERVICE_SPEC_TYPE, (o, now) -> Cells.text(o.path("spec").path("type")))
        .string("Cluster-IP", SERVICE_SPEC_CLUSTER_IP, (o, now) -> clusterIP(o.path("spec")))
        .string("External-IP", SERVICE_SPEC_EXTERNAL_IPS, (o, now) -> externalIP(o))
        .string("Port(s)", SERVICE_SPEC_PORTS, (o, now) -> ports(o.path("spec").path("ports")))
        .age()
        .wide("Selector", SERVICE_SPEC_SELECTOR, (o, now) -> Cells.labels(o.path("spec").path("selector")))
        .build();
  }

  static Printer endpoints() {
    return Printer.named()
        .string("Endpoints", ENDPOINTS_SUBSETS, (o, now) -> endpoints(o.path("subsets")))
        .age()
        .build();
  }

  static Printer ingress() {
    return Printer.named()
        .string("Class", "The name of the IngressClass resource that should be used for additional configuration",
            (o, now) -> Cells.textOr(o.path("spec").path("ingressClassName"), Cells.NONE))
        .string("Hosts", "Hosts that incoming requests are matched against before the ingress rule",
            (o, now) -> hosts(o.path("spec").path("rules")))
        .string("Address", "Address is a list containing ingress points for the load-balancer",
            (o, now) -> Cells.loadBalancerIngress(o.path("status").path("loadBalancer")))
        .string("Ports", "Ports of TLS configurations that open",
            (o, now) -> o.path("spec").path("tls").isEmpty() ? "80" : "80, 443")
        .age()
        .build();
  }

  static Printer networkPolicy() {
    return Printer.named()
        .string("Pod-Selector", NETWORK_POLICY_SPEC_POD_SELECTOR,
            (o, now) -> Cells.formatSelector(o.path("spec").path("podSelector")))
        .age()
        .build();
  }

  /** The first cluster IP; objects written with only spec.clusterIP convert to the same list. */
  private static String clusterIP(JsonNode spec) {
    JsonNode ips = spec.path("clusterIPs");
    if (ips.size() > 0) {
      return Json.text(ips.get(0));
    }
    return Cells.textOr(spec.path("clusterIP"), Cells.NONE);
  }

  private static String externalIP(JsonNode svc) {
    JsonNode spec = svc.path("spec");
    List<String> externalIPs = Cells.strings(spec.path("externalIPs"));
    switch (Cells.textOr(spec.path("type"), "ClusterIP")) {
      case "ClusterIP", "NodePort" -> {
        return externalIPs.isEmpty() ? Cells.NONE : String.join(",", externalIPs);
      }
      case "LoadBalancer" -> {
        // The server prints wide, so the ingress list is never clipped to 16 characters here.
        String lbIps = Cells.loadBalancerIngress(svc.path("status").path("loadBalancer"));
        if (!externalIPs.isEmpty()) {
          List<String> results = new ArrayList<>();
          if (!lbIps.isEmpty()) {
            results.add(lbIps);
          }
          results.addAll(externalIPs);
          return String.join(",", results);
        }
        return lbIps.isEmpty() ? "<pending>" : lbIps;
      }
      case "ExternalName" -> {
        return Cells.text(spec.path("externalName"));
      }
      default -> {
        return Cells.UNKNOWN;
      }
    }
  }

  /** makePortString: "port/protocol" or "port:nodePort/protocol", comma-joined; "<none>" when there are none. */
  private static String ports(JsonNode ports) {
    List<String> pieces = new ArrayList<>();
    for (JsonNode p : ports) {
      String protocol = Cells.textOr(p.path("protocol"), "TCP");
      long nodePort = p.path("nodePort").asLong(0);
      pieces.add(nodePort > 0 ? p.path("port").asLong() + ":" + nodePort + "/" + protocol
          : p.path("port").asLong() + "/" + protocol);
    }
    return pieces.isEmpty() ? Cells.NONE : String.join(",", pieces);
  }

  /** formatEndpoints: "ip:port" per address and port, the first three, then "+ N more...". */
  private static String endpoints(JsonNode subsets) {
    if (subsets.isEmpty()) {
      return Cells.NONE;
    }
    List<String> list = new ArrayList<>();
    boolean more = false;
    int count = 0;
    for (JsonNode ss : subsets) {
      JsonNode addresses = ss.path("addresses");
      if (ss.path("ports").isEmpty()) {
        // A headless service may have no ports.
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (list.size() == MAX_LISTED) {
            more = true;
            break;
          }
          list.add(Json.text(a.path("ip")));
        }
        continue;
      }
      for (JsonNode port : ss.path("ports")) {
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (list.size() == MAX_LISTED) {
            more = true;
            break;
          }
          list.add(joinHostPort(Json.text(a.path("ip")), port.path("port").asLong()));
        }
      }
    }
    String ret = String.join(",", list);
    return more ? ret + " + " + (count - MAX_LISTED) + " more..." : ret;
  }

  /** Go's net.JoinHostPort: IPv6 addresses in brackets. */
  private static String joinHostPort(String host, long port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** formatHosts: the hosts of the first three rules, "*" when none names a host. */
  private static String hosts(JsonNode rules) {
    List<String> list = new ArrayList<>();
    boolean more = false;
    for (JsonNode rule : rules) {
      if (list.size() == MAX_LISTED) {
        more = true;
      }
      String host = Json.text(rule.path("host"));
      if (!more && !host.isEmpty()) {
        list.add(host);
      }
    }
    if (list.isEmpty()) {
      return "*";
    }
    String ret = String.join(",", list);
    return more ? ret + " + " + (rules.size() - MAX_LISTED) + " more..." : ret;
  }
}

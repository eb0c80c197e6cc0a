package io.tugboat.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.FieldError;
import io.tugboat.model.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Gives a new Service its cluster IP and node ports, as kube-apiserver's allocators do when the Service is
 * created: from the service CIDR and the node-port range, never one in use. What is in use is read from the
 * watch cache, plus what this node handed out and the cache may not show yet.
 */
final class ServiceAllocator {
  private final WatchCache cache;
  private final int base;
  private final int size;
  private final int nodePortMin;
  private final int nodePortMax;
  private final Random random = new Random();
  private final Set<String> handedOut = new HashSet<>();
  private final Set<Integer> portsHandedOut = new HashSet<>();

  /** An allocator over a CIDR such as 10.96.0.0/12 and a port range such as 30000-32767. */
  ServiceAllocator(WatchCache cache, String cidr, String nodePortRange) {
    this.cache = cache;
    String[] c = cidr.split("/");
    this.base = ipToInt(c[0]);
    this.size = 1 << (32 - Integer.parseInt(c[1]));
    String[] r = nodePortRange.split("-");
    this.nodePortMin = Integer.parseInt(r[0]);
    this.nodePortMax = Integer.parseInt(r[1]);
  }

  /** The first address of the range: kept for the `kubernetes` Service in `default`. */
  String apiServiceIp() {
    return intToIp(base + 1);
  }

  /** Fills in the cluster IP and node ports a new Service needs; 422 when a requested one is taken. */
  synchronized void allocate(ObjectNode svc) {
    ObjectNode spec = svc.with("spec");
    String type = Json.text(spec.path("type"));
    if (type.equals("ExternalName")) {
      return;
    }
    Set<String> usedIps = new HashSet<>(handedOut);
    Set<Integer> usedPorts = new HashSet<>(portsHandedOut);
    for (WatchCache.Entry e : cache.list("core/services", null, x -> true, null, 0).items()) {
      usedIps.add(Json.text(e.object().path("spec").path("clusterIP")));
      for (JsonNode p : e.object().path("spec").path("ports")) {
        if (p.has("nodePort")) {
          usedPorts.add(p.path("nodePort").asInt());
        }
      }
    }
    String ip = Json.text(spec.path("clusterIP"));
    if (ip.isEmpty()) {
      ip = freeIp(usedIps);
      spec.put("clusterIP", ip);
      spec.putArray("clusterIPs").add(ip);
    } else if (!ip.equals("None") && usedIps.contains(ip)) {
      throw new ApiException(ApiError.invalid("Service", Json.metaText(svc, "name"), List.of(FieldError.invalid(
          "spec.clusterIPs", ip, "failed to allocate IP " + ip + ": provided IP is already allocated"))));
    }
    if (!ip.equals("None")) {
      handedOut.add(ip);
    }
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      int i = 0;
      for (JsonNode p : spec.path("ports")) {
        if (p instanceof ObjectNode port) {
          if (!port.has("nodePort") || port.path("nodePort").asInt() == 0) {
            port.put("nodePort", freePort(usedPorts));
          } else if (usedPorts.contains(port.path("nodePort").asInt())) {
            throw new ApiException(ApiError.invalid("Service", Json.metaText(svc, "name"), List.of(
                FieldError.invalid("spec.ports[" + i + "].nodePort", port.path("nodePort").asInt(),
                    "provided port is already allocated"))));
          }
          usedPorts.add(port.path("nodePort").asInt());
          portsHandedOut.add(port.path("nodePort").asInt());
        }
        i++;
      }
    }
  }

  private String freeIp(Set<String> used) {
    // Addresses .0 and .1 of the range are the network and the API service.
    for (int attempt = 0; attempt < size; attempt++) {
      String ip = intToIp(base + 2 + random.nextInt(size - 3));
      if (!used.contains(ip)) {
        return ip;
      }
    }
    throw new ApiException(ApiError.internal("the service IP range is full"));
  }

  private int freePort(Set<Integer> used) {
    int span = nodePortMax - nodePortMin + 1;
    int start = random.nextInt(span);
    for (int i = 0; i < span; i++) {
      int port = nodePortMin + (start + i) % span;
      if (!used.contains(port)) {
        return port;
      }
    }
    throw new ApiException(ApiError.internal("the node port range is full"));
  }

  private static int ipToInt(String ip) {
    String[] p = ip.split("\\.");
    return (Integer.parseInt(p[0]) << 24) | (Integer.parseInt(p[1]) << 16) | (Integer.parseInt(p[2]) << 8)
        | Integer.parseInt(p[3]);
  }

  private static String intToIp(int v) {
    return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
  }
}

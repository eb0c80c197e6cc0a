package io.tugboat.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import io.tugboat.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as the kubelet makes it (makeEnvironmentVariables), as pure functions: envFrom
 * (ConfigMaps and Secrets, with a prefix) first, then env in order, each value expanded with the variables
 * defined before it; values from ConfigMap and Secret keys, pod fields (fieldRef) and resources
 * (resourceFieldRef). Command and args are expanded with the result ({@link #expand}).
 */
public final class EnvResolver {
  private EnvResolver() {}

  /** What pod fields resolve against besides the pod itself: its IP (null before the sandbox) and its node's. */
  public record PodContext(String podIp, String hostIp, Map<String, String> nodeAllocatable) {}

  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
  private static final Pattern SUBSCRIPT = Pattern.compile("metadata\\.(labels|annotations)\\['(.*)'\\]");

  /** The environment of {@code container} in {@code pod}, or the error the container waits on. */
  public static Map<String, String> resolve(JsonNode pod, JsonNode container, PodSources sources, PodContext ctx)
      throws ConfigError {
    String ns = Json.metaText(pod, "namespace");
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String prefix = Json.text(from.path("prefix"));
      boolean secret = from.has("secretRef");
      JsonNode ref = secret ? from.path("secretRef") : from.path("configMapRef");
      String name = Json.text(ref.path("name"));
      boolean optional = ref.path("optional").asBoolean(false);
      Optional<Map<String, byte[]>> data = secret ? sources.secret(ns, name) : sources.configMap(ns, name);
      if (data.isEmpty()) {
        if (optional) {
          continue;
        }
        throw new ConfigError((secret ? "secret" : "configmap") + " \"" + name + "\" not found");
      }
      for (Map.Entry<String, byte[]> kv : data.get().entrySet()) {
        String key = prefix + kv.getKey();
        if (ENV_NAME.matcher(key).matches()) { // the kubelet skips invalid names (with an event)
          env.put(key, new String(kv.getValue(), StandardCharsets.UTF_8));
        }
      }
    }
    for (JsonNode e : container.path("env")) {
      String name = Json.text(e.path("name"));
      if (e.has("valueFrom")) {
        Optional<String> value = valueFrom(pod, container, e.path("valueFrom"), ns, sources, ctx);
        if (value.isPresent()) {
          env.put(name, value.get());
        }
      } else {
        env.put(name, expand(Json.text(e.path("value")), env::get));
      }
    }
    return env;
  }

  private static Optional<String> valueFrom(JsonNode pod, JsonNode container, JsonNode from, String ns,
      PodSources sources, PodContext ctx) throws ConfigError {
    if (from.has("configMapKeyRef") || from.has("secretKeyRef")) {
      boolean secret = from.has("secretKeyRef");
      JsonNode ref = secret ? from.path("secretKeyRef") : from.path("configMapKeyRef");
      String name = Json.text(ref.path("name"));
      String key = Json.text(ref.path("key"));
      boolean optional = ref.path("optional").asBoolean(false);
      Optional<Map<String, byte[]>> data = secret ? sources.secret(ns, name) : sources.configMap(ns, name);
      if (data.isEmpty()) {
        if (optional) {
          return Optional.empty();
        }
        throw new ConfigError((secret ? "secret" : "configmap") + " \"" + name + "\" not found");
      }
      byte[] value = data.get().get(key);
      if (value == null) {
        if (optional) {
          return Optional.empty();
        }
        throw new ConfigError("couldn't find key " + key + " in " + (secret ? "Secret " : "ConfigMap ") + ns + "/"
            + name);
      }
      return Optional.of(new String(value, StandardCharsets.UTF_8));
    }
    if (from.has("fieldRef")) {
      return Optional.of(fieldValue(pod, Json.text(from.path("fieldRef").path("fieldPath")), ctx));
    }
    if (from.has("resourceFieldRef")) {
      return Optional.of(resourceValue(pod, container, from.path("resourceFieldRef"), ctx));
    }
    return Optional.of("");
  }

  /** A pod field as the downward API gives it (fieldRef in env and in downwardAPI volumes). */
  public static String fieldValue(JsonNode pod, String path, PodContext ctx) throws ConfigError {
    JsonNode meta = pod.path("metadata");
    Matcher m = SUBSCRIPT.matcher(path);
    if (m.matches()) {
      return Json.text(meta.path(m.group(1)).path(m.group(2)));
    }
    return switch (path) {
      case "metadata.name" -> Json.text(meta.path("name"));
      case "metadata.namespace" -> Json.text(meta.path("namespace"));
      case "metadata.uid" -> Json.text(meta.path("uid"));
      case "metadata.labels" -> formatMap(meta.path("labels"));
      case "metadata.annotations" -> formatMap(meta.path("annotations"));
      case "spec.nodeName" -> Json.text(pod.path("spec").path("nodeName"));
      case "spec.serviceAccountName" -> Json.text(pod.path("spec").path("serviceAccountName"));
      case "status.podIP" -> ctx.podIp() == null ? "" : ctx.podIp();
      case "status.podIPs" -> ctx.podIp() == null ? "" : ctx.podIp();
      case "status.hostIP", "status.hostIPs" -> ctx.hostIp();
      default -> throw new ConfigError("unsupported fieldPath: " + path);
    };
  }

  /** A resource of a container (resourceFieldRef), divided by the divisor and rounded up, as the kubelet does. */
  public static String resourceValue(JsonNode pod, JsonNode container, JsonNode ref, PodContext ctx)
      throws ConfigError {
    String containerName = Json.text(ref.path("containerName"));
    JsonNode target = container;
    if (!containerName.isEmpty()) {
      target = null;
      for (String list : new String[] {"containers", "initContainers"}) {
        for (JsonNode c : pod.path("spec").path(list)) {
          if (containerName.equals(Json.text(c.path("name")))) {
            target = c;
          }
        }
      }
      if (target == null) {
        throw new ConfigError("resourceFieldRef: no container named " + containerName);
      }
    }
    String resource = Json.text(ref.path("resource"));
    int dot = resource.indexOf('.');
    if (dot < 0) {
      throw new ConfigError("unsupported resource: " + resource);
    }
    String kind = resource.substring(0, dot); // limits or requests
    String name = resource.substring(dot + 1);
    String text = Json.text(target.path("resources").path(kind).path(name));
    if (text.isEmpty() && kind.equals("limits")) {
      text = ctx.nodeAllocatable().getOrDefault(name, "0"); // no limit: the node's allocatable, as the kubelet
    }
    BigDecimal value = text.isEmpty() ? BigDecimal.ZERO : Quantity.tryParse(text).orElse(BigDecimal.ZERO);
    String divisorText = Json.text(ref.path("divisor"));
    BigDecimal divisor = divisorText.isEmpty() ? BigDecimal.ONE : Quantity.tryParse(divisorText)
        .orElse(BigDecimal.ONE);
    if (divisor.signum() == 0) {
      divisor = BigDecimal.ONE;
    }
    return value.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
  }

  /** Labels or annotations as a downward API file has them: k="v" per line, sorted. */
  static String formatMap(JsonNode map) {
    List<String> lines = new ArrayList<>();
    map.fields().forEachRemaining(f -> lines.add(f.getKey() + "=\"" + escape(Json.text(f.getValue())) + "\""));
    java.util.Collections.sort(lines);
    return String.join("\n", lines);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
  }

  /**
   * Kubernetes' $(VAR) expansion: $(NAME) becomes NAME's value when defined and stays as written when not;
   * $$ is an escaped $; any other $ is kept.
   */
  public static String expand(String input, Function<String, String> mapping) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < input.length()) {
      char ch = input.charAt(i);
      if (ch != '$' || i + 1 >= input.length()) {
        out.append(ch);
        i++;
        continue;
      }
      char next = input.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '(') {
        int close = input.indexOf(')', i + 2);
        if (close < 0) {
          out.append("$(");
          i += 2;
          continue;
        }
        String name = input.substring(i + 2, close);
        String value = name.isEmpty() ? null : mapping.apply(name);
        out.append(value != null ? value : "$(" + name + ")");
        i = close + 1;
      } else {
        out.append('$').append(next);
        i += 2;
      }
    }
    return out.toString();
  }

  /** Each string expanded with the environment (command and args). */
  public static List<String> expandAll(List<String> values, Map<String, String> env) {
    List<String> out = new ArrayList<>(values.size());
    values.forEach(v -> out.add(expand(v, env::get)));
    return out;
  }
}

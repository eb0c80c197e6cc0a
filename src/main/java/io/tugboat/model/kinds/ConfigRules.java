package io.tugboat.model.kinds;

import static io.tugboat.model.kinds.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.FieldError;
import io.tugboat.model.KindRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Admission of ConfigMaps and Secrets: key syntax, size, base64 data, and {@code immutable: true}. */
public final class ConfigRules {

  /** ConfigMap rules. */
  public static final KindRules CONFIG_MAP = new ConfigMap();
  /** Secret rules. */
  public static final KindRules SECRET = new Secret();

  /** Largest total size of a ConfigMap's or Secret's data, in bytes. */
  public static final int MAX_SIZE = 1024 * 1024;

  private static final String KEY_FMT = "[-._a-zA-Z0-9]+";
  private static final Pattern KEY = Pattern.compile(KEY_FMT);
  private static final String KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
  private static final String IMMUTABLE = "field is immutable when `immutable` is set";

  private ConfigRules() {}

  /** Kubernetes' IsConfigMapKey: the problems with a ConfigMap or Secret key. */
  public static List<String> configKey(String key) {
    List<String> errs = new ArrayList<>();
    if (key.length() > 253) {
      errs.add("must be no more than 253 characters");
    }
    if (!KEY.matcher(key).matches()) {
      errs.add(KEY_MSG + " (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '"
          + KEY_FMT + "')");
    }
    if (key.equals(".")) {
      errs.add("must not be '.'");
    } else if (key.equals("..")) {
      errs.add("must not be '..'");
    } else if (key.startsWith("..")) {
      errs.add("must not start with '..'");
    }
    return errs;
  }

  /** ConfigMap: keys unique across data and binaryData, 1 MiB in all. */
  private static final class ConfigMap implements KindRules {
    @Override
    public List<FieldError> validate(ObjectNode cm) {
      List<FieldError> errs = new ArrayList<>();
      long size = 0;
      JsonNode data = cm.path("data");
      JsonNode binary = cm.path("binaryData");
      for (Map.Entry<String, JsonNode> e : Fields.entries(data)) {
        String at = "data[" + e.getKey() + "]";
        configKey(e.getKey()).forEach(m -> errs.add(FieldError.invalid(at, e.getKey(), m)));
        if (binary.has(e.getKey())) {
          errs.add(FieldError.invalid(at, e.getKey(), "duplicate of key present in binaryData"));
        }
        size += e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
      }
      for (Map.Entry<String, JsonNode> e : Fields.entries(binary)) {
        String at = "binaryData[" + e.getKey() + "]";
        configKey(e.getKey()).forEach(m -> errs.add(FieldError.invalid(at, e.getKey(), m)));
        if (data.has(e.getKey())) {
          errs.add(FieldError.invalid(at, e.getKey(), "duplicate of key present in data"));
        }
        int problem = base64Problem(e.getValue().asText());
        if (problem >= 0) {
          errs.add(FieldError.invalid(at, "<binary data redacted>", "illegal base64 data at input byte " + problem));
        } else {
          size += Base64.getDecoder().decode(e.getValue().asText()).length;
        }
      }
      if (size > MAX_SIZE) {
        errs.add(FieldError.tooLong("", "", MAX_SIZE));
      }
      return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode cm, ObjectNode old) {
      return immutable(cm, old, List.of("data", "binaryData"));
    }
  }

  /** Secret: type Opaque, stringData folded into data, base64 values, per-type required keys. */
  private static final class Secret implements KindRules {
    @Override
    public void applyDefaults(ObjectNode secret) {
      Fields.defaultText(secret, "type", "Opaque");
      // stringData is write-only: Kubernetes folds it into data when decoding, overriding data's keys.
      if (secret.get("stringData") instanceof ObjectNode stringData) {
        ObjectNode data = Fields.object(secret, "data");
        stringData.fields().forEachRemaining(e -> data.put(e.getKey(),
            Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        secret.remove("stringData");
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode secret) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode data = secret.path("data");
      long size = 0;
      for (Map.Entry<String, JsonNode> e : Fields.entries(data)) {
        String at = "data[" + e.getKey() + "]";
        configKey(e.getKey()).forEach(m -> errs.add(FieldError.invalid(at, e.getKey(), m)));
        int problem = base64Problem(e.getValue().asText());
        if (problem >= 0) {
          errs.add(FieldError.invalid(at, "<secret contents redacted>", "illegal base64 data at input byte " + problem));
        } else {
          size += Base64.getDecoder().decode(e.getValue().asText()).length;
        }
      }
      if (size > MAX_SIZE) {
        errs.add(FieldError.tooLong("data", "", MAX_SIZE));
      }
      switch (text(secret, "type")) {
        case "kubernetes.io/service-account-token" -> {
          if (text(secret.path("metadata").path("annotations"), "kubernetes.io/service-account.name").isEmpty()) {
            errs.add(FieldError.required("metadata.annotations[kubernetes.io/service-account.name]"));
          }
        }
        case "kubernetes.io/dockercfg" -> requireKeys(errs, data, ".dockercfg");
        case "kubernetes.io/dockerconfigjson" -> requireKeys(errs, data, ".dockerconfigjson");
        case "kubernetes.io/basic-auth" -> {
          if (!data.has("username") && !data.has("password")) {
            requireKeys(errs, data, "username", "password");
          }
        }
        case "kubernetes.io/ssh-auth" -> requireKeys(errs, data, "ssh-privatekey");
        case "kubernetes.io/tls" -> requireKeys(errs, data, "tls.crt", "tls.key");
        default -> { }
      }
      return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode secret, ObjectNode old) {
      List<FieldError> errs = immutable(secret, old, List.of("data"));
      if (!text(secret, "type").equals(text(old, "type"))) {
        errs.add(FieldError.invalid("type", text(secret, "type"), "field is immutable"));
      }
      return errs;
    }
  }

  private static void requireKeys(List<FieldError> errs, JsonNode data, String... keys) {
    for (String key : keys) {
      if (!data.has(key)) {
        errs.add(FieldError.required("data[" + key + "]"));
      }
    }
  }

  private static List<FieldError> immutable(ObjectNode obj, ObjectNode old, List<String> fields) {
    List<FieldError> errs = new ArrayList<>();
    if (!old.path("immutable").asBoolean(false)) {
      return errs;
    }
    if (!obj.path("immutable").asBoolean(false)) {
      errs.add(FieldError.forbidden("immutable", IMMUTABLE));
    }
    for (String field : fields) {
      if (!Fields.same(nullIfEmpty(obj.path(field)), nullIfEmpty(old.path(field)))) {
        errs.add(FieldError.forbidden(field, IMMUTABLE));
      }
    }
    return errs;
  }

  private static JsonNode nullIfEmpty(JsonNode n) {
    return n.isMissingNode() || n.isNull() || n.size() == 0 ? null : n;
  }

  /** The offset of the first byte Go's StdEncoding would reject, or -1 if the text is valid base64. */
  static int base64Problem(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
          || c == '/';
      if (c == '=') {
        // Padding only at the very end: "x=" or "==".
        if (i < n - 2 || (i == n - 2 && s.charAt(n - 1) != '=')) {
          return i;
        }
      } else if (!alphabet) {
        return i;
      }
    }
    if (n % 4 != 0) {
      return (n / 4) * 4;
    }
    int firstPad = s.indexOf('=');
    return firstPad >= 0 && firstPad % 4 < 2 ? firstPad : -1;
  }

  /** Decodes base64 that {@link #base64Problem} accepted. */
  static byte[] decode(String s) {
    return Base64.getDecoder().decode(s);
  }
}

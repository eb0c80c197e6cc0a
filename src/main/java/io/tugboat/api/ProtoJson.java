package io.tugboat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Set;

/**
 * Converts a Kubernetes {@code generated.proto} message to its JSON form by walking the descriptor: field names
 * are the JSON names, and the apimachinery types that Go marshals specially (IntOrString, Quantity, Time,
 * MicroTime, Duration, RawExtension, FieldsV1) get their JSON shapes.
 *
 * <p>Go writes every non-pointer field to protobuf, zero or not, and a pointer field only when it is set; the
 * descriptor cannot tell the two apart. A zero scalar therefore means "unset" (as for Go's {@code omitempty}
 * value fields, and as Tugboat's defaulting reads a missing field) except for the pointer fields in
 * {@link #ZERO_IS_A_VALUE}, whose explicit 0 or false differs from leaving them out.
 */
final class ProtoJson {

  /**
   * Go pointer fields of the served kinds whose explicit zero means something other than "unset" (mostly
   * because the server would default them to a non-zero value). Matched by name: keeping a zero in a same-named
   * value field elsewhere is harmless, since Go reads that zero just the same.
   */
  static final Set<String> ZERO_IS_A_VALUE = Set.of(
      // apps, core controllers
      "replicas", "revisionHistoryLimit", "progressDeadlineSeconds",
      // batch
      "parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "backoffLimitPerIndex",
      "maxFailedIndexes", "ttlSecondsAfterFinished", "startingDeadlineSeconds", "successfulJobsHistoryLimit",
      "failedJobsHistoryLimit",
      // pods and containers
      "terminationGracePeriodSeconds", "automountServiceAccountToken", "enableServiceLinks", "hostUsers", "priority",
      "runAsUser", "runAsGroup", "fsGroup", "allowPrivilegeEscalation", "defaultMode", "mode",
      "tolerationSeconds", "deletionGracePeriodSeconds",
      // services, autoscaling, leases
      "allocateLoadBalancerNodePorts", "minReplicas", "targetCPUUtilizationPercentage", "averageUtilization",
      "stabilizationWindowSeconds", "leaseDurationSeconds", "leaseTransitions", "expirationSeconds",
      // value fields without omitempty, which Go's JSON always carries
      "value", "revision", "containerPort", "port");

  /** String pointer fields whose empty value is meaningful: "" asks for no storage class, not the default. */
  static final Set<String> EMPTY_IS_A_VALUE = Set.of("storageClassName");

  /**
   * Fields of Go structs embedded with {@code json:",inline"}: generated.proto names them, JSON flattens their
   * fields into the parent (a Volume's {@code configMap}, an IngressRule's {@code http}).
   */
  static final Set<String> INLINE = Set.of(
      "k8s.io.api.core.v1.Volume.volumeSource",
      "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
      "k8s.io.api.core.v1.Probe.handler",
      "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
      "k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference",
      "k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference",
      "k8s.io.api.core.v1.ConfigMapProjection.localObjectReference",
      "k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference",
      "k8s.io.api.core.v1.SecretEnvSource.localObjectReference",
      "k8s.io.api.core.v1.SecretKeySelector.localObjectReference",
      "k8s.io.api.core.v1.SecretProjection.localObjectReference",
      "k8s.io.api.networking.v1.IngressRule.ingressRuleValue");

  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  private ProtoJson() {}

  /** The message as a JSON object (or, for the special apimachinery types, the JSON value Go writes). */
  static JsonNode toJson(Message message) {
    Descriptor type = message.getDescriptorForType();
    switch (type.getFullName()) {
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> {
        return intOrString(message);
      }
      case "k8s.io.apimachinery.pkg.api.resource.Quantity", "k8s.io.apimachinery.pkg.api.resource.QuantityValue" -> {
        String q = (String) message.getField(type.findFieldByName("string"));
        return text(q.isEmpty() ? "0" : q);
      }
      case META + "Time" -> {
        return time(message, false);
      }
      case META + "MicroTime" -> {
        return time(message, true);
      }
      case META + "Duration" -> {
        return text(goDuration((Long) message.getField(type.findFieldByName("duration"))));
      }
      case META + "Fields" -> {
        // The pre-FieldsV1 field set: Go marshals its map of children directly.
        ObjectNode children = object(message);
        return children.has("map") ? children.get("map") : children;
      }
      case META + "FieldsV1" -> {
        return embeddedJson((ByteString) message.getField(type.findFieldByName("Raw")), "fieldsV1");
      }
      case "k8s.io.apimachinery.pkg.runtime.RawExtension" -> {
        return embeddedJson((ByteString) message.getField(type.findFieldByName("raw")), "a RawExtension");
      }
      default -> {
        // Go types declared as []string with a protobuf wrapper (ExtraValue, Verbs) are plain arrays in JSON.
        if ((type.getName().equals("ExtraValue") || type.getName().equals("Verbs"))
            && type.getFields().size() == 1 && type.getFields().get(0).isRepeated()) {
          return repeated(message, type.getFields().get(0));
        }
        return object(message);
      }
    }
  }

  private static ObjectNode object(Message message) {
    ObjectNode out = Json.object();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String name = field.getName();
      if (field.isMapField()) {
        if (message.getRepeatedFieldCount(field) > 0) {
          out.set(name, map(message, field));
        }
      } else if (field.isRepeated()) {
        if (message.getRepeatedFieldCount(field) > 0) {
          out.set(name, repeated(message, field));
        }
      } else if (message.hasField(field)) {
        Object value = message.getField(field);
        if (INLINE.contains(field.getFullName()) && toJson((Message) value) instanceof ObjectNode inlined) {
          out.setAll(inlined);
        } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE || keep(message, name, value)) {
          out.set(name, value(field, value));
        }
      }
    }
    return out;
  }

  private static boolean keep(Message message, String name, Object value) {
    if (value instanceof String s) {
      return !s.isEmpty() || EMPTY_IS_A_VALUE.contains(name);
    }
    boolean zero = value instanceof Boolean b ? !b
        : value instanceof Number n ? n.doubleValue() == 0
        : value instanceof ByteString bytes && bytes.isEmpty();
    // Status counters share names with pointer spec fields (replicas) but are omitempty values.
    return !zero || ZERO_IS_A_VALUE.contains(name) && !message.getDescriptorForType().getName().endsWith("Status");
  }

  private static ArrayNode repeated(Message message, FieldDescriptor field) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
      out.add(value(field, message.getRepeatedField(field, i)));
    }
    return out;
  }

  private static ObjectNode map(Message message, FieldDescriptor field) {
    ObjectNode out = Json.object();
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
      Message entry = (Message) message.getRepeatedField(field, i);
      // Map values are written whatever they hold: an empty ConfigMap value is still a key.
      out.set(String.valueOf(entry.getField(keyField)), value(valueField, entry.getField(valueField)));
    }
    return out;
  }

  private static JsonNode value(FieldDescriptor field, Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (field.getJavaType()) {
      case MESSAGE -> toJson((Message) value);
      case STRING -> f.textNode((String) value);
      case INT -> f.numberNode((Integer) value);
      // As Jackson reads the same number from JSON, so deep equality with JSON-decoded objects holds.
      case LONG -> (Long) value == ((Long) value).intValue() ? f.numberNode(((Long) value).intValue())
          : f.numberNode((Long) value);
      case FLOAT -> f.numberNode((Float) value);
      case DOUBLE -> f.numberNode((Double) value);
      case BOOLEAN -> f.booleanNode((Boolean) value);
      // Go's JSON encodes []byte (Secret data, ConfigMap binaryData) as standard base64.
      case BYTE_STRING -> f.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case ENUM -> f.textNode(((EnumValueDescriptor) value).getName());
    };
  }

  private static JsonNode intOrString(Message m) {
    Descriptor t = m.getDescriptorForType();
    long kind = (Long) m.getField(t.findFieldByName("type"));
    return kind == 1 ? text((String) m.getField(t.findFieldByName("strVal")))
        : JsonNodeFactory.instance.numberNode((Integer) m.getField(t.findFieldByName("intVal")));
  }

  /** RFC 3339 in UTC; Time to the second as Go's JSON writes it, MicroTime to the microsecond. Zero is null. */
  private static JsonNode time(Message m, boolean micro) {
    Descriptor t = m.getDescriptorForType();
    FieldDescriptor seconds = t.findFieldByName("seconds");
    FieldDescriptor nanos = t.findFieldByName("nanos");
    if (!m.hasField(seconds) && !m.hasField(nanos)) {
      // Go writes a zero time as an empty message, and its JSON as null ("creationTimestamp": null).
      return JsonNodeFactory.instance.nullNode();
    }
    Instant at = Instant.ofEpochSecond((Long) m.getField(seconds), (Integer) m.getField(nanos));
    return text(micro ? MICRO.format(at.truncatedTo(ChronoUnit.MICROS))
        : DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS)));
  }

  private static JsonNode embeddedJson(ByteString raw, String what) {
    if (raw.isEmpty()) {
      return JsonNodeFactory.instance.nullNode();
    }
    try {
      return Json.MAPPER.readTree(raw.toByteArray());
    } catch (IOException e) {
      throw new ApiException(ApiError.badRequest("the protobuf body holds " + what + " that is not JSON: "
          + e.getMessage()));
    }
  }

  private static JsonNode text(String s) {
    return JsonNodeFactory.instance.textNode(s);
  }

  /** Go's time.Duration.String(): "0s", "1.5s", "2m0s", "1h0m0s", "300ms", "1.5µs". */
  static String goDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    long u = Math.abs(nanos);
    if (u < 1_000L) {
      return sign + u + "ns";
    }
    if (u < 1_000_000L) {
      return sign + decimal(u, 3) + "µs";
    }
    if (u < 1_000_000_000L) {
      return sign + decimal(u, 6) + "ms";
    }
    long secs = u / 1_000_000_000L;
    String s = decimal(u % 60_000_000_000L, 9) + "s";
    long hours = secs / 3600;
    long minutes = secs / 60 % 60;
    if (hours > 0) {
      return sign + hours + "h" + minutes + "m" + s;
    }
    return sign + (minutes > 0 ? minutes + "m" : "") + s;
  }

  /** {@code value / 10^scale} with the fraction's trailing zeros (and a bare point) removed. */
  private static String decimal(long value, int scale) {
    long unit = (long) Math.pow(10, scale);
    String fraction = String.format("%0" + scale + "d", value % unit).replaceAll("0+$", "");
    return value / unit + (fraction.isEmpty() ? "" : "." + fraction);
  }
}

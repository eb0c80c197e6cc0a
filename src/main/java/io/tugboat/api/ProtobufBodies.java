package io.tugboat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V2Autoscaling;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import java.util.Arrays;
import java.util.Map;

/**
 * Decodes {@code application/vnd.kubernetes.protobuf} request bodies, which kubectl 1.32 and later sends from
 * its typed clients ({@code kubectl create namespace|deployment|configmap|...}), into the Kubernetes JSON form
 * the rest of the server handles.
 *
 * <p>The wire format is the magic {@code "k8s\0"} followed by a {@code runtime.Unknown} whose {@code raw} bytes
 * are the object's {@code generated.proto} message, named by the envelope's TypeMeta.
 */
public final class ProtobufBodies {

  /** The media type kubectl names in Content-Type. */
  public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

  /**
   * The generated.proto file of each group-version. Covers every served kind, plus the few kinds typed clients
   * send to subresources or review endpoints (Scale, Eviction, TokenRequest, access reviews, PriorityClass).
   */
  private static final Map<String, FileDescriptor> FILES = Map.ofEntries(
      Map.entry("v1", V1.getDescriptor()),
      Map.entry("apps/v1", V1Apps.getDescriptor()),
      Map.entry("batch/v1", V1Batch.getDescriptor()),
      Map.entry("autoscaling/v1", V1Autoscaling.getDescriptor()),
      Map.entry("autoscaling/v2", V2Autoscaling.getDescriptor()),
      Map.entry("networking.k8s.io/v1", V1Networking.getDescriptor()),
      Map.entry("coordination.k8s.io/v1", V1Coordination.getDescriptor()),
      Map.entry("rbac.authorization.k8s.io/v1", V1Rbac.getDescriptor()),
      Map.entry("storage.k8s.io/v1", V1Storage.getDescriptor()),
      Map.entry("events.k8s.io/v1", io.kubernetes.client.proto.V1Events.getDescriptor()),
      Map.entry("policy/v1", V1Policy.getDescriptor()),
      Map.entry("scheduling.k8s.io/v1", V1Scheduling.getDescriptor()),
      Map.entry("authentication.k8s.io/v1", V1Authentication.getDescriptor()),
      Map.entry("authorization.k8s.io/v1", V1Authorization.getDescriptor()),
      Map.entry("meta.k8s.io/v1", Meta.getDescriptor()));

  private ProtobufBodies() {}

  /**
   * The body as Kubernetes JSON with apiVersion and kind set. The envelope's TypeMeta names the message; when
   * it is empty, {@code expected} (the resource the request addresses) does.
   *
   * @throws ApiException 400 BadRequest when the envelope is malformed or names a kind we cannot decode
   */
  public static JsonNode decode(byte[] body, ResourceType expected) {
    if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw bad("the protobuf body does not start with the magic bytes 6b 38 73 00 (\"k8s\\0\")");
    }
    Unknown envelope;
    try {
      envelope = Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
    } catch (InvalidProtocolBufferException e) {
      throw bad("the protobuf body is not a valid runtime.Unknown envelope: " + e.getMessage());
    }
    if (!envelope.getContentEncoding().isEmpty()) {
      throw bad("the protobuf body has contentEncoding \"" + envelope.getContentEncoding()
          + "\"; only unencoded bodies are supported");
    }
    if (!envelope.getContentType().isEmpty() && !envelope.getContentType().equals(MEDIA_TYPE)) {
      throw bad("the protobuf envelope has contentType \"" + envelope.getContentType() + "\"; send "
          + MEDIA_TYPE + " or JSON");
    }
    String apiVersion = envelope.getTypeMeta().getApiVersion();
    String kind = envelope.getTypeMeta().getKind();
    if (apiVersion.isEmpty() && kind.isEmpty() && expected != null) {
      apiVersion = expected.apiVersion();
      kind = expected.kind();
    }
    Descriptor type = messageType(apiVersion, kind);
    DynamicMessage message;
    try {
      message = DynamicMessage.parseFrom(type, envelope.getRaw());
    } catch (InvalidProtocolBufferException e) {
      throw bad("the protobuf body is not a valid " + apiVersion + " " + kind + ": " + e.getMessage());
    }
    ObjectNode json = Json.object();
    // apiVersion and kind first, as Go's encoder writes them.
    json.put("apiVersion", apiVersion);
    json.put("kind", kind);
    if (!(ProtoJson.toJson(message) instanceof ObjectNode fields)) {
      throw bad("\"" + kind + "\" is not an object kind; send one of the served kinds");
    }
    json.setAll(fields);
    return json;
  }

  private static Descriptor messageType(String apiVersion, String kind) {
    if (kind.isEmpty()) {
      throw bad("the protobuf envelope names no kind; set TypeMeta apiVersion and kind");
    }
    FileDescriptor file = FILES.get(apiVersion);
    Descriptor type = file == null ? null : file.findMessageTypeByName(kind);
    if (type == null) {
      throw bad("cannot decode a protobuf body of kind \"" + kind + "\" in \"" + apiVersion
          + "\"; send it as application/json");
    }
    return type;
  }

  private static ApiException bad(String message) {
    return new ApiException(ApiError.badRequest(message));
  }
}

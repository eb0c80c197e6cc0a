package io.tugboat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST and PUT accept the protobuf bodies kubectl 1.32+ sends from typed clients, stored as their JSON form. */
class ApiServerProtobufTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void createsAndReplacesASecretSentAsProtobuf() {
    String ns = server.createNamespace("proto");
    String path = "/api/v1/namespaces/" + ns + "/secrets";

    TestServer.Reply created = send(path, "POST", secret("s", "v", ""));

    assertEquals(201, created.code(), created::toString);
    JsonNode stored = server.get(path + "/s").json();
    assertEquals("dg==", stored.path("data").path("k").asText(), stored::toString);
    assertEquals("Opaque", stored.path("type").asText(), stored::toString);

    String resourceVersion = stored.path("metadata").path("resourceVersion").asText();
    TestServer.Reply replaced = send(path + "/s", "PUT", secret("s", "w", resourceVersion));

    assertEquals(200, replaced.code(), replaced::toString);
    assertEquals("dw==", server.get(path + "/s").json().path("data").path("k").asText());
  }

  private static V1.Secret secret(String name, String value, String resourceVersion) {
    return V1.Secret.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName(name).setNamespace("").setResourceVersion(resourceVersion)
            .setCreationTimestamp(Meta.Time.newBuilder()))
        .putData("k", ByteString.copyFromUtf8(value))
        .setType("")
        .build();
  }

  private static TestServer.Reply send(String path, String method, V1.Secret secret) {
    byte[] envelope = Unknown.newBuilder()
        .setTypeMeta(TypeMeta.newBuilder().setApiVersion("v1").setKind("Secret"))
        .setRaw(secret.toByteString()).setContentEncoding("").setContentType("").build().toByteArray();
    byte[] body = new byte[envelope.length + 4];
    System.arraycopy(new byte[] {0x6b, 0x38, 0x73, 0x00}, 0, body, 0, 4);
    System.arraycopy(envelope, 0, body, 4, envelope.length);
    return server.send(server.request(path).header("Content-Type", ProtobufBodies.MEDIA_TYPE)
        .header("Accept", "application/vnd.kubernetes.protobuf, application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }
}

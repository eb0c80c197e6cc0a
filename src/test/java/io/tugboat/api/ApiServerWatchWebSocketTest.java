package io.tugboat.api;

import static io.tugboat.api.Manifests.configMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Watches over WebSocket, as fabric8 opens them: one text message per event; a refused watch stays an HTTP error. */
class ApiServerWatchWebSocketTest {
  private static TestServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static CompletableFuture<WebSocket> open(String pathAndQuery, BlockingQueue<String> messages) {
    return HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery),
        new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              messages.add(partial.toString());
              partial.setLength(0);
            }
            ws.request(1);
            return null;
          }
        });
  }

  @Test
  void eachEventIsOneTextMessage() throws Exception {
    String path = "/api/v1/namespaces/" + server.createNamespace("ws") + "/configmaps";
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    WebSocket ws = open(path + "?watch=true", messages).get(10, TimeUnit.SECONDS);
    try {
      server.create(path, configMap("a"));
      server.delete(path + "/a");
      for (String type : new String[] {"ADDED", "DELETED"}) {
        String message = messages.poll(10, TimeUnit.SECONDS);
        JsonNode event = Json.MAPPER.readTree(message);
        assertEquals(type, event.path("type").asText(), message);
        assertEquals("a", event.path("object").path("metadata").path("name").asText(), message);
      }
    } finally {
      ws.abort();
    }
  }

  @Test
  void aRefusedWatchAnswersItsHttpErrorInsteadOfUpgrading() {
    ExecutionException e = assertThrows(ExecutionException.class, () ->
        open("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=x", new LinkedBlockingQueue<>())
            .get(10, TimeUnit.SECONDS));
    WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
    assertEquals(400, handshake.getResponse().statusCode());
  }
}

package io.tugboat.api.streaming;

import akka.util.ByteString;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * What the error stream of an exec or attach says at the end, as the kubelet writes it: from v4 on a Status
 * (Success, or NonZeroExitCode with the code as an ExitCode cause, which kubectl turns into its own exit code);
 * before v4 only a failure's message, and nothing on success.
 */
public final class ExecStatus {
  private ExecStatus() {}

  /** The error stream's content for an exit code; empty when nothing is to be sent. */
  public static Optional<ByteString> exited(ExecProtocol protocol, List<String> command, int code) {
    if (code == 0) {
      return protocol.jsonStatus() ? Optional.of(json(success())) : Optional.empty();
    }
    String message = "command terminated with non-zero exit code: error executing command " + command
        + ", exit code " + code;
    if (!protocol.jsonStatus()) {
      return Optional.of(ByteString.fromString(message));
    }
    ObjectNode s = Json.object();
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", message);
    s.put("reason", "NonZeroExitCode");
    s.putObject("details").putArray("causes").addObject().put("reason", "ExitCode").put("message",
        Integer.toString(code));
    return Optional.of(json(s));
  }

  /** The error stream's content when the session failed rather than the process exiting. */
  public static ByteString failed(ExecProtocol protocol, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    ApiError e = cause instanceof ApiException ae ? ae.error() : ApiError.internal(String.valueOf(cause.getMessage()));
    if (!protocol.jsonStatus()) {
      return ByteString.fromString(e.message());
    }
    ObjectNode s = Json.object();
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", e.message());
    s.put("reason", e.reason());
    s.put("code", e.code());
    return json(s);
  }

  /** A failure as a complete Status object, for an HTTP error body. */
  public static byte[] statusJson(ApiError e) {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", e.message());
    s.put("reason", e.reason());
    s.put("code", e.code());
    return json(s).toArray();
  }

  /** {@code {"metadata":{},"status":"Success"}}. */
  static ObjectNode success() {
    ObjectNode s = Json.object();
    s.putObject("metadata");
    s.put("status", "Success");
    return s;
  }

  private static ByteString json(ObjectNode status) {
    try {
      return ByteString.fromArray(Json.MAPPER.writeValueAsBytes(status));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.tugboat.api;

import akka.http.javadsl.model.HttpRequest;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bearer-token authentication from a static token file in Kubernetes' format
 * ({@code token,user,uid,"group1,group2"}). Requests without a token are anonymous; an unknown token is 401.
 */
final class Authenticator {
  private final Map<String, Caller> tokens;

  private Authenticator(Map<String, Caller> tokens) {
    this.tokens = tokens;
  }

  /** Reads the token file; an empty path means no tokens are known. */
  static Authenticator fromFile(String path) throws IOException {
    Map<String, Caller> tokens = new HashMap<>();
    if (path != null && !path.isEmpty()) {
      for (String line : Files.readAllLines(Path.of(path))) {
        line = line.trim();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        List<String> f = csv(line);
        if (f.size() < 3) {
          throw new IOException("token file " + path + ": expected token,user,uid[,\"groups\"] but got: " + line);
        }
        List<String> groups = f.size() > 3 && !f.get(3).isEmpty() ? List.of(f.get(3).split(",")) : List.of();
        tokens.put(f.get(0), new Caller(f.get(1), f.get(2), groups));
      }
    }
    return new Authenticator(tokens);
  }

  /** The caller of a request. */
  Caller authenticate(HttpRequest request) {
    String auth = request.getHeader("Authorization").map(h -> h.value()).orElse("");
    if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Caller.ANONYMOUS;
    }
    Caller c = tokens.get(auth.substring(7).trim());
    if (c == null) {
      throw new ApiException(new ApiError(401, "Unauthorized", "Unauthorized", null, null, List.of()));
    }
    return c;
  }

  private static List<String> csv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char ch : line.toCharArray()) {
      if (ch == '"') {
        quoted = !quoted;
      } else if (ch == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    out.add(cur.toString());
    return out;
  }
}

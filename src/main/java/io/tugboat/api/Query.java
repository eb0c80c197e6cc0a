package io.tugboat.api;

import akka.http.javadsl.model.HttpRequest;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import java.util.Optional;

/** Typed access to a request's query parameters. */
final class Query {
  private final akka.http.javadsl.model.Query query;

  Query(HttpRequest request) {
    this.query = request.getUri().query();
  }

  Optional<String> get(String name) {
    return query.get(name).filter(s -> !s.isEmpty());
  }

  String get(String name, String fallback) {
    return get(name).orElse(fallback);
  }

  boolean flag(String name) {
    return get(name).map(v -> v.equals("true") || v.equals("1")).orElse(false);
  }

  Optional<Long> number(String name) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(v.get()));
    } catch (NumberFormatException e) {
      throw new ApiException(ApiError.badRequest("invalid value for " + name + ": " + v.get()));
    }
  }
}

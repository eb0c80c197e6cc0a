package io.tugboat.api;

import java.util.List;

/** The authenticated user behind a request. */
record Caller(String user, String uid, List<String> groups) {
  static final Caller ANONYMOUS = new Caller("system:anonymous", "", List.of("system:unauthenticated"));
}

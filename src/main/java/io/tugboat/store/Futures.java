package io.tugboat.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Moves Akka's futures onto a plain {@link CompletableFuture} completed on an Akka dispatcher.
 *
 * <p>Why: Akka's Java API hands out Scala's CompletionStage adapter, whose non-async callbacks run on the JDK
 * common pool; on a 2-core machine that pool has parallelism 1, so the JDK starts a new thread for every
 * callback. Chaining on the plain future instead runs callbacks on the thread that completed it.
 */
public final class Futures {
  private Futures() {}

  /** A plain future with the outcome of {@code stage}, completed on {@code executor}. */
  public static <T> CompletableFuture<T> on(CompletionStage<T> stage, Executor executor) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    stage.whenCompleteAsync((value, error) -> {
      if (error != null) {
        plain.completeExceptionally(error);
      } else {
        plain.complete(value);
      }
    }, executor);
    return plain;
  }
}

package io.tugboat.api;

import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.Json;
import io.tugboat.model.PodDisruption;
import io.tugboat.model.ResourceRegistry;
import io.tugboat.model.ResourceType;
import io.tugboat.model.Subresource;
import io.tugboat.store.ObjectKey;
import io.tugboat.store.ObjectStore;
import io.tugboat.store.RequestInfo;
import io.tugboat.store.WatchCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The pods/eviction subresource: deletes a pod as its policy/v1 Eviction's deleteOptions say, unless the
 * PodDisruptionBudget selecting it allows no disruption now (429, which kubectl drain retries). A disruption
 * taken is first recorded in the budget's status (one fewer allowed, the pod in disruptedPods), so concurrent
 * evictions cannot all pass before the disruption controller sees the pods go.
 */
final class PodEviction {

  private static final ResourceType BUDGETS =
      ResourceRegistry.byPath("policy", "v1", "poddisruptionbudgets").orElseThrow();

  private PodEviction() {}

  /** POST …/pods/{name}/eviction with an Eviction body; answers 201 with a Success Status. */
  static CompletionStage<HttpResponse> evict(ObjectStore store, ObjectKey pod, JsonNode body, RequestInfo request) {
    JsonNode eviction = body == null ? Json.object() : body;
    if (!eviction.isObject()) {
      throw new ApiException(ApiError.badRequest("the request body must be an Eviction"));
    }
    String kind = Json.text(eviction.path("kind"));
    if (!kind.isEmpty() && !kind.equals("Eviction")) {
      throw new ApiException(ApiError.badRequest("the kind in the data (" + kind + ") is not Eviction"));
    }
    String name = Json.metaText(eviction, "name");
    if (!name.isEmpty() && !name.equals(pod.name())) {
      throw new ApiException(ApiError.badRequest("name in URL does not match name in Eviction object"));
    }
    JsonNode opts = eviction.path("deleteOptions");
    RequestInfo info = withDryRun(request, opts);
    WatchCache.Entry current = store.get(pod).orElseThrow(() -> new ApiException(
        ApiError.notFound("pods", pod.name())));
    List<JsonNode> budgets = new ArrayList<>();
    store.cache().list(BUDGETS.storageKey(), pod.namespace(), e -> true, null, 0).items()
        .forEach(e -> budgets.add(e.object()));
    PodDisruption.Decision decision = PodDisruption.evict(current.object(), budgets, info.time());
    CompletionStage<?> budgetWritten;
    if (decision instanceof PodDisruption.Refused refused) {
      throw new ApiException(refused.error());
    } else if (decision instanceof PodDisruption.TakeDisruption take && !info.dryRun()) {
      ObjectNode budget = ((ObjectNode) take.budget()).deepCopy();
      budget.set("status", take.newStatus());
      ObjectKey budgetKey = ObjectKey.of(BUDGETS, pod.namespace(), Json.metaText(budget, "name"));
      // The cached resourceVersion rides along: a budget changed meanwhile is a 409, told as "try again".
      budgetWritten = store.update(budgetKey, budget, Subresource.STATUS, info).exceptionally(e -> {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ApiException ae && ae.error().code() == 409) {
          throw new ApiException(new ApiError(429, "TooManyRequests", "the disruption budget "
              + budgetKey.name() + " changed while the eviction was checked against it; try again", null, null,
              List.of()));
        }
        throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
      });
    } else {
      budgetWritten = CompletableFuture.completedFuture(null);
    }
    String uid = Json.text(opts.path("preconditions").path("uid"));
    String rv = Json.text(opts.path("preconditions").path("resourceVersion"));
    Long grace = opts.hasNonNull("gracePeriodSeconds") ? Long.valueOf(opts.get("gracePeriodSeconds").asLong()) : null;
    String propagation = opts.hasNonNull("propagationPolicy") ? opts.get("propagationPolicy").asText() : null;
    if (propagation != null && !Set.of("Background", "Foreground", "Orphan").contains(propagation)) {
      throw new ApiException(ApiError.badRequest("propagationPolicy must be one of Background, Foreground, Orphan"));
    }
    RequestInfo delete = new RequestInfo(info.user(), info.userAgent(), info.requestId(), "delete", info.time(),
        info.dryRun());
    return budgetWritten
        .thenCompose(v -> store.delete(pod, uid.isEmpty() ? null : uid, rv.isEmpty() ? null : rv, grace, propagation,
            delete))
        .thenApply(r -> {
          ObjectNode status = Json.object();
          status.put("kind", "Status");
          status.put("apiVersion", "v1");
          status.putObject("metadata");
          status.put("status", "Success");
          status.put("code", 201);
          return Responses.json(201, status);
        });
  }

  /** The request as a dry run when the Eviction's deleteOptions ask for one ("All" only). */
  private static RequestInfo withDryRun(RequestInfo request, JsonNode opts) {
    boolean dryRun = request.dryRun();
    for (JsonNode v : opts.path("dryRun")) {
      if (!v.asText().equals("All")) {
        throw new ApiException(ApiError.badRequest("Invalid dry run value: \"" + v.asText()
            + "\": supported values are \"All\""));
      }
      dryRun = true;
    }
    return new RequestInfo(request.user(), request.userAgent(), request.requestId(), request.verb(), request.time(),
        dryRun);
  }
}

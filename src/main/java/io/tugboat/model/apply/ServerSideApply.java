package io.tugboat.model.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.ApiError;
import io.tugboat.model.ApiException;
import io.tugboat.model.FieldError;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.Subresource;
import io.tugboat.model.apply.ManagedFields.Entry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Server-side apply ({@code application/apply-patch+yaml}) with structured-merge-diff semantics, as a pure function
 * of the live object and the applied configuration.
 *
 * <ol>
 *   <li>The configuration merges into the live object: maps by field, keyed lists by merge key, sets by value;
 *       scalars and atomic lists and maps are replaced.</li>
 *   <li>Fields the manager applied last time but no longer applies are removed, unless another manager owns them
 *       (or something below them).</li>
 *   <li>Every field the merge added or changed that another manager owns is a conflict; without force the apply
 *       fails with all of them, with force the other managers lose those fields.</li>
 *   <li>The manager's Apply entry becomes exactly the fields of the configuration; fields set to the value they
 *       already had are shared with their other owners.</li>
 * </ol>
 */
public final class ServerSideApply {

  private ServerSideApply() {}

  /** One field another manager owns with a different value. */
  public record Conflict(Entry owner, FieldPath path) {}

  /** The outcome of an apply. */
  public sealed interface Result {}

  /** The object to store, with its managedFields. */
  public record Applied(ObjectNode object) implements Result {}

  /** The apply was refused: these fields belong to other managers. */
  public record Conflicts(List<Conflict> conflicts) implements Result {
    /** The 409 Conflict Status Kubernetes answers. */
    public ApiError toApiError() {
      return conflictError(conflicts);
    }
  }

  /** Applies to the object itself (not a subresource), now. */
  public static Result apply(ObjectNode current, JsonNode applied, String manager, boolean force, String kind) {
    return apply(current, applied, manager, force, kind, Subresource.MAIN, Instant.now());
  }

  /**
   * Applies {@code applied} for {@code manager} to {@code current}; neither is modified.
   *
   * @param current the live object with its managedFields, null when it does not exist yet
   * @param sub the part applied to: the object (its status is ignored) or its status (only status is read)
   * @throws ApiException 400 when the configuration is not an object, sets managedFields, or has a keyed list
   *     element without its key or twice
   */
  public static Result apply(ObjectNode current, JsonNode applied, String manager, boolean force, String kind,
      Subresource sub, Instant now) {
    if (applied == null || !applied.isObject()) {
      throw new ApiException(ApiError.badRequest("the body of an apply patch must be a YAML or JSON object"));
    }
    JsonNode givenManaged = applied.path("metadata").path("managedFields");
    if (!givenManaged.isMissingNode() && !givenManaged.isNull()) {
      throw new ApiException(ApiError.badRequest("metadata.managedFields must be nil"));
    }
    ObjectNode config = scoped((ObjectNode) applied, sub);
    Structure structure = Structure.of(kind);
    Predicate<FieldPath> scope = ManagedFields.writable(sub);
    FieldSet applySet;
    try {
      applySet = structure.fieldSetOf(config, true).filter(scope);
    } catch (ApplyException e) {
      throw new ApiException(ApiError.badRequest(e.getMessage()));
    }
    JsonNode liveOrNull = ManagedFields.withoutManagedFields(current);
    ObjectNode live = liveOrNull instanceof ObjectNode o ? o : Json.object();
    String apiVersion = Json.text(config.path("apiVersion"));
    if (apiVersion.isEmpty()) {
      apiVersion = Json.text(live.path("apiVersion"));
    }
    String time = ObjectLifecycle.timestamp(now);
    Entry self = new Entry(manager, ManagedFields.APPLY, apiVersion, time, sub == Subresource.STATUS ? "status" : "",
        FieldSet.EMPTY);

    List<Entry> others = new ArrayList<>();
    Entry previous = null;
    FieldSet othersOwn = FieldSet.EMPTY;
    for (Entry e : ManagedFields.read(current)) {
      if (e.sameManager(self)) {
        previous = e;
      } else {
        others.add(e);
        othersOwn = othersOwn.union(e.fields());
      }
    }

    ObjectNode merged = (ObjectNode) structure.merge(live, config, "");
    if (previous != null) {
      FieldSet dropped = previous.fields().withAncestors();
      FieldSet kept = applySet.union(othersOwn).withAncestors();
      structure.remove(merged, p -> dropped.contains(p) && !kept.contains(p));
    }

    Structure.Comparison diff = structure.compare(live, merged);
    FieldSet changed = diff.changed().filter(scope);
    FieldSet removed = diff.removed().filter(scope);
    List<Conflict> conflicts = new ArrayList<>();
    for (Entry e : others) {
      e.fields().intersection(changed).forEach(p -> conflicts.add(new Conflict(e, p)));
    }
    if (!conflicts.isEmpty() && !force) {
      return new Conflicts(conflicts);
    }

    List<Entry> entries = new ArrayList<>();
    for (Entry e : others) {
      entries.add(e.withFields(e.fields().difference(changed).difference(removed), e.time()));
    }
    boolean objectChanged = !changed.isEmpty() || !removed.isEmpty();
    boolean same = previous != null && previous.fields().equals(applySet) && !objectChanged;
    entries.add(new Entry(manager, ManagedFields.APPLY, apiVersion, same ? previous.time() : time,
        self.subresource(), applySet));
    ManagedFields.write(merged, entries);
    return new Applied(merged);
  }

  /** The part of the configuration an apply through {@code sub} reads. */
  private static ObjectNode scoped(ObjectNode applied, Subresource sub) {
    ObjectNode config = applied.deepCopy();
    if (sub == Subresource.STATUS) {
      config.properties().removeIf(e -> !List.of("apiVersion", "kind", "metadata", "status").contains(e.getKey()));
      JsonNode meta = config.path("metadata");
      if (meta instanceof ObjectNode m) {
        m.properties().removeIf(e -> !List.of("name", "namespace", "resourceVersion").contains(e.getKey()));
      }
    } else {
      config.remove("status");
    }
    return config;
  }

  /**
   * The 409 Kubernetes answers for conflicts: {@code Apply failed with 1 conflict: conflict with "kubectl" using
   * apps/v1: .spec.replicas}, one FieldManagerConflict cause per field.
   */
  public static ApiError conflictError(List<Conflict> conflicts) {
    List<FieldError> causes = new ArrayList<>();
    for (Conflict c : conflicts) {
      causes.add(new FieldError("FieldManagerConflict", "conflict with " + c.owner().describe(), c.path().toString()));
    }
    String message;
    if (conflicts.size() == 1) {
      Conflict c = conflicts.get(0);
      message = "Apply failed with 1 conflict: conflict with " + c.owner().describe() + ": " + c.path();
    } else {
      Map<String, List<FieldPath>> byManager = new LinkedHashMap<>();
      conflicts.stream().sorted(Comparator.comparing((Conflict c) -> c.owner().describe()))
          .forEach(c -> byManager.computeIfAbsent(c.owner().describe(), k -> new ArrayList<>()).add(c.path()));
      List<String> lines = new ArrayList<>();
      byManager.forEach((manager, paths) -> {
        lines.add("conflicts with " + manager + ":");
        paths.forEach(p -> lines.add("- " + p));
      });
      message = "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
    }
    return new ApiError(409, "Conflict", message, null, null, causes);
  }
}

package io.tugboat.model.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.model.Json;
import io.tugboat.model.ObjectLifecycle;
import io.tugboat.model.Subresource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code metadata.managedFields}: which manager owns which fields, and how an ordinary write (create, update, or a
 * patch other than apply) moves ownership, as Kubernetes' field manager does. An update takes the fields it set or
 * changed (from whoever owned them) and keeps what it owned before; fields it removed are owned by nobody.
 *
 * <p>Server-owned metadata (name, namespace, uid, resourceVersion, generation, timestamps, managedFields) is owned
 * by nobody. A write to the main resource never owns status, a status write owns only status.
 */
public final class ManagedFields {

  /** The longest manager name, as Kubernetes allows. */
  static final int MAX_MANAGER_LENGTH = 128;

  /** Operation of an entry made by server-side apply. */
  public static final String APPLY = "Apply";
  /** Operation of an entry made by any other write. */
  public static final String UPDATE = "Update";

  private static final Set<String> UNOWNED_META = Set.of("name", "namespace", "uid", "resourceVersion",
      "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
      "managedFields");

  private ManagedFields() {}

  /**
   * One entry: a manager, how it wrote (Apply or Update), through which subresource ("" for the object itself), in
   * which apiVersion, when its fields last changed, and the fields it owns.
   */
  public record Entry(String manager, String operation, String apiVersion, String time, String subresource,
      FieldSet fields) {
    public Entry {
      subresource = subresource == null ? "" : subresource;
    }

    /** Whether this entry and another are the same writer: Kubernetes' manager identifier. */
    public boolean sameManager(Entry other) {
      return manager.equals(other.manager) && operation.equals(other.operation)
          && subresource.equals(other.subresource)
          && (operation.equals(APPLY) || apiVersion.equals(other.apiVersion));
    }

    /** The entry with other fields; the time moves to {@code now} when the fields differ. */
    Entry withFields(FieldSet newFields, String now) {
      return new Entry(manager, operation, apiVersion, newFields.equals(fields) ? time : now, subresource, newFields);
    }

    /** As Kubernetes names a manager in a conflict: {@code "kubectl" using apps/v1}. */
    public String describe() {
      String s = "\"" + manager + "\"";
      if (!subresource.isEmpty()) {
        s += " with subresource \"" + subresource + "\"";
      }
      return operation.equals(UPDATE) ? s + " using " + apiVersion : s;
    }
  }

  /**
   * The manager of a write: the fieldManager parameter when given, else the user agent up to its first '/'
   * ({@code kubectl/v1.30.0 (linux/amd64)} writes as {@code kubectl}), printable characters only, at most 128.
   */
  public static String managerFor(String fieldManager, String userAgent) {
    if (fieldManager != null && !fieldManager.isEmpty()) {
      return fieldManager;
    }
    String prefix = userAgent == null ? "" : userAgent.split("/", 2)[0];
    StringBuilder sb = new StringBuilder();
    prefix.codePoints()
        .filter(c -> !Character.isISOControl(c) && Character.isDefined(c))
        .forEach(c -> {
          if (sb.length() + Character.charCount(c) <= MAX_MANAGER_LENGTH) {
            sb.appendCodePoint(c);
          }
        });
    return sb.toString();
  }

  // ---- reading and writing metadata.managedFields ----

  /** The entries of an object (none when absent); entries that cannot be read are dropped, as Kubernetes does. */
  public static List<Entry> read(JsonNode object) {
    List<Entry> out = new ArrayList<>();
    if (object == null) {
      return out;
    }
    for (JsonNode e : object.path("metadata").path("managedFields")) {
      String manager = Json.text(e.path("manager"));
      String operation = Json.text(e.path("operation"));
      if (!operation.equals(APPLY) && !operation.equals(UPDATE)) {
        continue;
      }
      try {
        out.add(new Entry(manager, operation, Json.text(e.path("apiVersion")), Json.text(e.path("time")),
            Json.text(e.path("subresource")), FieldSet.fromFieldsV1(e.get("fieldsV1"))));
      } catch (IllegalArgumentException ignored) {
        // An unreadable entry owns nothing.
      }
    }
    return out;
  }

  /** Sets metadata.managedFields, in Kubernetes' order (Apply before Update, then by time and manager). */
  public static void write(ObjectNode object, List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.removeIf(e -> e.fields().isEmpty());
    sorted.sort(Comparator.comparing(Entry::operation).thenComparing(Entry::time).thenComparing(Entry::manager)
        .thenComparing(Entry::apiVersion).thenComparing(Entry::subresource));
    ObjectNode meta = Json.meta(object);
    if (sorted.isEmpty()) {
      meta.remove("managedFields");
      return;
    }
    ArrayNode list = meta.putArray("managedFields");
    for (Entry e : sorted) {
      ObjectNode o = list.addObject();
      o.put("manager", e.manager());
      o.put("operation", e.operation());
      o.put("apiVersion", e.apiVersion());
      if (!e.time().isEmpty()) {
        o.put("time", e.time());
      }
      o.put("fieldsType", "FieldsV1");
      o.set("fieldsV1", e.fields().toFieldsV1());
      if (!e.subresource().isEmpty()) {
        o.put("subresource", e.subresource());
      }
    }
  }

  /** {@code target} with the managedFields of {@code source} (none if it has none); returns target. */
  public static ObjectNode withEntriesOf(JsonNode source, ObjectNode target) {
    JsonNode entries = source.path("metadata").get("managedFields");
    if (entries == null) {
      Json.meta(target).remove("managedFields");
    } else {
      Json.meta(target).set("managedFields", entries.deepCopy());
    }
    return target;
  }

  /** Whether two versions of an object differ in who owns what (times aside). */
  public static boolean ownershipChanged(JsonNode old, JsonNode updated) {
    return !key(read(old)).equals(key(read(updated)));
  }

  private static List<String> key(List<Entry> entries) {
    return entries.stream()
        .map(e -> e.manager() + "|" + e.operation() + "|" + e.apiVersion() + "|" + e.subresource() + "|" + e.fields())
        .sorted().toList();
  }

  // ---- an update ----

  /**
   * The updated object with its managedFields after an ordinary write by {@code manager}: the entries of
   * {@code updated} when the writer set them explicitly (a main write whose managedFields differ from the live
   * ones), else those of {@code live}; then the fields the write set or changed move to the writer's Update entry,
   * and fields it removed leave every entry.
   *
   * @param live the object before the write, null for a create
   * @param updated the object as it will be stored
   */
  public static ObjectNode update(String kind, JsonNode live, ObjectNode updated, String manager, Subresource sub,
      Instant now) {
    ObjectNode result = updated.deepCopy();
    JsonNode given = updated.path("metadata").get("managedFields");
    boolean explicit = sub == Subresource.MAIN && given != null && given.isArray() && !given.isEmpty()
        && (live == null || !given.equals(live.path("metadata").path("managedFields")));
    List<Entry> entries = explicit ? read(updated) : read(live);
    Structure structure = Structure.of(kind);
    Structure.Comparison diff = structure.compare(withoutManagedFields(live), withoutManagedFields(updated));
    Predicate<FieldPath> scope = writable(sub);
    FieldSet changed = diff.changed().filter(scope);
    FieldSet removed = diff.removed().filter(scope);
    String time = ObjectLifecycle.timestamp(now);
    String subresource = sub == Subresource.STATUS ? "status" : "";
    Entry self = new Entry(manager, UPDATE, updated.path("apiVersion").asText(), time, subresource, FieldSet.EMPTY);
    List<Entry> out = new ArrayList<>();
    Entry previous = null;
    for (Entry e : entries) {
      if (e.sameManager(self)) {
        previous = e;
      } else {
        out.add(e.withFields(e.fields().difference(changed).difference(removed), e.time()));  // keeps its time
      }
    }
    if (previous != null || !changed.isEmpty()) {
      FieldSet before = previous == null ? FieldSet.EMPTY : previous.fields().difference(removed);
      String since = changed.isEmpty() ? previous.time() : time;
      out.add(new Entry(manager, UPDATE, self.apiVersion(), since, subresource, before.union(changed)));
    }
    write(result, out);
    return result;
  }

  /** The object without metadata.managedFields (a copy), or null. */
  static JsonNode withoutManagedFields(JsonNode object) {
    if (object == null || !object.has("metadata")) {
      return object;
    }
    ObjectNode copy = ((ObjectNode) object).deepCopy();
    Json.meta(copy).remove("managedFields");
    return copy;
  }

  /** The paths a write through {@code sub} can own: status for status writes, the rest but server-owned metadata. */
  static Predicate<FieldPath> writable(Subresource sub) {
    return path -> {
      List<PathElement> els = path.elements();
      if (els.isEmpty() || !(els.get(0) instanceof PathElement.Field top)) {
        return false;
      }
      if (sub == Subresource.STATUS) {
        return top.name().equals("status");
      }
      if (top.name().equals("status") || top.name().equals("apiVersion") || top.name().equals("kind")) {
        return false;
      }
      if (top.name().equals("metadata")) {
        return els.size() > 1 && els.get(1) instanceof PathElement.Field f && !UNOWNED_META.contains(f.name());
      }
      return true;
    };
  }
}

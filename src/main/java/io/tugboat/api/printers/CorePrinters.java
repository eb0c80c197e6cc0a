package io.tugboat.api.printers;

import static io.tugboat.api.printers.SwaggerDocs.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.tugboat.model.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/** Columns of the core namespaced kinds: Namespace, Event, ConfigMap, Secret, ServiceAccount, ResourceQuota. */
final class CorePrinters {

  private CorePrinters() {}

  static Printer namespace() {
    return Printer.named()
        .string("Status", "The status of the namespace", (o, now) -> Cells.text(o.path("status").path("phase")))
        .age()
        .build();
  }

  static Printer configMap() {
    return Printer.named()
        .string("Data", CONFIG_MAP_DATA, (o, now) -> (long) (o.path("data").size() + o.path("binaryData").size()))
        .age()
        .build();
  }

  static Printer secret() {
    return Printer.named()
        .string("Type", SECRET_TYPE, (o, now) -> Cells.text(o.path("type")))
        .string("Data", SECRET_DATA, (o, now) -> (long) o.path("data").size())
        .age()
        .build();
  }

  static Printer serviceAccount() {
    return Printer.named()
        .string("Secrets", SERVICE_ACCOUNT_SECRETS, (o, now) -> (long) o.path("secrets").size())
        .age()
        .build();
  }

  static Printer resourceQuota() {
    return Printer.named()
        .string("Request", "Request represents a minimum amount of cpu/memory that a container may consume.",
            (o, now) -> quota(o, false))
        .string("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of "
            + "contention on the node.", (o, now) -> quota(o, true))
        .age()
        .build();
  }

  /** Event columns; Name comes last and only with -o wide, as in Kubernetes. */
  static Printer event() {
    return Printer.builder()
        .string("Last Seen", EVENT_LAST_TIMESTAMP, CorePrinters::lastSeen)
        .string("Type", EVENT_TYPE, (o, now) -> Cells.text(o.path("type")))
        .string("Reason", EVENT_REASON, (o, now) -> Cells.text(o.path("reason")))
        .string("Object", EVENT_INVOLVED_OBJECT, (o, now) -> eventTarget(o.path("involvedObject")))
        .wide("Subobject", OBJECT_REFERENCE_FIELD_PATH,
            (o, now) -> Cells.text(o.path("involvedObject").path("fieldPath")))
        .wide("Source", EVENT_SOURCE, (o, now) -> eventSource(o))
        .string("Message", EVENT_MESSAGE, (o, now) -> Cells.text(o.path("message")).strip())
        .wide("First Seen", EVENT_FIRST_TIMESTAMP, CorePrinters::firstSeen)
        .wide("Count", EVENT_COUNT, (o, now) -> eventCount(o))
        .add("Name", "string", "name", OBJECT_META_NAME, 1, (o, now) -> Cells.name(o))
        .build();
  }

  /** "resource: used/hard" for each hard limit, sorted by name; limits.* go to the Limit column. */
  private static String quota(JsonNode o, boolean limits) {
    JsonNode used = o.path("status").path("used");
    List<String> parts = new ArrayList<>();
    new TreeMap<>(Json.stringMap(o.path("status").path("hard"))).forEach((resource, hard) -> {
      String[] pieces = resource.split("\\.");
      boolean isLimit = pieces.length > 1 && pieces[0].equals("limits");
      if (isLimit == limits) {
        parts.add(resource + ": " + Cells.textOr(used.path(resource), "0") + "/" + hard);
      }
    });
    return String.join(", ", parts);
  }

  private static String firstSeen(JsonNode o, Instant now) {
    JsonNode first = o.path("firstTimestamp");
    return Cells.instant(first) != null ? Cells.since(first, now) : Cells.since(o.path("eventTime"), now);
  }

  private static String lastSeen(JsonNode o, Instant now) {
    JsonNode series = o.path("series");
    if (series.isObject()) {
      return Cells.since(series.path("lastObservedTime"), now);
    }
    JsonNode last = o.path("lastTimestamp");
    return Cells.instant(last) != null ? Cells.since(last, now) : firstSeen(o, now);
  }

  private static Long eventCount(JsonNode o) {
    if (o.path("series").isObject()) {
      return o.path("series").path("count").asLong(0);
    }
    long count = o.path("count").asLong(0);
    // Singleton events of the events.k8s.io API carry no count.
    return count == 0 ? 1L : count;
  }

  private static String eventTarget(JsonNode ref) {
    String kind = Cells.text(ref.path("kind")).toLowerCase(Locale.ROOT);
    String name = Cells.text(ref.path("name"));
    return name.isEmpty() ? kind : kind + "/" + name;
  }

  /** "component, host", falling back to reportingComponent and reportingInstance. */
  private static String eventSource(JsonNode o) {
    String component = firstNonEmpty(Cells.text(o.path("source").path("component")),
        Cells.text(o.path("reportingComponent")));
    String instance = firstNonEmpty(Cells.text(o.path("source").path("host")), Cells.text(o.path("reportingInstance")));
    return instance.isEmpty() ? component : component + ", " + instance;
  }

  private static String firstNonEmpty(String a, String b) {
    return a.isEmpty() ? b : a;
  }
}

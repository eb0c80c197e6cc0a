package io.tugboat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tugboat.api.printers.Printer;
import io.tugboat.api.printers.Printers;
import io.tugboat.model.Json;
import io.tugboat.model.ResourceType;
import java.time.Instant;
import java.util.List;

/**
 * Server-side printing: the meta.k8s.io/v1 Table kubectl asks for, with the columns Kubernetes' printers give
 * the kind (see {@link Printers}) and each row's object metadata.
 */
final class Tables {

  private Tables() {}

  /** A Table of these objects; includeObject is None, Metadata (default) or Object. */
  static ObjectNode table(ResourceType type, List<JsonNode> objects, String resourceVersion, String continueToken,
      String includeObject, Instant now) {
    Printer printer = Printers.forKind(type.kind());
    ObjectNode t = Json.object();
    t.put("kind", "Table");
    t.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = t.putObject("metadata");
    meta.put("resourceVersion", resourceVersion);
    if (continueToken != null && !continueToken.isEmpty()) {
      meta.put("continue", continueToken);
    }
    ArrayNode defs = t.putArray("columnDefinitions");
    for (Printer.Column c : printer.columns()) {
      defs.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
          .put("description", c.description()).put("priority", c.priority());
    }
    ArrayNode rows = t.putArray("rows");
    for (JsonNode obj : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Object cell : printer.cells(obj, now)) {
        add(cells, cell);
      }
      if ("Object".equals(includeObject)) {
        row.set("object", obj);
      } else if (!"None".equals(includeObject)) {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", obj.path("metadata"));
      }
    }
    return t;
  }

  private static void add(ArrayNode cells, Object cell) {
    if (cell instanceof Long n) {
      cells.add(n);
    } else if (cell instanceof Boolean b) {
      cells.add(b);
    } else {
      cells.add(String.valueOf(cell));
    }
  }
}
